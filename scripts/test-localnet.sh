#!/usr/bin/env bash
# make test-localnet: four validators on loopback, all on Pebble. They commit
# the same blocks; one is killed with SIGKILL and the other three (3 of 4
# equal powers > 2/3) keep committing, a transfer included; the killed one
# restarts and catches up to the same block and app hashes at the same
# heights. Exits non-zero on any failure; always stops its nodes and
# deletes its temp dir (KEEP_LOCALNET=1 keeps the dir).
#
# Environment: CLEARD [build/cleard], TEST_LOCALNET_BASE_PORT [27100]
# (ports 27100-27139: clear of the demo's 26756/26757/9190 and of the
# localnet's 26600-26639).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CLEARD=${CLEARD:-build/cleard}
[[ -x "$CLEARD" ]] || die "$CLEARD not found: run make build"
[[ "$CLEARD" == /* ]] || CLEARD=$PWD/$CLEARD

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

RPC=(); HOME_=()
rpc_port() { echo $((LOCALNET_BASE_PORT + 10 * $1 + 1)); }
for i in 0 1 2 3; do
  RPC[i]=http://127.0.0.1:$(rpc_port "$i")
  HOME_[i]=$LOCALNET_DIR/node$i
done

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
    got=$(block_hashes "${RPC[i]}" "$h") || die "node$i has no block $h"
    if [[ -z "$ref" ]]; then ref=$got
    elif [[ "$got" != "$ref" ]]; then die "node$i differs at height $h: '$got' != node$1's '$ref'"; fi
  done
  printf '    height %-4s block %s  app_hash %s  equal on node%s\n' "$h" "${ref%% *}" "${ref##* }" "$(IFS=,; echo "$*")"
}

# min_height NODE...: the lowest latest height among the nodes.
min_height() {
  local m="" i h
  for i in "$@"; do
    h=$(status_height "${RPC[i]}") || die "node$i does not answer on ${RPC[i]}"
    if [[ -z "$m" || "$h" -lt "$m" ]]; then m=$h; fi
  done
  echo "$m"
}

wait_all() { # wait_all H TIMEOUT NODE...
  local h=$1 t=$2 i; shift 2
  for i in "$@"; do wait_height "${RPC[i]}" "$h" "$t" || die "node$i did not reach height $h within $t s (at $(status_height "${RPC[i]}" || echo '?'))"; done
}

log "1. Four validators on loopback (ports $LOCALNET_BASE_PORT-$((LOCALNET_BASE_PORT + 39)), dir $TMP)"
"${LN[@]}" start

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
wait_all 5 60 0 1 2 3
H1=$(min_height 0 1 2 3)
compare "$H1" 0 1 2 3

log "4. SIGKILL node3; the other three keep committing"
PID3=$(<"$LOCALNET_DIR/node3.pid")
"${LN[@]}" kill-node 3 KILL
if kill -0 "$PID3" 2>/dev/null; then die "node3 (pid $PID3) is still alive"; fi
HK=$(min_height 0 1 2)
info "node3 killed; the others are at height $HK"
# A transfer while node3 is down: node3 must replay it when it catches up.
DEST=$("$CLEARD" keys show node3 -a --home "${HOME_[3]}" --keyring-backend test)
TXHASH=$("$CLEARD" tx bank send node0 "$DEST" 4242uclear --home "${HOME_[0]}" --keyring-backend test \
  --chain-id "$LOCALNET_CHAIN_ID" --node "${RPC[0]}" --fees 2000uclear --yes --output json | tx_hash) \
  || die "the transfer was refused"
read -r CODE TXH < <(wait_tx "${RPC[0]}" "$TXHASH") || die "tx $TXHASH was not committed without node3"
[[ "$CODE" == 0 ]] || die "tx $TXHASH failed with code $CODE"
info "transfer $TXHASH (4242uclear node0 -> node3) committed at height $TXH by 3 of 4 validators"
wait_all $((HK + 10)) 60 0 1 2
H2=$(min_height 0 1 2)
compare "$H2" 0 1 2

log "5. node3 restarts and catches up"
TGT=$(( $(min_height 0 1 2) + 3 ))
"${LN[@]}" start-node 3
wait_height "${RPC[3]}" "$TGT" 90 || die "node3 did not catch up to height $TGT within 90 s"
for ((t = 0; t < 100; t++)); do
  cu=$(curl -sf --max-time 2 "${RPC[3]}/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["catching_up"])' 2>/dev/null || true)
  [[ "$cu" == False ]] && break
  sleep 0.3
done
[[ "$cu" == False ]] || die "node3 still reports catching_up"
info "node3 is at height $(status_height "${RPC[3]}"), catching_up=false"
H3=$(( $(min_height 0 1 2 3) + 2 ))
wait_all "$H3" 60 0 1 2 3
info "every height from 1 to $H3 (block hash; app_hash in the header = state after the previous block):"
for ((h = 1; h <= H3; h++)); do compare "$h" 0 1 2 3; done
BAL=$("$CLEARD" query bank balance "$DEST" uclear --home "${HOME_[3]}" --node "${RPC[3]}" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])')
BAL0=$("$CLEARD" query bank balance "$DEST" uclear --home "${HOME_[0]}" --node "${RPC[0]}" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])')
[[ "$BAL" == "$BAL0" ]] || die "node3 reports balance $BAL, node0 $BAL0"
curl -sf --max-time 3 "${RPC[3]}/tx?hash=0x$TXHASH" >/dev/null || die "node3 does not know tx $TXHASH"
info "node3 serves the transfer made while it was down; node3's balance ${BAL}uclear on node3 and node0"
for i in 0 1 2 3; do
  if grep -q -e '^panic:' -e 'CONSENSUS FAILURE' "$LOCALNET_DIR/node$i.log"; then die "node$i logged a panic or consensus failure"; fi
done
log "node3 was killed at height $HK, missed $((H2 - HK))+ blocks and the transfer at $TXH, and matches the others at every height 1..$H3"
