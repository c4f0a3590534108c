#!/usr/bin/env bash
# make bench-e2e / bench-e2e-smoke: a single-validator ClearChain node on
# loopback (Pebble, the node's defaults from `cleard init`) in a temp home,
# then build/clear-load against it: it funds and licenses the accounts,
# lists a market, offers the load over gRPC, reads every block back and
# prints the report; its last line is
#   orders_per_sec=<n> p99_ms=<n> single_order_tx_per_sec=<n> banksend_tx_per_sec=<n> block_p99_ms=<n>
# Arguments are passed to `clear-load run` (see `build/clear-load run --help`).
#
# Environment: CLEARD [build/cleard], CLEAR_LOAD [build/clear-load],
# BENCH_PPROF=1 serves the node's pprof on loopback and makes clear-load
# write a CPU profile of the node under load to BENCH_PROFILE_OUT
# [build/bench-e2e.cpu.pprof]; BENCH_SMOKE=1 checks the last line names
# committed orders, single-order txs and bank sends (not their speed);
# BENCH_MAX_GAS sets the genesis consensus param block.max_gas (cleard
# init writes BlockMaxGas, cmd/cleard/cmd/config.go); BENCH_MAX_PROPOSAL_ORDERS
# sets the exchange param max_proposal_orders (app/proposal.go) and
# BENCH_MAX_ORDERS_PER_BLOCK its EndBlock cap max_orders_per_block; BENCH_CONFIG
# is a list of config.toml edits "section.key=value ..." applied after init
# (e.g. "mempool.recheck=true"); KEEP_BENCH_HOME=1 keeps the node's home; BENCH_NODE_ENV passes variables
# to the node (e.g. "GOGC=200"); BENCH_CMD runs another clear-load subcommand
# on the node instead of `run` (e.g. stream-latency --subscribers 1,10,100).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
CLEARD=$(abs_binary "${CLEARD:-build/cleard}") || exit 1
LOAD=$(abs_binary "${CLEAR_LOAD:-build/clear-load}") || exit 1

