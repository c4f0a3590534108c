#!/usr/bin/env bash
# Shared helpers of ClearChain's scripts: logging, a node's lifecycle, and
# waiting for heights and transactions. Source it; do not run it.

CLEARD=${CLEARD:-build/cleard}
KR=(--keyring-backend test)

log()  { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# status_network RPC: the chain id of the node at RPC, or empty.
status_network() {
  curl -sf "$1/status" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["node_info"]["network"])' 2>/dev/null
}

# status_height RPC: the latest block height of the node at RPC, or empty.
status_height() {
  curl -sf "$1/status" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["latest_block_height"])' 2>/dev/null
}

# app_hash RPC HEIGHT: the app hash in the header of block HEIGHT+1 (the
# state after HEIGHT), or empty.
app_hash_after() {
  curl -sf "$1/block?height=$(( $2 + 1 ))" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["block"]["header"]["app_hash"])' 2>/dev/null
}

# wait_height RPC HEIGHT TIMEOUT_S: wait until the node reaches HEIGHT.
wait_height() {
  local rpc=$1 want=$2 timeout=${3:-60} h
  for ((i = 0; i < timeout * 5; i++)); do
    h=$(status_height "$rpc")
    if [[ -n "$h" && "$h" -ge "$want" ]]; then return 0; fi
    sleep 0.2
  done
  return 1
}

# wait_tx RPC HASH: wait for a tx to be committed; prints its result code.
wait_tx() {
  local rpc=$1 hash=$2 out
  for ((i = 0; i < 100; i++)); do
    out=$(curl -sf "$rpc/tx?hash=0x$hash" 2>/dev/null) && {
      python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r["tx_result"]["code"], r["height"])' <<<"$out"
      return 0
    }
    sleep 0.2
  done
  return 1
}

# tx_hash: reads a broadcast JSON response on stdin and prints the hash,
# failing with the check error if the tx was refused in CheckTx.
tx_hash() {
  python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("code", 0) != 0:
    sys.stderr.write("refused in CheckTx: code %s: %s\n" % (r["code"], r.get("raw_log", "")))
    sys.exit(1)
print(r["txhash"])'
}

# tx KEY ARGS...: sign and broadcast `cleard tx ARGS --from KEY`, wait for the
# block, fail loudly unless it succeeded. Needs C (the cleard wrapper),
# CHAIN_ID and RPC.
tx() {
  local key=$1; shift
  local out hash code h
  out=$(C tx "$@" --from "$key" --chain-id "$CHAIN_ID" --node "$RPC" "${KR[@]}" \
        --gas 2000000 --fees 5000uclear --yes --output json 2>&1) || die "tx $* (from $key): $out"
  hash=$(tx_hash <<<"$out") || die "tx $* (from $key) refused"
  read -r code h < <(wait_tx "$RPC" "$hash") || die "tx $hash was not committed"
  if [[ "$code" != 0 ]]; then
    die "tx $* (from $key) failed in block $h: $(curl -sf "$RPC/tx?hash=0x$hash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["tx_result"]["log"])')"
  fi
  LAST_TX_HEIGHT=$h
}

# tx_refused KEY ARGS...: like tx, but the transaction must be refused (in
# CheckTx or in its block). Prints the refusal.
tx_refused() {
  local key=$1; shift
  local out hash code h log
  out=$(C tx "$@" --from "$key" --chain-id "$CHAIN_ID" --node "$RPC" "${KR[@]}" \
        --gas 2000000 --fees 5000uclear --yes --output json 2>&1) || { info "refused: $(tail -1 <<<"$out")"; return 0; }
  if ! hash=$(tx_hash <<<"$out" 2>/tmp/refusal.$$); then
    info "refused in CheckTx: $(sed 's/^refused in CheckTx: //' /tmp/refusal.$$)"; rm -f /tmp/refusal.$$; return 0
  fi
  read -r code h < <(wait_tx "$RPC" "$hash") || die "tx $hash was not committed"
  [[ "$code" != 0 ]] || die "tx $* (from $key) should have been refused but succeeded"
  log=$(curl -sf "$RPC/tx?hash=0x$hash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["tx_result"]["log"])')
  info "refused in block $h: $log"
}

# q ARGS...: a query as JSON.
q() { C query "$@" --node "$RPC" --output json; }
