// Stage administration journeys in real Chromium against the embedded
// emulator: create a stage with recording and tags, edit it, delete it; a
// live stage's delete is refused with the reason; a participant token is
// shown once and copied, and never reaches a URL, a GET or a log; several
// participants of the live session are disconnected at once, each with its
// result and its audit record.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, launchBrowser, withPage, checkA11y } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

const STAGES = "/r/us-east-1/stages";
const STORAGE = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/E2eStore0001";
const clipboard = { permissions: ["clipboard-read", "clipboard-write"] };

async function noFavicon(context) {
  await context.route("**/favicon.ico", (r) => r.fulfill({ status: 204, body: "" }));
}

// stageLink opens a stage of the demo world from the stage list by name.
async function openStage(page, name) {
  await page.goto(app.url + STAGES + "?q=" + encodeURIComponent(name));
  await page.locator("#stage-table").getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor();
}

test("create a stage with recording and tags, edit it, delete it", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    const name = "e2e-stage-" + Date.now();
    await page.goto(app.url + STAGES);
    await page.getByRole("link", { name: "New stage" }).click();
    await page.waitForURL(/\/stages\/new$/);
    await checkA11y(page, "new stage form");

    // A name IVS would refuse: the message next to the field, nothing created.
    await page.locator("#name").fill("has space");
    await page.getByRole("button", { name: "Create stage" }).click();
    await page.locator("#err-name").waitFor();
    assert.match(await page.locator("#err-name").textContent(), /letters, digits/);
    assert.match(page.url(), /\/stages\/new$/, "the address stays the form's");

    await page.locator("#name").fill(name);
    await page.locator("#storage_configuration_arn").fill(STORAGE);
    await page.locator("#media-AUDIO_ONLY").check();
    await page.locator('input[aria-label="Tag key 1"]').fill("team");
    await page.locator('input[aria-label="Tag value 1"]').fill("e2e");
    await page.getByRole("button", { name: "Add tag" }).click();
    await page.locator("#tag-rows [data-row]").last().locator('input[name="tag_key"]').fill("drop-me");
    await page.locator("#tag-rows [data-row]").last().locator('input[name="tag_value"]').fill("1");
    await page.getByRole("button", { name: "Create stage" }).click();

    await page.waitForURL(/\/stages\/[A-Za-z0-9-]+$/);
    await page.getByRole("heading", { name, exact: true }).waitFor();
    assert.match(await page.locator("#alerts").textContent(), /Created the stage/);
    const main = () => page.locator("main").textContent();
    assert.match(await main(), /E2eStore0001/);
    assert.match(await main(), /AUDIO_ONLY/);
    assert.match(await main(), /team=e2e/);
    const stageURL = page.url();

    // Edit: rename, recording off, one tag changed, one removed.
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.waitForURL(/\/edit$/);
    await checkA11y(page, "edit stage form");
    assert.equal(await page.locator("#storage_configuration_arn").inputValue(), STORAGE);
    assert.doesNotMatch(await page.locator("#tag-rows").innerHTML(), /greenroom:idempotency-key/, "Greenroom's own tag is not offered");
    await page.locator("#name").fill(name + "-b");
    await page.locator("#storage_configuration_arn").fill("");
    const rows = page.locator("#tag-rows [data-row]");
    for (let i = (await rows.count()) - 1; i >= 0; i--) {
      const key = await rows.nth(i).locator('input[name="tag_key"]').inputValue();
      if (key === "drop-me") await rows.nth(i).getByRole("button", { name: /Remove/ }).click();
      if (key === "team") await rows.nth(i).locator('input[name="tag_value"]').fill("e2e-edited");
    }
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(stageURL);
    await page.getByRole("heading", { name: name + "-b", exact: true }).waitFor();
    assert.match(await page.locator("#alerts").textContent(), /Saved the changes/);
    assert.match(await main(), /Individual participant recording is off/);
    assert.match(await main(), /team=e2e-edited/);
    assert.doesNotMatch(await main(), /drop-me/);

    // Delete: a confirmation, then back to the list without it.
    await page.getByRole("link", { name: "Delete", exact: true }).click();
    await page.waitForURL(/\/delete$/);
    await checkA11y(page, "delete stage confirmation");
    await page.getByRole("button", { name: "Delete stage" }).click();
    await page.waitForURL(/\/stages$/);
    assert.match(await page.locator("#alerts").textContent(), /Deleted the stage/);
    assert.equal(await page.locator("#stage-table").getByRole("link", { name: name + "-b", exact: true }).count(), 0);
    const gone = await page.goto(stageURL);
    assert.equal(gone.status(), 404, "the deleted stage's page is gone");
  });
});

