#!/usr/bin/env node
// Generates circomlib EdDSA-Poseidon (Baby Jubjub) test vectors with
// circomlibjs as the oracle: public keys (prv2pub), signatures
// (signPoseidon), each re-checked with verifyPoseidon.
//
// Usage: node gen-eddsa-vectors.js [OUT_PATH]
//   OUT_PATH defaults to ../circuits/tests/vectors/circomlib_eddsa_poseidon.json
//   relative to this script's directory. Use "-" for stdout.
//
// Deterministic: private keys and messages come from SHA-256 over fixed labels.
"use strict";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const { buildEddsa, buildBabyjub } = require("circomlibjs");

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function sha(label) {
  return crypto.createHash("sha256").update(label).digest();
}

function fieldFrom(label) {
  for (let ctr = 0; ; ctr++) {
    const v = BigInt("0x" + sha(`${label}/${ctr}`).toString("hex"));
    if (v < R) return v;
  }
}

async function main() {
  const out = process.argv[2] || path.join(__dirname, "..", "circuits", "tests", "vectors", "circomlib_eddsa_poseidon.json");
  const eddsa = await buildEddsa();
  const babyJub = await buildBabyjub();
  const F = babyJub.F;
  const pt = (p) => [F.toObject(p[0]).toString(), F.toObject(p[1]).toString()];

  const keys = [];
  keys.push(Buffer.alloc(32, 0));
  keys.push(Buffer.from("0001020304050607080900010203040506070809000102030405060708090001", "hex"));
  for (let i = 0; i < 6; i++) keys.push(sha(`zkgov/eddsa-vectors/v1/key/${i}`));

  const messages = [0n, 1n, 1234567890n, R - 1n];
  for (let i = 0; i < 2; i++) messages.push(fieldFrom(`zkgov/eddsa-vectors/v1/msg/${i}`));

  const cases = [];
  keys.forEach((prv, ki) => {
    const A = eddsa.prv2pub(prv);
    // Every key signs two messages: the key index picks them, so all messages are used.
    for (const msg of [messages[ki % messages.length], messages[(ki + 3) % messages.length]]) {
      const sig = eddsa.signPoseidon(prv, F.e(msg));
      if (!eddsa.verifyPoseidon(F.e(msg), sig, A)) throw new Error("circomlibjs rejected its own signature");
      cases.push({
        private_key: prv.toString("hex"),
        public_key: pt(A),
        message: msg.toString(),
        r8: pt(sig.R8),
        s: sig.S.toString(),
      });
    }
  });

  const doc = {
    source: "circomlibjs 0.1.7 buildEddsa: prv2pub, signPoseidon, verifyPoseidon",
    base8: pt(babyJub.Base8),
    sub_order: babyJub.subOrder.toString(),
    cases,
  };
  const text = JSON.stringify(doc, null, 1) + "\n";
  if (out === "-") process.stdout.write(text);
  else fs.writeFileSync(out, text);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
