#!/usr/bin/env bash
# zkgov vs snarkjs (and rapidsnark, when given) proving on the same zkey and
# witness, each run as its command-line program (process start, key reading
# and proving): median wall time of RUNS runs and peak RSS. Every proof is
# checked with `snarkjs groth16 verify`.
#
#   bash scripts/prover-side-by-side.sh                  # the committed nullifier fixture (CI)
#   bash scripts/prover-side-by-side.sh KEY.zkey W.wtns VK.json
#   RAPIDSNARK=/path/to/prover RUNS=9 bash scripts/prover-side-by-side.sh ...
#
# rapidsnark is a manual step (build it from iden3/rapidsnark; its `prover`
# takes the same four arguments as `zkgov prove zkey`).
set -euo pipefail
cd "$(dirname "$0")/.."

fixture=groth16/tests/fixtures/nullifier
zkey="${1:-$fixture/nullifier.zkey}"
wtns="${2:-$fixture/nullifier.wtns}"
vk="${3:-$fixture/verification_key.json}"
runs="${RUNS:-5}"
bin="${CARGO_TARGET_DIR:-target}/release/zkgov"
[ -x "$bin" ] || cargo build --release --bin zkgov
snarkjs_cli=interop/node_modules/snarkjs/build/cli.cjs
if [ ! -f "$snarkjs_cli" ]; then
    echo "missing $snarkjs_cli; run: npm ci --prefix interop" >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/zkgov-side.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The provers take turns, one run each per round, so that the machine's
# drift (other tenants, frequency) falls on all of them alike.
names=(zkgov snarkjs)
cmds=("$bin prove zkey $zkey $wtns $work/proof.json $work/public.json"
      "node $snarkjs_cli groth16 prove $zkey $wtns $work/proof.json $work/public.json")
if [ -n "${RAPIDSNARK:-}" ]; then
    names+=(rapidsnark)
    cmds+=("$RAPIDSNARK $zkey $wtns $work/proof.json $work/public.json")
fi
declare -A times rss
for name in "${names[@]}"; do times[$name]=""; rss[$name]=0; done

# run NAME CMD: one timed run; the proof must verify with snarkjs.
run() {
    local name="$1" cmd="$2" t0 t1 r
    t0=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
        # shellcheck disable=SC2086 # the command is split on purpose
        /usr/bin/time -f %M -o "$work/rss" $cmd >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
        r=$(tail -n 1 "$work/rss")
        [ "$r" -gt "${rss[$name]}" ] && rss[$name]=$r
    else
        # shellcheck disable=SC2086
        $cmd >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    fi
    t1=$(date +%s%N)
    times[$name]+="$(( (t1 - t0) / 1000000 )) "
    bash interop/snarkjs-verify.sh "$vk" "$work/public.json" "$work/proof.json" >/dev/null \
        || { echo "$name: snarkjs refused the proof" >&2; exit 1; }
}

for _ in $(seq "$runs"); do
    for i in "${!names[@]}"; do
        run "${names[$i]}" "${cmds[$i]}"
    done
done

results=()
for name in "${names[@]}"; do
    # shellcheck disable=SC2086
    median=$(printf '%s\n' ${times[$name]} | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    results+=("$name $median ${rss[$name]}")
done
# zkgov verifies the last proof (snarkjs' or rapidsnark's) too.
"$bin" verify --snarkjs-vk "$vk" --snarkjs-proof "$work/proof.json" --snarkjs-public "$work/public.json" >/dev/null

zk_ms=$(echo "${results[0]}" | cut -d' ' -f2)
echo "prover side by side: $(basename "$zkey"), $runs runs each (taking turns), median wall time per command"
printf '| %-10s | %9s | %13s | %16s |\n' prover "time (ms)" "peak RSS (MB)" "time / zkgov's"
printf '|%s|%s|%s|%s|\n' ------------ ----------- --------------- ------------------
for line in "${results[@]}"; do
    read -r name ms rss <<<"$line"
    awk -v n="$name" -v ms="$ms" -v rss="$rss" -v z="$zk_ms" \
        'BEGIN { printf "| %-10s | %9d | %13.1f | %16.2f |\n", n, ms, rss / 1024, (z > 0 ? ms / z : 0) }'
done
echo "every proof verified with snarkjs groth16 verify"
