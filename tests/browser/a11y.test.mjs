// Accessibility and keyboard checks over every kind of page, in light and
// dark mode.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, launchBrowser, withPage, checkA11y } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

// Collect one URL of each kind by following links, as a user would.
async function discover(page) {
  const urls = { "stage list": "/r/us-east-1/stages", "ingest list": "/r/us-east-1/ingest-configurations",
    "new ingest configuration": "/r/us-east-1/ingest-configurations/new", "audit log": "/audit",
    "not found": "/r/us-east-1/stages/doesNotExist1",
    "encoder configurations": "/r/us-east-1/encoder-configurations", "new encoder configuration": "/r/us-east-1/encoder-configurations/new",
    "storage configurations": "/r/us-east-1/storage-configurations", "new storage configuration": "/r/us-east-1/storage-configurations/new",
    "public keys": "/r/us-east-1/public-keys", "import public key": "/r/us-east-1/public-keys/new" };
  await page.goto(app.url + urls["stage list"]);
  const live = page.locator("a.badge-live").first();
  urls["session"] = new URL(await live.getAttribute("href"), app.url).pathname;
  urls["stage"] = urls["session"].replace(/\/sessions\/.*$/, "");
  await page.goto(app.url + urls["session"]);
  const participant = page.locator('a[href*="/participants/"]').first();
  urls["participant"] = new URL(await participant.getAttribute("href"), app.url).pathname;
  await page.goto(app.url + urls["ingest list"]);
  const ingest = page.locator('tbody a[href*="/ingest-configurations/"]').first();
  urls["ingest configuration"] = new URL(await ingest.getAttribute("href"), app.url).pathname;
  urls["edit"] = urls["ingest configuration"] + "/edit";
  urls["delete"] = urls["ingest configuration"] + "/delete";
  await page.goto(app.url + urls["encoder configurations"]);
  const enc = page.locator('tbody a[href*="/encoder-configurations/"]').first();
  urls["encoder configuration"] = new URL(await enc.getAttribute("href"), app.url).pathname;
  urls["delete encoder configuration"] = urls["encoder configuration"] + "/delete";
  await page.goto(app.url + urls["encoder configuration"]);
  const comp = page.locator('main a[href*="/compositions/"]').first();
  urls["composition"] = new URL(await comp.getAttribute("href"), app.url).pathname;
  urls["stop composition"] = urls["composition"] + "/stop";
  await page.goto(app.url + urls["composition"]);
  urls["start composition"] = new URL(await page.locator('nav[aria-label="Breadcrumb"] a[href*="/stages/"]').last().getAttribute("href"), app.url).pathname + "/compositions/new";
  await page.goto(app.url + urls["storage configurations"]);
  const sto = page.locator('tbody a[href*="/storage-configurations/"]').first();
  urls["storage configuration"] = new URL(await sto.getAttribute("href"), app.url).pathname;
  return urls;
}

for (const scheme of ["light", "dark"]) {
  test(`every page has no serious or critical axe violation (${scheme})`, async (t) => {
    await withPage(t, browser, async (page) => {
      const urls = await discover(page);
      for (const [label, path] of Object.entries(urls)) {
        await page.goto(app.url + path);
        await checkA11y(page, `${label} (${path}, ${scheme})`);
      }
    }, { colorScheme: scheme });
  });
}

test("keyboard: skip link, navigation and the first stage are reachable with Tab", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Skip to content");
    await page.keyboard.press("Enter");
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => !!document.activeElement.closest("#stage-table"));
    }
    assert.ok(reached, "a stage link is reachable by keyboard after skipping the header");
    const before = page.url();
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.toString() !== before);
  });
});

// A phone (390 px): no main page is wider than the screen (a wide table
// scrolls inside itself), the header's background spans the screen, and
// the redundancy table's cause is on screen, not cut off.
test("every main page fits a 390 px phone", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    const stage = new URL(await page.locator("#stage-table tbody tr", { hasText: "sports-feed-1" }).locator("td a").first().getAttribute("href"), app.url).pathname;
    await page.goto(app.url + stage);
    const dropped = page.locator('#redundancy [data-redundancy="degraded"] tbody tr', { hasText: "not publishing" });
    const session = new URL(await page.locator("#live-h ~ p a").first().getAttribute("href"), app.url).pathname;
    const participant = new URL(await dropped.locator("a").first().getAttribute("href"), page.url()).pathname;
    const pages = { "stage list": "/r/us-east-1/stages", stage, session, participant,
      "ingest list": "/r/us-east-1/ingest-configurations", board: "/board",
      "disconnect several": session + "/disconnect", "new stage": "/r/us-east-1/stages/new", "new ingest configuration": "/r/us-east-1/ingest-configurations/new" };
    for (const [label, path] of Object.entries(pages)) {
      await page.goto(app.url + path);
      await page.locator("main").waitFor();
      const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth,
        header: document.querySelector("header").getBoundingClientRect().width }));
      assert.ok(m.scroll <= m.inner, `${label} (${path}) is ${m.scroll} px wide on a ${m.inner} px screen`);
      assert.equal(m.header, m.inner, `${label}: the header's background spans the screen`);
    }
    await page.goto(app.url + stage);
    const cause = page.locator('#redundancy [data-redundancy="degraded"] tbody tr', { hasText: "not publishing" }).getByText("BITRATE_EXCEEDED");
    const box = await cause.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the cause is on screen: ${JSON.stringify(box)}`);
    await checkA11y(page, "stage page on a phone");
  }, { viewport: { width: 390, height: 844 } });
});
