// The program output in real Chromium. (a) A composition destination fails
// on cue: the board says so, the stage and composition pages explain it,
// and the board is clean again once it recovers. (b) An operator starts a
// composition to a channel from a live stage's page and stops it, and the
// audit log has both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, startEmulator, launchBrowser, withPage, checkA11y } from "./harness.mjs";

let emu, app, embedded, browser;
before(async () => {
  emu = await startEmulator(["-simulate=false", "-rand-seed", "7"]);
  app = await startConsole(["-ivs-endpoint", emu.url, "-watch-call-rate", "5", "-watch-min-cadence", "1s"]);
  embedded = await startConsole();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await app?.stop(); await embedded?.stop(); await emu?.stop(); });

test("a composition destination fails on cue: board → stage → composition explain it; recovered, the board is clean", async (t) => {
  const { compositions } = await emu.admin("compositions?region=us-east-1");
  const comp = compositions.find((c) => c.state === "ACTIVE");
  assert.ok(comp, "the demo world composes a live stage: " + JSON.stringify(compositions).slice(0, 300));
  const compID = comp.arn.split("/").pop();
  const stageID = comp.stageArn.split("/").pop();
  const dest = comp.destinations.find((d) => d.name === "program-channel");
  await emu.admin("composition/destination/fail", { composition: comp.arn, destination: dest.id });
  let recovered = false;
  try {
    await withPage(t, browser, async (page) => {
      await page.goto(app.url + "/board");
      const tile = page.locator(`article[data-stage="${stageID}"]`);
      const lost = tile.locator(`[data-composition="${compID}"] [data-destination="${dest.id}"][data-state="RECONNECTING"]`);
      await lost.waitFor({ timeout: 20000 });
      assert.match(await lost.textContent(), /program-channel/);
      assert.match(await lost.textContent(), /since/);
      assert.match(await lost.textContent(), /IVS lost the connection to this IVS channel/);
      assert.equal(await tile.getAttribute("data-health"), "degraded");
      await checkA11y(page, "the board with a lost destination");

      // Click through: the stage's Program output, then the composition.
      // Server push may replace the tile just as it is clicked (the click
      // then lands on a detached link): click again, as a person would.
      const toStage = new RegExp("/stages/" + stageID + "$");
      for (let attempt = 0; ; attempt++) {
        await tile.locator("h2 a").click();
        try { await page.waitForURL(toStage, { timeout: 5000 }); break; } catch (e) { if (attempt === 2) throw e; }
      }
      const section = page.locator("#program-output");
      assert.match(await section.locator(`[data-destination="${dest.id}"]`).textContent(), /reconnecting/);
      await section.locator(`a[href$="/compositions/${compID}"]`).click();
      await page.getByRole("heading", { name: "Composition " + compID }).waitFor();
      const row = page.locator(`tr[data-destination="${dest.id}"]`);
      assert.equal(await row.getAttribute("data-state"), "RECONNECTING");
      assert.match(await row.textContent(), /IVS lost the connection to this IVS channel and is reconnecting/);
      assert.match(await row.textContent(), /check that the channel exists/);
      await checkA11y(page, "the composition page");

      await emu.admin("composition/destination/recover", { composition: comp.arn, destination: dest.id });
      recovered = true;
      await page.goto(app.url + "/board");
      await page.locator(`tr[data-stage="${stageID}"][data-health="ok"]`).waitFor({ timeout: 20000 });
      assert.equal(await page.locator(`[data-composition="${compID}"]`).count(), 0, "a cause is shown only while it is current");
    });
  } finally {
    if (!recovered) await emu.admin("composition/destination/recover", { composition: comp.arn, destination: dest.id }).catch(() => {});
  }
});

test("start a composition to a channel from a live stage's page, stop it; the audit log has both", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(embedded.url + "/r/us-east-1/stages?q=studio-b");
    await page.locator("#stage-table").getByRole("link", { name: "studio-b", exact: true }).click();
    await page.getByRole("heading", { name: "studio-b", exact: true }).waitFor();
    await page.locator("#program-output").getByRole("link", { name: "Start composition" }).click();
    await page.waitForURL(/\/compositions\/new$/);
    await checkA11y(page, "start composition form");

    // A stage ARN where a channel goes: the message at the field, nothing started.
    await page.locator("#channel_arns").fill("arn:aws:ivs:us-east-1:123456789012:stage/NotAChannel1");
    await page.getByRole("button", { name: "Start composition" }).click();
    await page.locator("#err-channel_arns").waitFor();
    assert.match(await page.locator("#err-channel_arns").textContent(), /not a channel ARN/);

    const channel = "arn:aws:ivs:us-east-1:123456789012:channel/E2eProgram" + String(Date.now() % 100).padStart(2, "0");
    await page.locator("#channel_arns").fill(channel);
    await page.locator("#layout-pip").check();
    await page.locator("#pip_position").selectOption("TOP_LEFT");
    await page.getByRole("button", { name: "Start composition" }).click();
    await page.waitForURL(/\/r\/us-east-1\/compositions\/[A-Za-z0-9]+$/);
    const compID = page.url().split("/").pop();
    await page.getByRole("heading", { name: "Composition " + compID }).waitFor();
    assert.match(await page.locator("#alerts").textContent(), /Started composition/);
    assert.match(await page.locator("main").textContent(), /picture-in-picture, window top left/);
    assert.match(await page.locator("main").textContent(), new RegExp(channel));

    await page.getByRole("link", { name: "Stop composition" }).click();
    await page.waitForURL(/\/stop$/);
    await page.getByRole("button", { name: "Stop composition" }).click();
    await page.waitForURL(new RegExp("/compositions/" + compID + "$"));
    assert.match(await page.locator("#alerts").textContent(), /Stopping composition/);

    const csv = await (await page.request.get(embedded.url + "/audit.csv")).text();
    const lines = csv.split("\n").filter((l) => l.includes(compID));
    assert.ok(lines.some((l) => l.includes("composition.start") && l.includes(channel)), "no audit record of the start:\n" + lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("composition.stop")), "no audit record of the stop:\n" + lines.join("\n"));
    await page.goto(embedded.url + "/audit?action=composition.stop");
    assert.match(await page.locator("main").textContent(), new RegExp(compID));
  });
});
