// The citizen's prover and the identity checks in wasm, in node: the same
// request, files and keys as the native test (`cargo test --release -p
// zkgov-wasm --test citizen`), the same verdicts on valid and tampered
// identity bundles (the differential test), a proof made in wasm that the
// agency's check accepts, and the timings next to native.
//
//   node --test wasm/tests/node/citizen.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const target = resolve(process.env.CARGO_TARGET_DIR || join(root, "target"));
const pkg = resolve(process.env.ZKGOV_WASM_PKG || join(target, "wasm-pkg/node"));
const dir = join(resolve(process.env.ZKGOV_WASM_FIXTURES || join(target, "wasm-fixtures")), "citizen");

const require = createRequire(import.meta.url);
const zk = require(join(pkg, "zkgov_citizen.js"));
const text = (f) => readFileSync(join(dir, f), "utf8");
const bytes = (f) => new Uint8Array(readFileSync(join(dir, f)));
const site = JSON.parse(text("site/site.json"));
const manifest = text("site/keys/manifest.json");
const files = JSON.parse(zk.keyFiles(manifest));
const pk = bytes(`site/keys/${files.proving_key.file}`);
const vk = bytes(`site/keys/${files.verifying_key.file}`);
const receipt = text("site/ledger/v1/agencies/benefits-office");
const now = () => Date.now() / 1000;

test("differential: every identity bundle gets the native verdict in wasm", () => {
  const cases = JSON.parse(text("identity-cases.json"));
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    let got;
    try {
      got = { ok: true, outcome: zk.verifyIdentityBundle(vk, c.bundle, text("agency-ask.json")) };
    } catch (e) {
      assert.ok(e instanceof zk.VerifyFailure, `${c.name}: threw ${e}`);
      got = { ok: false, code: e.code, error: e.error };
    }
    assert.deepEqual(got, c.native, c.name);
  }
});

test("the request in words, and the refusals before proving", () => {
  const asked = JSON.parse(zk.checkRequest(text("request.json"), receipt, site.log_key, now()));
  assert.equal(asked.agency, "benefits-office");
  assert.deepEqual(asked.proves, ["you are at least 18 years old", "your region is north"]);
  assert.deepEqual(asked.discloses, ["region"]);
  assert.throws(() => zk.checkRequest(text("expired-request.json"), receipt, site.log_key, now()),
    (e) => e.code === "mismatch" && e.error === "RequestRefused" && /expired/.test(e.message));
  assert.throws(() => zk.checkRequest(text("borrowed-request.json"), receipt, site.log_key, now()),
    (e) => e.code === "invalid-proof" && e.error === "BadSignature");
  assert.throws(() => zk.checkRequest(text("request.json"), receipt, site.log_key, 4e9),
    (e) => e.error === "RequestRefused");
  assert.throws(() => zk.checkRequest(text("request.json"), "{}", site.log_key, now()),
    (e) => e.code === "malformed");
  const altered = pk.slice();
  altered[4096] ^= 0x10;
  assert.throws(() => new zk.Prover(manifest, altered, vk),
    (e) => e.code === "bad-key" && e.error === "DigestMismatch");
});

test("a proof made in wasm verifies with the agency's check; timings next to native", () => {
  let t = performance.now();
  const prover = new zk.Prover(manifest, pk, vk);
  const prepareMs = performance.now() - t;
  const proveMs = [];
  let out;
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    out = JSON.parse(prover.proveIdentity(text("request.json"), receipt, site.log_key, now(),
      text("credential.json"), text("holder.json"), text("site/issuers.json")));
    proveMs.push(performance.now() - t);
  }
  assert.deepEqual(out.disclosed, [{ name: "region", value: "north" }]);
  const verdict = JSON.parse(zk.verifyIdentityBundle(vk, out.bundle, text("agency-ask.json")));
  assert.deepEqual(verdict.disclosed, { region: "north" });
  assert.equal(verdict.nullifier, out.nullifier);
  t = performance.now();
  const runs = 10;
  for (let i = 0; i < runs; i++) zk.verifyIdentityBundle(vk, out.bundle, text("agency-ask.json"));
  const verifyMs = (performance.now() - t) / runs;
  assert.throws(() => prover.proveIdentity(text("request.json"), receipt, site.log_key, now(),
    text("holder.json"), text("holder.json"), text("site/issuers.json")), (e) => e.code === "malformed");
  prover.free();
  let native = {};
  try {
    native = JSON.parse(text("timing-native.json"));
  } catch {}
  const proveMin = Math.min(...proveMs);
  const report = {
    node: process.version, prepare_ms: prepareMs, prove_ms: proveMs, verify_identity_ms: verifyMs,
    ratio_prove_vs_native_1_thread: native.threads_1 ? proveMin / native.threads_1.prove_min_ms : null,
    ratio_prove_vs_native_all_cores: native.cores ? proveMin / native[`threads_${native.cores}`].prove_min_ms : null,
    ratio_verify_vs_native: native.verify_identity_ms ? verifyMs / native.verify_identity_ms : null,
  };
  writeFileSync(join(dir, "timing-node.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report));
});
