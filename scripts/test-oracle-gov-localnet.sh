#!/usr/bin/env bash
# Governance removes an oracle feed while validators are voting prices for
# it; the chain must keep committing (issue 13, "Feed removed by
# governance").
#
# Four validators on loopback, each with its own price feeder
# (build/clear-feeder, simulated sources) quoting two validator-priced feeds,
# CLEAR/USD and ATOM/USD. A governance proposal (short voting period in the
# test genesis) executes x/oracle's MsgRemoveFeed for ATOM/USD; every
# validator votes yes. The vote extensions signed at the height whose
# EndBlock removes the feed still carry ATOM/USD, and ProcessProposal at the
# next height sees them against a feed list without it: before the fix every
# proposal of every round was rejected (a permanent halt). Checks: the
# proposal passes, ATOM/USD is gone on every node, the chain commits
# GOV_AFTER_BLOCKS more blocks, CLEAR/USD keeps updating (the height of its
# latest price advances past the removal), every node agrees, `cleard q txs
# --query tx.height=H` decodes the block's txs (the injected vote tx first),
# and no node logged a panic or consensus failure. Exits non-zero on any failure; always
# stops its nodes and feeders and deletes its temp dir (KEEP_LOCALNET=1
# keeps it).
#
# Genesis: validator operators get a VALIDATOR_OPERATOR licence in the
# compliance state unless `cleard testnet init-files` already wrote one
# (their oracle votes count only with it).
#
# Environment: CLEARD [build/cleard], CLEAR_FEEDER [build/clear-feeder],
# TEST_ORACLE_GOV_BASE_PORT [27400] (nodes use 27400-27439, feeders
# 27450-27453), GOV_AFTER_BLOCKS [10].
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
CLEARD=$(abs_binary "${CLEARD:-build/cleard}") || exit 1
FEEDER=$(abs_binary "${CLEAR_FEEDER:-build/clear-feeder}") || exit 1
export CLEARD

T0=$(date +%s)
TMP=$(mktemp -d -t clearchain-oracle-gov-XXXXXX)
export LOCALNET_DIR=$TMP/net
export LOCALNET_VALIDATORS=4
export LOCALNET_BASE_PORT=${TEST_ORACLE_GOV_BASE_PORT:-27400}
export LOCALNET_CHAIN_ID=clearchain-test-oracle-gov
export LOCALNET_COMMIT_TIMEOUT=500ms
export LOCALNET_API=false
export LOCALNET_LOG_LEVEL=info
LN=(bash scripts/localnet.sh)
CHAIN_ID=$LOCALNET_CHAIN_ID
KEEP=CLEAR/USD
GONE=ATOM/USD
AFTER=${GOV_AFTER_BLOCKS:-10}
FEEDER_PORT0=$((LOCALNET_BASE_PORT + 50))
FPID=()

oracle_localnet_trap test-oracle-gov-localnet
ports_free TEST_ORACLE_GOV_BASE_PORT $(seq "$LOCALNET_BASE_PORT" $((LOCALNET_BASE_PORT + 39))) $(seq "$FEEDER_PORT0" $((FEEDER_PORT0 + 3)))
RPC_=(); HOME_=()
for i in 0 1 2 3; do
  RPC_[i]=http://127.0.0.1:$((LOCALNET_BASE_PORT + 10 * i + 1))
  HOME_[i]=$LOCALNET_DIR/node$i
done
# C runs cleard on node $NODE's home; the lib.sh tx helpers use C, RPC and
# CHAIN_ID.
NODE=0
C() { "$CLEARD" --home "${HOME_[$NODE]}" "$@"; }
on_node() { NODE=$1; RPC=${RPC_[$1]}; }
RPC=${RPC_[0]}

log "1. Four feeders on loopback, each quoting $KEEP and $GONE (simulated, honest)"
for i in 0 1 2 3; do
  cat >"$TMP/feeder$i.yaml" <<YAML
listen_addr: 127.0.0.1:$((FEEDER_PORT0 + i))
poll_interval: 1s
timeout: 500ms
sources:
  - name: sim$i
    type: simulated
    seed: 42
    start: {"$KEEP": "1.25", "$GONE": "8.00"}
    volatility_bps: 5
    noise_bps: 10
pairs:
  - {pair: "$KEEP", decimals: 8, sources: [sim$i], min_sources: 1, max_spread_bps: 100}
  - {pair: "$GONE", decimals: 6, sources: [sim$i], min_sources: 1, max_spread_bps: 100}
YAML
  nohup "$FEEDER" start --config "$TMP/feeder$i.yaml" >"$TMP/feeder$i.log" 2>&1 &
  FPID[i]=$!
  info "feeder$i pid ${FPID[i]} on 127.0.0.1:$((FEEDER_PORT0 + i))"
done

