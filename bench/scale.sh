#!/usr/bin/env bash
# bench/scale.sh [CHARGERS] [SECONDS]: two csms nodes on one PostgreSQL behind nginx (the
# configuration of docker/nginx.conf, with local addresses), chargers in sessions through
# nginx, and a rolling restart under load: node 1 gets SIGTERM and is started again, then
# node 2. Meanwhile REST commands go to the API through nginx (either node) and reach each
# charger on whichever node holds it. Afterwards: how the chargers were spread over the
# nodes, every acknowledged transaction message looked up in PostgreSQL (target: zero lost),
# and the commands' answers.
# Environment: RESTART_AT (seconds into the run for node 1, 15; node 2 follows once all
# chargers are back and node 1 is up again),
# DOWN (seconds a node stays down, 2), COMMANDS (REST commands sent, 40), METERS (20).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-${CHARGERS:-500}}
SECONDS_RUN=${2:-${DURATION:-90}}
RESTART_AT=${RESTART_AT:-15}
DOWN=${DOWN:-2}
COMMANDS=${COMMANDS:-40}
METERS=${METERS:-20}
COMMAND=$(bench_command "$@")
NODE_OCPP=(0 $((BENCH_OCPP_PORT + 1)) $((BENCH_OCPP_PORT + 2)))
NODE_API=(0 $((BENCH_API_PORT + 1)) $((BENCH_API_PORT + 2)))
NODE_PID=(0 "" "")

bench_init scale
ensure_packages nginx-light
bench_database

node_start() {
  local n=$1 i
  CSMS_DATABASE_URL="$BENCH_DB_URL" CSMS_OCPP_LISTEN="127.0.0.1:${NODE_OCPP[$n]}" \
    CSMS_API_LISTEN="127.0.0.1:${NODE_API[$n]}" CSMS_API_TOKENS="$BENCH_TOKEN:admin" \
    CSMS_LOG_LEVEL="${BENCH_LOG_LEVEL:-warn}" CSMS_CLUSTER_NODE_ID="node-$n" \
    "$CSMS_BIN" serve --config "$ROOT/config/csms.yaml" >>"$BENCH_DIR/node-$n.log" 2>&1 &
  NODE_PID[$n]=$!
  BENCH_PIDS+=("${NODE_PID[$n]}")
  for i in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:${NODE_API[$n]}/readyz" >/dev/null 2>&1 && { log "node $n ready"; return 0; }
    kill -0 "${NODE_PID[$n]}" 2>/dev/null || { tail -n 20 "$BENCH_DIR/node-$n.log" >&2; log "node $n exited"; return 1; }
    sleep 0.2
  done
  log "node $n not ready"; return 1
}

node_stop() {
  local n=$1
  kill -TERM "${NODE_PID[$n]}" 2>/dev/null || true
  wait "${NODE_PID[$n]}" 2>/dev/null
  log "node $n stopped (exit $?)"
}

# nginx with the project's configuration, its upstreams and ports made local.
nginx_start() {
  local dir="$BENCH_DIR/nginx"
  mkdir -p "$dir/logs"
  sed -e "s/server csms:9000/server 127.0.0.1:${NODE_OCPP[1]}/; s/server csms-2:9000/server 127.0.0.1:${NODE_OCPP[2]}/" \
    -e "s/server csms:8080/server 127.0.0.1:${NODE_API[1]}/; s/server csms-2:8080/server 127.0.0.1:${NODE_API[2]}/" \
    -e "s/listen 9000;/listen 127.0.0.1:$BENCH_OCPP_PORT;/; s/listen 8080;/listen 127.0.0.1:$BENCH_API_PORT;/" \
    -e "s/^events {}/worker_processes 1;\nevents { worker_connections 100000; }/" \
    "$ROOT/docker/nginx.conf" >"$dir/nginx.conf"
  /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -g "daemon off; pid $dir/nginx.pid; error_log $dir/logs/error.log;" &
  BENCH_PIDS+=("$!")
  sleep 0.5
  log "nginx on 127.0.0.1:$BENCH_OCPP_PORT (chargers) and :$BENCH_API_PORT (API)"
}

online_count() { psql_bench -c "SELECT count(*) FROM stations WHERE online"; }
# wait_all_online: seconds until every charger is online again (or "not within 40 s").
wait_all_online() {
  local t0 i
  t0=$(date +%s.%N)
  for i in $(seq 1 400); do
    if [ "$(online_count)" -ge "$CHARGERS" ]; then
      awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'
      return
    fi
    sleep 0.1
  done
  echo "not within 40 s ($(online_count) online)"
}

