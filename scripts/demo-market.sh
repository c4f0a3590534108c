# The market session of `make demo`, sourced by scripts/demo.sh once the node
# runs: the regulator licenses institutions, the issuer creates assets, the
# regulator lists two markets, participants trade, and the demo prints the
# book, the trades, the fees, the balances and the exchange invariant.

log "Regulator registers legal entities and grants licences"
tx regulator compliance register-entity "Alpha Bank AG" 5493001KJTIIGC8Y1R12 DE --reason "onboarding: Alpha Bank AG"
tx regulator compliance register-entity "Beta Securities SA" 969500T3MBS4SQAMHJ45 FR --reason "onboarding: Beta Securities SA"
tx regulator compliance register-entity "Gamma Markets BV" 724500VKKSH9QOLTFR81 NL --reason "onboarding: Gamma Markets BV"
tx regulator compliance register-entity "Delta Data Ltd" 213800D1EI4B9WTWWD28 DE --reason "onboarding: Delta Data Ltd"
tx regulator compliance register-entity "Epsilon Ratings GmbH" 529900HNOAA1KXQJUQ27 DE --reason "onboarding: Epsilon Ratings GmbH"
q compliance entities | python3 -c '
import json, sys
for e in json.load(sys.stdin).get("entities", []):
    print("    entity %s: %-20s LEI %s  %s" % (e["id"], e["name"], e.get("lei", e.get("code", "")), e.get("jurisdiction", "")))'
tx regulator compliance grant-licence "$ALPHA" "$(entity_id 5493001KJTIIGC8Y1R12)" institution --reason "onboarding"
tx regulator compliance grant-licence "$BETA" "$(entity_id 969500T3MBS4SQAMHJ45)" institution --reason "onboarding"
tx regulator compliance grant-licence "$GAMMA" "$(entity_id 724500VKKSH9QOLTFR81)" market-maker --reason "onboarding"
tx regulator compliance grant-licence "$DELTA" "$(entity_id 213800D1EI4B9WTWWD28)" issuer --reason "onboarding"
tx regulator compliance grant-licence "$EPSILON" "$(entity_id 529900HNOAA1KXQJUQ27)" oracle-feeder --reason "onboarding"
for who in alpha beta gamma delta epsilon; do
  q compliance licence "$(addr $who)" | python3 -c '
import json, sys
r = json.load(sys.stdin); l = r.get("licence", r)
print("    %-6s entity %s roles %s" % (sys.argv[1], l.get("entity_id"), ",".join(l.get("roles", []))))' "$who"
done

log "An unlicensed account tries to issue an asset"
tx_refused outsider assets create fake "Fake asset" cash --decimals 6

log "Delta (licensed issuer) creates a cash token, a data asset and a green credit"
tx delta assets create eurc "Euro cash token" cash --decimals 6
tx delta assets create wthr "Weather dataset shares" data-asset --decimals 0 --restricted --supply-cap 100000 \
  --uri "ipfs://bafy-weather-2026" --uri-hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
tx delta assets create gcrd "Green energy credit (MWh)" green-credit --decimals 0 --restricted --supply-cap 1000000
EURC="asset/$DELTA/eurc"; WTHR="asset/$DELTA/wthr"; GCRD="asset/$DELTA/gcrd"
tx delta assets mint "$EURC" 50000000000 "$ALPHA"
tx delta assets mint "$EURC" 50000000000 "$BETA"
tx delta assets mint "$EURC" 50000000000 "$GAMMA"
tx delta assets mint "$WTHR" 5000 "$GAMMA"
tx delta assets mint "$WTHR" 1000 "$BETA"
tx delta assets mint "$GCRD" 20000 "$GAMMA"
tx delta assets mint "$GCRD" 5000 "$ALPHA"
info "minted EURC to alpha, beta, gamma; WTHR to gamma, beta; GCRD to gamma, alpha"

log "A restricted asset cannot reach an unlicensed account"
tx_refused gamma bank send "$GAMMA" "$OUTSIDER" "1$WTHR"

log "Regulator lists two markets"
# Market 1 bands on the validators' WTHR/EURC feed: its price (EURC per
# share, 2 decimals) is scaled into the market's ticks with oracle_exponent 6
# (EURC has 6 decimals, a WTHR share none); it halts while the feed is stale.
tx regulator exchange create-market "$(market_json "$WTHR" "$EURC" 10000 1 1000000 | sed 's#}$#,"oracle_feed":"WTHR/EURC","oracle_exponent":6}#')"
tx regulator exchange create-market "$(market_json "$GCRD" "$EURC" 1000 1 1000000)"
info "market 1: WTHR/EURC  tick 0.01 EURC per share, maker -2 bps (rebate), taker 10 bps, banded on oracle feed WTHR/EURC"
info "market 2: GCRD/EURC  tick 0.001 EURC per MWh credit"

