#!/usr/bin/env bash
# make bench-wasmd: bank sends against a stock wasmd node of the versions in
# our go.mod, beside the same load on cleard (issue 15: "bank sends no slower
# than a stock wasmd node of the same versions on the same machine").
#
# Usage: scripts/bench-wasmd.sh [--build-only] [clear-load foreign run flags...]
#   e.g. scripts/bench-wasmd.sh --accounts 1000 --send-rate 300 --duration 30s
#
# 1. Builds build/wasmd-stock once (reused while its go.mod is unchanged):
#    the wasmd module of our go.mod (v0.70.3) copied from the Go module cache
#    to .cache/wasmd-stock/src (gitignored), every module it shares with our
#    build list pinned to our version (cosmos-sdk, cometbft, wasmvm, iavl,
#    pebble, ...), then `go build ./cmd/wasmd` with cgo, no build tags, as
#    `make build` builds cleard. `go install ...@version` refuses wasmd (it
#    has replace directives). A failed build stops the script with a clear
#    message; nothing built is committed.
# 2. Initialises one wasmd node on loopback in a temp home with the node-local
#    settings `cleard init` writes (cmd/cleard/cmd/config.go, read when this
#    runs): Pebble for CometBFT and the app, the consensus timeouts, tx
#    indexing of message.sender only, 0 minimum gas price, block.max_gas.
#    The load accounts (`clear-load foreign addresses`) are funded in genesis.
# 3. Runs `clear-load foreign run` against it: pre-signed bank sends over
#    gRPC at --send-rate for --duration, every block read back; the same
#    report lines as bench-e2e (bank-send tx/s committed, block interval
#    p50/p99, node CPU per committed tx) and the last line
#      orders_per_sec=0 p99_ms=0 single_order_tx_per_sec=0 banksend_tx_per_sec=<n> block_p99_ms=<n>
#
# The cleard side of a comparison is
#   scripts/bench-e2e.sh --batch-rate 0 --single-rate 0 --send-rate R ...
# (docs/benchmarks.md, "Bank sends against stock wasmd (issue 15, stop 23)").
#
# Environment: WASMD [build/wasmd-stock], CLEAR_LOAD [build/clear-load],
# WASMD_SRC [the module cache's wasmd of go.mod], WASMD_BUILD_DIR
# [.cache/wasmd-stock]; BENCH_PPROF=1 serves the
# node's pprof on loopback (--rpc.pprof_laddr) and writes a CPU profile of
# the node under load to BENCH_PROFILE_OUT [build/bench-wasmd.cpu.pprof];
# BENCH_SMOKE=1 checks that bank sends were committed (not their speed);
# KEEP_BENCH_HOME=1 keeps the node's home; BENCH_NODE_ENV passes variables
# to the node (e.g. "GOGC=200").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi

WASMD_VERSION=$(go list -m -f '{{.Version}}' github.com/CosmWasm/wasmd) \
  || die "cannot read the wasmd version from go.mod"
WASMD=${WASMD:-build/wasmd-stock}
BUILD_DIR=${WASMD_BUILD_DIR:-$PWD/.cache/wasmd-stock}

