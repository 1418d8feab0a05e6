#!/usr/bin/env bash
# The test command: installs what the tests need and runs them all.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Node packages for the interop tests (snarkjs, circomlibjs), from the lock file.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node and npm are required (Debian: apt-get install -y nodejs npm)" >&2
    exit 1
fi
npm ci --prefix interop --no-audit --no-fund --loglevel=error

# The circomlibjs Poseidon vectors in the repository must be exactly what
# circomlibjs produces today.
mkdir -p target
node interop/gen-poseidon-vectors.js target/circomlib_poseidon.regenerated.json
cmp target/circomlib_poseidon.regenerated.json circuits/tests/vectors/circomlib_poseidon.json
echo "circomlibjs Poseidon vectors: regenerated and identical"
node interop/gen-eddsa-vectors.js target/circomlib_eddsa_poseidon.regenerated.json
cmp target/circomlib_eddsa_poseidon.regenerated.json circuits/tests/vectors/circomlib_eddsa_poseidon.json
echo "circomlibjs EdDSA-Poseidon vectors: regenerated and identical"

# A throwaway PostgreSQL cluster (installed from Debian's packages if
# missing; a temp dir, loopback only) for the PostgreSQL storage tests,
# which never skip in CI; stopped on exit.
eval "$(bash scripts/postgres-throwaway.sh start)"
trap 'bash scripts/postgres-throwaway.sh stop "$ZKGOV_PG_THROWAWAY"' EXIT

# One profile (release) for tests and the demo, so the workspace builds once.
ZKGOV_REQUIRE_NODE=1 cargo test --release --workspace

# The multi-scalar multiplication's scalar path again, which CPUs with
# AVX-512 IFMA otherwise skip (groth16/src/ifma.rs).
ZKGOV_SCALAR_MSM=1 cargo test --release -p zkgov-groth16

# zkgov prove zkey next to snarkjs groth16 prove on the same zkey and witness
# (every proof checked with snarkjs groth16 verify).
bash scripts/prover-side-by-side.sh

# The verifier compiled to wasm32 (Debian's rustc-web, pinned wasm-bindgen):
# its fixtures natively and the same bundles in node (a differential test).
bash scripts/wasm.sh test