log "Participants deposit into the exchange"
tx gamma exchange deposit "20000000000$EURC"
tx gamma exchange deposit "4000$WTHR"
tx gamma exchange deposit "15000$GCRD"
tx alpha exchange deposit "20000000000$EURC"
tx beta exchange deposit "10000000000$EURC"
tx beta exchange deposit "800$WTHR"

log "Gamma (market maker) quotes both markets in one batch transaction, with client order ids"
cid() { printf ',"client_order_id":"%s"' "$1"; }
tx gamma exchange batch --places "$(order 1 BUY 1240 100 "$(cid g-bid-1)")" --places "$(order 1 BUY 1235 200 "$(cid g-bid-2)")" \
  --places "$(order 1 SELL 1260 100 "$(cid g-ask-1)")" --places "$(order 1 SELL 1265 200 "$(cid g-ask-2)")" \
  --places "$(order 2 BUY 84000 150 "$(cid g2-bid)")" --places "$(order 2 SELL 86000 150 "$(cid g2-ask)")" \
  --places "$(order 2 SELL 120000 50 "$(cid g2-far)")"
info "quotes placed at height $LAST_TX_HEIGHT (market 2 has no reference price yet: its far ask at 120.000 is accepted)"

log "Alpha buys 60 WTHR at up to 12.60; Beta sells 150 WTHR down to 12.35; Alpha buys 100 GCRD"
tx alpha exchange place "$(order 1 BUY 1260 60 ',"client_order_id":"alpha-1"')"
tx beta exchange place "$(order 1 SELL 1235 150 ',"client_order_id":"beta-1"')"
tx alpha exchange place "$(order 2 BUY 86000 100 ',"time_in_force":"TIME_IN_FORCE_IOC"')"

log "Alpha rests a bid and cancels it"
tx alpha exchange place "$(order 1 BUY 1200 10)"
OID=$(q exchange orders "$ALPHA" --market-id 1 | python3 -c 'import json,sys; o=json.load(sys.stdin).get("orders",[]); print(o[-1]["id"] if o else "")')
[[ -n "$OID" ]] || die "alpha's resting order is not in the book"
tx alpha exchange cancel 1 "$OID"
info "order $OID cancelled; its locked EURC is free again"

# show_status prints one order status (QueryOrderStatusResponse JSON on stdin).
show_status() {
  python3 -c '
import json, sys
s = json.load(sys.stdin)["status"]
print("    order %s (%s, client id %s): %s at %s ticks, %s of %s lots filled%s" % (s["order_id"], s["owner"][:12] + "...", s.get("client_order_id") or "-",
    s["state"].replace("ORDER_STATE_", ""), s.get("price", "0"), s.get("filled_quantity", "0"), s.get("quantity", "0"),
    (", reason " + s["reason"].replace("ORDER_REASON_", "")) if s.get("reason", "ORDER_REASON_UNSPECIFIED") != "ORDER_REASON_UNSPECIFIED" else ""))'
}

log "Alpha bids by the order lane: one order signed by its key alone (no fee, account number or sequence)"
SEQ_BEFORE=$(q auth account "$ALPHA" | python3 -c 'import json,sys; a=json.load(sys.stdin)["account"]; a=a.get("value",a); print(a.get("sequence","0"))')
tx alpha exchange place-lane "$(order 1 BUY 1201 10 ',"client_order_id":"alpha-lane-1"')" --lane-timeout 1m
q exchange order-status-by-client-id "$ALPHA" alpha-lane-1 | show_status
SEQ_AFTER=$(q auth account "$ALPHA" | python3 -c 'import json,sys; a=json.load(sys.stdin)["account"]; a=a.get("value",a); print(a.get("sequence","0"))')
[[ "$SEQ_BEFORE" == "$SEQ_AFTER" ]] || die "a lane order moved alpha's sequence ($SEQ_BEFORE -> $SEQ_AFTER)"
info "alpha's sequence is still $SEQ_AFTER: the lane's replay protection is the order's timeout, not the sequence"

log "Order status: Alpha's filled order (by client order id) and its cancelled one (by order id)"
q exchange order-status-by-client-id "$ALPHA" alpha-1 | show_status
q exchange order-status "$OID" | show_status

log "Gamma requotes its partly filled bid by client order id (new TOTAL 200 lots at 12.38; the tx locks only the net change)"
q exchange order-status-by-client-id "$GAMMA" g-bid-2 | show_status
tx gamma exchange cancel-replace 1 0 1238 200 --client-order-id g-bid-2
q exchange order-status-by-client-id "$GAMMA" g-bid-2 | show_status

