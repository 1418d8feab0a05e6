#!/usr/bin/env bash
# Builds zkgov-verifier for wasm32-unknown-unknown with JS bindings
# (crate zkgov-wasm), and prints the .wasm size raw and gzipped.
#
#   bash scripts/wasm.sh          # build: target/wasm-pkg/{node,web}
#   bash scripts/wasm.sh test     # also the fixtures (native), the node tests and the pages in headless Chromium
#   bash scripts/wasm.sh serve    # build, then serve the pages on http://127.0.0.1:8466
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

# 3. The wasm. The workspace's rust-version (for the main toolchain) is
# above rustc-web's 1.85, hence --ignore-rust-version.
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
CARGO_TARGET_DIR="$TARGET_DIR" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
    /usr/bin/cargo build "${jobs_flag[@]}" --profile wasm --ignore-rust-version \
    -p zkgov-wasm --lib --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm/zkgov_wasm.wasm"

# 4. Bindings: node (CommonJS) and web (ES module).
rm -rf "$TARGET_DIR/wasm-pkg"
"$WB" --target nodejs --remove-producers-section --out-dir "$TARGET_DIR/wasm-pkg/node" "$WASM"
"$WB" --target web --remove-producers-section --out-dir "$TARGET_DIR/wasm-pkg/web" "$WASM"

out="$TARGET_DIR/wasm-pkg/node/zkgov_wasm_bg.wasm"
raw=$(stat -c %s "$out")
gz=$(gzip -9 -c "$out" | wc -c)
echo "zkgov_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (-9)"
printf '{"raw_bytes":%s,"gzip9_bytes":%s}\n' "$raw" "$gz" > "$TARGET_DIR/wasm-pkg/size.json"

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
    RAYON_NUM_THREADS=1 CARGO_TARGET_DIR="$TARGET_DIR" \
        cargo test "${jobs_flag[@]}" --release -p zkgov-wasm
    CARGO_TARGET_DIR="$TARGET_DIR" node --test wasm/tests/node/verify.mjs
    if ! [ -x /usr/bin/chromium ]; then
        echo "installing chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends chromium
    fi
    npm ci --prefix wasm/tests/browser --no-audit --no-fund --loglevel=error
    CARGO_TARGET_DIR="$TARGET_DIR" node --test wasm/tests/browser/agency.mjs
    echo "screenshots: $TARGET_DIR/screenshots"
fi

if [ "${1:-}" = "serve" ]; then
    echo "the agency's page: http://127.0.0.1:${ZKGOV_PAGES_PORT:-8466}/agency.html"
    exec python3 -m http.server --bind 127.0.0.1 --directory "$SITE" "${ZKGOV_PAGES_PORT:-8466}"
fi
