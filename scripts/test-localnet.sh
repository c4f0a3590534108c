#!/usr/bin/env bash
# make test-localnet: four validators on loopback, all on Pebble, trading on
# x/exchange. They commit the same blocks; the genesis makes one funded key
# the regulator (compliance authority and exchange authority), and txs sent
# to node0 license institutions, a market maker and an issuer, create assets,
# list a market, fund it and build a book with resting orders on both sides
# (several price levels, several orders per level) and trades.
#   Phase 1: node3 is SIGKILLed while orders keep flowing (places, cancels,
#   cancel-replaces, crossing orders, a transfer); the other three (3 of 4
#   equal powers > 2/3) keep committing; node3 restarts and catches up.
#   Phase 2: node0 itself (the one receiving the txs) is SIGKILLed right
#   after a block with a trade; orders flow through node1; node0 restarts and
#   catches up.
# After each restart: block and app hashes are equal on all four nodes at
# every height from 1 to the last common height; the restarted node answers
# `query exchange depth 1 --levels 20`, the market maker's orders, the trades
# and balances with the same JSON as a node that never stopped (its
# in-memory book, rebuilt from the store, matches); and the exchange
# invariant holds (module account = sum of exchange balances). Exits
# non-zero on any failure; always stops its nodes and deletes its temp dir
# (KEEP_LOCALNET=1 keeps the dir).
#
# Environment: CLEARD [build/cleard], TEST_LOCALNET_BASE_PORT [27100]
# (ports 27100-27139: clear of the demo's 26756/26757/9190 and of the
# localnet's 26600-26639).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
CLEARD=$(abs_binary "${CLEARD:-build/cleard}") || exit 1
export CLEARD

T0=$(date +%s)
TMP=$(mktemp -d -t clearchain-localnet-XXXXXX)
export LOCALNET_DIR=$TMP/net
export LOCALNET_VALIDATORS=4
export LOCALNET_BASE_PORT=${TEST_LOCALNET_BASE_PORT:-27100}
export LOCALNET_CHAIN_ID=clearchain-test-localnet
export LOCALNET_COMMIT_TIMEOUT=500ms
export LOCALNET_API=false
export LOCALNET_LOG_LEVEL=info
LN=(bash scripts/localnet.sh)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -f "$LOCALNET_DIR/testnet.json" ]]; then "${LN[@]}" stop >/dev/null 2>&1 || true; fi
  # Belt and braces: anything still running from our homes.
  for f in "$LOCALNET_DIR"/node*.pid; do
    [[ -f "$f" ]] || continue
    pid=$(<"$f"); kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ $rc -ne 0 ]]; then
    for f in "$LOCALNET_DIR"/node*.log; do
      [[ -f "$f" ]] || continue
      printf '\n--- last lines of %s\n' "$f" >&2; tail -15 "$f" >&2
      grep -m5 -iE 'panic|wrong Block.Header.AppHash|CONSENSUS FAILURE|invariant' "$f" | cut -c1-400 \
        | sed 's/^/    first errors: /' >&2 || true
    done
  fi
  if [[ -n "${KEEP_LOCALNET:-}" ]]; then info "kept $TMP"; else rm -rf "$TMP"; fi
  if [[ $rc -eq 0 ]]; then log "test-localnet PASSED in $(( $(date +%s) - T0 )) s"
  else printf '\033[1;31mtest-localnet FAILED\033[0m (exit %d) after %d s\n' "$rc" "$(( $(date +%s) - T0 ))" >&2; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in $(seq "$LOCALNET_BASE_PORT" $((LOCALNET_BASE_PORT + 39))); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then die "port $p on 127.0.0.1 is in use; set TEST_LOCALNET_BASE_PORT"; fi
done

NODE_RPC=(); HOME_=()
rpc_port() { echo $((LOCALNET_BASE_PORT + 10 * $1 + 1)); }
for i in 0 1 2 3; do
  NODE_RPC[i]=http://127.0.0.1:$(rpc_port "$i")
  HOME_[i]=$LOCALNET_DIR/node$i