log "A taker sweeping market 2 is clipped at the band instead of halting the market"
info "market 2's reference is its last trade (86.000): band [68.800, 103.200]; asks rest at 86.000 and 120.000"
tx beta exchange place "$(order 2 BUY 130000 60 ',"type":"ORDER_TYPE_MARKET","client_order_id":"beta-sweep"')"
q exchange order-status-by-client-id "$BETA" beta-sweep | show_status
q exchange market 2 | python3 -c '
import json, sys
r = json.load(sys.stdin); m = r["market"]; st = r.get("state", {})
halted = int(st.get("halted_until", "0") or 0)
print("    market 2: status %s, halted_until %s, last price %.3f" % (m.get("status", "").replace("MARKET_STATUS_", ""), halted, int(st.get("last_price", "0")) / 1000))
sys.exit(1 if halted else 0)' || die "market 2 was halted by one order"
q exchange order-status-by-client-id "$GAMMA" g2-far | show_status

log "Oracle: validators' vote extensions carry the feeder's WTHR/EURC price"
q oracle price WTHR/EURC | python3 -c '
import json, sys
r = json.load(sys.stdin); p = r.get("price", r)
print("    WTHR/EURC = %.2f EURC (updated at height %s, %s)" % (int(p.get("price", 0)) / 100, p.get("height", p.get("updated_height", "?")), r.get("status", p.get("status", ""))))'
q oracle twap WTHR/EURC 60 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin); print("    TWAP over 60 s: %.2f EURC" % (int(r.get("twap", r.get("price", 0))) / 100))' || true
log "A licensed ORACLE_FEEDER prices the green-credit index by transaction"
tx epsilon oracle submit-price GCRD-INDEX 86250
q oracle price GCRD-INDEX | python3 -c '
import json, sys
r = json.load(sys.stdin); p = r.get("price", r)
print("    GCRD-INDEX = %.3f (median of licensed submissions)" % (int(p.get("price", 0)) / 1000))'
tx_refused alpha oracle submit-price GCRD-INDEX 99999

log "The exchange bands market 1 around the oracle price (band 20%)"
tx_refused beta exchange place "$(order 1 BUY 1600 1)"

log "Bad input is refused and changes nothing"
tx_refused outsider exchange place "$(order 1 BUY 1250 1)"
tx_refused beta exchange place "$(order 1 BUY 0 1)"
tx_refused beta exchange place "$(order 1 BUY 1250 0)"
tx_refused beta exchange place "$(order 9 BUY 1250 1)"
tx_refused beta exchange place "$(order 1 BUY 5 1)"
tx_refused beta exchange withdraw "999999999999999$EURC"

log "The book after the session (market 1, WTHR/EURC)"
q exchange depth 1 --levels 5 | python3 -c '
import json, sys
d = json.load(sys.stdin)
asks = d.get("asks", []); bids = d.get("bids", [])
for l in reversed(asks): print("    ask %8.2f  x %s" % (int(l["price"]) / 100, l["quantity"]))
print("    ----------------")
for l in bids: print("    bid %8.2f  x %s" % (int(l["price"]) / 100, l["quantity"]))'

log "Trades"
TRADES_TOTAL=0
for m in 1 2; do
  n=$(q exchange trades $m | python3 -c '
import json, sys
ts = json.load(sys.stdin).get("trades", [])
scale = {"1": 100, "2": 1000}[sys.argv[1]]
for t in reversed(ts):
    print("    market %s height %s: %s lots at %.3f (taker %s)" % (sys.argv[1], t.get("height"), t.get("quantity"), int(t["price"]) / scale, t.get("taker_side", "")), file=sys.stderr)
print(len(ts))' $m)
  TRADES_TOTAL=$((TRADES_TOTAL + n))
done
[[ "$TRADES_TOTAL" -gt 0 ]] || die "no trades were settled"
q exchange stats 1 | python3 -c '
import json, sys
s = json.load(sys.stdin); s = s.get("stats", s)
print("    market 1 stats: " + ", ".join("%s=%s" % (k, v) for k, v in s.items()))'

log "Fees: taker 10 bps, maker rebate 2 bps (market maker), paid to the fee collector each block"
# The fee collector is swept into x/distribution (validator rewards) at the
# next block, so the fees are shown where they end up: the distribution
# module account, in the asset denoms.
DIST_ADDR=$(module_address distribution)
q bank balances "$DIST_ADDR" | python3 -c '
import json, sys
for c in json.load(sys.stdin).get("balances", []):
    if c["denom"].startswith("asset/"): print("    net fees %s %s (now validator rewards)" % (c["amount"], c["denom"].split("/")[-1].upper()))'

log "Final exchange balances (free / locked)"
for who in alpha beta gamma; do
  q exchange balances "$(addr $who)" | python3 -c '
import json, sys
for b in json.load(sys.stdin).get("balances", []):
    bal = b.get("balance", {})
    print("    %-6s %-5s free %14s  locked %12s" % (sys.argv[1], b["denom"].split("/")[-1].upper(), bal.get("free", "0"), bal.get("locked", "0")))' "$who"
done

log "Invariant: the exchange module account holds exactly the sum of exchange balances"
exchange_invariant "$ALPHA" "$BETA" "$GAMMA" "$DELTA" "$OUTSIDER" || die "the exchange invariant does not hold"