# build_wasmd: build $WASMD from the module cache's wasmd, pinned to our
# versions; a no-op when the binary exists for the same pinned go.mod.
build_wasmd() {
  local src=${WASMD_SRC:-$(go env GOMODCACHE)/github.com/!cosm!wasm/wasmd@$WASMD_VERSION}
  if [[ ! -f "$src/go.mod" ]]; then
    go mod download github.com/CosmWasm/wasmd@"$WASMD_VERSION" \
      || die "wasmd $WASMD_VERSION is not in the module cache and cannot be downloaded"
  fi
  [[ -f "$src/go.mod" ]] || die "no wasmd source at $src"
  # Our build list: the versions the comparison pins wasmd's modules to.
  local ours; ours=$(go list -m -f '{{.Path}} {{.Version}}' all) || die "go list -m all failed in $PWD"
  local stamp; stamp=$( (cat "$src/go.mod"; echo "$ours"; go version) | sha256sum | cut -c1-16)
  if [[ -x "$WASMD" && -f "$BUILD_DIR/stamp" && "$(cat "$BUILD_DIR/stamp")" == "$stamp" ]]; then
    log "Reusing $WASMD (wasmd $WASMD_VERSION pinned to our go.mod; stamp $stamp)" >&2
    return 0
  fi
  log "Building stock wasmd $WASMD_VERSION pinned to our go.mod in $BUILD_DIR/src (a few minutes, once)" >&2
  rm -rf "$BUILD_DIR/src"; mkdir -p "$BUILD_DIR"
  cp -r "$src" "$BUILD_DIR/src" && chmod -R u+w "$BUILD_DIR/src" || die "cannot copy $src"
  local edits=() path ver
  declare -A mine=()
  while read -r path ver; do [[ -n "$ver" ]] && mine[$path]=$ver; done <<<"$ours"
  while read -r path ver; do
    if [[ -n "${mine[$path]:-}" && "${mine[$path]}" != "$ver" ]]; then
      edits+=("-require=$path@${mine[$path]}")
    fi
  done < <(cd "$BUILD_DIR/src" && go mod edit -json | python3 -c 'import json,sys; [print(r["Path"], r["Version"]) for r in json.load(sys.stdin).get("Require") or []]')
  info "pinning ${#edits[@]} modules to our versions" >&2
  if (( ${#edits[@]} )); then
    ( cd "$BUILD_DIR/src" && go mod edit "${edits[@]}" ) || die "go mod edit failed in $BUILD_DIR/src"
  fi
  # Our go.sum covers our versions; the rest comes through the proxy.
  touch "$BUILD_DIR/src/go.sum"
  sort -u "$BUILD_DIR/src/go.sum" go.sum -o "$BUILD_DIR/src/go.sum" || die "cannot merge go.sum into $BUILD_DIR/src"
  mkdir -p "$(dirname "$WASMD")"
  if ! ( cd "$BUILD_DIR/src" && CGO_ENABLED=1 nice -n 10 go build -mod=mod -o "$OLDPWD/$WASMD.tmp" \
         -ldflags "-X github.com/cosmos/cosmos-sdk/version.Name=wasm -X github.com/cosmos/cosmos-sdk/version.AppName=wasmd -X github.com/cosmos/cosmos-sdk/version.Version=$WASMD_VERSION-stock" \
         ./cmd/wasmd ) >"$BUILD_DIR/build.log" 2>&1; then
    tail -20 "$BUILD_DIR/build.log" >&2
    die "building stock wasmd $WASMD_VERSION failed (full log: $BUILD_DIR/build.log)"
  fi
  mv "$WASMD.tmp" "$WASMD"
  # Check the pins took: the binary's SDK, CometBFT and wasmvm are ours.
  local m got want
  for m in github.com/cosmos/cosmos-sdk github.com/cometbft/cometbft github.com/CosmWasm/wasmvm/v3; do
    got=$(go version -m "$WASMD" | awk -v m="$m" '$1=="dep" && $2==m {print $3}')
    want=${mine[$m]}
    [[ "$got" == "$want" ]] || die "$WASMD was built with $m $got, not our $want"
  done
  echo "$stamp" >"$BUILD_DIR/stamp"
  info "built $WASMD: $(go version -m "$WASMD" | awk '$1=="dep" && ($2=="github.com/cosmos/cosmos-sdk" || $2=="github.com/cometbft/cometbft" || $2=="github.com/CosmWasm/wasmvm/v3") {printf "%s %s  ", $2, $3}')" >&2
}

BUILD_ONLY=
if [[ "${1:-}" == "--build-only" ]]; then BUILD_ONLY=1; shift; fi
build_wasmd
[[ -n "$BUILD_ONLY" ]] && exit 0

CLEARD=$(abs_binary "${CLEARD:-build/cleard}") || exit 1
LOAD=$(abs_binary "${CLEAR_LOAD:-build/clear-load}") || exit 1
WASMD=$(abs_binary "$WASMD") || exit 1

# The --accounts of the load (default 300, as clear-load's).
ACCOUNTS=300
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --accounts) ACCOUNTS=${args[i+1]:-300} ;;
    --accounts=*) ACCOUNTS=${args[i]#--accounts=} ;;
  esac
done

CHAIN_ID=wasmd-bench
DENOM=stake
HOME_DIR=$(mktemp -d -t wasmd-bench-XXXXXX)
REF_HOME=$(mktemp -d -t wasmd-bench-ref-XXXXXX)
RPC_PORT=$(free_port); P2P_PORT=$(free_port); GRPC_PORT=$(free_port); PPROF_PORT=$(free_port)
RPC=http://127.0.0.1:$RPC_PORT
NODE_PID=
OUT=$(mktemp -t wasmd-load-out-XXXXXX)
cleanup() {
  local rc=$?
  stop_bench_node "$rc" "$REF_HOME" "$OUT"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

W() { "$WASMD" --home "$HOME_DIR" "$@"; }

log "Initialising a single-validator stock wasmd chain in $HOME_DIR" >&2
W init bench-node --chain-id "$CHAIN_ID" >/dev/null 2>&1 || die "wasmd init failed"
W keys add validator "${KR[@]}" >/dev/null 2>&1
W genesis add-genesis-account "$(W keys show validator -a "${KR[@]}")" 1000000000000$DENOM >/dev/null
W genesis gentx validator 500000000000$DENOM --chain-id "$CHAIN_ID" "${KR[@]}" >/dev/null 2>&1
W genesis collect-gentxs >/dev/null 2>&1

# ClearChain's node-local settings, read from what `cleard init` writes now.
"$CLEARD" init ref --chain-id ref --home "$REF_HOME" >/dev/null 2>&1 || die "cleard init (the reference settings) failed"
"$LOAD" foreign addresses --prefix wasm --accounts "$ACCOUNTS" >"$HOME_DIR/load-accounts.txt"
python3 - "$REF_HOME/config" "$HOME_DIR/config" "$HOME_DIR/load-accounts.txt" "$DENOM" <<'PY'
import json, re, sys
ref, dst, accounts_file, denom = sys.argv[1:5]

def sections(text):
    """(section, key) -> line index of each `key = value` line."""
    out, sec = {}, ""
    for i, line in enumerate(text.split("\n")):
        m = re.match(r"^\[([^\]]+)\]\s*$", line)
        if m:
            sec = m.group(1); continue
        m = re.match(r"^([A-Za-z0-9_.-]+) = ", line)
        if m:
            out[(sec, m.group(1))] = i
    return out

def copy(name, keep):
    src = open(f"{ref}/{name}").read().split("\n")
    dstl = open(f"{dst}/{name}").read().split("\n")
    si, di = sections("\n".join(src)), sections("\n".join(dstl))
    changed = []
    for (sec, key), i in si.items():
        if not keep(sec, key) or (sec, key) not in di:
            continue
        j = di[(sec, key)]
        line = src[i]
        if key == "minimum-gas-prices":
            line = re.sub(r'"0[a-z]+"', f'"0{denom}"', line)
        if dstl[j] != line:
            changed.append(f"{name} [{sec}] {line.strip()}  (was {dstl[j].split(' = ', 1)[1]})")
            dstl[j] = line
    open(f"{dst}/{name}", "w").write("\n".join(dstl))
    return changed

# config.toml: the databases, consensus timeouts, mempool, tx indexer,
# storage and the RPC write timeout; not addresses, peers or paths.
cfg = copy("config.toml", lambda s, k: (s == "" and k == "db_backend") or s in ("consensus", "mempool", "tx_index", "storage")
           or (s == "rpc" and k == "timeout_broadcast_tx_commit"))
# app.toml: the base section (pruning, IAVL, index-events, app-db-backend,
# minimum gas price in this chain's denom), [mempool], [wasm].
app = copy("app.toml", lambda s, k: s in ("", "mempool", "wasm") and not k.startswith("halt-"))
for c in cfg + app:
    print("    " + c, file=sys.stderr)

# Genesis: the block params `cleard init` writes (block.max_gas bounds a
# block), and the load's accounts funded with the denom.
rg = json.load(open(f"{ref}/genesis.json"))
path = f"{dst}/genesis.json"
g = json.load(open(path))
g["consensus"]["params"]["block"] = rg["consensus"]["params"]["block"]
auth, bank = g["app_state"]["auth"], g["app_state"]["bank"]
for addr in open(accounts_file).read().split():
    auth["accounts"].append({"@type": "/cosmos.auth.v1beta1.BaseAccount", "address": addr, "pub_key": None,
                             "account_number": "0", "sequence": "0"})
    bank["balances"].append({"address": addr, "coins": [{"denom": denom, "amount": "1000000000000"}]})
for n, acc in enumerate(auth["accounts"]):
    acc["account_number"] = str(n)
total = {}
for b in bank["balances"]:
    for c in b["coins"]:
        total[c["denom"]] = total.get(c["denom"], 0) + int(c["amount"])
bank["supply"] = [{"denom": d, "amount": str(a)} for d, a in sorted(total.items())]
json.dump(g, open(path, "w"), indent=1)
print(f"    genesis: block params {json.dumps(g['consensus']['params']['block'])}, {len(auth['accounts'])} accounts", file=sys.stderr)
PY
W genesis validate >/dev/null || die "the wasmd genesis does not validate"

# `cleard start --gogc` defaults to 200: the same GC target for wasmd,
# unless BENCH_NODE_ENV or the environment sets GOGC.
GOGC_DEFAULT=$("$CLEARD" start --help | sed -n 's/.*--gogc int.*(default \([0-9]*\)).*/\1/p')
NODE_ENV="${BENCH_NODE_ENV:-}"
if [[ -n "$GOGC_DEFAULT" && -z "${GOGC:-}" && "$NODE_ENV" != *GOGC=* ]]; then NODE_ENV="GOGC=$GOGC_DEFAULT $NODE_ENV"; fi

PPROF_ARGS=(--rpc.pprof_laddr "")
LOAD_ARGS=()
if [[ -n "${BENCH_PPROF:-}" ]]; then
  PPROF_ARGS=(--rpc.pprof_laddr "127.0.0.1:$PPROF_PORT")
  LOAD_ARGS=(--pprof "http://127.0.0.1:$PPROF_PORT" --profile-out "${BENCH_PROFILE_OUT:-$PWD/build/bench-wasmd.cpu.pprof}")
fi
log "Starting wasmd ($NODE_ENV; log: $HOME_DIR/node.log)" >&2
# shellcheck disable=SC2086
env $NODE_ENV "$WASMD" --home "$HOME_DIR" start --rpc.laddr "tcp://127.0.0.1:$RPC_PORT" \
  --p2p.laddr "tcp://127.0.0.1:$P2P_PORT" "${PPROF_ARGS[@]}" --grpc.address "127.0.0.1:$GRPC_PORT" \
  --api.enable=false --log_level warn >"$HOME_DIR/node.log" 2>&1 &
NODE_PID=$!
wait_height "$RPC" 2 90 || die "wasmd did not produce blocks"
[[ "$(status_network "$RPC")" == "$CHAIN_ID" ]] || die "another chain answers on $RPC"

log "clear-load foreign run $*" >&2
"$LOAD" foreign run --grpc "127.0.0.1:$GRPC_PORT" --rpc "$RPC" --chain-id "$CHAIN_ID" --node-pid "$NODE_PID" \
  --prefix wasm --denom "$DENOM" "${LOAD_ARGS[@]}" "$@" | tee "$OUT"
kill -0 "$NODE_PID" 2>/dev/null || die "wasmd exited during the load"

if [[ -n "${BENCH_SMOKE:-}" ]]; then
  last=$(tail -1 "$OUT")
  [[ "$last" =~ banksend_tx_per_sec=([0-9]+)\ block_p99_ms=([0-9]+)$ ]] || die "the last line is not the report line: $last"
  (( BASH_REMATCH[1] > 0 )) || die "no bank sends were committed: $last"
  log "bench-wasmd smoke PASSED" >&2
fi