done
# lib.sh's tx/q/tx_async talk to $RPC (node0 unless node0 is down), sign with
# the keys in node0's keyring, on $CHAIN_ID.
RPC=${NODE_RPC[0]}
CHAIN_ID=$LOCALNET_CHAIN_ID
C() { "$CLEARD" --home "${HOME_[0]}" "$@"; }
addr() { C keys show "$1" -a "${KR[@]}"; }

# block_hashes RPC H: "<block hash> <app hash>" of block H (the app hash in
# block H's header is the state after block H-1).
block_hashes() {
  curl -sf --max-time 3 "$1/block?height=$2" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
print(r["block_id"]["hash"], r["block"]["header"]["app_hash"])' 2>/dev/null
}

# compare H NODE...: every NODE has the same block and app hash at height H.
compare() {
  local h=$1; shift
  local ref="" i got
  for i in "$@"; do
    got=$(block_hashes "${NODE_RPC[i]}" "$h") || die "node$i has no block $h"
    if [[ -z "$ref" ]]; then ref=$got
    elif [[ "$got" != "$ref" ]]; then die "node$i differs at height $h: '$got' != node$1's '$ref'"; fi
  done
  printf '    height %-4s block %s  app_hash %s  equal on node%s\n' "$h" "${ref%% *}" "${ref##* }" "$(IFS=,; echo "$*")"
}

# min_height NODE...: the lowest latest height among the nodes.
min_height() {
  local m="" i h
  for i in "$@"; do
    h=$(status_height "${NODE_RPC[i]}") || die "node$i does not answer on ${NODE_RPC[i]}"
    if [[ -z "$m" || "$h" -lt "$m" ]]; then m=$h; fi
  done
  echo "$m"
}

wait_all() { # wait_all H TIMEOUT NODE...
  local h=$1 t=$2 i; shift 2
  for i in "$@"; do wait_height "${NODE_RPC[i]}" "$h" "$t" || die "node$i did not reach height $h within $t s (at $(status_height "${NODE_RPC[i]}" || echo '?'))"; done
}

