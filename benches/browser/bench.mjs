// Proving and verifying in Chromium: zkgov's identity prover compiled to
// wasm next to snarkjs's browser build proving a circom circuit of the
// same size (interop/circuits/poseidon_chain.circom, 16,353 constraints,
// against the identity statement's 16,799; both on a 2^15 domain), in the same headless Chromium
// (Debian's), one run; with the native and node timings the fixtures
// wrote. Prints a table of ratios and writes target/browser-bench/report.json.
//
//   bash scripts/wasm.sh test          # the wasm build, the citizen fixtures, native and node timings
//   bash interop/make-zkey-fixture.sh poseidon_chain interop/circuits/poseidon_chain.input.json 15 target/browser-bench
//   node benches/browser/bench.mjs     # RUNS=3 by default
//
// snarkjs proves from a ready witness (its .wtns) with its own web workers
// (one per core); zkgov's prover synthesises its witness in the proof and
// runs on one thread. A benchmark, not a test: nothing is asserted beyond
// each proof verifying.

import { existsSync, readFileSync, writeFileSync, cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { assemble, fixtures, launch, root, serve, target } from "../../wasm/tests/browser/site.mjs";

const runs = Number(process.env.RUNS ?? 3);
const bench = join(target, "browser-bench");
const citizen = join(fixtures, "citizen");
for (const f of [join(bench, "poseidon_chain.zkey"), join(citizen, "site/site.json"), join(target, "wasm-pkg/web/zkgov_citizen.js")]) {
  if (!existsSync(f)) {
    console.error(`missing ${f}: see the commands at the top of benches/browser/bench.mjs`);
    process.exit(2);
  }
}
const extra = join(bench, "extra");
mkdirSync(join(extra, "snarkjs"), { recursive: true });
mkdirSync(join(extra, "fixtures"), { recursive: true });
cpSync(join(root, "benches/browser/pages"), extra, { recursive: true });
cpSync(join(root, "interop/node_modules/snarkjs/build/snarkjs.min.js"), join(extra, "snarkjs.min.js"));
for (const f of ["poseidon_chain.zkey", "poseidon_chain.wtns", "verification_key.json"]) cpSync(join(bench, f), join(extra, "snarkjs", f));
for (const f of ["request.json", "credential.json", "holder.json", "agency-ask.json"]) cpSync(join(citizen, f), join(extra, "fixtures", f));

const site = await serve(assemble("wasm-site-bench", [join(citizen, "site"), extra]));
const browser = await launch();
async function run(page) {
  const p = await browser.newPage();
  await p.goto(`${site.origin}/${page}${page.includes("?") ? "&" : "?"}runs=${runs}`);
  await p.waitForFunction(() => window.result !== undefined, null, { timeout: 30 * 60_000, polling: 500 });
  const r = await p.evaluate(() => window.result);
  await p.close();
  if (r.error) throw new Error(`${page}: ${r.error}`);
  return r;
}
const zkgov = await run("bench-zkgov.html");
const snarkjs = await run("bench-snarkjs.html");
const snarkjs1 = await run("bench-snarkjs.html?single=1");
await browser.close();
site.server.close();

const read = (f) => { try { return JSON.parse(readFileSync(f, "utf8")); } catch { return {}; } };
const native = read(join(citizen, "timing-native.json"));
const node = read(join(citizen, "timing-node.json"));
const min = (v) => Math.min(...v);
const report = {
  runs, chromium: browser.version(), zkgov_chromium: zkgov, snarkjs_chromium: snarkjs, snarkjs_chromium_1_thread: snarkjs1, native, node,
  ratios: {
    zkgov_chromium_prove_vs_native_1_thread: min(zkgov.prove_ms) / native.threads_1?.prove_min_ms,
    zkgov_chromium_prove_vs_native_all_cores: min(zkgov.prove_ms) / native[`threads_${native.cores}`]?.prove_min_ms,
    zkgov_chromium_prove_vs_snarkjs_chromium: min(zkgov.prove_ms) / min(snarkjs.prove_ms),
    zkgov_chromium_prove_vs_snarkjs_chromium_1_thread: min(zkgov.prove_ms) / min(snarkjs1.prove_ms),
    zkgov_chromium_verify_vs_native: zkgov.verify_ms / native.verify_identity_ms,
    snarkjs_chromium_verify_vs_zkgov_chromium: snarkjs.verify_ms / zkgov.verify_ms,
    zkgov_node_prove_vs_native_1_thread: node.prove_ms ? min(node.prove_ms) / native.threads_1?.prove_min_ms : null,
  },
};
writeFileSync(join(bench, "report.json"), JSON.stringify(report, null, 2));
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`| what | time |
|---|---|
| zkgov native, identity prove, 1 thread (min of 3) | ${ms(native.threads_1.prove_min_ms)} |
| zkgov native, identity prove, ${native.cores} threads (min of 3) | ${ms(native[`threads_${native.cores}`].prove_min_ms)} |
| zkgov wasm in node, identity prove (min) | ${node.prove_ms ? ms(min(node.prove_ms)) : "-"} |
| zkgov wasm in Chromium, identity prove, 1 thread (min of ${runs}) | ${ms(min(zkgov.prove_ms))} |
| snarkjs in Chromium, poseidon_chain prove from a witness, ${snarkjs.threads} workers (min of ${runs}) | ${ms(min(snarkjs.prove_ms))} |
| snarkjs in Chromium, the same on the page's thread (min of ${runs}) | ${ms(min(snarkjs1.prove_ms))} |
| zkgov wasm in Chromium, key check and preparation (once) | ${ms(zkgov.prepare_ms)} |
| zkgov native, identity verify | ${native.verify_identity_ms.toFixed(1)} ms |
| zkgov wasm in Chromium, identity verify | ${zkgov.verify_ms.toFixed(1)} ms |
| snarkjs in Chromium, verify | ${snarkjs.verify_ms.toFixed(1)} ms |`);
console.log(JSON.stringify(report.ratios, null, 2));