log "2. Four validators: feeds $KEEP and $GONE, 15 s voting period, licensed operators"
"$CLEARD" testnet init-files --validators 4 --output-dir "$LOCALNET_DIR" --chain-id "$LOCALNET_CHAIN_ID" \
  --base-port "$LOCALNET_BASE_PORT" --keyring-backend test --commit-timeout "$LOCALNET_COMMIT_TIMEOUT" \
  --enable-api=false >/dev/null
OPS=()
for i in 0 1 2 3; do
  OPS[i]=$("$CLEARD" keys show "node$i" -a --home "${HOME_[i]}" "${KR[@]}") || die "no key node$i in ${HOME_[i]}"
done
python3 - "${HOME_[0]}/config/genesis.json" "$KEEP" "$GONE" "${OPS[@]}" <<'PY'
import json, sys
path, keep, gone, ops = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
g = json.load(open(path))
st = g["app_state"]
st["oracle"]["feeds"] = sorted([
    {"id": keep, "decimals": 8, "min_sources": 2, "max_staleness_blocks": "6",
     "max_deviation_bps_per_block": "2000"},
    {"id": gone, "decimals": 6, "min_sources": 2, "max_staleness_blocks": "6",
     "max_deviation_bps_per_block": "2000"},
], key=lambda f: f["id"])
bond = st["staking"]["params"]["bond_denom"]
gp = st["gov"]["params"]
gp["voting_period"] = "15s"
gp["expedited_voting_period"] = "5s"
gp["max_deposit_period"] = "60s"
gp["min_deposit"] = [{"denom": bond, "amount": "1000"}]
gp["expedited_min_deposit"] = [{"denom": bond, "amount": "2000"}]
# Operators: a VALIDATOR_OPERATOR licence, unless init-files wrote one.
comp = st["compliance"]
lics = {l["address"]: l for l in comp.get("licences", [])}
ents = comp.setdefault("entities", [])
need = [a for a in ops if a not in lics or "ROLE_VALIDATOR_OPERATOR" not in lics[a].get("roles", [])]
if need:
    eid = int(comp.get("next_entity_id", "1"))
    ents.append({"id": str(eid), "name": "Localnet Validators AG", "lei": "5493001KJTIIGC8Y1R12", "jurisdiction": "DE"})
    comp["next_entity_id"] = str(eid + 1)
    for a in need:
        if a in lics:
            lics[a]["roles"] = sorted(set(lics[a]["roles"]) | {"ROLE_VALIDATOR_OPERATOR"})
        else:
            l = {"address": a, "entity_id": str(eid), "roles": ["ROLE_VALIDATOR_OPERATOR"],
                 "issued_at": g.get("genesis_time", "2026-01-01T00:00:00Z"), "expires_at": "0001-01-01T00:00:00Z"}
            comp.setdefault("licences", []).append(l)
json.dump(g, open(path, "w"), indent=2)
print("    licensed %d operator(s) in genesis (%d already were)" % (len(need), len(ops) - len(need)))
PY
"$CLEARD" genesis validate "${HOME_[0]}/config/genesis.json" --home "${HOME_[0]}" >/dev/null || die "the patched genesis is invalid"
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
"${LN[@]}" start | grep -v '^    node' || true

# price_at NODE FEED H: "<price> <update height> <status>" of FEED at height H.
price_at() {
  "$CLEARD" query oracle price "$2" --node "${RPC_[$1]}" --height "$3" --output json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
p = r.get("price", {})
print(int(p.get("price", 0) or 0), int(p.get("height", 0) or 0), r.get("status", "FEED_STATUS_UNSPECIFIED"))'
}
# same_fresh FEED H: every node has the same fresh price of FEED at H; prints it.
same_fresh() {
  local feed=$1 h=$2 ref="" i got p ph st
  for i in 0 1 2 3; do
    got=$(price_at "$i" "$feed" "$h") || die "node$i: no answer for $feed at height $h"
    read -r p ph st <<<"$got"
    [[ "$st" == FEED_STATUS_FRESH && "$p" -gt 0 ]] || die "node$i: $feed at height $h is '$got'"
    if [[ -z "$ref" ]]; then ref=$got; elif [[ "$got" != "$ref" ]]; then die "node$i: $feed '$got' at height $h, node0 '$ref'"; fi
  done
  echo "$ref"
}
height() { status_height "${RPC_[0]}"; }

log "3. Both feeds are priced by the validators, equal on every node"
wait_height "${RPC_[0]}" 6 90 || die "no block 6"
for ((n = 0; n < 60; n++)); do
  H=$(( $(height) - 1 ))
  if price_at 0 "$GONE" "$H" | grep -q FEED_STATUS_FRESH && price_at 0 "$KEEP" "$H" | grep -q FEED_STATUS_FRESH; then break; fi
  sleep 0.5
done
read -r PK PKH _ < <(same_fresh "$KEEP" "$H")
read -r PG PGH _ < <(same_fresh "$GONE" "$H")
info "height $H: $KEEP = $PK (updated at $PKH), $GONE = $PG (updated at $PGH) on node0..node3"

