// Browse journeys: stages, sessions, participants, live refresh, shared links
// and the redundancy question of the issue ("which encoder dropped, when and
// why"), following links only, in real Chromium against the demo world.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, launchBrowser, withPage } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

const SESSION_URL = /\/r\/us-east-1\/stages\/[A-Za-z0-9-]+\/sessions\/st-[A-Za-z0-9]{13}/;

async function openStage(page, name, region = "us-east-1") {
  await page.goto(app.url + "/r/" + region + "/stages");
  await page.locator("#stage-table").getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

test("stage list → stage → live session → filter → page further → participant → events", async (t) => {
  await withPage(t, browser, async (page) => {
    await openStage(page, "main-stage-keynote");
    assert.ok(await page.getByRole("button", { name: "Copy the RTMPS endpoint" }).isVisible());
    await page.locator("#live-h").waitFor();
    await page.getByRole("link", { name: "Participants", exact: true }).click();
    await page.waitForURL(SESSION_URL);
    await page.locator("#ptable").waitFor();
    assert.equal(await page.locator("#rows tr").count(), 50);
    assert.ok(await page.locator("#live-ctl[hx-trigger]").count(), "a live session refreshes itself");

    // Filter: by state, which applies at once with CONNECTED (the URL
    // carries it, pushed by htmx).
    await page.getByLabel("Filter by").selectOption("state");
    await page.waitForURL(/\?state=CONNECTED$/);
    await page.locator("#rows tr").first().waitFor();
    const states = await page.locator("#rows tr td:nth-child(3)").allTextContents();
    assert.ok(states.every((s) => s === "CONNECTED"), "only connected participants");

    // Page further: load more appends and pauses the live refresh.
    await page.getByRole("link", { name: "Load more" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#rows tr").length === 100);
    await page.getByText("Live refresh is paused").waitFor();
    assert.match(await page.locator("#count").textContent(), /100 shown/);
    assert.match(page.url(), /\?state=CONNECTED$/, "load more does not change the address");

    // Participant and its events.
    const row = page.locator("#rows tr").nth(60);
    const id = (await row.locator("a").first().textContent()).trim();
    await row.locator("a").first().click();
    await page.waitForURL(new RegExp("/participants/" + id + "$"));
    await page.getByRole("heading", { name: "Participant " + id }).waitFor();
    await page.locator("#events").waitFor();
    assert.ok(await page.locator("#events tbody tr").count() >= 1, "the timeline has events");
    assert.ok(await page.locator("#events tbody tr").first().getByText("JOINED").count());

    // Back works (htmx pushed real URLs).
    await page.goBack();
    await page.waitForURL(/\?state=CONNECTED$/);
  });
});

test("a copied link opens the same view in a new browser context", async (t) => {
  let copied, heading, firstRow;
  await withPage(t, browser, async (page) => {
    await openStage(page, "eu-news-desk", "eu-west-1");
    await page.getByRole("link", { name: "Publishers" }).click();
    await page.waitForURL(/\?published=true$/);
    await page.locator("#rows tr").first().waitFor();
    heading = await page.locator("h1").textContent();
    firstRow = await page.locator("#rows tr").first().locator("a").first().textContent();
    await page.getByRole("button", { name: "Copy link" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, page.url());
  }, { permissions: ["clipboard-read", "clipboard-write"] });
  await withPage(t, browser, async (page) => {
    const res = await page.goto(copied);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator("h1").textContent(), heading);
    assert.equal(await page.locator("#rows tr").first().locator("a").first().textContent(), firstRow);
    assert.equal(await page.locator("#f-by").inputValue(), "published");
  });
});

test("the live participant table changes while the simulator runs", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    await page.locator("#stage-table tr", { hasText: "studio-b" }).getByRole("link", { name: "LIVE" }).click();
    await page.waitForURL(SESSION_URL);
    const url = page.url();
    await page.goto(url + "?state=CONNECTED");
    const before = await page.locator("#ptable").getAttribute("data-snap");
    await page.evaluate(() => window.scrollTo(0, 200));
    const scroll = await page.evaluate(() => window.scrollY);
    // Wait up to 20 s for a refresh that brings a change.
    await page.waitForFunction((b) => {
      const el = document.getElementById("ptable");
      return document.querySelector("#rows tr.row-changed") || (el && el.getAttribute("data-snap") !== b);
    }, before, { timeout: 25000 });
    assert.match(page.url(), /\?state=CONNECTED$/, "the filter is kept");
    assert.equal(await page.evaluate(() => window.scrollY), scroll, "the scroll position is kept");
    const note = await page.locator("#live-note").textContent();
    assert.match(note, /Updated .* UTC/);
  });
});

