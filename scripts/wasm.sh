#!/usr/bin/env bash
# Builds zkgov for wasm32-unknown-unknown with JS bindings (crate
# zkgov-wasm: the agency's checks and the citizen's prover), and prints
# the .wasm size raw and gzipped.
#
#   bash scripts/wasm.sh          # build: target/wasm-pkg/{node,web}
#   bash scripts/wasm.sh test     # also the fixtures (native), the node tests and both pages in headless Chromium
#   bash scripts/wasm.sh serve    # build, make a demo site (dev keys, a ledger receipt, a request, a credential), serve it on http://127.0.0.1:8466
#
# Runs as root on Debian 12 without questions. The main toolchain (rustup
# stable) has no wasm32 target here, so the wasm build uses Debian's
# rustc-web 1.85 with its std sources (-Zbuild-std, allowed on a stable
# compiler by RUSTC_BOOTSTRAP=1) and LLVM 16's wasm-ld. wasm-bindgen-cli
# is built by the normal toolchain, at the exact version the crate pins.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.129   # = the wasm-bindgen pin in wasm/Cargo.toml
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
TOOLS="$TARGET_DIR/tools"
JOBS="${ZKGOV_WASM_JOBS:-}"    # e.g. 1 on a shared machine
jobs_flag=()
[ -n "$JOBS" ] && jobs_flag=(-j "$JOBS")

grep -q "^wasm-bindgen = \"=$WASM_BINDGEN_VERSION\"" wasm/Cargo.toml || {
    echo "wasm/Cargo.toml does not pin wasm-bindgen =$WASM_BINDGEN_VERSION" >&2
    exit 1
}

# The main toolchain builds wasm-bindgen-cli (rust-version 1.86, above
# rustc-web's 1.85) and runs the native tests.
if ! command -v cargo >/dev/null 2>&1 || [ "$(command -v cargo)" = /usr/bin/cargo ]; then
    echo "scripts/wasm.sh needs the main Rust toolchain (rustup stable, >= 1.86) first on PATH" >&2
    exit 1
fi

