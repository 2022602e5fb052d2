// Ingest configuration journeys in real Chromium against the embedded
// emulator: create a redundant RTMPS configuration, read it, reveal and copy
// its keys, edit its stage, meet an ACTIVE one, delete with force, rotate.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startConsole, startEmulator, launchBrowser, withPage, checkA11y, STREAM_KEY } from "./harness.mjs";

let app, browser;
before(async () => { app = await startConsole(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await app?.stop(); });

const LIST = "/r/us-east-1/ingest-configurations";
const ANY_KEY = /rt_\d+_/;
const clipboard = { permissions: ["clipboard-read", "clipboard-write"] };

// Chromium sometimes asks for /favicon.ico, which the console does not serve;
// its 404 would count as a console error. Answer it in the browser.
async function noFavicon(context) {
  await context.route("**/favicon.ico", (r) => r.fulfill({ status: 204, body: "" }));
}

// norm is an element's text as a reader sees it: white space runs as one.
const norm = (s) => s.replace(/\s+/g, " ").trim();

// stageIds reads the stage picker's options (id → name).
async function stageOptions(page) {
  return page.locator("#stage-options option").evaluateAll((os) => os.map((o) => ({ id: o.value, name: o.textContent.trim() })));
}

test("create a redundant RTMPS configuration, see it, reveal and copy a key, edit its stage, delete it", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + LIST);
    await page.getByRole("link", { name: "New ingest configuration" }).click();
    await page.waitForURL(/\/ingest-configurations\/new$/);
    const stages = await stageOptions(page);
    assert.ok(stages.length >= 2, "the picker offers the region's stages");
    const name = "e2e-redundant-" + Date.now();

    await page.locator("#stage").fill(stages[0].id);
    await page.locator("#name").fill(name);
    await page.locator("#user_id").fill("e2e-encoder");
    await page.locator('input[aria-label="Attribute name 1"]').fill("role");
    await page.locator('input[aria-label="Attribute value 1"]').fill("program");
    await page.getByRole("button", { name: "Add attribute" }).click();
    assert.equal(await page.locator("#attr-rows [data-row]").count(), 2, "a row was added");
    await page.locator("#attr-rows [data-row]").last().getByRole("button", { name: /Remove/ }).click();
    assert.equal(await page.locator("#attr-rows [data-row]").count(), 1, "a row was removed");
    await page.locator('input[aria-label="Tag key 1"]').fill("team");
    await page.locator('input[aria-label="Tag value 1"]').fill("e2e");
    await page.locator("#protocol-rtmps").check();
    await page.locator("#redundant").check();
    await page.getByRole("button", { name: "Create ingest configuration" }).click();

    // Detail.
    await page.waitForURL(/\/ingest-configurations\/[A-Za-z0-9-]+$/);
    await page.getByRole("heading", { name }).waitFor();
    assert.match(await page.locator("#alerts").textContent(), /Created the ingest configuration/);
    const detailURL = page.url();
    assert.doesNotMatch(await page.content(), ANY_KEY, "no stream key on the page before reveal");
    const creds = page.locator("#keys-panel tbody tr");
    assert.equal(await creds.count(), 2, "two encoder credentials");
    assert.match(await creds.nth(0).textContent(), /Encoder A/);
    assert.match(await creds.nth(1).textContent(), /Encoder B/);
    assert.match(await page.locator("main").textContent(), /Virtual participant id/);
    assert.match(await page.locator("main").textContent(), new RegExp(stages[0].name));
    const tags = await page.locator('dt:has-text("Tags") + dd').textContent();
    assert.match(tags, /team=e2e/, "the user's tag is shown");
    assert.doesNotMatch(tags, /greenroom:/, "Greenroom's own idempotency tag is not");
    await checkA11y(page, "ingest detail");

    // Reveal both keys in place, copy one.
    await page.getByRole("button", { name: "Reveal both encoder keys" }).click();
    const revealed = page.locator("#keys-revealed");
    await revealed.waitFor();
    assert.equal(page.url(), detailURL, "the reveal does not change the address");
    const keys = await revealed.locator("code[id^=key-]:not([id$=-server])").allTextContents();
    assert.equal(keys.length, 2, "both encoder keys are revealed");
    for (const k of keys) assert.match(k.trim(), STREAM_KEY);
    assert.notEqual(keys[0], keys[1], "each encoder has its own key");
    assert.match(await revealed.textContent(), /OBS settings/);
    assert.match(await revealed.locator("#key-a-server").textContent(), /^rtmps:\/\//);
    await revealed.getByRole("button", { name: "Copy the stream key of Encoder A" }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, keys[0].trim(), "the copy button copies encoder A's key");
    await revealed.getByRole("button", { name: "Hide now" }).click();
    await revealed.waitFor({ state: "detached" });
    assert.doesNotMatch(await page.locator("main").innerHTML(), ANY_KEY, "hidden keys leave the page");
    await page.getByRole("button", { name: "Reveal both encoder keys" }).waitFor();

    // Edit: change only the stage; redundant ingest stays on.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(/\/edit$/);
    assert.ok(await page.locator("#redundant").isChecked(), "the box shows redundant ingest on");
    await page.locator("#stage").fill(stages[1].id);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(detailURL);
    assert.match(await page.locator("#alerts").textContent(), /Saved the changes/);
    const settings = await page.locator("main").textContent();
    assert.match(settings, new RegExp(stages[1].name), "the new stage is shown");
    assert.match(settings, /yes: two encoders/, "redundant ingest stayed on");

    // Delete (INACTIVE: no force needed).
    await page.getByRole("link", { name: "Delete" }).click();
    await page.waitForURL(/\/delete$/);
    assert.equal(await page.getByLabel(/Force/).count(), 0, "no force for an INACTIVE configuration");
    await page.getByRole("button", { name: "Delete ingest configuration" }).click();
    await page.waitForURL(new RegExp(LIST + "$"));
    assert.match(await page.locator("#alerts").textContent(), /Deleted the ingest configuration/);
    assert.equal(await page.getByRole("link", { name }).count(), 0);
  }, clipboard);
});

