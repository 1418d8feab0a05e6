#!/usr/bin/env bash
# Verify a Groth16 proof with the snarkjs installed in interop/node_modules.
#
# Usage: interop/snarkjs-verify.sh VERIFICATION_KEY.json PUBLIC.json PROOF.json
#
# Exit status:
#   0  snarkjs accepted the proof (printed "OK!")
#   1  snarkjs rejected it: "Invalid proof" (pairing check failed),
#      "Public inputs are not valid." (a signal >= r) or
#      "Proof commitments are not valid." (a point not on the curve/subgroup)
#   2  anything else: bad usage, missing file, snarkjs not installed
#      (run `npm ci --prefix interop`), unparsable JSON, snarkjs crash.
#
# snarkjs' own CLI exits 1 both for an invalid proof and for any exception, so
# the verdict is taken from its log line, not from its exit code alone.
# snarkjs' output is passed through on stdout. Runs offline (no npx lookup).
set -uo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: $0 VERIFICATION_KEY.json PUBLIC.json PROOF.json" >&2
    exit 2
fi
for f in "$1" "$2" "$3"; do
    if [ ! -r "$f" ]; then
        echo "snarkjs-verify: cannot read $f" >&2
        exit 2
    fi
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/node_modules/snarkjs/build/cli.cjs"
if [ ! -f "$cli" ]; then
    echo "snarkjs-verify: $cli not found; run: npm ci --prefix interop" >&2
    exit 2
fi
if ! command -v node >/dev/null 2>&1; then
    echo "snarkjs-verify: node not found on PATH" >&2
    exit 2
fi

out="$(NO_COLOR=1 node "$cli" groth16 verify "$1" "$2" "$3" 2>&1)"
rc=$?
printf '%s\n' "$out"

# Strip ANSI colour codes before matching (logplease may colour its output).
plain="$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g')"

if [ "$rc" -eq 0 ] && printf '%s\n' "$plain" | grep -q 'snarkJS: OK!'; then
    exit 0
fi
if [ "$rc" -eq 1 ] && printf '%s\n' "$plain" | grep -Eq 'snarkJS: (Invalid proof|Public inputs are not valid\.|Proof commitments are not valid\.)$'; then
    exit 1
fi
echo "snarkjs-verify: snarkjs failed (exit $rc) without a verdict" >&2
exit 2
