// The ops board: what is broken now, everywhere, and since when. The console
// runs on a standalone emulator (simulator off, so only the cues change
// anything) whose admin API drops and recovers encoders on cue.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, startEmulator, launchBrowser, withPage, checkA11y, percentiles } from "./harness.mjs";

let emu, app, browser;
before(async () => {
  emu = await startEmulator(["-simulate=false", "-rand-seed", "7"]);
  // A fast watcher for the test: the emulator has no quota to share.
  app = await startConsole(["-ivs-endpoint", emu.url, "-watch-call-rate", "5", "-watch-min-cadence", "1s"]);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await app?.stop(); await emu?.stop(); });

// pairByName finds a configuration of the demo world as the emulator lists it.
async function pairByName(name) {
  const list = await emu.admin("ingest?region=us-east-1");
  const cfg = (list.ingestConfigurations || list.configurations || list).find((c) => c.name === name);
  assert.ok(cfg, "the demo world has " + name + ": " + JSON.stringify(list).slice(0, 300));
  return cfg;
}

test("the board shows a dropped encoder within the watcher's cadence + 1 s, and its recovery", async (t) => {
  const cfg = await pairByName("studio-b-redundant");
  const id = cfg.arn.split("/").pop();
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/");
    await page.waitForURL(/\/board$/);
    const tile = page.locator(`[data-pair="${id}"]`);
    await tile.and(page.locator('[data-redundancy="protected"]')).waitFor({ timeout: 30000 });
    await checkA11y(page, "the board");
    const latencies = [];
    let cadence = 0;
    for (let round = 0; round < 4; round++) {
      const encoder = round % 2 === 0 ? "A" : "B";
      let t0 = Date.now();
      await emu.admin("encoder/drop", { region: "us-east-1", ingestConfiguration: id, encoder, errorCode: "BITRATE_EXCEEDED" });
      await page.locator(`[data-pair="${id}"][data-redundancy="degraded"]`).waitFor({ timeout: 15000 });
      latencies.push(Date.now() - t0);
      assert.match(await page.title(), /^\(\d+\) Board/, "the tab title counts the problem");
      const text = await page.locator(`[data-pair="${id}"]`).textContent();
      assert.match(text, /BITRATE_EXCEEDED/);
      assert.match(text, /lower the encoder's bitrate/);
      t0 = Date.now();
      await emu.admin("encoder/recover", { region: "us-east-1", ingestConfiguration: id, encoder });
      await page.locator(`[data-pair="${id}"][data-redundancy="protected"]`).waitFor({ timeout: 15000 });
      latencies.push(Date.now() - t0);
      assert.doesNotMatch(await page.locator(`[data-pair="${id}"]`).textContent(), /BITRATE_EXCEEDED/, "a cause is shown only while it is current");
      const line = await page.locator('[data-region="us-east-1"]').textContent();
      cadence = Math.max(cadence, Number((line.match(/every (\d+) s/) || [0, 1])[1]) * 1000);
    }
    const p = percentiles(latencies);
    t.diagnostic(`board latency from cue to Chromium (ms): ${JSON.stringify(p)}, cadence ${cadence} ms`);
    assert.ok(p.max <= cadence + 1000 + 1000, `slowest update ${p.max} ms exceeds the cadence ${cadence} ms + 1 s (+1 s of emulator and browser slack)`);
  });
});

test("board → degraded tile → the encoder's participant page → its configuration, links only", async (t) => {
  const cfg = await pairByName("studio-b-redundant");
  const id = cfg.arn.split("/").pop();
  await emu.admin("encoder/drop", { region: "us-east-1", ingestConfiguration: id, encoder: "B", errorCode: "RESOLUTION_EXCEEDED" });
  try {
    await withPage(t, browser, async (page) => {
      await page.goto(app.url + "/board");
      const pair = page.locator(`[data-pair="${id}"][data-redundancy="degraded"]`);
      await pair.waitFor({ timeout: 15000 });
      const b = pair.locator('[data-encoder="B"]');
      const participant = (await b.locator("a").first().textContent()).trim();
      await b.locator("a").first().click();
      await page.getByRole("heading", { name: "Participant " + participant }).waitFor();
      assert.ok(await page.locator("#events").getByText("RESOLUTION_EXCEEDED").count(), "the participant's timeline has the error");
      await page.locator(`main a[href$="/ingest-configurations/${id}"]`).first().click();
      await page.waitForURL(new RegExp("/ingest-configurations/" + id + "$"));
      const encoders = page.locator("#encoders-now");
      assert.match(await encoders.textContent(), /Degraded/);
      assert.match(await encoders.textContent(), /RESOLUTION_EXCEEDED/);
      // The configuration's timeline shows the drop, and its table says when and why.
      const timeline = page.locator("figure[aria-labelledby='encoder-timeline-title']");
      await timeline.getByText("changes as a table").click();
      const row = timeline.locator("tbody tr").filter({ has: page.locator("td:nth-child(2)", { hasText: /^Encoder B$/ }) }).filter({ hasText: "RESOLUTION_EXCEEDED" });
      assert.equal(await row.count(), 1, "the timeline's table has the drop of encoder B");
      assert.match(await timeline.locator('svg[aria-label^="Encoder B"]').getAttribute("aria-label"), /[1-9]\d* changes?/);
      await checkA11y(page, "a configuration with its timeline");
    });
  } finally {
    await emu.admin("encoder/recover", { region: "us-east-1", ingestConfiguration: id, encoder: "B" });
  }
});

test("a phone can read the board, and it works without JavaScript", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/board");
    await page.locator("[data-stage]").first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the board is ${overflow} px wider than a 390 px screen`);
  }, { viewport: { width: 390, height: 844 } });
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/board");
    assert.ok(await page.locator("[data-stage]").count() > 0, "tiles without JavaScript");
  }, { javaScriptEnabled: false });
});