per_node() { psql_bench -c "SELECT coalesce(string_agg(node_id || ': ' || n, ', ' ORDER BY node_id), 'none') FROM (SELECT node_id, count(*) n FROM stations WHERE online GROUP BY node_id) s"; }

node_start 1
node_start 2
nginx_start
bench_id_token

record="$BENCH_DIR/acked.tsv"
args=(--chargers "$CHARGERS" --protocol mix --ramp 500 --sessions 1000000 --meters-per-session "$METERS"
  --meter-interval 1 --samples 4 --duration "$SECONDS_RUN" --reconnect --reconnect-min 0.5 --reconnect-max 2
  --call-timeout 10 --id-prefix scale --record "$record" --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"

# REST commands through nginx, spread over the run: which node answers the API and which
# holds the charger is up to nginx.
commands_log="$BENCH_DIR/commands.txt"
: >"$commands_log"
(
  sleep 5
  interval=$(awk -v s="$SECONDS_RUN" -v c="$COMMANDS" 'BEGIN { printf "%.2f", (s - 10) / c }')
  for i in $(seq 1 "$COMMANDS"); do
    id=$(printf 'scale-%06d' $(( (i * 7919) % CHARGERS )))
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $BENCH_TOKEN" \
      -H 'Content-Type: application/json' -d '{"message":"Heartbeat"}' \
      "http://127.0.0.1:$BENCH_API_PORT/api/v1/stations/$id/commands/trigger-message")
    echo "$code" >>"$commands_log"
    sleep "$interval"
  done
) &
CMD_PID=$!
BENCH_PIDS+=("$CMD_PID")

sleep "$RESTART_AT"
before=$(per_node)
log "online stations by node: $before; rolling restart, node 1"
node_stop 1
back1=$(wait_all_online)
log "all online again $back1 after node 1 stopped"
sleep "$DOWN"
node_start 1
sleep 5
during=$(per_node)
log "online stations by node: $during; node 2"
node_stop 2
back2=$(wait_all_online)
log "all online again $back2 after node 2 stopped"
sleep "$DOWN"
node_start 2
sleep 5
after=$(per_node)
wait "$LG_PID" || true
wait "$CMD_PID" || true
sleep 2

check=$(bench_check_record "$record")
bench_record_totals "$check"
acked=$ACKED found=$FOUND lost=$LOST dups=$DUPS
answered=$(grep -c '^200$' "$commands_log" || true)
sent=$(wc -l <"$commands_log")
codes=$(sort "$commands_log" | uniq -c | awk '{printf "%s%s x %s", sep, $2, $1; sep=", "}')
routed=0
for n in 1 2; do
  r=$(curl -fsS "http://127.0.0.1:${NODE_API[$n]}/metrics" 2>/dev/null |
    awk '/^csms_cluster_remote_commands_total/ { s += $2 } END { print s + 0 }')
  routed=$((routed + r))
done
j="$BENCH_DIR/loadgen.json"
summary=$(jq -r '"\(.calls_per_second | floor) calls/s; connections dropped \(.connections.dropped), failed \(.connections.failed); timeouts \([.actions[].timeouts] | add); CALLERRORs \(.call_errors | tostring)"' "$j")

body=$(mktemp)
{
  section_head "Two nodes behind nginx, rolling restart under load" \
    "\`$COMMAND\` ($CHARGERS chargers, mixed 1.6 / 2.0.1, a MeterValues per second each, through nginx (docker/nginx.conf) to two csms nodes on one PostgreSQL; node 1 stopped (SIGTERM) after $RESTART_AT s and started again $DOWN s after its chargers were all back on node 2, then the same for node 2; chargers reconnect; $COMMANDS REST trigger-message commands through nginx during the run)" \
    "csms-loadgen ${args[*]}"
  echo "| online stations by node before the restarts | $before |"
  echo "| all chargers online again after node 1 stopped (SIGTERM) | $back1 |"
  echo "| online stations by node after node 1 restarted | $during |"
  echo "| all chargers online again after node 2 stopped | $back2 |"
  echo "| online stations by node after node 2 restarted | $after |"
  echo "| acknowledged transaction messages (recorded) | $acked |"
  echo "| found in PostgreSQL | $found |"
  echo "| lost (acknowledged, not found) | $lost |"
  echo "| duplicate 1.6 transactions after retries | $dups |"
  echo "| REST commands answered 200 / sent | $answered / $sent ($codes) |"
  echo "| of which carried out by the other node (routed through PostgreSQL) | $routed |"
  echo
  echo "loadgen: $summary"
  echo
  echo "Target: zero lost; commands reach chargers on either node (a command sent while its charger"
  echo "is reconnecting is answered 409, station offline)."
} >"$body"
cat "$body"
bench_write_section scale "$body"
rm -f "$body"
