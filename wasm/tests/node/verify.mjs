// The wasm verifier in node, against the native verdicts.
//
//   node --test wasm/tests/node/verify.mjs
//
// Needs the nodejs bindings (scripts/wasm.sh writes them to
// $ZKGOV_WASM_PKG, default target/wasm-pkg/node) and the fixtures the
// native test writes (`cargo test --release -p zkgov-wasm --test fixtures`:
// $ZKGOV_WASM_FIXTURES, default target/wasm-fixtures). Plain node: no npm.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const target = resolve(process.env.CARGO_TARGET_DIR || join(root, "target"));
const pkg = resolve(process.env.ZKGOV_WASM_PKG || join(target, "wasm-pkg/node"));
const fixtures = resolve(process.env.ZKGOV_WASM_FIXTURES || join(target, "wasm-fixtures"));

const require = createRequire(import.meta.url);
const zk = require(join(pkg, "zkgov_verifier.js"));
const cases = JSON.parse(readFileSync(join(fixtures, "cases.json"), "utf8"));
const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

function run(c) {
  try {
    return { ok: true, outcome: zk.verifyRecordBundle(hex(c.vk), c.bundle, c.request) };
  } catch (e) {
    assert.ok(e instanceof zk.VerifyFailure, `${c.name}: threw ${e}`);
    return { ok: false, code: e.code, error: e.error, message: e.message };
  }
}

test("a valid record bundle verifies and says what the agency learns", () => {
  const c = cases.find((c) => c.name === "valid");
  const out = JSON.parse(zk.verifyRecordBundle(hex(c.vk), c.bundle, c.request));
  assert.equal(out.statement, "zkgov/record-membership/v2");
  assert.deepEqual(out.disclosed, [{ slot: 0, name: null, value: "3" }]);
  assert.match(out.nullifier, /^[0-9]+$/);
});

test("a tampered bundle is refused with the verifier's code", () => {
  const c = cases.find((c) => c.name === "other bundle's proof");
  assert.throws(
    () => zk.verifyRecordBundle(hex(c.vk), c.bundle, c.request),
    (e) => e.code === "invalid-proof" && e.error === "InvalidProof" && /pairing/.test(e.message),
  );
  const m = cases.find((c) => c.name === "another challenge asked");
  assert.throws(
    () => zk.verifyRecordBundle(hex(m.vk), m.bundle, m.request),
    (e) => e.code === "mismatch" && e.error === "PublicInputMismatch",
  );
});

test("differential: every case gets the native verdict in wasm", () => {
  assert.ok(cases.length >= 10, "fixtures hold the valid and tampered cases");
  for (const c of cases) {
    const got = run(c);
    if (c.native.ok) {
      assert.deepEqual(got, { ok: true, outcome: c.native.outcome }, c.name);
    } else {
      assert.deepEqual(
        { ok: got.ok, code: got.code, error: got.error },
        { ok: false, code: c.native.code, error: c.native.error },
        c.name,
      );
    }
  }
});

test("garbage is a typed failure, never a crash", () => {
  const inputs = [
    () => zk.verifyRecordBundle(new Uint8Array(0), "", ""),
    () => zk.verifyRecordBundle(new Uint8Array(600).fill(255), "{}", "{}"),
    () => zk.verifyIdentityBundle(new Uint8Array(3), "null", "[]"),
    () => zk.verifyReceipt("{}", "not a key"),
    () => zk.verifyGroth16(new Uint8Array(0), "{\"format\":1}"),
  ];
  for (const f of inputs) {
    assert.throws(f, (e) => e instanceof zk.VerifyFailure && e.code === "malformed");
  }
  // The module still works after every refusal.
  const c = cases.find((c) => c.name === "valid");
  assert.ok(zk.verifyGroth16(hex(c.vk), c.bundle));
});

test("timing: Groth16 verify in wasm next to native", () => {
  const c = cases.find((c) => c.name === "valid");
  const vk = hex(c.vk);
  const runs = 30;
  // (mean, median, min) over the runs; on a shared machine the minimum
  // is the least disturbed.
  const time = (f) => {
    f();
    const v = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      f();
      v.push(performance.now() - t);
    }
    v.sort((a, b) => a - b);
    return [v.reduce((a, b) => a + b, 0) / runs, v[runs >> 1], v[0]];
  };
  const [groth16, groth16Median, groth16Min] = time(() => zk.verifyGroth16(vk, c.bundle));
  const [record, recordMedian, recordMin] = time(() =>
    zk.verifyRecordBundle(vk, c.bundle, c.request),
  );
  let native = {};
  try {
    native = JSON.parse(readFileSync(join(fixtures, "timing-native.json"), "utf8"));
  } catch {}
  const report = {
    runs,
    wasm_groth16_ms: groth16,
    wasm_groth16_median_ms: groth16Median,
    wasm_groth16_min_ms: groth16Min,
    wasm_record_bundle_ms: record,
    wasm_record_bundle_median_ms: recordMedian,
    wasm_record_bundle_min_ms: recordMin,
    native_groth16_ms: native.groth16_ms,
    native_groth16_median_ms: native.groth16_median_ms,
    native_groth16_min_ms: native.groth16_min_ms,
    native_record_bundle_ms: native.record_bundle_ms,
    native_record_bundle_min_ms: native.record_bundle_min_ms,
    ratio_groth16_min: native.groth16_min_ms ? groth16Min / native.groth16_min_ms : null,
    node: process.version,
  };
  writeFileSync(join(fixtures, "timing-wasm.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report));
});