test("an ACTIVE configuration: editing is explained, deleting needs force", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + LIST);
    await page.getByLabel("By state").selectOption("ACTIVE");
    await page.getByRole("button", { name: "Apply state filter" }).click();
    await page.waitForURL(/state=ACTIVE/);
    const rows = page.locator("#ingest-table tbody tr");
    assert.ok((await rows.count()) >= 1, "the demo world has an ACTIVE configuration");
    for (const s of await rows.locator("td span.badge").allTextContents()) {
      if (/ACTIVE|INACTIVE/.test(s)) assert.equal(s.trim(), "ACTIVE");
    }
    const link = rows.first().locator("th a");
    const name = (await link.textContent()).trim();
    await link.click();
    await page.getByRole("heading", { name }).waitFor();
    const detailURL = page.url();

    await page.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(/\/edit$/);
    assert.match(await page.locator("#active-explain").textContent(), /ACTIVE.*cannot|does not allow changes/s);
    assert.ok(await page.getByRole("button", { name: "Save changes" }).isDisabled(), "the form cannot be sent while ACTIVE");

    await page.goto(detailURL + "/delete");
    const force = page.getByLabel("Force: disconnect the publisher and delete");
    assert.match(await page.locator("#force-hint").textContent(), /disconnected/);
    await force.check();
    await page.getByRole("button", { name: "Delete ingest configuration" }).click();
    await page.waitForURL(new RegExp(LIST + "$"));
    assert.match(await page.locator("#alerts").textContent(), /Force-deleted .*publisher was disconnected/);
  });
});

