// Browser test harness: starts the real console binary on a random loopback
// port and drives Debian's headless Chromium with playwright-core.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BIN = process.env.GREENROOM_BIN || "bin/greenroom";
const RESULTS = "test-results";

// A stream key: rt_<account>_<region>_<id>_<secret>. It may appear only in
// the response to a reveal POST, never in a URL, a GET response or a log.
export const STREAM_KEY = /rt_[0-9]{6,}_[a-z]{2}-[a-z]+-[0-9]_[A-Za-z0-9]+_[A-Za-z0-9]+/;

// startConsole runs bin/greenroom and resolves once it prints its URL.
export async function startConsole(args = [], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "greenroom-e2e-"));
  const proc = spawn(BIN, ["-addr", "127.0.0.1:0", "-audit-db", join(dir, "audit.db"), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = [];
  proc.stderr.on("data", (d) => logs.push(...d.toString().split("\n").filter(Boolean)));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("console did not start in 30 s:\n" + logs.join("\n"))), 30000);
    proc.stdout.on("data", (d) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`console exited with ${code}:\n` + logs.join("\n"))); });
  });
  return {
    url, logs, dir,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((r) => proc.once("exit", r));
      }
      const leaked = logs.filter((l) => STREAM_KEY.test(l));
      if (leaked.length) throw new Error("stream key in the console's logs:\n" + leaked.join("\n"));
    },
  };
}

export async function launchBrowser() {
  // playwright gives every launch a fresh, empty profile directory of its own.
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

// Chromium's own words when the page's Content Security Policy refuses
// something (whatever the message's level).
const CSP_MESSAGE = /Content Security Policy|Content-Security-Policy/;

// watchCSP reports every Content Security Policy violation of the context's
// pages into problems. The listener is the test's own init script (it runs
// before the page's scripts in every document, and is not subject to the
// page's CSP); a binding carries the report out, so the page cannot hide it
// by silencing its console.
export async function watchCSP(context, problems) {
  await context.exposeBinding("__greenroomCSPViolation", (source, v) => {
    problems.push(`CSP violation on ${source.frame.url()}: ${v.directive} refused ${v.blocked}${v.sample ? " (" + v.sample + ")" : ""}${v.where ? " at " + v.where : ""}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const el = e.target && e.target.nodeType === 1 ? e.target : null;
      window.__greenroomCSPViolation({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI || "inline",
        sample: e.sample || "",
        where: el ? el.outerHTML.slice(0, 120) : (e.sourceFile ? e.sourceFile + ":" + e.lineNumber : ""),
      });
    }, true);
  });
}

// withPage opens a fresh context and page, fails the test on any console
// error, Content Security Policy violation or page error, and keeps a
// screenshot when the test fails.
export async function withPage(t, browser, fn, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const problems = [];
  await watchCSP(context, problems);
  const page = await context.newPage();
  // Chromium logs every 4xx/5xx response as a console error, including the
  // 401/404/422 pages tests ask for on purpose: those are judged by status
  // below instead (a broken asset or any 5xx fails the test).
  page.on("console", (m) => {
    if (CSP_MESSAGE.test(m.text())) problems.push("CSP (console " + m.type() + "): " + m.text());
    else if (m.type() === "error" && !m.text().startsWith("Failed to load resource: the server responded with a status of")) problems.push("console: " + m.text());
  });
  page.on("response", (r) => {
    const kind = r.request().resourceType();
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    else if (r.status() >= 400 && ["stylesheet", "script", "image", "font"].includes(kind)) problems.push(`missing ${kind}: ${r.url()} (${r.status()})`);
  });
  page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  // Secret hygiene on every exchange the journey makes.
  page.on("request", (r) => { if (STREAM_KEY.test(r.url())) problems.push("stream key in a URL: " + r.url()); });
  page.on("response", async (r) => {
    if (r.request().method() !== "GET") return;
    const body = await r.text().catch(() => "");
    if (STREAM_KEY.test(body)) problems.push("stream key in a GET response: " + r.url());
  });
  try {
    await fn(page, context);
    if (problems.length) throw new Error("browser reported errors:\n" + problems.join("\n"));
  } catch (e) {
    mkdirSync(RESULTS, { recursive: true });
    const name = t.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
    await page.screenshot({ path: join(RESULTS, name + ".png"), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

// checkA11y runs axe-core on the page and fails on serious or critical
// violations. DevTools evaluation is not subject to the page's CSP, so the
// strict policy stays on while axe runs.
import { readFileSync } from "node:fs";
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");
export async function checkA11y(page, label) {
  await page.evaluate(AXE + ";0");
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (result.length) throw new Error(`axe found serious or critical issues on ${label || page.url()}:\n` + result.join("\n"));
}

// startEmulator runs bin/ivs-emulator on a random loopback port (for
// journeys that make things happen on cue through its admin API) and
// resolves with its base URL.
export async function startEmulator(args = []) {
  const proc = spawn(process.env.EMULATOR_BIN || "bin/ivs-emulator", ["-addr", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const logs = [];
  proc.stderr.on("data", (d) => logs.push(...d.toString().split("\n").filter(Boolean)));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("emulator did not start in 30 s:\n" + logs.join("\n"))), 30000);
    proc.stdout.on("data", (d) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`emulator exited with ${code}:\n` + logs.join("\n"))); });
  });
  return {
    url, logs,
    // admin calls an endpoint of the emulator's admin API on cue.
    async admin(path, body) {
      const res = await fetch(url + "/_emulator/" + path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((r) => proc.once("exit", r));
      }
    },
  };
}

// percentiles of a list of numbers, for the figures a journey measures.
export function percentiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { n: s.length, min: s[0], p50: at(50), p90: at(90), max: s[s.length - 1] };
}
