// The citizen's page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): a request opened from its link is described
// in words; the citizen proves it on the device with their files; the
// bundle is downloaded and sent to the agency, and the agency's page
// verifies it and refuses a tampered copy. Every request the citizen's
// page makes (its worker's too) is intercepted: all stay on the origin and
// none carries anything from the credential or the holder file. The keys
// are fetched once (a second proof after a reload uses the cache); an
// expired request, a request signed by another key, a wrong file and a key
// that does not match the manifest are refused in words.
// Screenshots: target/screenshots/citizen-*.png; timings:
// target/wasm-fixtures/citizen/timing-chromium.json.
//
//   node --test wasm/tests/browser/citizen.mjs
//
// Needs the web bindings (scripts/wasm.sh) and the fixtures
// (`cargo test --release -p zkgov-wasm --test citizen`).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assemble, fixtures, launch, serve, shots } from "./site.mjs";

const dir = join(fixtures, "citizen");
const file = (name) => join(dir, name);
const canaries = JSON.parse(readFileSync(file("canaries.json"), "utf8"));
const b64url = (s) => Buffer.from(s, "utf8").toString("base64url");
const PROVE_TIMEOUT = 10 * 60_000;

let browser, site;
before(async () => {
  site = await serve(assemble("wasm-site-citizen", [join(dir, "site")]));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

// A context whose every request is recorded (pages and workers alike).
async function recordedContext() {
  const context = await browser.newContext({ acceptDownloads: true });
  const seen = [];
  await context.route("**/*", async (route) => {
    const r = route.request();
    seen.push({ url: r.url(), method: r.method(), headers: await r.allHeaders(), body: r.postData() ?? "" });
    await route.continue();
  });
  return { context, seen };
}

async function open(context, requestFile) {
  const page = await context.newPage();
  await page.goto(`${site.origin}/citizen.html#request=${b64url(readFileSync(file(requestFile), "utf8"))}`);
  await page.locator("#asked h3").waitFor({ timeout: 60_000 });
  return page;
}

async function prove(page, credential = "credential.json", holder = "holder.json") {
  await page.getByLabel("Your credential").setInputFiles(file(credential));
  await page.getByLabel("Your holder file").setInputFiles(file(holder));
  await page.getByRole("button", { name: "Prove on this device" }).focus();
  await page.keyboard.press("Enter");
  await page.locator("#result h3").waitFor({ timeout: PROVE_TIMEOUT });
  return { cls: await page.locator("#result").getAttribute("class"), text: await page.locator("#result").innerText() };
}

async function agencyVerifies(context, bundlePath, tag, receipt) {
  const page = await context.newPage();
  await page.goto(`${site.origin}/agency.html`);
  await page.getByLabel("Your verifying key").setInputFiles(file("identity.vk"));
  await page.getByLabel("What you accept").setInputFiles(file("agency-ask.json"));
  await page.getByLabel("Their bundle").setInputFiles(bundlePath);
  if (receipt) {
    await page.getByLabel("The ledger's receipt").setInputFiles(receipt);
    await page.getByLabel("The ledger's log key").fill(readFileSync(file("log-key.txt"), "utf8"));
  }
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await page.locator("#result h2").waitFor({ timeout: 60_000 });
  const r = { cls: await page.locator("#result").getAttribute("class"), text: await page.locator("#result").innerText() };
  await page.screenshot({ path: join(shots, `citizen-agency-${tag}.png`), fullPage: true });
  await page.close();
  return r;
}

test("prove on the device, send and download; the agency's page verifies it; nothing of the citizen's files leaves the page", async () => {
  const { context, seen } = await recordedContext();
  const page = await open(context, "request.json");
  const asked = await page.locator("#asked").innerText();
  assert.match(asked, /benefits-office asks you to prove, for “adult-resident-north”/);
  assert.match(asked, /you are at least 18 years old/);
  assert.match(asked, /your region is north/);
  assert.match(asked, /It will see:\s+region/);
  assert.match(asked, /benefits-2026/);
  await page.screenshot({ path: join(shots, "citizen-request.png"), fullPage: true });

  const r = await prove(page);
  assert.equal(r.cls, "valid", r.text);
  assert.match(r.text, /Proven on this device/);
  assert.match(r.text, /benefits-office will see: region\s+north/);
  await page.screenshot({ path: join(shots, "citizen-proven.png"), fullPage: true });
  const first = await page.evaluate(() => ({ ...window.zkgovTimings }));

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Download the proof/ }).click(),
  ]);
  const bundlePath = join(dir, "chromium-bundle.json");
  await download.saveAs(bundlePath);
  const bundle = readFileSync(bundlePath, "utf8");
  await page.getByRole("button", { name: "Send it to benefits-office" }).click();
  await page.getByText(/Sent: benefits-office answered HTTP 202/).waitFor();
  assert.deepEqual(site.posts.map((p) => p.path), ["/submit/benefits-office"]);
  assert.equal(site.posts[0].body, bundle);

  const ok = await agencyVerifies(context, bundlePath, "valid");
  assert.equal(ok.cls, "valid", ok.text);
  assert.match(ok.text, /disclosed: region\s+"north"/);
  assert.match(ok.text, /policy that holds\s+adult-resident-north/);
  const tampered = JSON.parse(bundle);
  tampered.disclosure.values[1] = "2";
  const tamperedPath = join(dir, "chromium-bundle-tampered.json");
  writeFileSync(tamperedPath, JSON.stringify(tampered, null, 2));
  const refused = await agencyVerifies(context, tamperedPath, "tampered");
  assert.equal(refused.cls, "refused", refused.text);
  assert.match(refused.text, /Refused \(mismatch\)/);

  // A second proof after a reload: the keys come from the cache.
  const keyFetches = () => seen.filter((s) => /\/keys\/[^/]+\.(pk|vk)\?/.test(s.url)).length;
  assert.equal(keyFetches(), 2, "the proving and verifying key, fetched once each");
  await page.reload();
  await page.locator("#asked h3").waitFor({ timeout: 60_000 });
  const again = await prove(page);
  assert.equal(again.cls, "valid", again.text);
  const second = await page.evaluate(() => ({ ...window.zkgovTimings }));
  assert.equal(keyFetches(), 2, "no key fetched again after a reload");
  assert.equal(second.key_cached, true);
  // Every point checked on the key's first use; its digest alone after.
  assert.equal(first.points_checked_before, false);
  assert.equal(second.points_checked_before, true);

  // Privacy: every request stays on the origin, and none carries a canary
  // (the family name, birth date, holder secret and holder commitment).
  assert.ok(seen.length >= 8, `requests were recorded (${seen.length})`);
  assert.ok(seen.some((s) => s.method === "POST"), "the POST to the agency was recorded");
  for (const s of seen) {
    assert.ok(s.url.startsWith(site.origin), `a request left the origin: ${s.url}`);
    const all = [s.url, s.body, ...Object.values(s.headers)].join("\n");
    for (const c of canaries) assert.ok(!all.includes(c), `a request carries a canary: ${s.method} ${s.url}`);
  }
  let native = {};
  try {
    native = JSON.parse(readFileSync(file("timing-native.json"), "utf8"));
  } catch {}
  const report = {
    chromium_first: first, chromium_second: second, native,
    // Against native on one thread (as wasm runs) and on every core.
    ratio_prove_vs_native_1_thread: native.threads_1 ? Math.min(first.prove_ms, second.prove_ms) / native.threads_1.prove_min_ms : null,
    ratio_prove_vs_native_all_cores: native.cores ? Math.min(first.prove_ms, second.prove_ms) / native[`threads_${native.cores}`].prove_min_ms : null,
    ratio_prepare_vs_native_1_thread: native.threads_1 ? first.prepare_ms / native.threads_1.prepare_ms : null,
    chromium: browser.version(),
  };
  writeFileSync(file("timing-chromium.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report));
  await context.close();
});

