# The integrity session of `make demo`, sourced by scripts/demo.sh after the
# market session: a revocation cancels an institution's resting orders (the
# licence lifecycle in state), the regulator force-cancels an order and
# claws back a restricted asset from an exchange balance, and anyone
# re-derives the audit hash chain and compares it with its head.

orders_of() { # orders_of ADDR MARKET: the number of resting orders
  q exchange orders "$1" --market-id "$2" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("orders", [])))'
}
wait_next_block() { wait_height "$RPC" $(( $(status_height "$RPC") + 1 )) 30 || die "no new block"; }
bank_amount() { # bank_amount ADDR DENOM
  q bank balances "$1" | python3 -c 'import json,sys; print(next((c["amount"] for c in json.load(sys.stdin).get("balances", []) if c["denom"] == sys.argv[1]), "0"))' "$2"
}
exchange_free() { # exchange_free ADDR DENOM
  q exchange balances "$1" | python3 -c '
import json, sys
print(next((b.get("balance", {}).get("free", "0") for b in json.load(sys.stdin).get("balances", []) if b["denom"] == sys.argv[1]), "0"))' "$2"
}

log "Integrity: a revoked licence cancels the institution's resting orders"
tx alpha exchange place "$(order 1 BUY 1210 20 ',"client_order_id":"alpha-rest-1"')"
tx alpha exchange place "$(order 1 BUY 1205 30 ',"client_order_id":"alpha-rest-2"')"
BEFORE=$(orders_of "$ALPHA" 1)
[[ "$BEFORE" -ge 2 ]] || die "alpha's resting bids are not in the book"
info "alpha rests $BEFORE bids in market 1"
tx regulator compliance revoke-licence "$ALPHA" "licence withdrawn after AML review"
wait_next_block
AFTER=$(orders_of "$ALPHA" 1)
[[ "$AFTER" == 0 ]] || die "alpha's licence is revoked but $AFTER of its orders still rest"
info "revoked at height $LAST_TX_HEIGHT: the lifecycle sweep cancelled alpha's $BEFORE resting orders before any could fill"
tx_refused alpha exchange place "$(order 1 BUY 1250 1)"

log "The regulator force-cancels one order"
tx beta exchange place "$(order 1 SELL 1290 5 ',"client_order_id":"beta-rest-1"')"
BOID=$(q exchange orders "$BETA" --market-id 1 | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin).get("orders", []) if o.get("client_order_id") == "beta-rest-1"]
print(o[0]["id"] if o else "")')
[[ -n "$BOID" ]] || die "beta's resting ask is not in the book"
tx regulator exchange force-cancel "erroneous order reported by the member" --market-id 1 --order-id "$BOID"
wait_next_block
[[ -z "$(q exchange orders "$BETA" --market-id 1 | python3 -c '
import json, sys
print(" ".join(o["id"] for o in json.load(sys.stdin).get("orders", []) if o["id"] == sys.argv[1]))' "$BOID")" ]] \
  || die "order $BOID survived the force-cancel"
info "order $BOID of beta cancelled by the regulator (audited with its reason)"
tx_refused beta exchange force-cancel "a member cannot force-cancel" --market-id 1 --order-id 1

log "Clawback: the regulator claws back WTHR from beta's bank and exchange balances"
BANK0=$(bank_amount "$BETA" "$WTHR")
FREE0=$(exchange_free "$BETA" "$WTHR")
TAKE=$(( BANK0 + 100 ))
tx regulator compliance force-transfer "$BETA" "$DELTA" "$TAKE$WTHR" --reason "court order 2026/117: restitution"
BANK1=$(bank_amount "$BETA" "$WTHR")
FREE1=$(exchange_free "$BETA" "$WTHR")
[[ "$BANK1" == 0 && "$FREE1" == $(( FREE0 - 100 )) ]] || die "clawback of $TAKE: bank $BANK0 -> $BANK1, exchange free $FREE0 -> $FREE1"
info "took $TAKE WTHR: bank $BANK0 -> $BANK1, exchange free $FREE0 -> $FREE1 (bank first, then the free exchange balance)"
tx_refused regulator compliance force-transfer "$(module_address exchange)" "$DELTA" "1$WTHR" --reason "drain the exchange"

log "The audit trail is a hash chain: re-derive it and compare with its head"
q compliance audit-head | python3 -c '
import json, sys, base64
h = json.load(sys.stdin)
print("    head: sequence %s hash %s" % (h.get("sequence"), base64.b64decode(h.get("hash", "")).hex()))'
q compliance audit --page-reverse --page-limit 6 2>/dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("records", []):
    print("    #%-4s h%-5s %-22s %-20.20s %s" % (r["sequence"], r["height"], r["action"], r["subject"][-20:], r.get("details", "")[:60]))' || true
VERIFY=$(C query compliance verify-audit --node "$RPC" 2>/dev/null) || die "verify-audit failed: $VERIFY"
info "$VERIFY"

log "Invariant after the sweep, the force-cancel and the clawback"
exchange_invariant "$ALPHA" "$BETA" "$GAMMA" "$DELTA" "$OUTSIDER" || die "the exchange invariant does not hold"