# caught_up I: node I reports catching_up=false (30 s at most).
caught_up() {
  local cu t
  for ((t = 0; t < 100; t++)); do
    cu=$(curl -sf --max-time 2 "${NODE_RPC[$1]}/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["catching_up"])' 2>/dev/null || true)
    [[ "$cu" == False ]] && return 0
    sleep 0.3
  done
  die "node$1 still reports catching_up"
}

# catch_up I HEIGHT: node I reaches HEIGHT (90 s at most) and reports
# catching_up=false; fails at once, with the log's reason, if node I exits
# or logs an app hash mismatch.
catch_up() {
  local i=$1 want=$2 pid t h why
  pid=$(<"$LOCALNET_DIR/node$i.pid")
  for ((t = 0; t < 450; t++)); do
    h=$(status_height "${NODE_RPC[i]}" || true)
    if [[ -n "$h" && "$h" -ge "$want" ]]; then caught_up "$i"; return 0; fi
    why=$(grep -m1 -e 'wrong Block.Header.AppHash' -e 'CONSENSUS FAILURE' -e '^panic:' "$LOCALNET_DIR/node$i.log" | cut -c1-300 || true)
    [[ -z "$why" ]] || die "node$i failed while catching up: $why"
    kill -0 "$pid" 2>/dev/null || die "node$i exited while catching up: $(grep -m3 -e ERR -e 'Error:' "$LOCALNET_DIR/node$i.log" | tail -3 | cut -c1-300)"
    sleep 0.2
  done
  die "node$i did not catch up to height $want within 90 s (at ${h:-?})"
}

# sigkill I: SIGKILL node I at once and wait (10 s at most) until it is gone.
sigkill() {
  local pid t
  pid=$(<"$LOCALNET_DIR/node$1.pid")
  kill -KILL "$pid" 2>/dev/null || die "node$1 (pid $pid) is not running"
  for ((t = 0; t < 50; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then die "node$1 (pid $pid) is still alive after SIGKILL"; fi
  rm -f "$LOCALNET_DIR/node$1.pid"
}

# order_ids OWNER [SIDE]: ids of OWNER's live market-1 orders (of SIDE), best first.
order_ids() {
  q exchange orders "$1" --market-id 1 | python3 -c '
import json, sys
side = sys.argv[1]
for o in json.load(sys.stdin).get("orders", []):
    if not side or o.get("side") == "SIDE_" + side: print(o["id"])' "${2:-}"
}

# flow_round R: one block's worth of order flow on market 1 from three
# accounts at once (to $RPC): the market maker cancels its worst ask and
# re-quotes a bid and an ask (every third round it moves its worst bid with
# cancel-replace instead); alpha lifts the best ask; beta alternately hits
# the best bid and rests an ask with a client order id.
flow_round() {
  local r=$1 hs=() ask bid
  ask=$(order_ids "$GAMMA" SELL | tail -1); bid=$(order_ids "$GAMMA" BUY | tail -1)
  [[ -n "$ask" && -n "$bid" ]] || die "the market maker has no bid or no ask left"
  if (( r % 3 == 0 )); then
    hs+=("$(tx_async gamma exchange cancel-replace 1 "$bid" 1230 $((20 + r)))") || exit 1
  else
    hs+=("$(tx_async gamma exchange batch --cancels "{\"market_id\":1,\"order_id\":$ask}" \
      --places "$(order 1 BUY $((1235 + 5 * (r % 3))) 20 ",\"client_order_id\":\"flow-b$r\"")" \
      --places "$(order 1 SELL $((1265 + 5 * (r % 3))) 20 ",\"client_order_id\":\"flow-a$r\"")")") || exit 1
  fi
  hs+=("$(tx_async alpha exchange place "$(order 1 BUY 1260 4)")") || exit 1
  if (( r % 2 == 1 )); then
    hs+=("$(tx_async beta exchange place "$(order 1 SELL 1250 3)")") || exit 1
  else
    hs+=("$(tx_async beta exchange place "$(order 1 SELL 1275 2 ",\"client_order_id\":\"beta-r$r\"")")") || exit 1
  fi
  wait_txs "${hs[@]}"
  info "round $r: 3 txs (mm $( ((r % 3 == 0)) && echo "cancel-replace $bid" || echo "cancel $ask + 2 places"), alpha lifts 1260, beta $( ((r % 2 == 1)) && echo 'hits 1250' || echo 'rests 1275')) at height $LAST_TX_HEIGHT"
}

# book_equal A B: node A answers the same book, orders, trades and balances
# as node B, and the exchange invariant holds on both.
book_equal() {
  local a=${NODE_RPC[$1]} b=${NODE_RPC[$2]} n
  same_query "$a" "$b" exchange depth 1 --levels 20
  same_query "$a" "$b" exchange orders "$GAMMA" --market-id 1
  same_query "$a" "$b" exchange orders "$BETA" --market-id 1
  same_query "$a" "$b" exchange trades 1
  same_query "$a" "$b" exchange balances "$GAMMA"
  for n in "$1" "$2"; do
    info "exchange invariant on node$n:"
    RPC=${NODE_RPC[$n]} exchange_invariant "${FUNDED[@]}" || die "the exchange invariant does not hold on node$n"
  done
}

# print_book: market 1's depth on $RPC, compactly.
print_book() {
  q exchange depth 1 --levels 20 | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = lambda ls: "  ".join("%s x%s(%s)" % (l["price"], l["quantity"], l.get("orders", "?")) for l in ls)
print("    asks " + f(d.get("asks", [])))
print("    bids " + f(d.get("bids", [])))'
}

trade_count() { q exchange trades 1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("trades", [])))'; }

log "1. Four validators on loopback (ports $LOCALNET_BASE_PORT-$((LOCALNET_BASE_PORT + 39)), dir $TMP)"
"$CLEARD" testnet init-files --validators "$LOCALNET_VALIDATORS" --output-dir "$LOCALNET_DIR" --chain-id "$CHAIN_ID" \
  --base-port "$LOCALNET_BASE_PORT" --keyring-backend test --commit-timeout "$LOCALNET_COMMIT_TIMEOUT" \
  --enable-api="$LOCALNET_API" | sed -n 1,2p | sed 's/^/    /'
# Keys in node0's keyring: the regulator, two institutions, a market maker, an issuer.
KEYS=(regulator alpha beta gamma delta)
for k in "${KEYS[@]}"; do C keys add "$k" "${KR[@]}" >/dev/null 2>&1 || die "keys add $k"; done
REG=$(addr regulator); ALPHA=$(addr alpha); BETA=$(addr beta); GAMMA=$(addr gamma); DELTA=$(addr delta)
FUNDED=("$REG" "$ALPHA" "$BETA" "$GAMMA" "$DELTA")
# The same genesis edit in every home, as the demo does it: funded accounts,
# `genesis set-regulator` (app_state.compliance.params.authority) and
# app_state.exchange.params.authority.
edit_genesis() {
  local home=$1 a
  for a in "${FUNDED[@]}"; do "$CLEARD" genesis add-genesis-account "$a" 5000000000uclear --home "$home" >/dev/null || return 1; done
  "$CLEARD" genesis set-regulator "$REG" --home "$home" >/dev/null || return 1
  python3 - "$home/config/genesis.json" "$REG" <<'PY'
import json, sys
path, reg = sys.argv[1], sys.argv[2]
g = json.load(open(path))
g["app_state"]["exchange"]["params"]["authority"] = reg
json.dump(g, open(path, "w"), indent=1)
PY
}
pids=()
for i in 0 1 2 3; do edit_genesis "${HOME_[i]}" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || die "editing a genesis failed"; done
SUM=$(sha256sum "${HOME_[0]}/config/genesis.json" | cut -d' ' -f1)
for i in 1 2 3; do
  [[ "$(sha256sum "${HOME_[i]}/config/genesis.json" | cut -d' ' -f1)" == "$SUM" ]] || die "node$i's edited genesis differs from node0's"
done
python3 - "$LOCALNET_DIR/testnet.json" "$SUM" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["genesis_sha256"] = sys.argv[2]
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
C genesis validate >/dev/null || die "the edited genesis is invalid"
python3 - "${HOME_[0]}/config/genesis.json" "$REG" <<'PY' || die "the genesis does not make $REG the regulator"
import json, sys
a = json.load(open(sys.argv[1]))["app_state"]
assert a["compliance"]["params"]["authority"] == sys.argv[2] and a["exchange"]["params"]["authority"] == sys.argv[2]
PY
info "genesis edited identically in the 4 homes (sha256 ${SUM:0:16}): regulator $REG"
info "= compliance.params.authority and exchange.params.authority; alpha, beta, gamma, delta funded"
# One start-node per node and our own bounded wait: `localnet.sh start`'s
# wait loop shares the global `i` with lib.sh's wait_height, and spins
# forever when node1 already has block 1 at the first look.
for i in 0 1 2 3; do "${LN[@]}" start-node "$i"; done
wait_all 1 120 0 1 2 3

log "2. Every store is on Pebble"
for i in 0 1 2 3; do
  h=${HOME_[i]}
  grep -q '^db_backend = "pebbledb"' "$h/config/config.toml" || die "node$i config.toml is not on pebbledb"
  grep -q '^app-db-backend = "pebbledb"' "$h/config/app.toml" || die "node$i app.toml is not on pebbledb"
  for db in application blockstore state; do
    compgen -G "$h/data/$db.db/MANIFEST-*" >/dev/null && compgen -G "$h/data/$db.db/OPTIONS-*" >/dev/null \
      || die "node$i data/$db.db has no Pebble MANIFEST-*/OPTIONS-* files"
  done
  grep -q '^\[Version\]' "$h"/data/application.db/OPTIONS-* && grep -q 'pebble_version' "$h"/data/application.db/OPTIONS-* \
    || die "node$i application.db OPTIONS file is not Pebble's"
done
info "config.toml db_backend=pebbledb, app.toml app-db-backend=pebbledb on all 4 nodes"
info "data/{application,blockstore,state}.db hold Pebble MANIFEST-*/OPTIONS-* on all 4 nodes"

log "3. All four commit the same blocks"
wait_all 3 60 0 1 2 3
H1=$(min_height 0 1 2 3)
compare "$H1" 0 1 2 3

log "4. A market, through node0: entities, licences, assets, a listing, deposits"
tx regulator compliance register-entity "Alpha Bank AG" 5493001KJTIIGC8Y1R12 DE --reason "onboarding: Alpha Bank AG"
tx regulator compliance register-entity "Beta Securities SA" 969500T3MBS4SQAMHJ45 FR --reason "onboarding: Beta Securities SA"
tx regulator compliance register-entity "Gamma Markets BV" 724500VKKSH9QOLTFR81 NL --reason "onboarding: Gamma Markets BV"
tx regulator compliance register-entity "Delta Data Ltd" 213800D1EI4B9WTWWD28 DE --reason "onboarding: Delta Data Ltd"
tx regulator compliance grant-licence "$ALPHA" "$(entity_id 5493001KJTIIGC8Y1R12)" institution --reason "onboarding"
tx regulator compliance grant-licence "$BETA" "$(entity_id 969500T3MBS4SQAMHJ45)" institution --reason "onboarding"
tx regulator compliance grant-licence "$GAMMA" "$(entity_id 724500VKKSH9QOLTFR81)" market-maker --reason "onboarding"
tx regulator compliance grant-licence "$DELTA" "$(entity_id 213800D1EI4B9WTWWD28)" issuer --reason "onboarding"
info "4 entities; alpha, beta institutions, gamma market-maker, delta issuer (height $LAST_TX_HEIGHT)"
tx delta assets create eurc "Euro cash token" cash --decimals 6
tx delta assets create wthr "Weather dataset shares" data-asset --decimals 0 --restricted --supply-cap 100000 \
  --uri "ipfs://bafy-weather-2026" --uri-hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
EURC="asset/$DELTA/eurc"; WTHR="asset/$DELTA/wthr"
# Mints (delta, one after another) beside the listing (regulator).
( tx delta assets mint "$EURC" 50000000000 "$ALPHA"
  tx delta assets mint "$EURC" 50000000000 "$BETA"
  tx delta assets mint "$EURC" 50000000000 "$GAMMA"
  tx delta assets mint "$WTHR" 5000 "$GAMMA"
  tx delta assets mint "$WTHR" 1000 "$BETA" ) & MINTS=$!
tx regulator exchange create-market "$(market_json "$WTHR" "$EURC" 10000 1 1000000)"
wait "$MINTS" || die "minting failed"
info "EURC (cash) and WTHR (data asset) created and minted; market 1 WTHR/EURC listed"
wait_txs "$(tx_async gamma exchange deposit "20000000000$EURC")" "$(tx_async alpha exchange deposit "20000000000$EURC")" \
  "$(tx_async beta exchange deposit "10000000000$EURC")"
wait_txs "$(tx_async gamma exchange deposit "4000$WTHR")" "$(tx_async beta exchange deposit "800$WTHR")"
info "deposits made (height $LAST_TX_HEIGHT)"

log "5. A book on both sides, several orders per level, and trades"
tx gamma exchange batch \
  --places "$(order 1 BUY 1250 20 ',"client_order_id":"mm-b1"')" --places "$(order 1 BUY 1250 30)" \
  --places "$(order 1 BUY 1245 25)" --places "$(order 1 BUY 1245 25 ',"client_order_id":"mm-b2"')" \
  --places "$(order 1 BUY 1240 40)" --places "$(order 1 BUY 1240 40)" --places "$(order 1 BUY 1240 40)" \
  --places "$(order 1 SELL 1260 20 ',"client_order_id":"mm-a1"')" --places "$(order 1 SELL 1260 30)" --places "$(order 1 SELL 1260 30)" \
  --places "$(order 1 SELL 1265 25)" --places "$(order 1 SELL 1265 25 ',"client_order_id":"mm-a2"')" \
  --places "$(order 1 SELL 1270 40)" --places "$(order 1 SELL 1270 40)"
wait_txs "$(tx_async alpha exchange place "$(order 1 BUY 1245 15 ',"client_order_id":"alpha-rest"')")" \
  "$(tx_async beta exchange place "$(order 1 SELL 1265 10 ',"client_order_id":"beta-rest"')")"
wait_txs "$(tx_async alpha exchange place "$(order 1 BUY 1260 25 ',"client_order_id":"alpha-1"')")" \
  "$(tx_async beta exchange place "$(order 1 SELL 1250 10)")"
NT=$(trade_count)
(( NT > 0 )) || die "no trades were settled"
info "$NT trades by height $LAST_TX_HEIGHT; the book on node0:"
print_book
info "exchange invariant on node0:"
exchange_invariant "${FUNDED[@]}" || die "the exchange invariant does not hold"

log "5b. Lane orders cross the network: signed by alpha's key alone, sent to node1, committed by all"
# broadcast_sync RPC B64: broadcast_tx_sync of a base64 tx; prints "<code> <hash>".
broadcast_sync() {
  curl -sf "$1" -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"broadcast_tx_sync\",\"params\":{\"tx\":\"$2\"}}" |
    python3 -c '
import json, sys
r = json.load(sys.stdin)
if "error" in r:  # e.g. the mempool cache already holds the tx
    print("refused", "-"); sys.stderr.write(json.dumps(r["error"]) + "\n"); sys.exit(0)
r = r["result"]; print(r["code"], r["hash"]); sys.stderr.write(r.get("log", "") + "\n")'
}
account_seq() { q auth account "$1" | python3 -c 'import json,sys; a=json.load(sys.stdin)["account"]; a=a.get("value",a); print(a.get("sequence","0"))'; }
SEQ_BEFORE=$(account_seq "$ALPHA")
LANE_HASHES=()
for k in 1 2 3; do
  LANE=$(C tx exchange place-lane "$(order 1 BUY $((1240 + k)) 2 ",\"client_order_id\":\"alpha-lane-$k\"")" --from alpha \
    --chain-id "$CHAIN_ID" "${KR[@]}" --lane-timeout 2m --generate-only 2>&1) || die "place-lane --generate-only: $LANE"
  LANE_TXS[k]=$LANE
  read -r code hash < <(broadcast_sync "${NODE_RPC[1]}" "$LANE" 2>/dev/null) || die "node1 did not answer broadcast_tx_sync"
  [[ "$code" == 0 ]] || die "node1 refused lane order $k in CheckTx (code $code)"
  LANE_HASHES+=("$hash")
done
for hash in "${LANE_HASHES[@]}"; do
  read -r code h < <(wait_tx "${NODE_RPC[0]}" "$hash") || die "lane tx $hash sent to node1 was not committed (node0 does not know it)"
  [[ "$code" == 0 ]] || die "lane tx $hash failed in block $h with code $code"
done
info "3 lane orders sent to node1, all committed by height $h (node0 serves them)"
for k in 1 2 3; do
  st=$(q exchange order-status-by-client-id "$ALPHA" "alpha-lane-$k" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])')
  [[ "$st" == ORDER_STATE_OPEN ]] || die "lane order alpha-lane-$k is $st, want ORDER_STATE_OPEN"
done
[[ "$(account_seq "$ALPHA")" == "$SEQ_BEFORE" ]] || die "lane orders moved alpha's sequence"
read -r code hash < <(broadcast_sync "${NODE_RPC[2]}" "${LANE_TXS[1]}" 2>/tmp/lane-replay.$$) || die "node2 did not answer broadcast_tx_sync"
[[ "$code" != 0 ]] || die "node2 accepted a replay of a committed lane order"
info "the orders rest on the book; alpha's sequence is still $SEQ_BEFORE; a replay sent to node2 is refused: $(head -c 160 /tmp/lane-replay.$$)"
rm -f /tmp/lane-replay.$$

log "6. SIGKILL node3 while orders flow to node0; the other three keep committing"
hs=("$(tx_async gamma exchange place "$(order 1 BUY 1235 10 ',"client_order_id":"in-flight"')")") || exit 1
hs+=("$(tx_async alpha exchange place "$(order 1 BUY 1260 3)")") || exit 1
PID3=$(<"$LOCALNET_DIR/node3.pid")
HK=$(status_height "${NODE_RPC[3]}")
sigkill 3
info "node3 (pid $PID3) SIGKILLed at its height $HK, right after 2 order txs were broadcast to node0"
wait_txs "${hs[@]}"
info "they committed at height $LAST_TX_HEIGHT; the others are at $(min_height 0 1 2)"
for r in 1 2 3 4 5 6; do flow_round "$r"; done
# A transfer while node3 is down: node3 must replay it when it catches up.
DEST=$("$CLEARD" keys show node3 -a --home "${HOME_[3]}" --keyring-backend test)
TXHASH=$("$CLEARD" tx bank send node0 "$DEST" 4242uclear --home "${HOME_[0]}" --keyring-backend test \
  --chain-id "$LOCALNET_CHAIN_ID" --node "${NODE_RPC[0]}" --fees 2000uclear --yes --output json | tx_hash) \
  || die "the transfer was refused"
read -r CODE TXH < <(wait_tx "${NODE_RPC[0]}" "$TXHASH") || die "tx $TXHASH was not committed without node3"
[[ "$CODE" == 0 ]] || die "tx $TXHASH failed with code $CODE"
info "transfer $TXHASH (4242uclear node0 -> node3) committed at height $TXH by 3 of 4 validators"
# A lane order while node3 is down: node3 never sees it in CheckTx, so it
# verifies the order's signature in the block when it catches up.
LANE=$(C tx exchange place-lane "$(order 1 BUY 1239 3 ',"client_order_id":"alpha-lane-down"')" --from alpha \
  --chain-id "$CHAIN_ID" "${KR[@]}" --lane-timeout 2m --generate-only 2>&1) || die "place-lane --generate-only: $LANE"
read -r code LANE_DOWN < <(broadcast_sync "${NODE_RPC[0]}" "$LANE" 2>/dev/null) || die "node0 did not answer broadcast_tx_sync"
[[ "$code" == 0 ]] || die "node0 refused the lane order in CheckTx (code $code)"
read -r code h < <(wait_tx "${NODE_RPC[0]}" "$LANE_DOWN") || die "lane tx $LANE_DOWN was not committed without node3"
[[ "$code" == 0 ]] || die "lane tx $LANE_DOWN failed in block $h with code $code"
info "lane order $LANE_DOWN committed at height $h by 3 of 4 validators"
info "$(( $(trade_count) - NT )) more trades while node3 was down; the book on node0:"
print_book
wait_all $((HK + 10)) 60 0 1 2
H2=$(min_height 0 1 2)
compare "$H2" 0 1 2

log "7. node3 restarts and catches up"
"${LN[@]}" start-node 3
TGT=$(( $(min_height 0 1 2) + 2 ))
catch_up 3 "$TGT"
info "node3 is at height $(status_height "${NODE_RPC[3]}"), catching_up=false"
H3=$(( $(min_height 0 1 2 3) + 1 ))
wait_all "$H3" 60 0 1 2 3
compare_chain 1 "$H3" "$((HK - 2))" node0="${NODE_RPC[0]}" node1="${NODE_RPC[1]}" node2="${NODE_RPC[2]}" node3="${NODE_RPC[3]}" \
  || die "the nodes' chains differ"
BAL=$("$CLEARD" query bank balance "$DEST" uclear --home "${HOME_[3]}" --node "${NODE_RPC[3]}" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])')
BAL0=$("$CLEARD" query bank balance "$DEST" uclear --home "${HOME_[0]}" --node "${NODE_RPC[0]}" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])')
[[ "$BAL" == "$BAL0" ]] || die "node3 reports balance $BAL, node0 $BAL0"
curl -sf --max-time 3 "${NODE_RPC[3]}/tx?hash=0x$TXHASH" >/dev/null || die "node3 does not know tx $TXHASH"
info "node3 serves the transfer made while it was down; node3's balance ${BAL}uclear on node3 and node0"
read -r code h < <(wait_tx "${NODE_RPC[3]}" "$LANE_DOWN") || die "node3 does not know lane tx $LANE_DOWN"
[[ "$code" == 0 ]] || die "node3 reports lane tx $LANE_DOWN failed (code $code)"
info "node3 replayed the lane order made while it was down (verified in its block at height $h)"
info "node3's rebuilt book and exchange state against node0's:"
book_equal 3 0