test("which encoder of the degraded redundant configuration dropped, when and why: links only", async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(app.url + "/");
    // The console opens on the board; its Stages link → the stage list →
    // the stage whose redundant configuration is degraded.
    await page.waitForURL(/\/board$/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stages" }).click();
    await page.locator("#stage-table").getByRole("link", { name: "sports-feed-1", exact: true }).click();
    const panel = page.locator("#redundancy");
    await panel.waitFor();
    const degraded = panel.locator('[data-redundancy="degraded"]');
    await degraded.waitFor();
    assert.match(await degraded.textContent(), /running without protection/);
    assert.match(await panel.textContent(), /does not say which/);
    const dropped = degraded.locator("tbody tr", { hasText: "not publishing" });
    assert.equal(await dropped.count(), 1, "exactly one encoder is down");
    assert.match(await dropped.textContent(), /BITRATE_EXCEEDED/);
    const when = await dropped.locator("time").getAttribute("title");
    assert.match(when, /UTC$/);
    // Follow the encoder to its participant page and find the error event.
    const id = (await dropped.locator("a").first().textContent()).trim();
    await dropped.locator("a").first().click();
    await page.waitForURL(new RegExp("/participants/" + id + "$"));
    const err = page.locator("#events tbody tr.row-error", { hasText: "BITRATE_EXCEEDED" });
    await err.waitFor();
    assert.match(await err.textContent(), /lower the encoder's bitrate/);
    // And on to its ingest configuration.
    assert.ok(await page.locator('a[href*="/ingest-configurations/"]').count());
  });
});

test("an operator disconnects a viewer with a reason after confirming", async (t) => {
  await withPage(t, browser, async (page) => {
    await openStage(page, "main-stage-keynote");
    await page.getByRole("link", { name: "Connected now" }).click();
    await page.waitForURL(/\?state=CONNECTED$/);
    const row = page.locator("#rows tr", { hasText: "viewer-" }).first();
    const id = (await row.locator("a").first().textContent()).trim();
    await row.locator("a").first().click();
    await page.getByRole("heading", { name: "Participant " + id }).waitFor();
    page.once("dialog", (d) => d.accept());
    await page.getByLabel(/Reason/).fill("Browser test");
    await page.getByRole("button", { name: "Disconnect…" }).click();
    await page.getByText("Participant " + id + " was disconnected.").waitFor();
    await page.getByRole("heading", { name: "Participant " + id }).waitFor();
  });
});

