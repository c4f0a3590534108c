#!/usr/bin/env bash
# A multi-validator ClearChain on loopback, one process per validator.
#
#   scripts/localnet.sh start            lay out the homes (once) and start every node
#   scripts/localnet.sh stop             SIGTERM every node and wait for it to exit
#   scripts/localnet.sh status           pid, height, peers and app hash of every node
#   scripts/localnet.sh start-node I     start node I alone (after a stop or a kill)
#   scripts/localnet.sh kill-node I [SIG] send SIG (default TERM) to node I and wait for it to exit
#
# Environment (defaults in brackets):
#   LOCALNET_DIR [build/localnet]   homes, logs (nodeI.log) and pid files (nodeI.pid)
#   LOCALNET_VALIDATORS [4]  LOCALNET_BASE_PORT [26600]  LOCALNET_CHAIN_ID [clearchain-localnet]
#   LOCALNET_COMMIT_TIMEOUT [1s]  LOCALNET_LOG_LEVEL [info]  LOCALNET_API [true]
#   CLEARD [build/cleard]
# Node I listens on 127.0.0.1, ports LOCALNET_BASE_PORT + 10*I + {0 p2p, 1 rpc, 2 grpc, 3 api}.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

DIR=${LOCALNET_DIR:-build/localnet}
VALIDATORS=${LOCALNET_VALIDATORS:-4}
BASE_PORT=${LOCALNET_BASE_PORT:-26600}
CHAIN_ID=${LOCALNET_CHAIN_ID:-clearchain-localnet}
COMMIT_TIMEOUT=${LOCALNET_COMMIT_TIMEOUT:-1s}
LOG_LEVEL=${LOCALNET_LOG_LEVEL:-info}
API=${LOCALNET_API:-true}
MANIFEST=$DIR/testnet.json

# manifest_field EXPR: evaluates a Python expression over the manifest `m`.
manifest_field() {
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$MANIFEST" "$1"
}
nodes()    { manifest_field 'len(m["nodes"])'; }
home_of()  { manifest_field "m['nodes'][$1]['home']"; }
rpc_of()   { manifest_field "m['nodes'][$1]['rpc']"; }

# node_pid I: the pid of node I if it is alive and is `cleard start` of node I's home.
node_pid() {
  local f=$DIR/node$1.pid pid
  [[ -f "$f" ]] || return 1
  pid=$(<"$f")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "start --home $(home_of "$1")" || return 1
  echo "$pid"
}

init_files() {
  if [[ -f "$MANIFEST" ]]; then
    info "using the existing network in $DIR (delete it to start from genesis)"
    return
  fi
  [[ -x "$CLEARD" ]] || die "$CLEARD not found: run make build"
  log "Laying out $VALIDATORS validators in $DIR (ports from $BASE_PORT)"
  "$CLEARD" testnet init-files --validators "$VALIDATORS" --output-dir "$DIR" --chain-id "$CHAIN_ID" \
    --base-port "$BASE_PORT" --keyring-backend test --commit-timeout "$COMMIT_TIMEOUT" \
    --enable-api="$API" | sed 's/^/    /'
}

start_node() {
  local i=$1 pid home
  if pid=$(node_pid "$i"); then info "node$i already running (pid $pid)"; return; fi
  home=$(home_of "$i")
  nohup "$CLEARD" start --home "$home" --log_level "$LOG_LEVEL" --log_no_color >>"$DIR/node$i.log" 2>&1 &
  echo $! >"$DIR/node$i.pid"
  info "node$i started (pid $!, rpc $(rpc_of "$i"), log $DIR/node$i.log)"
}

# stop_node I SIG: signal node I and wait (30 s at most, then SIGKILL).
stop_node() {
  local i=$1 sig=${2:-TERM} pid
  if ! pid=$(node_pid "$i"); then rm -f "$DIR/node$i.pid"; return 0; fi
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((t = 0; t < 150; t++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    info "node$i (pid $pid) ignored SIG$sig for 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$DIR/node$i.pid"
  info "node$i (pid $pid) stopped with SIG$sig"
}

status() {
  [[ -f "$MANIFEST" ]] || { info "no network in $DIR"; return 1; }
  local n i pid h peers hash
  n=$(nodes)
  printf '    %-6s %-8s %-8s %-6s %s\n' NODE PID HEIGHT PEERS "APP HASH (header of latest block)"
  for ((i = 0; i < n; i++)); do
    pid=$(node_pid "$i" || echo -)
    local rpc; rpc=$(rpc_of "$i")
    h=$(status_height "$rpc" || true)
    peers=$(curl -sf --max-time 2 "$rpc/net_info" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["n_peers"])' 2>/dev/null || true)
    hash=$(curl -sf --max-time 2 "$rpc/block" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["block"]["header"]["app_hash"])' 2>/dev/null || true)
    printf '    %-6s %-8s %-8s %-6s %s\n' "node$i" "$pid" "${h:--}" "${peers:--}" "${hash:--}"
  done
}

cmd=${1:-}
case "$cmd" in
  start)
    init_files
    n=$(nodes)
    log "Starting $n nodes of $(manifest_field 'm["chain_id"]')"
    for ((i = 0; i < n; i++)); do start_node "$i"; done
    for ((i = 0; i < n; i++)); do
      wait_height "$(rpc_of "$i")" 1 120 || { tail -20 "$DIR/node$i.log" >&2; die "node$i did not commit block 1 within 120 s (log: $DIR/node$i.log)"; }
    done
    log "All $n nodes are committing blocks"
    status
    ;;
  stop)
    [[ -f "$MANIFEST" ]] || { info "no network in $DIR"; exit 0; }
    n=$(nodes)
    log "Stopping $n nodes"
    for ((i = 0; i < n; i++)); do
      if pid=$(node_pid "$i"); then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for ((i = 0; i < n; i++)); do stop_node "$i" TERM; done
    ;;
  status) status ;;
  start-node)
    [[ -n "${2:-}" ]] || die "usage: $0 start-node I"
    start_node "$2"
    ;;
  kill-node)
    [[ -n "${2:-}" ]] || die "usage: $0 kill-node I [SIGNAL]"
    stop_node "$2" "${3:-TERM}"
    ;;
  *)
    echo "usage: $0 start|stop|status|start-node I|kill-node I [SIGNAL]" >&2
    exit 2
    ;;
esac