log "4. A governance proposal removes $GONE; all four validators vote yes"
GOV=$(q auth module-account gov | python3 -c 'import json,sys; a=json.load(sys.stdin)["account"]; a=a.get("value", a); print(a.get("base_account", a).get("address") or a["address"])')
BOND=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["app_state"]["staking"]["params"]["bond_denom"])' "${HOME_[0]}/config/genesis.json")
cat >"$TMP/proposal.json" <<JSON
{
  "messages": [{"@type": "/clearchain.oracle.v1.MsgRemoveFeed", "authority": "$GOV", "feed_id": "$GONE"}],
  "metadata": "",
  "deposit": "1000$BOND",
  "title": "Remove the $GONE feed",
  "summary": "Validators stop pricing $GONE.",
  "expedited": false
}
JSON
on_node 0
tx node0 gov submit-proposal "$TMP/proposal.json"
SUBMIT_H=$LAST_TX_HEIGHT
PID=$(q gov proposals | python3 -c 'import json,sys; print(max(int(p["id"]) for p in json.load(sys.stdin)["proposals"]))')
info "proposal $PID submitted in block $SUBMIT_H (authority $GOV)"
VOTES=()
for i in 0 1 2 3; do
  on_node "$i"
  VOTES[i]=$(tx_async "node$i" gov vote "$PID" yes)
done
on_node 0
wait_txs "${VOTES[@]}"
info "node0..node3 voted yes (last vote in block $LAST_TX_HEIGHT)"
STATUS=""
for ((n = 0; n < 120; n++)); do
  STATUS=$(q gov proposal "$PID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["proposal"]["status"])')
  [[ "$STATUS" == PROPOSAL_STATUS_PASSED || "$STATUS" == PROPOSAL_STATUS_REJECTED || "$STATUS" == PROPOSAL_STATUS_FAILED ]] && break
  sleep 0.5
done
[[ "$STATUS" == PROPOSAL_STATUS_PASSED ]] || die "proposal $PID ended as '$STATUS', want passed"
PASS_H=$(height)
# The block whose EndBlock executed the proposal: the first height at which
# the feed is gone.
REMOVED_H=""
for ((h = SUBMIT_H; h <= PASS_H; h++)); do
  if ! "$CLEARD" query oracle feed "$GONE" --node "${RPC_[0]}" --height "$h" --output json >/dev/null 2>&1; then REMOVED_H=$h; break; fi
done
[[ -n "$REMOVED_H" ]] || die "the proposal passed but $GONE is still registered at height $PASS_H"
info "proposal $PID passed; $GONE removed by the EndBlock of block $REMOVED_H (the extensions of that height still carry it)"

log "5. The chain keeps committing $AFTER blocks after the removal, and $KEEP keeps updating"
wait_height "${RPC_[0]}" $((REMOVED_H + AFTER + 1)) 90 || die "the chain stalled after the removal at $REMOVED_H (at $(height))"
for i in 1 2 3; do
  wait_height "${RPC_[$i]}" $((REMOVED_H + AFTER)) 30 || die "node$i stalled after the removal"
done
H=$((REMOVED_H + AFTER))
read -r PK2 PKH2 _ < <(same_fresh "$KEEP" "$H")
(( PKH2 > REMOVED_H + 1 )) || die "$KEEP was last updated at $PKH2, not after the removal at $REMOVED_H"
for i in 0 1 2 3; do
  if "$CLEARD" query oracle feed "$GONE" --node "${RPC_[$i]}" --height "$H" --output json >/dev/null 2>&1; then
    die "node$i: $GONE is still registered at height $H"
  fi
  if grep -q -e '^panic:' -e 'CONSENSUS FAILURE' "$LOCALNET_DIR/node$i.log"; then die "node$i logged a panic or consensus failure"; fi
done
# Clients that read transactions decode every tx of a block, the injected
# vote tx (first) included: the SDK tx query answers for a block with votes.
TXS=$("$CLEARD" query txs --query "tx.height=$PKH2" --node "${RPC_[0]}" --output json 2>&1) || die "cleard q txs --query tx.height=$PKH2: $TXS"
read -r NTX FIRST < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
txs = r.get("txs") or []
print(len(txs), txs[0]["tx"]["body"]["messages"][0]["@type"] if txs else "none")' "$TXS")
[[ "$FIRST" == /clearchain.oracle.v1.MsgInjectedVotes ]] || die "the first tx of block $PKH2 reads as '$FIRST'"
info "cleard q txs --query tx.height=$PKH2: $NTX tx(s), the first a $FIRST"
REJ=$(cat "$LOCALNET_DIR"/node*.log | grep -c "oracle: rejecting proposal" || true)
[[ "$REJ" == 0 ]] || die "$REJ proposals rejected by the oracle's ProcessProposal"
info "height $H: $KEEP = $PK2 (updated at $PKH2 > $REMOVED_H) on node0..node3; $GONE gone; no proposal rejected"
log "oracle governance localnet: $GONE removed at $REMOVED_H, the chain at $(height), $KEEP updated at $PKH2"
