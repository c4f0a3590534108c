#!/usr/bin/env bash
# Builds the CosmWasm contracts of contracts-wasm/ into optimized, validated
# wasm artifacts with the recipe of shared/TOOLCHAIN.md: Debian's rustc 1.96
# with -Zbuild-std (std rebuilt for target-cpu=mvp, so no bulk-memory
# opcodes, which wasmvm 3.0 refuses), linked by wasm-ld-22, then wasm-opt.
#
#   scripts/build-contracts.sh          build into contracts-wasm/artifacts/
#   scripts/build-contracts.sh --check  build into a temporary directory and
#                                       compare bytes with the committed
#                                       artifacts when the tool versions match
#
# Env: CONTRACTS (default: every contract), CARGO_HOME (default ~/.cargo).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WS="$ROOT/contracts-wasm"
CONTRACTS="${CONTRACTS:-green-credit data-asset}"
CHECK=0
case "${1:-}" in
  --check) CHECK=1 ;;
  -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
  "") ;;
  *) echo "build-contracts: unknown argument $1 (see --help)" >&2; exit 2 ;;
esac

bash "$ROOT/scripts/install-deps.sh" --contracts >/dev/null

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-C target-cpu=mvp -C link-arg=--allow-undefined --remap-path-prefix=$CARGO_HOME=/cargo"
# Keep the wasm build's objects apart from the host tests' (another rustc).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$WS/target/wasm-build}"

versions() {
  echo "rustc: $(/usr/bin/rustc -V)"
  echo "cargo: $(/usr/bin/cargo -V)"
  for p in rustc-web rust-web-src lld-22 binaryen wabt; do
    echo "$p: $(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo missing)"
  done
  echo "wasm-opt: $(wasm-opt --version)"
}

OUT="$WS/artifacts"
if ((CHECK)); then
  OUT="$(mktemp -d)"
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"

pkgs=()
for c in $CONTRACTS; do pkgs+=(-p "$c"); done
echo "build-contracts: cargo build (wasm32, release, build-std) for: $CONTRACTS"
(cd "$WS" && nice -n 10 /usr/bin/cargo build --release --locked --lib --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort "${pkgs[@]}")

for c in $CONTRACTS; do
  f="${c//-/_}.wasm"
  echo "build-contracts: wasm-opt $f"
  wasm-opt -Oz --strip-debug --strip-producers "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$f" -o "$OUT/$f"
  wasm-validate --disable-bulk-memory --disable-sign-extension --disable-reference-types --disable-multi-value "$OUT/$f"
done
versions > "$OUT/tool-versions.txt"
(cd "$OUT" && sha256sum $(for c in $CONTRACTS; do echo "${c//-/_}.wasm"; done) > checksums.txt)
echo "build-contracts: artifacts in $OUT:"
cat "$OUT/checksums.txt"

if ((CHECK)); then
  if ! cmp -s "$OUT/tool-versions.txt" "$WS/artifacts/tool-versions.txt"; then
    echo "build-contracts: tool versions differ from the committed ones, so the bytes are not compared:"
    diff "$WS/artifacts/tool-versions.txt" "$OUT/tool-versions.txt" || true
    exit 0
  fi
  if ! diff "$WS/artifacts/checksums.txt" "$OUT/checksums.txt"; then
    echo "build-contracts: FAIL: the same tools built different bytes than the committed artifacts;" >&2
    echo "build-contracts: rebuild with 'make contracts' and commit contracts-wasm/artifacts/" >&2
    exit 1
  fi
  echo "build-contracts: OK: rebuilt artifacts are byte-identical to the committed ones"
fi
