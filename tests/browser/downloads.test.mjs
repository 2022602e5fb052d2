// Every download link of the console, clicked in real Chromium: the file
// arrives as a download (playwright's download event) with a .csv name and
// CSV inside, and the page the link was on stays that page (a boosted link
// would swap the file's text into it and push the file's address).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { startConsole, launchBrowser, withPage } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

async function noFavicon(context) {
  await context.route("**/favicon.ico", (r) => r.fulfill({ status: 204, body: "" }));
}

// download clicks a link and resolves with the download's name and text.
async function download(page, link) {
  const [dl] = await Promise.all([page.waitForEvent("download"), link.click()]);
  assert.equal(await dl.failure(), null, "the download completed");
  return { name: dl.suggestedFilename(), text: await readFile(await dl.path(), "utf8"), url: dl.url() };
}

// stillThePage checks the page was not replaced by the file.
async function stillThePage(page, url, heading) {
  assert.equal(page.url(), url, "the address stays the page's");
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  assert.ok(await page.locator("header").isVisible(), "the header is still there");
  assert.ok(await page.getByRole("navigation", { name: "Main" }).isVisible(), "the navigation is still there");
  assert.doesNotMatch(await page.locator("body").innerText(), /^id,time,actor|^participantId,userId/m, "no CSV text in the page");
}

test("audit log (admin): Export CSV downloads the filtered log as a .csv file; the page stays", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    // Something to export: a create, audited.
    const name = "e2e-download-" + Date.now();
    await page.goto(app.url + "/r/us-east-1/ingest-configurations/new");
    await page.locator("#name").fill(name);
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.getByRole("heading", { name }).waitFor();

    await page.goto(app.url + "/audit");
    await page.getByLabel("Action").selectOption("ingest.create");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/audit\?.*action=ingest.create/);
    const here = page.url();
    const file = await download(page, page.getByRole("link", { name: "Export CSV" }));
    assert.match(file.name, /^greenroom-audit-\d{8}-\d{6}\.csv$/);
    assert.match(file.url, /\/audit\.csv\?.*action=ingest\.create/, "the export carries the filter");
    const lines = file.text.trim().split(/\r?\n/);
    assert.match(lines[0], /^id,time,actor,role,region,resource,action/, "a CSV header row");
    assert.ok(lines.length >= 2, "the create is exported");
    assert.ok(lines.slice(1).every((l) => l.includes("ingest.create")), "only the filtered action");
    await stillThePage(page, here, "Audit log");
  });
});

test("session page: Export CSV downloads the participants as a .csv file; the page stays", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + "/r/us-east-1/stages");
    await page.locator("#stage-table").getByRole("link", { name: "studio-b", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "studio-b" }).waitFor();
    await page.getByRole("link", { name: "Participants", exact: true }).click();
    await page.waitForURL(/\/sessions\/st-[A-Za-z0-9]{13}$/);
    await page.locator("#ptable").waitFor();
    const here = page.url();
    const heading = (await page.getByRole("heading", { level: 1 }).textContent()).trim();
    const file = await download(page, page.getByRole("link", { name: "Export CSV" }));
    assert.match(file.name, /^participants-[A-Za-z0-9]+-st-[A-Za-z0-9]{13}\.csv$/);
    const lines = file.text.trim().split(/\r?\n/);
    assert.match(lines[0], /^participantId,userId,state,firstJoinTime,published/, "a CSV header row");
    assert.ok(lines.length >= 2, "the session's participants are exported");
    await stillThePage(page, here, heading);
  });
});