test("the agency's page checks the receipt that anchors a bundle, and refuses one that does not", async () => {
  const context = await browser.newContext();
  const ok = await agencyVerifies(context, file("bundle.json"), "anchored", file("receipt.json"));
  assert.equal(ok.cls, "valid", ok.text);
  assert.match(ok.text, /anchored on the ledger\s+entry \d+, in the checkpoint of zkgov.example\/ledger at size \d+/);
  // The agency's registration receipt anchors no proof.
  const wrong = await agencyVerifies(context, file("bundle.json"), "wrong-receipt", join(dir, "site/ledger/v1/agencies/benefits-office"));
  assert.equal(wrong.cls, "refused", wrong.text);
  assert.match(wrong.text, /not a proof anchor/);
  await context.close();
});

test("an expired request and one signed by another key are refused before any proving", async () => {
  const context = await browser.newContext();
  for (const [name, want] of [["expired-request.json", /This request has expired/], ["borrowed-request.json", /This request is refused[\s\S]*not signed by the registered key/]]) {
    const page = await open(context, name);
    const asked = await page.locator("#asked").innerText();
    assert.match(asked, want);
    assert.equal(await page.locator("#asked").getAttribute("class"), "refused");
    assert.equal(await page.getByRole("button", { name: "Prove on this device" }).isDisabled(), true);
    await page.screenshot({ path: join(shots, `citizen-${name.replace(".json", "")}.png`), fullPage: true });
    await page.close();
  }
  await context.close();
});

test("a wrong file, and a key that does not match the manifest, are refused in words", async () => {
  const context = await browser.newContext();
  // The proving key altered in transit (a fresh context: nothing cached).
  await context.route(/\/keys\/[^/]+\.pk\?/, async (route) => {
    const r = await route.fetch();
    const body = Buffer.from(await r.body());
    body[body.length >> 1] ^= 1;
    await route.fulfill({ response: r, body });
  });
  const page = await open(context, "request.json");
  const r = await prove(page);
  assert.equal(r.cls, "refused", r.text);
  assert.match(r.text, /The proving key does not match the site's manifest[\s\S]*SHA-256/);
  await page.screenshot({ path: join(shots, "citizen-bad-key.png"), fullPage: true });
  await context.unroute(/\/keys\/[^/]+\.pk\?/);
  await page.close();

  const page2 = await open(context, "request.json");
  const wrong = await prove(page2, "holder.json", "holder.json");
  assert.equal(wrong.cls, "refused", wrong.text);
  assert.match(wrong.text, /Wrong file/);
  await page2.screenshot({ path: join(shots, "citizen-wrong-file.png"), fullPage: true });
  await page2.close();
  await context.close();
});
