#!/usr/bin/env bash
# Four validators on loopback, each with its own price feeder
# (build/clear-feeder, simulated source), put CLEAR/USD on chain through
# ABCI++ vote extensions:
#   feeders 0-2 are honest (one simulated market, seed 42, per-feeder noise);
#   feeder 3 is wild (the same market quoted at 100x).
# Checks, on every node at one height: the price is present, equal, and in
# the honest range (the wild vote is an outlier). Then feeder 3 is stopped:
# the chain and the prices go on (3 of 4 equal powers > 2/3). Then feeder 0
# is stopped too: half the power is below 2/3, the price stops updating and
# turns stale, and the chain still commits blocks. Exits non-zero on any
# failure; always stops its nodes and feeders and deletes its temp dir
# (KEEP_LOCALNET=1 keeps it).
#
# Environment: CLEARD [build/cleard], CLEAR_FEEDER [build/clear-feeder],
# TEST_ORACLE_BASE_PORT [27300] (nodes use 27300-27339, feeders 27350-27353).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
CLEARD=$(abs_binary "${CLEARD:-build/cleard}") || exit 1
FEEDER=$(abs_binary "${CLEAR_FEEDER:-build/clear-feeder}") || exit 1
export CLEARD

T0=$(date +%s)
TMP=$(mktemp -d -t clearchain-oracle-XXXXXX)
export LOCALNET_DIR=$TMP/net
export LOCALNET_VALIDATORS=4
export LOCALNET_BASE_PORT=${TEST_ORACLE_BASE_PORT:-27300}
export LOCALNET_CHAIN_ID=clearchain-test-oracle
export LOCALNET_COMMIT_TIMEOUT=500ms
export LOCALNET_API=false
export LOCALNET_LOG_LEVEL=info
LN=(bash scripts/localnet.sh)
FEED=CLEAR/USD
FEEDER_PORT0=$((LOCALNET_BASE_PORT + 50))
FPID=()

oracle_localnet_trap test-oracle-localnet
ports_free TEST_ORACLE_BASE_PORT $(seq "$LOCALNET_BASE_PORT" $((LOCALNET_BASE_PORT + 39))) $(seq "$FEEDER_PORT0" $((FEEDER_PORT0 + 3)))
RPC=(); HOME_=()
for i in 0 1 2 3; do
  RPC[i]=http://127.0.0.1:$((LOCALNET_BASE_PORT + 10 * i + 1))
  HOME_[i]=$LOCALNET_DIR/node$i
done

log "1. Four feeders on loopback: 0-2 honest, 3 wild (100x)"
for i in 0 1 2 3; do
  start=1.25; [[ $i == 3 ]] && start=125
  cat >"$TMP/feeder$i.yaml" <<YAML
listen_addr: 127.0.0.1:$((FEEDER_PORT0 + i))
poll_interval: 1s
timeout: 500ms
sources:
  - name: sim$i
    type: simulated
    seed: 42
    start: {"$FEED": "$start"}
    volatility_bps: 5
    noise_bps: 10
pairs:
  - {pair: "$FEED", decimals: 8, sources: [sim$i], min_sources: 1, max_spread_bps: 100}
YAML
  nohup "$FEEDER" start --config "$TMP/feeder$i.yaml" >"$TMP/feeder$i.log" 2>&1 &
  FPID[i]=$!
  info "feeder$i pid ${FPID[i]} on 127.0.0.1:$((FEEDER_PORT0 + i)) (start price $start)"
done

log "2. Four validators: genesis feed $FEED, app.toml [oracle] feeder_address per node"
"$CLEARD" testnet init-files --validators 4 --output-dir "$LOCALNET_DIR" --chain-id "$LOCALNET_CHAIN_ID" \
  --base-port "$LOCALNET_BASE_PORT" --keyring-backend test --commit-timeout "$LOCALNET_COMMIT_TIMEOUT" \
  --enable-api=false >/dev/null
python3 - "${HOME_[0]}/config/genesis.json" "$FEED" <<'PY'
import json, sys
path, feed = sys.argv[1], sys.argv[2]
g = json.load(open(path))
g["app_state"]["oracle"]["feeds"] = [{
    "id": feed, "decimals": 8, "min_sources": 2,
    "max_staleness_blocks": "6", "max_staleness_seconds": "0",
    "max_deviation_bps_per_block": "2000",
}]
json.dump(g, open(path, "w"), indent=2)
PY
for i in 1 2 3; do cp "${HOME_[0]}/config/genesis.json" "${HOME_[i]}/config/genesis.json"; done
for i in 0 1 2 3; do
  toml=${HOME_[i]}/config/app.toml
  addr=127.0.0.1:$((FEEDER_PORT0 + i))
  if grep -q '^\[oracle\]' "$toml"; then
    sed -i "s|^feeder_address = .*|feeder_address = \"$addr\"|" "$toml"
  else
    printf '\n[oracle]\nfeeder_address = "%s"\nfeeder_timeout = "300ms"\n' "$addr" >>"$toml"
  fi
  grep -q "^feeder_address = \"$addr\"" "$toml" || die "node$i app.toml has no feeder_address"