// The strict CSP stays, and the console stays silent under it: htmx does not
// settle style attributes (the htmx-config in the layout). The harness fails
// a journey on any violation, whether Chromium logs it or only fires
// securitypolicyviolation.
test("a CSP violation fails a journey; boosted navigation and a refused form stay silent", async (t) => {
  await assert.rejects(withPage(t, browser, async (page) => {
    await page.goto(app.url + "/r/us-east-1/stages");
    await page.evaluate(() => document.body.setAttribute("style", "color: red"));
    await page.waitForTimeout(300);
  }), /CSP violation on .*style-src/);
  await withPage(t, browser, async (page) => {
    await openStage(page, "main-stage-keynote");
    await page.getByRole("link", { name: "Participants", exact: true }).click();
    await page.waitForURL(SESSION_URL);
    await page.locator("#rows tr a").first().click();
    await page.getByRole("heading", { name: /^Participant / }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ingest configurations" }).click();
    await page.waitForURL(/\/ingest-configurations$/);
    // A refused submit: the form comes back (422) with its messages.
    await page.goto(app.url + "/r/us-east-1/ingest-configurations/new");
    await page.locator("#name").fill("not a valid name!");
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.locator(".error-text").first().waitFor();
    await page.waitForTimeout(300);
  });
});

// One filter bar: choosing what to filter by shows its field, a select
// applies at once, a user id on Apply; the address stays in the shareable
// scheme; without JavaScript the same form works through the console's
// redirect. States are coloured badges.
test("the session's filter bar: one form, selects apply at once, one filter at a time", async (t) => {
  let session;
  await withPage(t, browser, async (page) => {
    await openStage(page, "main-stage-keynote");
    await page.getByRole("link", { name: "Participants", exact: true }).click();
    await page.waitForURL(SESSION_URL);
    session = page.url();
    const bar = page.locator("form#pfilter");
    assert.equal(await bar.getByRole("button").count(), 1, "one Apply button");
    assert.match(await bar.textContent(), /one thing at a time/);
    assert.ok(!(await page.locator("#f-state").isVisible()), "no value field until a filter is chosen");
    // State: applies on choosing it, and again on changing the state.
    await page.getByLabel("Filter by").selectOption("state");
    await page.waitForURL(/\?state=CONNECTED$/);
    await page.getByLabel("State", { exact: true }).selectOption("DISCONNECTED");
    await page.waitForURL(/\?state=DISCONNECTED$/);
    await page.locator("#rows tr").first().waitFor();
    assert.ok((await page.locator("#rows td b").allTextContents()).every((s) => s === "DISCONNECTED"));
    assert.ok(!(await page.locator("#f-user").isVisible()) && !(await page.locator("#f-rec").isVisible()), "only the chosen filter's field shows");
    // Badges: connected and disconnected look different.
    await page.getByRole("link", { name: "Clear filter" }).click();
    await page.waitForURL(session);
    await page.locator("#rows td b.off").first().waitFor();
    const bg = (sel) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(await bg("#rows td b:not(.off)"), await bg("#rows td b.off"), "states are colour-coded");
    // User id: waits for Apply, and replaces the other filter.
    const userId = (await page.locator("#rows tr").nth(5).locator("td").nth(1).textContent()).trim();
    await page.getByLabel("Filter by").selectOption("userId");
    assert.equal(await page.evaluate(() => document.activeElement.id), "f-user", "the user id field takes the focus");
    assert.equal(page.url(), session, "choosing user id waits for the value");
    await page.getByLabel("User id").fill(userId);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(new RegExp("\\?userId=" + userId + "$"));
    await page.waitForFunction(() => document.querySelectorAll("#rows tr").length === 1); // the swap settles after the address moves
    // The button lines up with the fields.
    const box = async (sel) => (await page.locator(sel).boundingBox());
    const [b, f] = [await box("#pfilter button"), await box("#f-user")];
    assert.ok(Math.abs(b.y + b.height - (f.y + f.height)) <= 1, "Apply sits on the fields' line");
  });
  // Without JavaScript: the fields all show, Apply sends by= and the
  // console redirects to the one filter's address.
  await withPage(t, browser, async (page) => {
    await page.goto(session);
    await page.getByLabel("Filter by").selectOption("recordingState");
    await page.getByLabel("Recording state").selectOption("ACTIVE");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\?recordingState=ACTIVE$/);
    assert.equal(await page.locator("#f-by").inputValue(), "recordingState");
  }, { javaScriptEnabled: false });
});

// Exact times are UTC as rendered; the header's Times button switches them
// (and the exact time in relative times' tooltips) to the browser's zone,
// remembered in this browser.
test("times: UTC or the browser's time zone, remembered", async (t) => {
  await withPage(t, browser, async (page) => {
    await openStage(page, "sports-feed-1");
    const degraded = page.locator('#redundancy [data-redundancy="degraded"]');
    await degraded.locator("tbody tr", { hasText: "not publishing" }).locator("a").first().click();
    await page.locator("#events").waitFor();
    const abs = page.locator("#events time[data-abs]").first();
    const rel = page.locator("#events time:not([data-abs])").first();
    const iso = await abs.getAttribute("datetime");
    const utc = iso.slice(0, 19).replace("T", " ") + " UTC";
    assert.equal(await abs.textContent(), utc);
    assert.equal(await rel.getAttribute("title"), utc);
    const toggle = page.getByRole("button", { name: /^Times:/ });
    assert.equal(await toggle.textContent(), "Times: UTC");
    // Kolkata is UTC+05:30 all year.
    const d = new Date(Date.parse(iso) + 330 * 60000).toISOString().slice(0, 19).replace("T", " ");
    await toggle.click();
    assert.match(await toggle.textContent(), /^Times: GMT\+5:30$/);
    assert.equal(await abs.textContent(), d + " GMT+5:30");
    assert.equal(await rel.getAttribute("title"), d + " GMT+5:30");
    assert.match(await rel.textContent(), /ago$/, "relative times stay relative");
    // Remembered across pages of this browser.
    await page.reload();
    assert.equal(await page.locator("#events time[data-abs]").first().textContent(), d + " GMT+5:30");
    await page.getByRole("button", { name: /^Times:/ }).click();
    assert.equal(await page.locator("#events time[data-abs]").first().textContent(), utc);
  }, { timezoneId: "Asia/Kolkata", locale: "en-US" });
});