log "8. SIGKILL node0 (the node receiving the txs) right after a block with a trade"
NB=$(trade_count)
tx alpha exchange place "$(order 1 BUY 1260 5 ',"client_order_id":"last-before-kill"')"
HT=$LAST_TX_HEIGHT
PID0=$(<"$LOCALNET_DIR/node0.pid")
sigkill 0
HK0=$(min_height 1 2 3)
RPC=${NODE_RPC[1]}
NA=$(trade_count)
(( NA > NB )) || die "the order of height $HT did not trade"
info "node0 (pid $PID0) SIGKILLed right after height $HT ($((NA - NB)) trade(s) in it); the others are at $HK0"
info "orders now go to node1:"
for r in 7 8 9; do flow_round "$r"; done
wait_all $((HK0 + 6)) 60 1 2 3
"${LN[@]}" start-node 0
TGT=$(( $(min_height 1 2 3) + 2 ))
catch_up 0 "$TGT"
info "node0 is at height $(status_height "${NODE_RPC[0]}"), catching_up=false; $(grep -o 'ABCI Replay Blocks.*' "$LOCALNET_DIR/node0.log" | tail -1 | cut -c1-120)"
H4=$(( $(min_height 0 1 2 3) + 1 ))
wait_all "$H4" 60 0 1 2 3
compare_chain 1 "$H4" "$((H3 + 1))" node0="${NODE_RPC[0]}" node1="${NODE_RPC[1]}" node2="${NODE_RPC[2]}" node3="${NODE_RPC[3]}" \
  || die "the nodes' chains differ"
info "node0's rebuilt book and exchange state against node1's (and node3's):"
book_equal 0 1
same_query "${NODE_RPC[0]}" "${NODE_RPC[3]}" exchange depth 1 --levels 20
RPC=${NODE_RPC[0]}
info "the book on node0 after its restart:"
print_book
log "9. node0 takes orders again"
flow_round 10

for i in 0 1 2 3; do
  if grep -q -e '^panic:' -e 'CONSENSUS FAILURE' "$LOCALNET_DIR/node$i.log"; then die "node$i logged a panic or consensus failure"; fi
done
log "node3 was killed at ~$HK and node0 right after the trade at $HT; all 4 match at every height 1..$H4, with identical books"