test("a live stage cannot be deleted, and the page says why", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await openStage(page, "main-stage-keynote");
    await page.getByRole("link", { name: "Delete", exact: true }).click();
    await page.waitForURL(/\/delete$/);
    const reason = page.locator("#live-reason");
    await reason.waitFor();
    assert.match(await reason.textContent(), /This stage is live/);
    assert.equal(await page.getByRole("button", { name: "Delete stage" }).count(), 0, "no delete button on a live stage");
    await reason.getByRole("link").click();
    await page.waitForURL(/\/sessions\/st-[A-Za-z0-9]+$/);
    await checkA11y(page, "session page");
  });
});

test("a participant token is shown once, copied, and never in a URL, a GET or a log", async (t) => {
  const seen = [];
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    page.on("request", (r) => seen.push({ url: r.url(), method: r.method(), res: r.response() }));
    await openStage(page, "studio-a");
    await page.getByRole("link", { name: "Participant token…" }).click();
    await page.waitForURL(/\/participant-tokens\/new$/);
    await checkA11y(page, "participant token form");
    const formURL = page.url();
    await page.locator("#user_id").fill("e2e-tester");
    await page.locator("#cap-publish").uncheck();
    await page.locator("#duration").fill("30");
    await page.getByRole("button", { name: "Create token" }).click();

    const shown = page.locator("#participant-token");
    await shown.waitFor();
    const token = (await shown.textContent()).trim();
    assert.match(token, /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "a JWT-shaped token");
    assert.equal(page.url(), formURL, "the answer does not change the address");
    assert.match(await page.locator("#token-participant").textContent(), /^[A-Za-z0-9-]+$/);
    assert.match(await page.locator("#token-expires").textContent(), /in (29|30) min/);
    assert.match(await page.locator("main").textContent(), /subscribe/);
    await page.getByRole("button", { name: "Copy the participant token" }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token, "the copy button copies the token");
    await checkA11y(page, "participant token");

    // Back to the stage and to the form: the token is nowhere.
    await page.getByRole("link", { name: /^Back to / }).click();
    await page.waitForURL(/\/stages\/[A-Za-z0-9-]+$/);
    await page.goto(formURL);
    assert.ok(!(await page.content()).includes(token), "the token is not on the form again");

    for (const r of seen) {
      assert.ok(!r.url.includes(token), "token in a URL: " + r.url);
      if (r.method !== "GET") continue;
      const res = await r.res;
      const body = res ? await res.text().catch(() => "") : "";
      assert.ok(!body.includes(token), "token in a GET response: " + r.url);
    }
    const post = seen.find((r) => r.method === "POST");
    assert.equal((await (await post.res).allHeaders())["cache-control"], "no-store");
    assert.ok(!app.logs.some((l) => l.includes(token)), "token in the console's log");
  }, clipboard);
});

test("disconnect several participants of the live session with one reason", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await openStage(page, "main-stage-keynote");
    await page.locator("main").getByRole("link", { name: "Participants", exact: true }).click();
    await page.waitForURL(/\/sessions\/st-[A-Za-z0-9]+$/);
    const sessionURL = page.url();
    await page.getByRole("link", { name: "Disconnect several…" }).click();
    await page.waitForURL(/\/disconnect$/);
    await checkA11y(page, "bulk disconnect selection");

    const boxes = page.locator("#connected input[type=checkbox]");
    assert.ok((await boxes.count()) >= 3, "connected participants to choose from");
    const picked = [];
    for (let i = 0; i < 3; i++) {
      await boxes.nth(i).check();
      picked.push(await boxes.nth(i).getAttribute("value"));
    }
    const reason = "e2e rehearsal over " + Date.now();
    await page.locator("#dc-reason").fill(reason);
    await page.getByRole("button", { name: "Disconnect selected…" }).click();

    await page.getByRole("button", { name: "Yes, disconnect 3 participants" }).waitFor();
    const listed = await page.locator("#selection a").allTextContents();
    assert.deepEqual(listed.map((s) => s.trim()), picked, "the confirmation lists the selection");
    await checkA11y(page, "bulk disconnect confirmation");
    await page.getByRole("button", { name: "Yes, disconnect 3 participants" }).click();

    const results = page.locator("#results tbody tr");
    await page.locator("#results-summary").waitFor();
    assert.equal(await results.count(), 3, "one result per participant");
    for (let i = 0; i < 3; i++) {
      const outcome = await results.nth(i).getAttribute("data-outcome");
      assert.ok(["disconnected", "gone"].includes(outcome), `${picked[i]}: ${outcome}`);
    }
    assert.match(await page.locator("#results-summary").textContent(), new RegExp(reason));
    await checkA11y(page, "bulk disconnect results");

    // One audit record per participant, with the reason (the dev identity
    // is an admin; the export carries each record's detail).
    const csv = await (await page.request.get(app.url + "/audit.csv?action=participant.disconnect")).text();
    const records = csv.split("\n").filter((l) => l.includes(reason));
    assert.equal(records.length, 3, "one audit record per participant:\n" + records.join("\n"));
    for (const id of picked) assert.ok(records.some((l) => l.includes(id)), "no audit record for " + id);
    await page.goto(sessionURL);
  });
});