# 1. Debian's web toolchain and linker.
missing=()
for p in rustc-web cargo-web rust-web-src lld-16; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# 2. wasm-bindgen-cli, pinned, into a local root.
WB="$TOOLS/bin/wasm-bindgen"
if ! [ -x "$WB" ] || [ "$("$WB" --version)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    cargo install "${jobs_flag[@]}" --locked --root "$TOOLS" wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# 3. The wasm, twice: the agency's verifier alone (no default features:
# the small module the agency's page loads) and with the citizen's prover
# (feature `prover`). The workspace's rust-version (for the main
# toolchain) may be above rustc-web's, hence --ignore-rust-version.
wasm_build() {
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_DIR="$TARGET_DIR" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
        /usr/bin/cargo build "${jobs_flag[@]}" --profile wasm --ignore-rust-version \
        -p zkgov-wasm --lib --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort "$@"
}
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm/zkgov_wasm.wasm"
mkdir -p "$TARGET_DIR/wasm-modules"
wasm_build --no-default-features
cp "$WASM" "$TARGET_DIR/wasm-modules/zkgov_verifier.wasm"
# The citizen's module at opt-level 3 (profile.wasm says "s", for the
# verifier's size): 6% faster proving and 10% faster preparation in node,
# for 1.25 MB gzipped instead of 1.07 MB.
CARGO_PROFILE_WASM_OPT_LEVEL=3 wasm_build --features prover
cp "$WASM" "$TARGET_DIR/wasm-modules/zkgov_citizen.wasm"

# 4. Bindings: node (CommonJS) and web (ES module), for each module.
rm -rf "$TARGET_DIR/wasm-pkg"
sizes=()
for m in zkgov_verifier zkgov_citizen; do
    for t in nodejs web; do
        dir=$t; [ "$t" = nodejs ] && dir=node
        "$WB" --target "$t" --remove-producers-section --out-dir "$TARGET_DIR/wasm-pkg/$dir" \
            "$TARGET_DIR/wasm-modules/$m.wasm"
    done
    out="$TARGET_DIR/wasm-pkg/node/${m}_bg.wasm"
    raw=$(stat -c %s "$out")
    gz=$(gzip -9 -c "$out" | wc -c)
    echo "${m}_bg.wasm: $raw bytes raw, $gz bytes gzipped (-9)"
    sizes+=("\"$m\":{\"raw_bytes\":$raw,\"gzip9_bytes\":$gz}")
done
(IFS=,; echo "{${sizes[*]}}") > "$TARGET_DIR/wasm-pkg/size.json"
cat "$TARGET_DIR/wasm-pkg/size.json"

# 5. The pages with the web bindings beside them: a static site any web
# server can serve (`bash scripts/wasm.sh serve` serves it on loopback).
SITE="$TARGET_DIR/wasm-site"
rm -rf "$SITE"
mkdir -p "$SITE"
cp -r wasm/pages/. "$SITE/"
cp -r "$TARGET_DIR/wasm-pkg/web" "$SITE/pkg"
echo "pages: $SITE"

# 6. Tests: native fixtures and verdicts, the same cases in node, then the
# pages in headless Chromium (Debian's chromium, driven by playwright-core
# from wasm/tests/browser's lock file; no browser download).
if [ "${1:-}" = "test" ]; then
    # Single-threaded native timings, as wasm runs (the citizen test times
    # its own one-thread and all-core pools).
    RAYON_NUM_THREADS=1 CARGO_TARGET_DIR="$TARGET_DIR" \
        cargo test "${jobs_flag[@]}" --release -p zkgov-wasm
    CARGO_TARGET_DIR="$TARGET_DIR" node --test --test-concurrency=1 wasm/tests/node/verify.mjs wasm/tests/node/citizen.mjs
    if ! [ -x /usr/bin/chromium ]; then
        echo "installing chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends chromium
    fi
    npm ci --prefix wasm/tests/browser --no-audit --no-fund --loglevel=error
    CARGO_TARGET_DIR="$TARGET_DIR" node --test --test-concurrency=1 wasm/tests/browser/agency.mjs wasm/tests/browser/citizen.mjs
    echo "screenshots: $TARGET_DIR/screenshots"
    echo "timings: $TARGET_DIR/wasm-fixtures/timing-wasm.json, $TARGET_DIR/wasm-fixtures/citizen/timing-{native,node,chromium}.json"
fi

if [ "${1:-}" = "serve" ]; then
    # A demo site: development keys, a ledger with the benefits office
    # registered, its signed request, and a citizen's files to load.
    CARGO_TARGET_DIR="$TARGET_DIR" cargo test "${jobs_flag[@]}" --release -p zkgov-wasm --test citizen
    DEMO="$TARGET_DIR/wasm-fixtures/citizen"
    cp -r "$DEMO/site/." "$SITE/"
    PORT="${ZKGOV_PAGES_PORT:-8466}"
    LINK=$(python3 -c 'import base64,sys; print(base64.urlsafe_b64encode(open(sys.argv[1],"rb").read()).decode().rstrip("="))' "$DEMO/request.json")
    echo "the citizen's page, with the benefits office's request (valid for 6 hours):"
    echo "  http://127.0.0.1:$PORT/citizen.html#request=$LINK"
    echo "  load $DEMO/credential.json and $DEMO/holder.json"
    echo "the agency's page: http://127.0.0.1:$PORT/agency.html"
    echo "  load $DEMO/identity.vk, $DEMO/agency-ask.json and the bundle the citizen's page gave you"
    echo "  (or $DEMO/bundle.json with its receipt $DEMO/receipt.json and the log key in $DEMO/log-key.txt)"
    exec python3 -m http.server --bind 127.0.0.1 --directory "$SITE" "$PORT"
fi
