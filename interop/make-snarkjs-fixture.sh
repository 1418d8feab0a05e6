#!/usr/bin/env bash
# Builds the snarkjs Groth16 fixture for interop/circuits/nullifier.circom and
# writes it to verifier/tests/fixtures/snarkjs/ (or the directory given as $1):
#   verification_key.json  proof.json  public.json  input.json  tampered_public.json
#
# Requires only `npm ci --prefix interop` (circom2 = circom compiled to wasm,
# snarkjs, circomlib, circomlibjs); no network, no stdin. Intermediates
# (r1cs, wasm, ptau, zkey, witness) live in a temp dir that is removed on exit.
#
# Not byte-reproducible: snarkjs' `contribute` mixes OS randomness into the
# given entropy, and `groth16 prove` draws fresh r, s. Every run yields a
# different but equally valid fixture; the public signals are always the same.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${1:-$root/verifier/tests/fixtures/snarkjs}"

snarkjs_cli="$here/node_modules/snarkjs/build/cli.cjs"
circom_cli="$here/node_modules/circom2/cli.js"
for f in "$snarkjs_cli" "$circom_cli" "$here/node_modules/circomlib/circuits/poseidon.circom"; do
    if [ ! -f "$f" ]; then
        echo "missing $f; run: npm ci --prefix interop" >&2
        exit 2
    fi
done

snarkjs() { node "$snarkjs_cli" "$@"; }

# Fixed inputs of the fixture.
SECRET=123456789
SCOPE=42
# With --O2 the circuit has 453 constraints; snarkjs needs a domain of
# constraints + nPublic + 1 = 457 <= 2^9. Power 10 leaves slack and keeps
# `powersoftau prepare phase2` (the slow step, ~30 s) short.
POWER=10
# Public, fixed beacon values (the usual snarkjs example hash).
BEACON=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
BEACON_EXP=10

work="$(mktemp -d "${TMPDIR:-/tmp}/zkgov-snarkjs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# circom2 runs under WASI and maps its path arguments relative to the cwd.
cd "$here"

echo "== compile (circom2 $(node -p 'require("./node_modules/circom2/package.json").version'))"
node "$circom_cli" circuits/nullifier.circom --r1cs --wasm --sym --O2 -l node_modules -o "$work"
snarkjs r1cs info "$work/nullifier.r1cs"

echo "== powers of tau (phase 1)"
snarkjs powersoftau new bn128 "$POWER" "$work/pot_0000.ptau"
snarkjs powersoftau contribute "$work/pot_0000.ptau" "$work/pot_0001.ptau" \
    --name="zkgov interop phase1 contribution" -e="zkgov interop phase1 entropy"
snarkjs powersoftau beacon "$work/pot_0001.ptau" "$work/pot_beacon.ptau" \
    "$BEACON" "$BEACON_EXP" -n="zkgov interop phase1 beacon"
snarkjs powersoftau prepare phase2 "$work/pot_beacon.ptau" "$work/pot_final.ptau"
snarkjs powersoftau verify "$work/pot_final.ptau"

echo "== groth16 setup (phase 2)"
snarkjs groth16 setup "$work/nullifier.r1cs" "$work/pot_final.ptau" "$work/nullifier_0000.zkey"
snarkjs zkey contribute "$work/nullifier_0000.zkey" "$work/nullifier_0001.zkey" \
    --name="zkgov interop phase2 contribution" -e="zkgov interop phase2 entropy"
snarkjs zkey beacon "$work/nullifier_0001.zkey" "$work/nullifier_final.zkey" \
    "$BEACON" "$BEACON_EXP" -n="zkgov interop phase2 beacon"
snarkjs zkey verify "$work/nullifier.r1cs" "$work/pot_final.ptau" "$work/nullifier_final.zkey"
snarkjs zkey export verificationkey "$work/nullifier_final.zkey" "$work/verification_key.json"

echo "== witness and proof"
printf '{\n "secret": "%s",\n "scope": "%s"\n}\n' "$SECRET" "$SCOPE" > "$work/input.json"
snarkjs wtns calculate "$work/nullifier_js/nullifier.wasm" "$work/input.json" "$work/witness.wtns"
snarkjs wtns check "$work/nullifier.r1cs" "$work/witness.wtns"
snarkjs groth16 prove "$work/nullifier_final.zkey" "$work/witness.wtns" "$work/proof.json" "$work/public.json"
snarkjs groth16 verify "$work/verification_key.json" "$work/public.json" "$work/proof.json"

# Sanity checks: public signals equal circomlibjs' Poseidon, and the key is not
# the degenerate no-contribution one (delta_2 would equal gamma_2 = G2 generator).
# Also write tampered_public.json (nullifier + 1 mod r).
node - "$work" "$SECRET" "$SCOPE" <<'JS'
const fs = require("fs");
const path = require("path");
const { buildPoseidon } = require("circomlibjs");
const [work, secret, scope] = process.argv.slice(2);
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
(async () => {
  const p = await buildPoseidon();
  const h = (xs) => p.F.toObject(p(xs.map(BigInt))).toString();
  const expected = [h([scope, secret]), h([secret]), scope];
  const pub = JSON.parse(fs.readFileSync(path.join(work, "public.json"), "utf8"));
  if (JSON.stringify(pub) !== JSON.stringify(expected)) {
    throw new Error(`public.json ${JSON.stringify(pub)} != expected ${JSON.stringify(expected)}`);
  }
  const vk = JSON.parse(fs.readFileSync(path.join(work, "verification_key.json"), "utf8"));
  if (vk.nPublic !== 3 || vk.IC.length !== 4) throw new Error("unexpected nPublic/IC");
  if (JSON.stringify(vk.vk_delta_2) === JSON.stringify(vk.vk_gamma_2)) {
    throw new Error("vk_delta_2 == vk_gamma_2: phase-2 contribution missing");
  }
  const tampered = pub.slice();
  tampered[0] = ((BigInt(tampered[0]) + 1n) % R).toString();
  // Same layout snarkjs uses (bfj, space 1).
  fs.writeFileSync(path.join(work, "tampered_public.json"), JSON.stringify(tampered, null, 1));
  console.log("public signals [nullifier, commitment, scope] =", JSON.stringify(pub));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
JS

echo "== wrapper verdicts"
bash "$here/snarkjs-verify.sh" "$work/verification_key.json" "$work/public.json" "$work/proof.json"
set +e
bash "$here/snarkjs-verify.sh" "$work/verification_key.json" "$work/tampered_public.json" "$work/proof.json"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
    echo "tampered public signals were not rejected (exit $rc)" >&2
    exit 1
fi

mkdir -p "$out"
for f in verification_key.json proof.json public.json input.json tampered_public.json; do
    cp "$work/$f" "$out/$f"
done
echo "== wrote fixture to $out"
ls -l "$out"