test("rotate keys: a copy with new keys; deleting the old one is confirmed with the facts, and 'anyway' while nothing publishes", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + LIST + "/new");
    const name = "e2e-rotate-" + Date.now();
    await page.locator("#name").fill(name);
    await page.locator("#protocol-rtmp").check();
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.getByRole("heading", { name }).waitFor();
    assert.match(await page.locator("main").textContent(), /Plain RTMP/, "RTMP is flagged");
    assert.match(await page.locator("main").textContent(), /No stage/, "no stage is flagged");

    await page.getByRole("link", { name: "Rotate keys" }).click();
    await page.getByText(name + "-r2").first().waitFor();
    await page.getByRole("button", { name: "Create the copy with new keys" }).click();
    await page.waitForURL(/\/rotate\/[A-Za-z0-9-]+$/);
    const step2 = page.url();
    await page.getByRole("button", { name: "Reveal stream key" }).click();
    const key = (await page.locator("#key-single").textContent()).trim();
    assert.match(key, STREAM_KEY);
    assert.match(norm(await page.locator("#rotation-new").textContent()), /INACTIVE nothing publishes with it yet/);

    // Step 3 is a confirmation with the facts, not a one-click delete.
    await page.getByRole("link", { name: "Delete the old configuration…" }).click();
    await page.waitForURL(/\?step=confirm$/);
    assert.match(norm(await page.locator("#rotation-new").textContent()), /INACTIVE nothing publishes with it yet/);
    await checkA11y(page, "rotation: confirm the deletion");
    await page.getByRole("button", { name: "Delete the old configuration" }).click();
    await page.locator("#err-anyway").waitFor();
    assert.match(await page.locator("#err-anyway").textContent(), /nothing was deleted/i);
    assert.equal(await page.locator("#anyway").getAttribute("aria-invalid"), "true");
    await page.getByLabel("Delete anyway: nothing publishes with the new one yet").check();
    await page.getByRole("button", { name: "Delete the old configuration" }).click();
    await page.getByRole("heading", { name: name + "-r2" }).waitFor();
    assert.match(await page.locator("#alerts").textContent(), /Rotation finished/);
    assert.notEqual(page.url(), step2);
  });
});

// Step 2 refreshes itself: a console on a standalone emulator (simulator
// off) whose encoders move to the new keys on cue; the page sees each move
// without a reload.
test("rotate keys of a redundant pair: step 2 shows each encoder arrive on the new keys by itself, then the deletion needs no 'anyway'", async (t) => {
  const emu = await startEmulator(["-simulate=false", "-rand-seed", "7"]);
  const live = await startConsole(["-ivs-endpoint", emu.url]);
  try {
    await withPage(t, browser, async (page, context) => {
      await noFavicon(context);
      await page.goto(live.url + LIST + "/new");
      const name = "e2e-rotate-pair-" + Date.now();
      await page.locator("#name").fill(name);
      await page.locator("#stage").fill("studio-b"); // live: the encoders' session is there already
      await page.locator("#redundant").check();
      await page.getByRole("button", { name: "Create ingest configuration" }).click();
      await page.getByRole("heading", { name }).waitFor();
      await page.getByRole("link", { name: "Rotate keys" }).click();
      await page.getByRole("button", { name: "Create the copy with new keys" }).click();
      await page.waitForURL(/\/rotate\/[A-Za-z0-9-]+$/);
      const step2 = page.url();
      const newId = step2.split("/").pop();
      const status = page.locator("#rotation-new");
      assert.match(norm(await status.textContent()), /INACTIVE nothing publishes with it yet/);
      await page.evaluate(() => { window.__sameDocument = true; });

      await emu.admin("encoder/recover", { region: "us-east-1", ingestConfiguration: newId, encoder: "A" });
      await page.locator('#rotation-status[data-new-publishing="true"]').waitFor({ timeout: 15000 });
      assert.match(norm(await status.textContent()), /ACTIVE it publishes, but only 1 of its 2 encoders/);
      assert.match(norm(await status.textContent()), /Encoder A: publishing since/);
      await emu.admin("encoder/recover", { region: "us-east-1", ingestConfiguration: newId, encoder: "B" });
      await page.locator("#rotation-new").getByText("both encoders moved").waitFor({ timeout: 15000 });
      assert.equal(page.url(), step2, "the address did not change");
      assert.ok(await page.evaluate(() => window.__sameDocument), "no reload: the fragment refreshed itself");

      await page.getByRole("link", { name: "Delete the old configuration…" }).click();
      await page.waitForURL(/\?step=confirm$/);
      assert.equal(await page.locator("#anyway").count(), 0, "no 'anyway' while the new pair publishes");
      assert.match(norm(await page.locator("#rotation-new").textContent()), /Publishing since/);
      await page.getByRole("button", { name: "Delete the old configuration" }).click();
      await page.getByRole("heading", { name: name + "-r2" }).waitFor();
      assert.match(await page.locator("#alerts").textContent(), /Rotation finished/);
    });
  } finally {
    await live.stop();
    await emu.stop();
  }
});

