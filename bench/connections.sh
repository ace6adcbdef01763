#!/usr/bin/env bash
# bench/connections.sh [N]: ramps to N idle chargers (OCPP 1.6 and 2.0.1 alternating) with
# heartbeats on, then measures the server's RSS and CPU at steady state and the memory per
# connection. Environment: RAMP (connections/s, 1000), HOLD (seconds at steady state, 60),
# HEARTBEAT (seconds, 60), THREADS (loadgen I/O threads, 1).
# Target: 50,000 concurrent connections with server RSS < 1.5 GiB. The TLS variant (ws:// and
# wss:// with one client, memory per connection and handshakes/s): bench/connections_tls.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${1:-${N:-50000}}
RAMP=${RAMP:-1000}
HOLD=${HOLD:-60}
[ "$HOLD" -ge 5 ] || HOLD=5
HEARTBEAT=${HEARTBEAT:-60}
THREADS=${THREADS:-1}
COMMAND=$(bench_command "$@")

bench_init connections
bench_database
bench_server_start
sleep 2
rss0=$(proc_rss_kb "$SERVER_PID")
log "server idle: RSS $((rss0 / 1024)) MiB"

ramp_s=$(awk -v n="$N" -v r="$RAMP" 'BEGIN { printf "%d", n / r + 0.999 }')
settle=$((ramp_s / 5 + 10))
duration=$((ramp_s + settle + HOLD + 10))
args=(--chargers "$N" --protocol mix --ramp "$RAMP" --heartbeat-interval "$HEARTBEAT"
  --duration "$duration" --threads "$THREADS" --id-prefix conn --progress 10 --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"

sleep $((ramp_s + settle))
connected=$(curl -fsS "http://127.0.0.1:$BENCH_API_PORT/metrics" | awk '/^csms_stations_connected/ {s += $2} END {print s + 0}')
log "steady state: $connected connected; measuring CPU over $HOLD s"
proc_cpu_percent "$LG_PID" "$HOLD" >"$BENCH_DIR/loadgen.cpu" 2>/dev/null &
cpu=$(proc_cpu_percent "$SERVER_PID" "$HOLD")
wait $! 2>/dev/null || true
lg_cpu=$(cat "$BENCH_DIR/loadgen.cpu" 2>/dev/null || echo "?")
lg_rss=$(proc_rss_kb "$LG_PID" 2>/dev/null || echo 0)
rss_end=$(proc_rss_kb "$SERVER_PID")
hwm=$(proc_hwm_kb "$SERVER_PID")
threads=$(proc_threads "$SERVER_PID")
wait "$LG_PID" || true
stations=$(psql_bench -c "SELECT count(*) FROM stations")
statuses=$(psql_bench -c "SELECT count(*) FROM connectors")

per_conn=$(awk -v a="$rss0" -v b="$rss_end" -v n="$connected" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / n; else print "n/a" }')
j="$BENCH_DIR/loadgen.json"
summary=$(jq -r '"established \(.connections.established) of \(.connections.attempted) attempted, failed \(.connections.failed), dropped \(.connections.dropped); boots accepted \(.boots.accepted), ready \(.chargers_ready) (last at \(.last_ready_s | floor) s); heartbeats \(.actions.Heartbeat.ok // 0) (p99 \(.actions.Heartbeat.latency.p99_ms // 0) ms); CALLERRORs \(.call_errors | tostring)"' "$j")

body=$(mktemp)
{
  section_head "Connections" \
    "\`$COMMAND\` (N=$N, ramp $RAMP/s, heartbeat every $HEARTBEAT s, $HOLD s at steady state)" \
    "csms-loadgen ${args[*]}"
  echo "| connected (server's csms_stations_connected) | $connected |"
  echo "| server RSS idle → steady state | $((rss0 / 1024)) MiB → $((rss_end / 1024)) MiB (peak $((hwm / 1024)) MiB) |"
  echo "| memory per connection | $per_conn kB |"
  echo "| server CPU at steady state (100 % = one core) | $cpu % ($threads threads) |"
  echo "| csms-loadgen CPU / RSS | $lg_cpu % / $((lg_rss / 1024)) MiB |"
  echo "| stations / connector rows in PostgreSQL | $stations / $statuses |"
  echo
  echo "loadgen: $summary"
  echo
  echo "Target: 50,000 connections with server RSS < 1.5 GiB."
} >"$body"
cat "$body"
bench_write_section connections "$body"
rm -f "$body"