done
info "node i asks the feeder on 127.0.0.1:$FEEDER_PORT0+i"
"${LN[@]}" start | grep -v '^    node' || true

# price_at NODE H: "<price> <update height> <status>" of the feed at height H.
price_at() {
  "$CLEARD" query oracle price "$FEED" --node "${RPC[$1]}" --height "$2" --output json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
p = r.get("price", {})
print(int(p.get("price", 0) or 0), int(p.get("height", 0) or 0), r.get("status", "FEED_STATUS_UNSPECIFIED"), int(p.get("sources", 0) or 0))'
}
# check_all H LO HI: every node has the same fresh price at H, within [LO, HI].
check_all() {
  local h=$1 lo=$2 hi=$3 ref="" i got
  for i in 0 1 2 3; do
    got=$(price_at "$i" "$h") || die "node$i: no answer for the price at height $h"
    read -r p ph st _ <<<"$got"
    [[ "$st" == FEED_STATUS_FRESH ]] || die "node$i: $FEED at height $h is $st"
    (( p >= lo && p <= hi )) || die "node$i: $FEED = $p at height $h, outside the honest range [$lo, $hi]"
    if [[ -z "$ref" ]]; then ref=$got; elif [[ "$got" != "$ref" ]]; then die "node$i: '$got' at height $h, node0 '$ref'"; fi
  done
  echo "$ref"
}
height() { status_height "${RPC[0]}"; }
# Honest range: the simulated market starts at 1.25 and moves 5 bps a step:
# within 5% for the run. The wild feeder quotes ~125.
LO=118750000; HI=131250000

log "3. All four feeders up: the price is on chain, equal on every node, unmoved by the wild vote"
wait_height "${RPC[0]}" 8 90 || die "no block 8"
H=$(( $(height) - 1 ))
read -r P PH ST SRC < <(check_all "$H" "$LO" "$HI")
[[ "$SRC" == 3 ]] || die "$SRC validators' prices accepted at height $PH, want the 3 honest ones"
info "height $H: $FEED = $P (updated at $PH, $ST, 3 validators accepted: the wild one is an outlier) on node0..node3"
EVENTS=$(curl -sf --max-time 3 "${RPC[0]}/block_results?height=$PH" | python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
ev = [e for e in r.get("finalize_block_events", []) if e["type"] == "clearchain.oracle.v1.EventPriceUpdated"]
codes = [t.get("code", 0) for t in r.get("txs_results") or []]
print(len(ev), codes[0] if codes else "none")')
read -r NEV CODE0 <<<"$EVENTS"
[[ "$NEV" -ge 1 ]] || die "block $PH has no EventPriceUpdated"
[[ "$CODE0" == 0 ]] || die "the injected vote-extension tx of block $PH has code $CODE0"
info "block $PH: EventPriceUpdated in finalize_block_events; injected votes tx result code 0"

log "4. Feeder 3 (the wild one) stops: the chain and the prices go on"
kill -TERM "${FPID[3]}"; wait "${FPID[3]}" 2>/dev/null || true
H0=$(height)
wait_height "${RPC[0]}" $((H0 + 5)) 60 || die "the chain stalled after feeder 3 stopped"
H=$(( $(height) - 1 ))
read -r P2 PH2 ST2 _ < <(check_all "$H" "$LO" "$HI")
(( PH2 > H0 )) || die "the price was last updated at $PH2, before feeder 3 stopped at height $H0"
info "height $H: $FEED = $P2 (updated at $PH2 > $H0, $ST2) on node0..node3"

log "5. Feeder 0 stops too: half the power is below 2/3; no update, stale, blocks go on"
kill -TERM "${FPID[0]}"; wait "${FPID[0]}" 2>/dev/null || true
H1=$(height)
wait_height "${RPC[0]}" $((H1 + 10)) 60 || die "the chain stalled after feeder 0 stopped"
H=$(( $(height) - 1 ))
# H1 is the last committed height when the feeder was killed; the block
# being decided then (H1+1) may already carry precommits whose vote
# extensions hold feeder 0's price, and those enter block H1+2: the last
# update is at most H1+2 (a CI run saw 23 with H1 = 21).
for i in 0 1 2 3; do
  read -r p ph st _ < <(price_at "$i" "$H")
  (( ph <= H1 + 2 )) || die "node$i: the price was updated at $ph, after half the feeders stopped at $H1"
  [[ "$st" == FEED_STATUS_STALE ]] || die "node$i: status $st at height $H, want stale"
done
info "height $H: last update at $ph (<= $((H1 + 2))), status stale on node0..node3; the chain is at $(height)"
for i in 0 1 2 3; do
  if grep -q -e '^panic:' -e 'CONSENSUS FAILURE' "$LOCALNET_DIR/node$i.log"; then die "node$i logged a panic or consensus failure"; fi
done
log "oracle localnet: $FEED = $P then $P2 (honest range [$LO, $HI]; the wild feeder quoted ~12500000000) on all 4 nodes"