test("a rejected create: the focus moves to the error summary, what was typed stays, the rows at fault are marked", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + LIST + "/new");
    const focused = () => page.waitForFunction(() => document.activeElement && document.activeElement.id === "form-problem", null, { timeout: 5000 });

    // An empty form creates nothing: the name is required.
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.locator("#err-name").waitFor();
    assert.match(await page.locator("#err-name").textContent(), /Give the configuration a name/);
    await focused();
    assert.match(page.url(), /\/new$/, "the address stays the form's");

    // Too long a name, a stage typed by name, a tag key twice.
    const long = "n".repeat(200);
    await page.locator("#name").fill(long);
    assert.equal((await page.locator("#name").inputValue()).length, 200, "nothing cuts the name short");
    await page.locator("#stage").fill("studio-b");
    await page.locator('input[aria-label="Tag key 1"]').fill("team");
    await page.locator('input[aria-label="Tag value 1"]').fill("a");
    await page.getByRole("button", { name: "Add tag" }).click();
    await page.locator("#tag-rows [data-row]").nth(1).locator('input[name="tag_key"]').fill("team");
    await page.locator("#tag-rows [data-row]").nth(1).locator('input[name="tag_value"]').fill("b");
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.locator("#err-name", { hasText: "200 characters" }).waitFor();
    assert.match(await page.locator("#err-name").textContent(), /IVS allows at most 128/, "the server's message shows");
    await focused();
    assert.equal(await page.locator("#name").inputValue(), long);
    assert.equal(await page.locator("#stage").inputValue(), "studio-b", "the stage stays as typed");
    assert.equal(await page.locator("#tag-rows [data-row]").count(), 2, "no extra empty row");
    assert.match(await page.locator("#err-tags").textContent(), /appears twice \(rows 1 and 2\)/);
    for (const label of ["Tag key 1", "Tag key 2"]) {
      const input = page.locator(`input[aria-label="${label}"]`);
      assert.equal(await input.getAttribute("aria-invalid"), "true", label + " is marked");
      assert.equal(await input.getAttribute("aria-describedby"), "err-tags");
    }
    await checkA11y(page, "a rejected create");

    // Corrected, it is created on the stage typed by name.
    const name = "e2e-corrected-" + Date.now();
    await page.locator("#name").fill(name);
    await page.locator('input[aria-label="Tag key 2"]').fill("owner");
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.getByRole("heading", { name }).waitFor();
    assert.match(await page.locator("main").textContent(), /studio-b/);
  });
});

// Every refusal (422, 409) and its message is covered by the handler tests;
// the journeys above meet the ones a user trips over.
test("without JavaScript: create and reveal still work (POST-redirect-GET, full-page reveal)", async (t) => {
  await withPage(t, browser, async (page, context) => {
    await noFavicon(context);
    await page.goto(app.url + LIST + "/new");
    const name = "e2e-nojs-" + Date.now();
    await page.locator("#name").fill(name);
    await page.getByRole("button", { name: "Create ingest configuration" }).click();
    await page.getByRole("heading", { name }).waitFor();
    assert.doesNotMatch(await page.content(), ANY_KEY);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/reveal")),
      page.getByRole("button", { name: "Reveal stream key" }).click(),
    ]);
    assert.equal(res.headers()["cache-control"], "no-store");
    await page.getByRole("heading", { name: "Stream keys of " + name }).waitFor();
    assert.match(await page.locator("#key-single").textContent(), STREAM_KEY);
  }, { javaScriptEnabled: false });
});
