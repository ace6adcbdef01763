#!/usr/bin/env bash
# bench/storm.sh [N]: N chargers (1.6 and 2.0.1 alternating) connect and boot; the server
# is then restarted (SIGTERM, started again at once) and every charger reconnects and
# boots again at the same moment. Measures the time from the restart until all are
# Accepted and their status is recorded in PostgreSQL, and counts rejections.
# Environment: RAMP (first connection ramp, 2000/s), WINDOW (seconds allowed for the
# storm, 90), THREADS (1), KILL (TERM or KILL, TERM).
# Target: 10,000 chargers reconnecting at once all booted and recorded within 30 s, none rejected.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${1:-${N:-10000}}
RAMP=${RAMP:-2000}
WINDOW=${WINDOW:-90}
THREADS=${THREADS:-1}
KILL=${KILL:-TERM}
COMMAND=$(bench_command "$@")

bench_init storm
bench_database
bench_server_start

ramp_s=$(awk -v n="$N" -v r="$RAMP" 'BEGIN { printf "%d", n / r + 0.999 }')
args=(--chargers "$N" --protocol mix --ramp "$RAMP" --reconnect --reconnect-min 0.5 --reconnect-max 4
  --duration "$((ramp_s + 60 + 2 * WINDOW))" --threads "$THREADS" --id-prefix storm --progress 1 --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"

# The generator's progress line (every second) says how many chargers are ready: booted,
# and every connector's status answered.
loadgen_ready() { tail -n 1 "$BENCH_DIR/loadgen.err" | sed -nE 's/.* ready ([0-9-]+),.*/\1/p'; }

# Wait until every charger is ready before the restart.
ready=0
for _ in $(seq 1 $((ramp_s + 60))); do
  sleep 1
  ready=$(loadgen_ready)
  [ "${ready:-0}" -ge "$N" ] && break
done
sleep 2
connected=$(curl -fsS "http://127.0.0.1:$BENCH_API_PORT/metrics" | awk '/^csms_stations_connected/ {s += $2} END {print s + 0}')
log "$ready ready, $connected connected; restarting the server (SIG$KILL)"
t0=$(psql_bench -c "SELECT now()")
t0_epoch=$(date +%s.%N)
kill -"$KILL" "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
bench_server_start
up_s=$(awk -v a="$t0_epoch" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# Poll PostgreSQL until every station has a status recorded after the restart.
recorded=0
for _ in $(seq 1 "$WINDOW"); do
  recorded=$(psql_bench -c "SELECT count(DISTINCT station_id) FROM status_history WHERE received_at >= '$t0'")
  [ "$recorded" -ge "$N" ] && break
  sleep 1
done
read -r recorded_s booted <<<"$(psql_bench -F ' ' -c "SELECT round(extract(epoch FROM max(received_at) - '$t0')::numeric, 1) FROM status_history WHERE received_at >= '$t0'" -c "SELECT count(*) FROM stations WHERE last_boot_at >= '$t0'" | paste -sd ' ')"
rss=$(proc_rss_kb "$SERVER_PID")
# The generator's own view: every charger has its boot and status answered again.
for _ in $(seq 1 "$WINDOW"); do
  ready=$(loadgen_ready)
  [ "${ready:-0}" -ge "$N" ] && break
  sleep 1
done
kill -INT "$LG_PID" 2>/dev/null || true
wait "$LG_PID" || true
j="$BENCH_DIR/loadgen.json"
summary=$(jq -r '"boots accepted \(.boots.accepted), pending \(.boots.pending), rejected \(.boots.rejected); connections attempted \(.connections.attempted), failed \(.connections.failed), dropped \(.connections.dropped); ready again \(.recovery.ready_again) of \(.chargers_ready), last \((.recovery.last_ready_again_s - .recovery.first_drop_s) * 10 | floor / 10) s after the first drop, longest per charger \(.recovery.max_per_charger_s * 10 | floor / 10) s; CALLERRORs \(.call_errors | tostring)"' "$j" 2>/dev/null || echo "no loadgen report")

body=$(mktemp)
{
  section_head "Reconnect storm" \
    "\`$COMMAND\` ($N chargers, mixed 1.6 / 2.0.1; server restarted with SIG$KILL once all were booted and ready; chargers reconnect after 0.5-1 s, backoff doubling up to 4 s)" \
    "csms-loadgen ${args[*]}"
  echo "| server ready again after the stop signal | $up_s s |"
  echo "| stations with a status recorded after the restart | $recorded of $N |"
  echo "| stations booted after the restart (last_boot_at) | $booted |"
  echo "| last status recorded, after the restart | $recorded_s s |"
  echo "| server RSS after the storm | $((rss / 1024)) MiB |"
  echo
  echo "loadgen: $summary"
  echo
  echo "Target: 10,000 chargers reconnecting at once all booted and recorded within 30 s, none rejected."
} >"$body"
cat "$body"
bench_write_section storm "$body"
rm -f "$body"
