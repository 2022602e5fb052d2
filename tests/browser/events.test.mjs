// IVS's events feed the board: the console reads the emulator's SQS queue
// of EventBridge events, which drops 10 % of them and reorders 10 %
// (seeded). A change whose event arrives shows on the board in Chromium
// within 2 s; one whose event was lost or held back is corrected by the
// next reconciliation sweep (every 10 s here). Simulator off: only the cues
// change anything.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, startEmulator, launchBrowser, withPage, percentiles } from "./harness.mjs";

const RECONCILE_MS = 10000;
let emu, app, browser;
before(async () => {
  emu = await startEmulator(["-simulate=false", "-rand-seed", "7", "-event-drop", "0.1", "-event-reorder", "0.1", "-event-fault-seed", "5"]);
  const queue = (await emu.admin("events")).queueUrl;
  app = await startConsole(["-ivs-endpoint", emu.url, "-events-queue-url", "us-east-1=" + queue, "-events-queue-url", "eu-west-1=" + queue,
    "-watch-reconcile-every", RECONCILE_MS / 1000 + "s", "-watch-call-rate", "1", "-watch-min-cadence", "1s"]);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await app?.stop(); await emu?.stop(); });

test("events show each change within 2 s when delivered, and the reconciliation corrects the ones lost", async (t) => {
  const list = await emu.admin("ingest?region=us-east-1");
  const cfg = (list.ingestConfigurations || []).find((c) => c.name === "studio-b-redundant");
  assert.ok(cfg, "the demo world has studio-b-redundant");
  const id = cfg.arn.split("/").pop();
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/board");
    const pair = (state) => page.locator(`[data-pair="${id}"][data-redundancy="${state}"]`);
    await pair("protected").waitFor({ timeout: 30000 });
    await page.locator('[data-region="us-east-1"]', { hasText: "events live" }).waitFor({ timeout: 15000 });

    const delivered = [], faulted = [];
    const steps = [["drop", "A", "degraded"], ["recover", "A", "protected"], ["drop", "B", "degraded"], ["recover", "B", "protected"]];
    for (let round = 0; round < 4; round++) {
      for (const [cue, encoder, want] of steps) {
        const before = (await emu.admin("events")).stats;
        const body = { region: "us-east-1", ingestConfiguration: id, encoder };
        if (cue === "drop") body.errorCode = "BITRATE_EXCEEDED";
        const t0 = Date.now();
        await emu.admin("encoder/" + cue, body);
        await pair(want).waitFor({ timeout: RECONCILE_MS + 5000 });
        const ms = Date.now() - t0;
        const after = (await emu.admin("events")).stats;
        // A step whose events were all delivered at once is "delivered";
        // one with an event dropped or held back for reordering waits for
        // the next event or the reconciliation.
        if (after.dropped === before.dropped && after.reordered === before.reordered) delivered.push(ms);
        else faulted.push(ms);
        if (want === "degraded") {
          assert.match(await page.locator(`[data-pair="${id}"]`).textContent(), /BITRATE_EXCEEDED/, "the cause comes with the drop");
        }
      }
    }
    const stats = (await emu.admin("events")).stats;
    const d = percentiles(delivered), f = faulted.length ? percentiles(faulted) : null;
    t.diagnostic(`events ${JSON.stringify(stats)}; board latency in Chromium, events delivered (ms): ${JSON.stringify(d)}; with an event lost or reordered: ${JSON.stringify(f)}`);
    assert.ok(delivered.length >= 8, `only ${delivered.length} of 16 steps had their events delivered: the fault rates are off`);
    assert.ok(d.max <= 2000, `a change whose events were delivered took ${d.max} ms to show (bar: 2 s)`);
    if (f) assert.ok(f.max <= RECONCILE_MS + 3000, `a change whose event was lost took ${f.max} ms (bar: one reconciliation, ${RECONCILE_MS} ms, + a sweep)`);
    assert.ok(stats.dropped + stats.reordered > 0, "the run should have lost or reordered some events");
  });
});
