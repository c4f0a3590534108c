#!/usr/bin/env bash
# Sourced by scripts/demo.sh after the node has stopped: block replay on the
# demo chain, then a short regulator scenario (a few seconds) and where its
# report is. Needs $CLEARD, $HOME_DIR and $H (the demo's final height).

log "Block replay: re-executing every block of the demo chain (2..$H) from its inputs"
REPLAY_OUT=$("$CLEARD" replay-block 2 --to "$H" --home "$HOME_DIR" 2>/dev/null) || {
  echo "$REPLAY_OUT" | grep -v ': equal$' | tail -20; die "replay-block: re-executed blocks differ from the committed ones"; }
FILL_BLOCKS=$(echo "$REPLAY_OUT" | grep -cE 'fills committed [1-9]' || true)
echo "$REPLAY_OUT" | grep -E 'fills committed [1-9]' | head -3 | while read -r l; do info "$l"; done
info "$(echo "$REPLAY_OUT" | tail -1) ($FILL_BLOCKS blocks with fills)"

SIM_DIR=${DEMO_SIM_OUT:-$(mktemp -d -t clearchain-sim-XXXXXX)}
log "A short regulator scenario on the real app, in-process: a flash crash in 50 blocks (simulation/scenarios/demo-crash.yaml)"
"$CLEARD" simulate --scenario simulation/scenarios/demo-crash.yaml --seed 7 --out "$SIM_DIR" --quiet | grep -v "^report: " | while read -r l; do info "$l"; done
[[ -s "$SIM_DIR/report.html" ]] || die "no simulation report in $SIM_DIR"
info "simulation report: $SIM_DIR/report.html (metrics.csv and result.json beside it)"
