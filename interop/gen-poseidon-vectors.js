#!/usr/bin/env node
// Generates circomlib-compatible Poseidon test vectors (BN254 Fr, t = n + 1,
// n = 1..16 inputs, one output, initial state 0) using circomlibjs as the oracle.
//
// Usage: node gen-poseidon-vectors.js [OUT_PATH]
//   OUT_PATH defaults to ../circuits/tests/vectors/circomlib_poseidon.json
//   relative to this script's directory. Use "-" to write to stdout.
//
// The output is deterministic: no Math.random, no timestamps; the pseudo-random
// inputs come from SHA-256 in counter mode over a fixed label (see prngValue).
// Every output is computed by circomlibjs' buildPoseidon (wasm) and
// cross-checked against buildPoseidonReference and buildPoseidonOpt.
"use strict";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const { buildPoseidon, buildPoseidonReference, buildPoseidonOpt } = require("circomlibjs");

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const MAX_INPUTS = 16;

// Deterministic field element: SHA-256("zkgov/poseidon-vectors/v1/<n>/<case>/<i>/<ctr>")
// read as a big-endian 256-bit integer; rejection-sample until it is < r
// (accepts with probability ~r/2^256 ~ 0.19, so a counter is needed).
function prngValue(n, caseIdx, i) {
  for (let ctr = 0; ; ctr++) {
    const h = crypto
      .createHash("sha256")
      .update(`zkgov/poseidon-vectors/v1/${n}/${caseIdx}/${i}/${ctr}`)
      .digest("hex");
    const v = BigInt("0x" + h);
    if (v < R) return v;
  }
}

function casesFor(n) {
  const idx = [...Array(n).keys()];
  return [
    // all zeros
    idx.map(() => 0n),
    // small values 1..n
    idx.map((i) => BigInt(i + 1)),
    // near the modulus: r-1, r-2, ..., r-n
    idx.map((i) => R - 1n - BigInt(i)),
    // mixed edges: repeating r-1, 0, 1 (both extremes in one call)
    idx.map((i) => (i % 3 === 0 ? R - 1n : i % 3 === 1 ? 0n : 1n)),
    // two pseudo-random cases from the fixed generator
    idx.map((i) => prngValue(n, 0, i)),
    idx.map((i) => prngValue(n, 1, i)),
  ];
}

async function main() {
  const scriptDir = __dirname;
  const outArg = process.argv[2];
  const outPath =
    outArg === undefined
      ? path.resolve(scriptDir, "../circuits/tests/vectors/circomlib_poseidon.json")
      : outArg;

  // circomlibjs' "exports" map hides package.json: walk up from its entry point.
  let pkgPath = path.dirname(require.resolve("circomlibjs"));
  while (!fs.existsSync(path.join(pkgPath, "package.json"))) pkgPath = path.dirname(pkgPath);
  pkgPath = path.join(pkgPath, "package.json");
  const version = JSON.parse(fs.readFileSync(pkgPath, "utf8")).version;

  const poseidon = await buildPoseidon();
  const reference = await buildPoseidonReference();
  const opt = await buildPoseidonOpt();
  const toDec = (F, x) => F.toObject(x).toString(10);

  const cases = [];
  for (let n = 1; n <= MAX_INPUTS; n++) {
    for (const inputs of casesFor(n)) {
      for (const v of inputs) {
        if (v < 0n || v >= R) throw new Error(`input out of range: ${v}`);
      }
      const out = toDec(poseidon.F, poseidon(inputs));
      const outRef = toDec(reference.F, reference(inputs));
      const outOpt = toDec(opt.F, opt(inputs));
      if (out !== outRef || out !== outOpt) {
        throw new Error(`circomlibjs implementations disagree for n=${n}: ${out} ${outRef} ${outOpt}`);
      }
      if (!/^(0|[1-9][0-9]*)$/.test(out) || BigInt(out) >= R) {
        throw new Error(`non-canonical output ${out}`);
      }
      cases.push({ inputs: inputs.map((v) => v.toString(10)), output: out });
    }
  }

  const doc = {
    source: `circomlibjs ${version} buildPoseidon`,
    field: "bn254 Fr",
    cases,
  };
  const text = JSON.stringify(doc, null, 2) + "\n";

  if (outPath === "-") {
    process.stdout.write(text);
  } else {
    fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
    fs.writeFileSync(outPath, text);
    process.stderr.write(`wrote ${cases.length} cases to ${outPath}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  }
);
