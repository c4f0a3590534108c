#!/usr/bin/env bash
# Installs what a fresh machine lacks to build, test and demo ClearChain.
# Idempotent: every step checks first. Used by `make demo`, `make test`, CI.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="$PWD/.cache/bin"
mkdir -p "$BIN"
need_apt=()
command -v go >/dev/null || { echo "install-deps: Go is required (expected at /usr/local/go)" >&2; exit 1; }
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
command -v gcc >/dev/null || need_apt+=(gcc)
if ((${#need_apt[@]})); then
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# Go module dependencies (the proxy is reachable; cgo is needed for wasmvm).
go mod download

# Code generators and linters, pinned, in .cache/bin (outside go.mod's graph).
tool() { # name module@version
  if [[ ! -x "$BIN/$1" ]]; then
    echo "install-deps: go install $2"
    GOBIN="$BIN" go install "$2"
  fi
}
if [[ "${1:-}" == "--proto" || "${1:-}" == "--all" ]]; then
  tool buf github.com/bufbuild/buf/cmd/buf@v1.75.0
  tool protoc-gen-gocosmos github.com/cosmos/gogoproto/protoc-gen-gocosmos@v1.7.2
  tool protoc-gen-grpc-gateway github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway@v1.16.0
fi
if [[ "${1:-}" == "--lint" || "${1:-}" == "--all" ]]; then
  tool staticcheck honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
if [[ "${1:-}" == "--bench" || "${1:-}" == "--all" ]]; then
  tool benchstat golang.org/x/perf/cmd/benchstat@latest
fi

# CosmWasm contracts (contracts-wasm/, shared/TOOLCHAIN.md): Debian's rustc
# 1.96 with std sources (the wasm build rebuilds std without bulk memory),
# wasm-ld-22, binaryen (wasm-opt) and wabt (wasm-validate).
if [[ "${1:-}" == "--contracts" || "${1:-}" == "--all" ]]; then
  wasm_apt=()
  [[ -x /usr/bin/rustc && -x /usr/bin/cargo ]] || wasm_apt+=(rustc-web cargo-web)
  [[ -d /usr/lib/rustlib/src/rust/library ]] || wasm_apt+=(rust-web-src)
  command -v wasm-ld-22 >/dev/null || wasm_apt+=(lld-22)
  command -v wasm-opt >/dev/null || wasm_apt+=(binaryen)
  command -v wasm-validate >/dev/null || wasm_apt+=(wabt)
  if ((${#wasm_apt[@]})); then
    echo "install-deps: apt-get install ${wasm_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wasm_apt[@]}"
  fi
fi
