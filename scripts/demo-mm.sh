# The market-maker session of `make demo`, sourced by scripts/demo.sh after
# the market session: gamma (a licensed market maker) runs the reference bot
# cmd/clear-mm for a few blocks on market 1. The bot follows the node's
# stream (snapshot, then one committed update per block), quotes around the
# WTHR/EURC oracle price with a spread and an inventory skew, refreshes with
# one unordered batch-replace tx every 2 blocks with its heartbeat, and
# prints what it saw on the stream. A taker then lifts one quote.

log "Market maker: gamma runs the reference bot (cmd/clear-mm) on market 1 for a few blocks"
MM_BLOCKS=${DEMO_MM_BLOCKS:-8}
GAMMA_KEY=$(C keys export gamma --unarmored-hex --unsafe -y "${KR[@]}" 2>&1 | grep -Eo '^[0-9a-fA-F]{64}$' | tail -1 || true)
[[ ${#GAMMA_KEY} == 64 ]] || die "could not export gamma's key for the bot"
cat >"$HOME_DIR/mm.yaml" <<YAML
grpc: 127.0.0.1:$GRPC_PORT
chain_id: $CHAIN_ID
prefix: clear
private_key_hex: $GAMMA_KEY
fees: 5000uclear
market: 1
oracle_feed: WTHR/EURC
reference_price: 1250
spread_bps: 80
level_step_ticks: 2
levels: 2
quantity: 5
skew_bps_per_lot: 1
max_inventory: 100
refresh_blocks: 2
heartbeat_blocks: 10
metrics_listen: ""
YAML
"${CLEAR_MM:-build/clear-mm}" run --config "$HOME_DIR/mm.yaml" --blocks "$MM_BLOCKS" >"$HOME_DIR/mm.log" 2>&1 &
MM_PID=$!
# While the bot runs, beta takes one of its asks (an IOC buy at the top of
# the ladder) so the stream shows a fill on gamma's private stream.
wait_height "$RPC" $(( $(status_height "$RPC") + 4 )) 60 || die "no blocks while the bot runs"
tx beta exchange place "$(order 1 BUY 1300 3 ',"time_in_force":"TIME_IN_FORCE_IOC","client_order_id":"beta-lift"')"
wait "$MM_PID" || { cat "$HOME_DIR/mm.log"; die "the market-maker bot failed"; }
sed 's/^/    /' "$HOME_DIR/mm.log"
grep -q "refresh around" "$HOME_DIR/mm.log" || die "the bot never refreshed its quotes"
grep -q "snapshot at height" "$HOME_DIR/mm.log" || die "the bot saw no stream snapshot"
info "the bot's quotes rest until its heartbeat lapses (10 blocks after its last refresh)"
