# The contracts session of `make demo`, sourced by scripts/demo.sh after the
# integrity session: deploys the two products of contracts-wasm/ from the
# committed artifacts, licenses each contract as an ISSUER (a contract meets
# the same rules as an account), and runs one flow of each:
#   green-credit: issue a batch → trade it on x/exchange → retire → the
#                 certificate and its serials;
#   data-asset:   register a dataset → shares moved to a second holder →
#                 a licence bought → the key sealed to the buyer with
#                 `cleard envelope`, delivered, opened → revenue claimed by
#                 every shareholder (the share moves x/assets queued for
#                 the contract are in the dataset's provenance) → the
#                 owner offers shares on x/exchange through the contract
#                 (a market with a positive maker fee), a buyer fills part,
#                 settle_offer pays the seller exactly what the exchange
#                 credited net of fees, and after a cancel returns the rest.

ART=contracts-wasm/artifacts
for f in green_credit.wasm data_asset.wasm; do
  [[ -f "$ART/$f" ]] || die "$ART/$f is missing: run make contracts"
done
# The client side of key delivery: `cleard envelope keygen|seal|open`.
envelope() { C envelope "$@"; }

# txg GAS KEY ARGS...: tx with a gas limit of its own (code upload needs more).
txg() {
  local gas=$1 key=$2; shift 2
  local out hash code h
  out=$(C tx "$@" --from "$key" --chain-id "$CHAIN_ID" --node "$RPC" "${KR[@]}" \
        --gas "$gas" --fees "$(( gas / 100 ))uclear" --yes --output json 2>&1) || die "tx $* (from $key): $out"
  hash=$(tx_hash <<<"$out") || die "tx $* (from $key) refused"
  read -r code h < <(wait_tx "$RPC" "$hash") || die "tx $hash was not committed"
  [[ "$code" == 0 ]] || die "tx $* (from $key) failed in block $h: $(curl -sf "$RPC/tx?hash=0x$hash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["tx_result"]["log"])')"
  LAST_TX_HEIGHT=$h
  LAST_TX_GAS=$(curl -sf "$RPC/tx?hash=0x$hash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["tx_result"]["gas_used"])')
}
smart() { q wasm contract-state smart "$1" "$2" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["data"]))'; }
jget() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval("d"+sys.argv[2]))' "$1" "$2"; }
# deploy FILE LABEL INIT: store and instantiate as delta; prints the address.
deploy() {
  txg 6000000 delta wasm store "$ART/$1"
  local code; code=$(q wasm list-code | python3 -c 'import json,sys; print(json.load(sys.stdin)["code_infos"][-1]["code_id"])')
  txg 1000000 delta wasm instantiate "$code" "$3" --label "$2" --admin "$DELTA"
  q wasm list-contract-by-code "$code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["contracts"][-1])'
}
market_of() { q exchange markets | python3 -c '
import json, sys
print(next(m["id"] for m in json.load(sys.stdin)["markets"] if m["base_denom"] == sys.argv[1]))' "$1"; }
ISSUER_ENTITY=$(entity_id 213800D1EI4B9WTWWD28)

log "Contracts: green-credit deployed by delta and licensed as an ISSUER"
GC=$(deploy green_credit.wasm green-credit '{"name":"GreenCredit"}')
tx regulator compliance grant-licence "$GC" "$ISSUER_ENTITY" issuer --reason "green-credit registry contract"
info "green-credit at $GC"
txg 1000000 delta wasm execute "$GC" "{\"issue\":{\"project\":\"Solar Park Alentejo\",\"technology\":\"solar\",\"region\":\"PT\",\"vintage\":2026,\"mwh\":\"500\",\"first_serial\":\"1000001\",\"recipient\":\"$GAMMA\"}}"
info "issue: gas $LAST_TX_GAS"
BATCH=$(smart "$GC" '{"batch":{"id":1}}')
CREDIT=$(jget "$BATCH" '["denom"]')
info "batch 1: 500 MWh, serials 1000001..1000500, minted to gamma as $CREDIT"
tx_refused delta wasm execute "$GC" '{"issue":{"project":"Overlap","technology":"wind","region":"DE","vintage":2026,"mwh":"10","first_serial":"1000400"}}'

log "The credits trade on x/exchange"
tx regulator exchange create-market "$(market_json "$CREDIT" "$EURC" 1000 1 1000000)"
CM=$(market_of "$CREDIT")
tx gamma exchange deposit "200$CREDIT"
tx gamma exchange place "$(order "$CM" SELL 5000 200)"
tx beta exchange place "$(order "$CM" BUY 5000 200)"
wait_height "$RPC" $(( $(status_height "$RPC") + 1 )) 30 || die "no new block"
tx beta exchange withdraw "200$CREDIT"
info "beta bought 200 credits from gamma in market $CM"

log "beta retires 120 credits: burned, a permanent certificate"
txg 1000000 beta wasm execute "$GC" '{"retire":{"beneficiary":"Beta Utilities AG","reason":"2026 scope 2 electricity"}}' --amount "120$CREDIT"
info "retire: gas $LAST_TX_GAS"
CERT=$(smart "$GC" '{"certificate":{"id":1}}')
info "certificate 1: serials $(jget "$CERT" '["serials"]["first"]')..$(jget "$CERT" '["serials"]["last"]') for $(jget "$CERT" '["beneficiary"]')"
info "serial 1000001: certificate $(jget "$(smart "$GC" '{"serial":{"serial":"1000001"}}')" '["certificate_id"]'); serial 1000121: $(jget "$(smart "$GC" '{"serial":{"serial":"1000121"}}')" '["certificate_id"] or "outstanding"')"

log "Contracts: data-asset deployed by delta, the regulator as its regulator"
DA=$(deploy data_asset.wasm data-asset "{\"regulator\":\"$REG\"}")
tx regulator compliance grant-licence "$DA" "$ISSUER_ENTITY" issuer institution --reason "data-asset registry contract (institution: it offers shares on x/exchange)"
info "data-asset at $DA"
HASH=$(printf 'ts,meter_id,kwh\n2026-11-27T00:00Z,m1,1.25\n' | sha256sum | cut -d' ' -f1)
txg 1000000 delta wasm execute "$DA" "{\"register\":{\"content_hash\":\"$HASH\",\"metadata_uri\":\"ipfs://demo/meters.json\",\"schema\":\"csv: ts,meter_id,kwh\",\"total_shares\":\"100\",\"terms\":{\"price\":{\"denom\":\"$EURC\",\"amount\":\"1000000\"},\"duration_secs\":86400,\"usage_terms\":\"research only\"}}}"
info "register: gas $LAST_TX_GAS"
SHARES=$(jget "$(smart "$DA" '{"dataset":{"id":1}}')" '["share_denom"]')
txg 1000000 delta wasm execute "$DA" "{\"transfer_shares\":{\"recipient\":\"$GAMMA\"}}" --amount "40$SHARES"
info "dataset 1 ($HASH): shares $SHARES, delta holds 60, gamma 40 (every share in an account earns)"

log "beta buys a licence; delta seals the dataset key to beta's X25519 key"
mapfile -t KP < <(envelope keygen)
txg 1000000 beta wasm execute "$DA" "{\"buy_licence\":{\"dataset_id\":1,\"buyer_pubkey\":\"${KP[0]}\"}}" --amount "1000000$EURC"
info "buy_licence: gas $LAST_TX_GAS"
DKEY=$(head -c 32 /dev/urandom | base64 -w0)
mapfile -t SEALED < <(envelope seal "${KP[0]}" "$DKEY")
txg 1000000 delta wasm execute "$DA" "{\"deliver_key\":{\"dataset_id\":1,\"buyer\":\"$BETA\",\"sealed_key\":\"${SEALED[0]}\"}}"
LIC=$(smart "$DA" "{\"licence\":{\"dataset_id\":1,\"buyer\":\"$BETA\"}}")
[[ "$(jget "$LIC" '["envelope"]["hash"]')" == "${SEALED[1]}" ]] || die "the stored envelope hash differs"
OPENED=$(envelope open "${KP[0]}" "${KP[1]}" "$(jget "$LIC" '["envelope"]["sealed_key"]')")
[[ "$OPENED" == "$DKEY" ]] || die "beta could not open the envelope"
mapfile -t OTHER < <(envelope keygen)
if envelope open "${KP[0]}" "${OTHER[1]}" "$(jget "$LIC" '["envelope"]["sealed_key"]')" >/dev/null 2>&1; then die "another key opened the envelope"; fi
info "envelope sha256 ${SEALED[1]} on chain; beta opened it, another key could not"

log "The shareholders claim the licence revenue"
txg 1000000 delta wasm execute "$DA" '{"claim":{"dataset_id":1}}'
info "claim: gas $LAST_TX_GAS"
txg 1000000 gamma wasm execute "$DA" '{"claim":{"dataset_id":1}}'
PROV=$(smart "$DA" '{"provenance":{"dataset_id":1}}')
info "provenance: $(python3 -c 'import json,sys; print(", ".join(e["kind"] for e in json.loads(sys.argv[1])["entries"]))' "$PROV")"

log "delta lists 20 shares through the contract on a market with a 5 bps maker fee; beta buys 15"
tx regulator exchange create-market "$(printf '{"base_denom":"%s","quote_denom":"%s","tick_size":"1","lot_size":"1","min_notional":"1","maker_fee_bps":5,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS","band_bps":2000,"band_halt_blocks":5}' "$SHARES" "$EURC")"
SM=$(market_of "$SHARES")
OFFER_Q="{\"offer\":{\"market_id\":$SM,\"client_order_id\":\"demo-offer-1\"}}"
SETTLE="{\"settle_offer\":{\"market_id\":$SM,\"client_order_id\":\"demo-offer-1\"}}"
txg 1000000 delta wasm execute "$DA" "{\"offer_shares\":{\"market_id\":$SM,\"price\":\"5000\",\"quantity\":\"20\",\"client_order_id\":\"demo-offer-1\"}}" --amount "20$SHARES"
info "offer_shares: gas $LAST_TX_GAS; a tracked post-only sell of 20 at 5000 in market $SM"
tx beta exchange deposit "80000$EURC"
tx beta exchange place "$(order "$SM" BUY 5000 15)"
info "beta bought 15 shares: notional 75000, maker fee ceil(75000 × 5 / 10000) = 38"
eurc_of() { C query bank balance "$1" "$EURC" --node "$RPC" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balance"]["amount"])'; }
D0=$(eurc_of "$DELTA")
txg 1000000 gamma wasm execute "$DA" "$SETTLE"
D1=$(eurc_of "$DELTA")
(( D1 - D0 == 74962 )) || die "settle_offer paid delta $(( D1 - D0 )), expected 74962 (75000 less the 38 fee)"
info "settle_offer (by gamma, anyone may): delta paid $(( D1 - D0 )) = 75000 - 38, exactly what the exchange credited; gas $LAST_TX_GAS"
txg 1000000 delta wasm execute "$DA" "{\"cancel_offer\":{\"market_id\":$SM,\"client_order_id\":\"demo-offer-1\"}}"
txg 1000000 gamma wasm execute "$DA" "$SETTLE"
OFFER=$(smart "$DA" "$OFFER_Q")
[[ "$(jget "$OFFER" '["closed"]')" == True && "$(jget "$OFFER" '["proceeds"]')" == 74962 ]] || die "offer not closed as expected: $OFFER"
(( $(eurc_of "$DELTA") == D1 )) || die "the closing settle paid again"
info "after the cancel, settle_offer returned the 5 unsold shares and closed the offer (proceeds 74962, paid once); the exchange's record of the order was acknowledged"
tx_refused gamma wasm execute "$DA" "$SETTLE"
