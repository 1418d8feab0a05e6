#!/usr/bin/env bash
# Builds a snarkjs Groth16 proving key and a witness for a circom circuit:
#   bash interop/make-zkey-fixture.sh CIRCUIT_NAME INPUT_JSON POWER OUT_DIR
# compiles interop/circuits/CIRCUIT_NAME.circom (circom2, --O2), runs the
# powers of tau (bn128, 2^POWER) with one contribution and a beacon, the
# Groth16 setup with one contribution and a beacon, checks the key, and
# computes the witness for INPUT_JSON. Writes to OUT_DIR:
#   CIRCUIT_NAME.zkey  CIRCUIT_NAME.wtns  verification_key.json
# Requires only `npm ci --prefix interop`; no
# network. Not byte-reproducible: snarkjs' contribute mixes in OS randomness.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="$1"
input="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
power="$3"
mkdir -p "$4"
out="$(cd "$4" && pwd)"

snarkjs_cli="$here/node_modules/snarkjs/build/cli.cjs"
circom_cli="$here/node_modules/circom2/cli.js"
for f in "$snarkjs_cli" "$circom_cli"; do
    if [ ! -f "$f" ]; then
        echo "missing $f; run: npm ci --prefix interop" >&2
        exit 2
    fi
done
snarkjs() { node "$snarkjs_cli" "$@"; }
BEACON=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

work="$(mktemp -d "${TMPDIR:-/tmp}/zkgov-zkey.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$here"   # circom2 runs under WASI and maps paths relative to the cwd

node "$circom_cli" "circuits/$name.circom" --r1cs --wasm --O2 -l node_modules -o "$work"
snarkjs r1cs info "$work/$name.r1cs"
snarkjs powersoftau new bn128 "$power" "$work/pot_0.ptau"
snarkjs powersoftau contribute "$work/pot_0.ptau" "$work/pot_1.ptau" \
    --name="zkgov fixture phase1" -e="zkgov fixture phase1 entropy"
snarkjs powersoftau beacon "$work/pot_1.ptau" "$work/pot_b.ptau" "$BEACON" 10 -n="zkgov fixture beacon"
snarkjs powersoftau prepare phase2 "$work/pot_b.ptau" "$work/pot_final.ptau"
snarkjs groth16 setup "$work/$name.r1cs" "$work/pot_final.ptau" "$work/k0.zkey"
snarkjs zkey contribute "$work/k0.zkey" "$work/k1.zkey" \
    --name="zkgov fixture phase2" -e="zkgov fixture phase2 entropy"
snarkjs zkey beacon "$work/k1.zkey" "$work/$name.zkey" "$BEACON" 10 -n="zkgov fixture beacon"
snarkjs zkey verify "$work/$name.r1cs" "$work/pot_final.ptau" "$work/$name.zkey"
snarkjs zkey export verificationkey "$work/$name.zkey" "$work/verification_key.json"
snarkjs wtns calculate "$work/${name}_js/$name.wasm" "$input" "$work/$name.wtns"
snarkjs wtns check "$work/$name.r1cs" "$work/$name.wtns"

cp "$work/$name.zkey" "$work/$name.wtns" "$work/verification_key.json" "$out/"
echo "== wrote $name fixture to $out"
ls -l "$out"