CHAIN_ID=clearchain-bench
HOME_DIR=$(mktemp -d -t clearchain-bench-XXXXXX)
RPC_PORT=$(free_port); P2P_PORT=$(free_port); GRPC_PORT=$(free_port); PPROF_PORT=$(free_port)
RPC=http://127.0.0.1:$RPC_PORT
NODE_PID=
OUT=$(mktemp -t clear-load-out-XXXXXX)
cleanup() {
  local rc=$?
  stop_bench_node "$rc" "$OUT"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

C() { "$CLEARD" --home "$HOME_DIR" "$@"; }

log "Initialising a single-validator chain in $HOME_DIR" >&2
C init bench-node --chain-id "$CHAIN_ID" >/dev/null 2>&1
C keys add validator "${KR[@]}" >/dev/null 2>&1
REG=$("$LOAD" address regulator)
C genesis add-genesis-account "$(C keys show validator -a "${KR[@]}")" 1000000000000uclear >/dev/null
C genesis add-genesis-account "$REG" 100000000000000000uclear >/dev/null
C genesis set-regulator "$REG" >/dev/null
# The regulator lists markets (x/exchange's params authority), as in the demo.
python3 - "$HOME_DIR/config/genesis.json" "$REG" "${BENCH_MAX_GAS:-}" "${BENCH_MAX_PROPOSAL_ORDERS:-}" "${BENCH_MAX_ORDERS_PER_BLOCK:-}" <<'PY'
import json, sys
path, reg, max_gas, max_orders, max_block = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
g = json.load(open(path))
g["app_state"]["exchange"]["params"]["authority"] = reg
if max_gas:
    g["consensus"]["params"]["block"]["max_gas"] = max_gas
if max_orders:
    g["app_state"]["exchange"]["params"]["max_proposal_orders"] = int(max_orders)
if max_block:
    g["app_state"]["exchange"]["params"]["max_orders_per_block"] = int(max_block)
json.dump(g, open(path, "w"), indent=1)
PY
C genesis grant-licence validator validator-operator --lei 5299000BENCHVALIDATR \
  --entity-name "Bench Validator SA" --jurisdiction LU "${KR[@]}" >/dev/null
C genesis gentx validator 500000000000uclear --chain-id "$CHAIN_ID" "${KR[@]}" >/dev/null 2>&1
C genesis collect-gentxs >/dev/null 2>&1
C genesis validate >/dev/null
if [[ -n "${BENCH_CONFIG:-}" ]]; then
  # shellcheck disable=SC2086
  python3 - "$HOME_DIR/config/config.toml" ${BENCH_CONFIG} <<'PY'
import re, sys
path, edits = sys.argv[1], sys.argv[2:]
text = open(path).read()
for e in edits:
    key, value = e.split("=", 1)
    section, name = key.rsplit(".", 1)
    m = re.search(r"(?m)^\[" + re.escape(section) + r"\]\n", text)
    if not m:
        sys.exit(f"BENCH_CONFIG: no [{section}] in config.toml")
    end = re.search(r"(?m)^\[", text[m.end():])
    body_end = m.end() + (end.start() if end else len(text) - m.end())
    body, n = re.subn(r"(?m)^" + re.escape(name) + r" = .*$", f"{name} = {value}", text[m.end():body_end])
    if n != 1:
        sys.exit(f"BENCH_CONFIG: no {name} in [{section}]")
    text = text[:m.end()] + body + text[body_end:]
open(path, "w").write(text)
PY
  log "config.toml: ${BENCH_CONFIG}" >&2
fi

PPROF_ARGS=(--rpc.pprof_laddr "")
LOAD_ARGS=()
if [[ -n "${BENCH_PPROF:-}" ]]; then
  PPROF_ARGS=(--rpc.pprof_laddr "127.0.0.1:$PPROF_PORT")
  LOAD_ARGS=(--pprof "http://127.0.0.1:$PPROF_PORT" --profile-out "${BENCH_PROFILE_OUT:-$PWD/build/bench-e2e.cpu.pprof}")
fi
log "Starting the node (log: $HOME_DIR/node.log)" >&2
# shellcheck disable=SC2086
env ${BENCH_NODE_ENV:-} "$CLEARD" --home "$HOME_DIR" start --rpc.laddr "tcp://127.0.0.1:$RPC_PORT" \
  --p2p.laddr "tcp://127.0.0.1:$P2P_PORT" "${PPROF_ARGS[@]}" --grpc.address "127.0.0.1:$GRPC_PORT" \
  --api.enable=false --log_level warn >"$HOME_DIR/node.log" 2>&1 &
NODE_PID=$!
wait_height "$RPC" 2 90 || die "the node did not produce blocks"
[[ "$(status_network "$RPC")" == "$CHAIN_ID" ]] || die "another chain answers on $RPC"

log "clear-load run $*" >&2
"$LOAD" "${BENCH_CMD:-run}" --grpc "127.0.0.1:$GRPC_PORT" --rpc "$RPC" --chain-id "$CHAIN_ID" --node-pid "$NODE_PID" \
  "${LOAD_ARGS[@]}" "$@" | tee "$OUT"
kill -0 "$NODE_PID" 2>/dev/null || die "the node exited during the load"

if [[ -n "${BENCH_SMOKE:-}" ]]; then
  last=$(tail -1 "$OUT")
  [[ "$last" =~ ^orders_per_sec=([0-9]+)\ p99_ms=([0-9]+)\ single_order_tx_per_sec=([0-9]+)\ banksend_tx_per_sec=([0-9]+)\ block_p99_ms=([0-9]+)$ ]] \
    || die "the last line is not the report line: $last"
  (( BASH_REMATCH[1] > 0 && BASH_REMATCH[3] > 0 && BASH_REMATCH[4] > 0 )) \
    || die "the smoke load committed no orders, single-order txs or bank sends: $last"
  log "bench-e2e-smoke PASSED: the tool set up, loaded, read back and reported" >&2
fi
