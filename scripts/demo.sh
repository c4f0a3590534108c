#!/usr/bin/env bash
# make demo: a single-validator ClearChain on Pebble in a temp home, a real
# signed transaction, and a clean stop. Prints what happened.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

CHAIN_ID=clearchain-demo
HOME_DIR=$(mktemp -d -t clearchain-demo-XXXXXX)
# Ports: free ones unless given, so the demo runs beside a localnet.
RPC_PORT=${DEMO_RPC_PORT:-$(free_port)}
P2P_PORT=${DEMO_P2P_PORT:-$(free_port)}
GRPC_PORT=${DEMO_GRPC_PORT:-$(free_port)}
RPC=http://127.0.0.1:$RPC_PORT
NODE_PID=
FEEDER_PID=
cleanup() {
  if [[ -n "$FEEDER_PID" ]]; then kill -TERM "$FEEDER_PID" 2>/dev/null || true; wait "$FEEDER_PID" 2>/dev/null || true; fi
  if [[ -n "$NODE_PID" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  [[ -n "${KEEP_DEMO_HOME:-}" ]] || rm -rf "$HOME_DIR"
}
trap cleanup EXIT

C() { "$CLEARD" --home "$HOME_DIR" "$@"; }

log "Initialising a single-validator chain in $HOME_DIR"
C init demo-node --chain-id "$CHAIN_ID" >/dev/null 2>&1
grep -q '^db_backend = "pebbledb"' "$HOME_DIR/config/config.toml" || die "config.toml is not on Pebble"
grep -q '^app-db-backend = "pebbledb"' "$HOME_DIR/config/app.toml" || die "app.toml is not on Pebble"
info "config.toml: $(grep '^db_backend' "$HOME_DIR/config/config.toml")"
info "app.toml:    $(grep '^app-db-backend' "$HOME_DIR/config/app.toml")"

KEYS=(validator alice bob regulator alpha beta gamma delta epsilon outsider)
for k in "${KEYS[@]}"; do C keys add "$k" "${KR[@]}" >/dev/null 2>&1; done
addr() { C keys show "$1" -a "${KR[@]}"; }
VAL=$(addr validator); ALICE=$(addr alice); BOB=$(addr bob); REG=$(addr regulator)
ALPHA=$(addr alpha); BETA=$(addr beta); GAMMA=$(addr gamma); DELTA=$(addr delta); EPSILON=$(addr epsilon); OUTSIDER=$(addr outsider)
C genesis add-genesis-account "$VAL" 1000000000000uclear >/dev/null
for a in "$ALICE" "$REG" "$ALPHA" "$BETA" "$GAMMA" "$DELTA" "$EPSILON" "$OUTSIDER"; do
  C genesis add-genesis-account "$a" 5000000000uclear >/dev/null
done
# The regulator key is the compliance authority and lists the markets.
C genesis set-regulator "$REG" >/dev/null
# Two oracle feeds: WTHR/EURC priced by validators through their feeders
# (EURC per share with 2 decimals; market 1 names it and x/oracle scales it
# into the market's ticks), and a green-credit index priced by a licensed
# ORACLE_FEEDER.
python3 - "$HOME_DIR/config/genesis.json" "$REG" "$DELTA" "$EPSILON" <<'PY'
import json, sys
path, reg, issuer, feeder = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
g = json.load(open(path))
g["app_state"]["exchange"]["params"]["authority"] = reg
g["app_state"]["oracle"]["feeds"] = [
    {"id": "WTHR/EURC", "decimals": 2, "min_sources": 1, "max_staleness_blocks": "20",
     "max_deviation_bps_per_block": "500",
     "base_denom": "asset/%s/wthr" % issuer, "quote_denom": "asset/%s/eurc" % issuer},
    # A licensed feed names its feeders; the default needs 3 distinct ones,
    # the demo has one (epsilon), so it asks for 1.
    {"id": "GCRD-INDEX", "decimals": 3, "min_sources": 1, "licensed": True, "window_seconds": "600",
     "feeders": [feeder], "min_feeders": 1,
     "max_staleness_seconds": "3600"},
]
json.dump(g, open(path, "w"), indent=1)
PY
# InitChain refuses a genesis validator whose operator holds no
# VALIDATOR_OPERATOR licence: license the validator key first.
C genesis grant-licence validator validator-operator --lei 5299000DEMOVALIDATOR \
  --entity-name "Demo Validator SA" --jurisdiction LU "${KR[@]}" >/dev/null
C genesis gentx validator 500000000000uclear --chain-id "$CHAIN_ID" "${KR[@]}" >/dev/null 2>&1
C genesis collect-gentxs >/dev/null 2>&1
C genesis validate >/dev/null
info "validator $VAL (Demo Validator SA, LU: validator operator)"
info "regulator $REG (compliance authority, market lister)"
info "alpha     $ALPHA (Alpha Bank AG, DE)        beta  $BETA (Beta Securities SA, FR)"
info "gamma     $GAMMA (Gamma Markets BV, NL)     delta $DELTA (Delta Data Ltd, DE)"
info "epsilon   $EPSILON (Epsilon Ratings GmbH, DE: oracle feeder)"
info "outsider  $OUTSIDER (no licence)"

log "Starting the price feeder (simulated venues, seeded) for WTHR/EURC"
FEEDER_PORT=$(free_port)
cat >"$HOME_DIR/feeder.yaml" <<YAML
listen_addr: 127.0.0.1:$FEEDER_PORT
metrics_addr: ""
poll_interval: 1s
timeout: 500ms
retries: 1
retry_backoff: 100ms
max_concurrency: 4
sources:
  - {name: venue-a, type: simulated, seed: 7, start: {"WTHR/EURC": "12.50"}, volatility_bps: 5, jump_per_mille: 0, jump_bps: 0, noise_bps: 3}
  - {name: venue-b, type: simulated, seed: 7, start: {"WTHR/EURC": "12.50"}, volatility_bps: 5, jump_per_mille: 0, jump_bps: 0, noise_bps: 3}
pairs:
  - {pair: WTHR/EURC, decimals: 2, sources: [venue-a, venue-b], min_sources: 2, max_spread_bps: 100}
YAML
"${FEEDER:-build/clear-feeder}" start --config "$HOME_DIR/feeder.yaml" >"$HOME_DIR/feeder.log" 2>&1 &
FEEDER_PID=$!
sed -i "s#^feeder_address = .*#feeder_address = \"127.0.0.1:$FEEDER_PORT\"#" "$HOME_DIR/config/app.toml"
grep -q "^feeder_address = \"127.0.0.1:$FEEDER_PORT\"" "$HOME_DIR/config/app.toml" || die "app.toml has no [oracle] feeder_address"
info "feeder on 127.0.0.1:$FEEDER_PORT (pid $FEEDER_PID); the node asks it in every ExtendVote"

log "Starting the node (logs: $HOME_DIR/node.log)"
# cleard itself, not the C wrapper: $! must be the node's pid, or stopping
# it would only stop a subshell and leave the node running.
"$CLEARD" --home "$HOME_DIR" start --rpc.laddr "tcp://127.0.0.1:$RPC_PORT" --p2p.laddr "tcp://127.0.0.1:$P2P_PORT" \
  --rpc.pprof_laddr "" --grpc.address "127.0.0.1:$GRPC_PORT" --api.enable=false \
  --log_level warn >"$HOME_DIR/node.log" 2>&1 &
NODE_PID=$!
wait_height "$RPC" 2 90 || { tail -30 "$HOME_DIR/node.log"; die "the node did not produce blocks"; }
[[ "$(status_network "$RPC")" == "$CHAIN_ID" ]] || die "another chain answers on $RPC"
kill -0 "$NODE_PID" 2>/dev/null || { tail -30 "$HOME_DIR/node.log"; die "the node exited"; }
info "node is producing blocks, height $(status_height "$RPC")"

log "alice sends 1250000uclear to bob in a signed transaction"
HASH=$(C tx bank send alice "$BOB" 1250000uclear --chain-id "$CHAIN_ID" --node "$RPC" \
  "${KR[@]}" --fees 2000uclear --yes --output json | tx_hash)
read -r CODE TXH < <(wait_tx "$RPC" "$HASH") || die "tx $HASH was not committed"
[[ "$CODE" == 0 ]] || die "tx $HASH failed with code $CODE"
info "tx $HASH committed at height $TXH"
BAL=$(C query bank balance "$BOB" uclear --node "$RPC" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])')
[[ "$BAL" == 1250000 ]] || die "bob's balance is $BAL, expected 1250000"
info "bob's balance: ${BAL}uclear"

source scripts/demo-market.sh
source scripts/demo-mm.sh
source scripts/demo-integrity.sh
source scripts/demo-contracts.sh

H=$(status_height "$RPC")
log "Stopping the node cleanly at height $H"
kill -TERM "$NODE_PID"
NODE_RC=0; wait "$NODE_PID" || NODE_RC=$?
NODE_PID=
! pgrep -f -- "--home $HOME_DIR start" >/dev/null || die "the node is still running after SIGTERM"
if grep -qE '^panic:|goroutine [0-9]+ \[' "$HOME_DIR/node.log"; then
  tail -20 "$HOME_DIR/node.log"; die "the node panicked while stopping"
fi
info "node exited with code $NODE_RC, no panic in its log"
log "Demo complete: height $H; licences, assets, two markets, ${TRADES_TOTAL:-0} trades settled DvP; node stopped."
source scripts/demo-sim.sh
