import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, launchBrowser, withPage } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

test("open the console, see the stage list, follow a stage link", async (t) => {
  await withPage(t, browser, async (page) => {
    const res = await page.goto(app.url + "/");
    assert.equal(res.status(), 200);
    assert.match(page.url(), /\/board$/, "the console opens on the ops board");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stages" }).click();
    await page.waitForURL(/\/r\/us-east-1\/stages$/);
    await page.getByRole("heading", { name: "Stages" }).waitFor();
    assert.ok(await page.getByText("EMULATOR").isVisible(), "the EMULATOR badge is shown");
    const rows = page.locator("#stage-table tbody tr");
    assert.ok((await rows.count()) >= 3, "the demo world has several stages");
    const link = rows.first().locator("td a").first();
    const name = (await link.textContent()).trim();
    await link.click();
    await page.waitForURL(/\/r\/us-east-1\/stages\/[A-Za-z0-9-]+$/);
    await page.getByRole("heading", { name }).waitFor();
  });
});

test("switching region keeps the section and the URL names the region", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    await page.getByText("Region").first().click();
    await page.getByRole("link", { name: "eu-west-1" }).click();
    await page.waitForURL(/\/r\/eu-west-1\/stages$/);
    assert.ok((await page.locator("#stage-table tbody tr").count()) >= 1);
  });
});

test("the stage search covers the region and says how many match", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    const all = await page.locator("#stage-table tbody tr").count();
    await page.getByLabel(/Search all stages/).fill("sports");
    await page.waitForURL(/\?q=sports$/);
    await page.waitForFunction(() => document.querySelectorAll("#stage-table tbody tr").length === 2);
    assert.match(await page.locator("#stage-count").textContent(), new RegExp("2 of the " + all + " stages in us-east-1 match"));
    await page.getByLabel(/Search all stages/).fill("no-such-stage-anywhere");
    await page.getByText("No stage in us-east-1 matches").waitFor();
  });
});
