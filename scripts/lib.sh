#!/usr/bin/env bash
# Shared helpers of ClearChain's scripts: logging, a node's lifecycle, and
# waiting for heights and transactions. Source it; do not run it.

CLEARD=${CLEARD:-build/cleard}
KR=(--keyring-backend test)

log()  { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# abs_binary PATH: PATH made absolute, failing clearly unless it is an
# executable (`make build` writes build/cleard and build/clear-feeder).
abs_binary() {
  [[ -x "$1" ]] || die "$1 not found: run make build"
  if [[ "$1" == /* ]]; then echo "$1"; else echo "$PWD/$1"; fi
}

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
  local rpc=$1 want=$2 timeout=${3:-60} h i
  for ((i = 0; i < timeout * 5; i++)); do
    h=$(status_height "$rpc")
    if [[ -n "$h" && "$h" -ge "$want" ]]; then return 0; fi
    sleep 0.2
  done
  return 1
}

# wait_tx RPC HASH: wait for a tx to be committed; prints its result code.
wait_tx() {
  local rpc=$1 hash=$2 out i
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

# entity_id LEI: the id of the registered legal entity with that LEI. Genesis
# registers the validator operators' entities first (InitChain requires their
# VALIDATOR_OPERATOR licences), so ids registered later are not 1, 2, ...
entity_id() {
  q compliance entities | python3 -c '
import json, sys
ids = [e["id"] for e in json.load(sys.stdin).get("entities", []) if e.get("lei") == sys.argv[1]]
if not ids: sys.exit("no entity with LEI " + sys.argv[1])
print(ids[0])' "$1"
}

# ---- Exchange helpers (shared by the market demo and test-localnet) ----

# market_json BASE QUOTE TICK LOT MIN_NOTIONAL: a continuous market, maker
# -2 bps, taker 10 bps, band 20% (as the demo lists them).
market_json() {
  printf '{"base_denom":"%s","quote_denom":"%s","tick_size":"%s","lot_size":"%s","min_notional":"%s","maker_fee_bps":-2,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS","band_bps":2000,"band_halt_blocks":5}' "$@"
}

# order MARKET SIDE PRICE QTY [EXTRA_JSON]: an order spec (SIDE is BUY or SELL).
order() {
  printf '{"market_id":%s,"side":"SIDE_%s","price":%s,"quantity":%s%s}' "$1" "$2" "$3" "$4" "${5:-}"
}

# tx_async KEY ARGS...: sign and broadcast like tx, without waiting for the
# block; prints the hash, fails if refused in CheckTx. One per key until
# wait_txs (the next one would reuse the sequence). Use as h=$(tx_async ...).
tx_async() {
  local key=$1; shift
  local out
  out=$(C tx "$@" --from "$key" --chain-id "$CHAIN_ID" --node "$RPC" "${KR[@]}" \
        --gas 2000000 --fees 5000uclear --yes --output json 2>&1) || die "tx $* (from $key): $out"
  tx_hash <<<"$out" || die "tx $* (from $key) refused"
}

# wait_txs HASH...: wait for every tx (on $RPC); fail loudly unless all
# succeeded. Sets LAST_TX_HEIGHT to the highest of their heights.
wait_txs() {
  local hash code h max=0
  for hash in "$@"; do
    [[ -n "$hash" ]] || die "a tx was not broadcast (see above)"
    read -r code h < <(wait_tx "$RPC" "$hash") || die "tx $hash was not committed"
    if [[ "$code" != 0 ]]; then
      die "tx $hash failed in block $h: $(curl -sf "$RPC/tx?hash=0x$hash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["tx_result"]["log"])')"
    fi
    if (( h > max )); then max=$h; fi
  done
  LAST_TX_HEIGHT=$max
}

# module_address NAME: the address of a module account (q: needs C and RPC).
module_address() {
  q auth module-account "$1" | python3 -c 'import json,sys; a=json.load(sys.stdin)["account"]; print(a.get("value", a).get("base_account", {}).get("address") or a.get("value", a).get("address"))'
}

# exchange_invariant ADDR...: the exchange module account's bank balance
# equals, per denom, the sum of the free and locked exchange balances of the
# given accounts (every account that ever deposited). Prints one line per
# denom; returns 1 on a mismatch. Queries $RPC.
exchange_invariant() {
  local a
  {
    q bank balances "$(module_address exchange)"
    for a in "$@"; do q exchange balances "$a"; done
  } | python3 -c '
import json, sys
docs = []
dec = json.JSONDecoder(); buf = sys.stdin.read(); i = 0
while i < len(buf):
    while i < len(buf) and buf[i].isspace(): i += 1
    if i >= len(buf): break
    o, i = dec.raw_decode(buf, i); docs.append(o)
module = {c["denom"]: int(c["amount"]) for c in docs[0].get("balances", [])}
total = {}
for d in docs[1:]:
    for b in d.get("balances", []):
        bal = b.get("balance", {})
        total[b["denom"]] = total.get(b["denom"], 0) + int(bal.get("free", 0)) + int(bal.get("locked", 0))
ok = True
for denom in sorted(set(module) | set(total)):
    m, t = module.get(denom, 0), total.get(denom, 0)
    print("    %-5s module %14d  sum of balances %14d  %s" % (denom.split("/")[-1].upper(), m, t, "ok" if m == t else "MISMATCH"))
    ok = ok and m == t
sys.exit(0 if ok else 1)'
}

# compare_chain FROM TO SHOW_FROM LABEL=RPC...: every node has the same block
# hash and header app hash (the state after the previous block) at every
# height FROM..TO (read in pages of 20 from /blockchain). Prints a digest of
# the whole range and, compactly, the app hashes from SHOW_FROM on; fails
# on the first mismatch with both nodes' hashes.
compare_chain() {
  python3 - "$@" <<'PY'
import hashlib, json, sys, urllib.request
lo, hi, show = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
nodes = [a.split("=", 1) for a in sys.argv[4:]]
def chain(rpc):
    out, h = {}, hi
    while h >= lo:
        mn = max(lo, h - 19)
        with urllib.request.urlopen("%s/blockchain?minHeight=%d&maxHeight=%d" % (rpc, mn, h), timeout=5) as r:
            for m in json.load(r)["result"]["block_metas"]:
                out[int(m["header"]["height"])] = (m["block_id"]["hash"], m["header"]["app_hash"])
        h = mn - 1
    return out
ref_name, ref = nodes[0][0], chain(nodes[0][1])
for name, rpc in nodes[1:]:
    got = chain(rpc)
    for h in range(lo, hi + 1):
        if h not in got or h not in ref:
            sys.exit("error: height %d missing on %s" % (h, name if h not in got else ref_name))
        if got[h] != ref[h]:
            sys.exit("error: height %d differs: %s block %s app_hash %s, %s block %s app_hash %s"
                     % (h, ref_name, ref[h][0], ref[h][1], name, got[h][0], got[h][1]))
digest = hashlib.sha256("".join("%d %s %s\n" % (h, *ref[h]) for h in range(lo, hi + 1)).encode()).hexdigest()
print("    heights %d..%d: block and app hashes equal on %s (digest of all %d pairs %s)"
      % (lo, hi, ",".join(n for n, _ in nodes), hi - lo + 1, digest[:16]))
cells = ["%d:%s" % (h, ref[h][1][:8]) for h in range(max(lo, show), hi + 1)]
for i in range(0, len(cells), 8):
    print("      " + "  ".join(cells[i:i + 8]))
PY
}

# same_query RPC_A RPC_B ARGS...: `query ARGS` answers the same JSON on both
# nodes (asked at the same time; retried while the nodes are a block apart,
# which shows as a different "height" field). Prints a one-line summary.
same_query() {
  local a=$1 b=$2 ja jb t pa pb fa fb; shift 2
  fa=$(mktemp); fb=$(mktemp)
  for ((t = 0; t < 15; t++)); do
    RPC=$a q "$@" >"$fa" & pa=$!
    RPC=$b q "$@" >"$fb" & pb=$!
    wait "$pa" && wait "$pb" || { rm -f "$fa" "$fb"; die "query $* failed"; }
    ja=$(<"$fa"); jb=$(<"$fb")
    [[ "$ja" == "$jb" ]] && break
    sleep 0.3
  done
  rm -f "$fa" "$fb"
  if [[ "$ja" != "$jb" ]]; then
    diff <(python3 -m json.tool <<<"$ja") <(python3 -m json.tool <<<"$jb") | head -20 >&2
    die "query $* differs between $a and $b"
  fi
  python3 -c '
import hashlib, json, re, sys
d = json.loads(sys.argv[1]); what = re.sub(r"\b(\w+1[02-9ac-hj-np-z]{6})[02-9ac-hj-np-z]{20,}", r"\1..", sys.argv[2])
if "bids" in d or "asks" in d:
    s = "%d bid levels/%d orders, %d ask levels/%d orders" % (
        len(d.get("bids", [])), sum(int(l.get("orders", 0)) for l in d.get("bids", [])),
        len(d.get("asks", [])), sum(int(l.get("orders", 0)) for l in d.get("asks", [])))
elif "orders" in d: s = "%d orders" % len(d["orders"])
elif "trades" in d: s = "%d trades" % len(d["trades"])
elif "balances" in d: s = "%d balances" % len(d["balances"])
else: s = "%d fields" % len(d)
if "height" in d: s += ", height %s" % d["height"]
print("    %-44s identical: %s, sha256 %s" % (what, s, hashlib.sha256(sys.argv[1].encode()).hexdigest()[:16]))' "$ja" "$*"
}

# oracle_localnet_trap NAME: for the oracle localnet tests. On exit: stop
# the localnet ($LN, $LOCALNET_DIR) and the feeders ($FPID), show the last
# log lines on failure, remove $TMP unless KEEP_LOCALNET is set, and print
# NAME PASSED or FAILED with the seconds since $T0.
oracle_localnet_trap() {
  ORACLE_TEST_NAME=$1
  trap oracle_localnet_cleanup EXIT
  trap 'exit 130' INT TERM
}
oracle_localnet_cleanup() {
  local rc=$? f pid
  trap - EXIT INT TERM
  if [[ -f "$LOCALNET_DIR/testnet.json" ]]; then "${LN[@]}" stop >/dev/null 2>&1 || true; fi
  for f in "$LOCALNET_DIR"/node*.pid; do
    [[ -f "$f" ]] || continue
    kill -KILL "$(<"$f")" 2>/dev/null || true
  done
  for pid in "${FPID[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [[ $rc -ne 0 ]]; then
    for f in "$LOCALNET_DIR"/node*.log "$TMP"/feeder*.log; do
      [[ -f "$f" ]] || continue
      printf '\n--- last lines of %s\n' "$f" >&2; tail -12 "$f" >&2
    done
  fi
  if [[ -n "${KEEP_LOCALNET:-}" ]]; then info "kept $TMP"; else rm -rf "$TMP"; fi
  if [[ $rc -eq 0 ]]; then log "$ORACLE_TEST_NAME PASSED in $(( $(date +%s) - T0 )) s"
  else printf '\033[1;31m%s FAILED\033[0m (exit %d) after %d s\n' "$ORACLE_TEST_NAME" "$rc" "$(( $(date +%s) - T0 ))" >&2; fi
  exit $rc
}

# ports_free VAR PORT...: die unless every port on 127.0.0.1 is free; VAR
# names the setting that moves them.
ports_free() {
  local var=$1 p; shift
  for p in "$@"; do
    if (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then die "port $p on 127.0.0.1 is in use; set $var"; fi
  done
}

# stop_bench_node RC [PATH...]: the exit trap of the bench scripts
# (bench-e2e.sh, bench-wasmd.sh). Stops the node NODE_PID, shows the end of
# HOME_DIR/node.log when RC is not 0, removes HOME_DIR unless KEEP_BENCH_HOME
# is set, then removes each PATH.
stop_bench_node() {
  local rc=$1; shift
  if [[ -n "${NODE_PID:-}" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f "$HOME_DIR/node.log" ]]; then
    printf '\n--- last lines of the node log\n' >&2; tail -15 "$HOME_DIR/node.log" >&2
  fi
  if [[ -n "${KEEP_BENCH_HOME:-}" ]]; then info "kept $HOME_DIR" >&2; else rm -rf "$HOME_DIR"; fi
  if [[ $# -gt 0 ]]; then rm -rf "$@"; fi
}
