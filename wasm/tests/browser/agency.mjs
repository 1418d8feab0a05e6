// The agency's page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser download): a valid bundle verifies
// and the page says what was learned; a tampered bundle and a wrong file
// are refused; every request the page makes goes to its own origin.
// Screenshots: target/screenshots/agency-*.png.
//
//   node --test wasm/tests/browser/agency.mjs
//
// Needs the web bindings (scripts/wasm.sh: target/wasm-pkg/web) and the
// fixtures (`cargo test --release -p zkgov-wasm`: target/wasm-fixtures).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { assemble, fixtures, launch, serve, shots } from "./site.mjs";

let browser, origin;
const cases = JSON.parse(readFileSync(join(fixtures, "cases.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "zkgov-agency-"));
const hex = (s) => Buffer.from(s, "hex");

function files(c, tag) {
  const f = { vk: join(dir, `${tag}.vk`), ask: join(dir, `${tag}-ask.json`), bundle: join(dir, `${tag}-bundle.json`) };
  writeFileSync(f.vk, hex(c.vk));
  writeFileSync(f.ask, c.request);
  writeFileSync(f.bundle, c.bundle);
  return f;
}

let server;
before(async () => {
  ({ server, origin } = await serve(assemble("wasm-site")));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server.close();
});

async function verify(tag, f) {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${origin}/agency.html`);
  // Every input is reached by its label.
  await page.getByLabel("Your verifying key").setInputFiles(f.vk);
  await page.getByLabel("What you accept").setInputFiles(f.ask);
  await page.getByLabel("Their bundle").setInputFiles(f.bundle);
  // Submitted from the keyboard.
  await page.getByRole("button", { name: "Verify", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.locator("#result h2").waitFor({ timeout: 60_000 });
  const result = { cls: await page.locator("#result").getAttribute("class"), text: await page.locator("#result").innerText() };
  await page.screenshot({ path: join(shots, `agency-${tag}.png`), fullPage: true });
  for (const u of requests) assert.ok(u.startsWith(origin), `a request left the page's origin: ${u}`);
  await page.close();
  return result;
}

test("a valid bundle verifies, and the page says what the agency learned", async () => {
  const r = await verify("valid", files(cases.find((c) => c.name === "valid"), "valid"));
  assert.equal(r.cls, "valid", r.text);
  assert.match(r.text, /Valid: the citizen's statement holds/);
  assert.match(r.text, /disclosed: field 0\s+3/);
  assert.match(r.text, /nullifier[^\n]*\n\d+/);
});

test("a tampered bundle is refused with the verifier's code", async () => {
  const r = await verify("tampered", files(cases.find((c) => c.name === "other bundle's proof"), "tampered"));
  assert.equal(r.cls, "refused", r.text);
  assert.match(r.text, /Refused \(invalid-proof\)/);
});

test("a wrong file is refused in words", async () => {
  const f = files(cases.find((c) => c.name === "valid"), "wrong");
  writeFileSync(f.bundle, readFileSync(f.vk));
  const r = await verify("wrong-file", f);
  assert.equal(r.cls, "refused", r.text);
  assert.match(r.text, /right file/);
});
