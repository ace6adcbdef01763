#!/usr/bin/env bash
# bench/outage.sh [CHARGERS] [OUTAGE_SECONDS]: chargers at a paced load while PostgreSQL is
# stopped (pg_ctl stop -m fast) for OUTAGE_SECONDS and started again. csms-loadgen records
# every acknowledged transaction message (--record); during the outage the server answers
# them from its spool. Afterwards: acknowledged vs found in PostgreSQL (target: zero lost,
# nothing twice), the spool's peak size, the time from the restart until the spool is
# drained, and the latency of a second, small generator that runs only during the outage.
# Environment: RATE (calls/s of the main generator, 1000), BEFORE (seconds before the stop,
# 15), AFTER (seconds the load goes on after the restart, 30), METERS (per session, 20).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-${CHARGERS:-1000}}
OUTAGE=${2:-${OUTAGE:-60}}
RATE=${RATE:-1000}
BEFORE=${BEFORE:-15}
AFTER=${AFTER:-30}
METERS=${METERS:-20}
COMMAND=$(bench_command "$@")

bench_init outage
bench_database
bench_server_start
bench_id_token

pg_as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_dir="$LOCAL/$BENCH_PG_NAME"
pg_bin=$(pg_bindir)
spool_bytes() {
  curl -fsS "http://127.0.0.1:$BENCH_API_PORT/metrics" 2>/dev/null | awk '$1 == "csms_spool_bytes" { print $2 }'
}

record="$BENCH_DIR/acked.tsv"
probe_record="$BENCH_DIR/probe.tsv"
total=$((BEFORE + OUTAGE + AFTER))
args=(--chargers "$CHARGERS" --protocol mix --ramp 2000 --sessions 1000000 --meters-per-session "$METERS"
  --meter-interval 0 --samples 4 --rate "$RATE" --stagger --duration "$total" --reconnect
  --reconnect-min 0.5 --reconnect-max 2 --call-timeout 10 --id-prefix outage --record "$record" --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"
main_pid=$LG_PID
sleep $((BEFORE - 5))

# The probe's stations boot while the database is up (unknown stations are refused during an
# outage); its window is the outage's first OUTAGE - 5 s.
probe_args=(--chargers 50 --protocol mix --ramp 500 --sessions 1000000 --meters-per-session "$METERS"
  --meter-interval 0 --samples 4 --rate 100 --stagger --duration "$OUTAGE" --call-timeout 10
  --id-prefix probe --record "$probe_record" --json)
bench_loadgen_bg "$BENCH_DIR/probe.json" "$BENCH_DIR/probe.err" "${probe_args[@]}"
probe_pid=$LG_PID
sleep 5
acked_before=$(wc -l <"$record")
log "stopping PostgreSQL ($acked_before acknowledged so far)"
pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir" -w stop -m fast >/dev/null
peak=0
for _ in $(seq 1 "$OUTAGE"); do
  sleep 1
  b=$(spool_bytes); b=${b%.*}
  [ -n "$b" ] && [ "$b" -gt "$peak" ] && peak=$b
done
acked_during=$(( $(wc -l <"$record") - acked_before ))
log "starting PostgreSQL (spool peak $peak bytes)"
pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w start >/dev/null
restarted=$(date +%s.%N)
drained=""
for _ in $(seq 1 600); do
  b=$(spool_bytes); b=${b%.*}
  [ -n "$b" ] && [ "$b" -gt "$peak" ] && peak=$b
  if [ "$b" = "0" ]; then drained=$(date +%s.%N); break; fi
  sleep 0.1
done
drain_s=$( [ -n "$drained" ] && awk -v a="$restarted" -v b="$drained" 'BEGIN { printf "%.1f", b - a }' || echo "not drained in 60 s")
wait "$probe_pid" || true
wait "$main_pid" || true
sleep 2

cat "$record" "$probe_record" >"$BENCH_DIR/all.tsv"
check=$(bench_check_record "$BENCH_DIR/all.tsv")
bench_record_totals "$check"
j="$BENCH_DIR/loadgen.json"
p="$BENCH_DIR/probe.json"
summary=$(jq -r '"\(.calls_per_second | floor) calls/s; connections dropped \(.connections.dropped), failed \(.connections.failed); timeouts \([.actions[].timeouts] | add); CALLERRORs \(.call_errors | tostring)"' "$j")
probe=$(jq -r '[.actions | to_entries[] | select(.value.ok > 0) | "\(.key) p50 \(.value.latency.p50_ms) ms, p99 \(.value.latency.p99_ms) ms (\(.value.ok) ok)"] | join("; ")' "$p")
probe_errors=$(jq -r '.call_errors | tostring' "$p")

body=$(mktemp)
{
  section_head "PostgreSQL outage under load" \
    "\`$COMMAND\` ($CHARGERS chargers, mixed 1.6 / 2.0.1, paced at $RATE calls/s; PostgreSQL stopped after $BEFORE s for $OUTAGE s, the load going on $AFTER s after the restart; a second generator, 50 chargers at 100 calls/s, boots 5 s before the stop and runs for the outage's first $((OUTAGE - 5)) s)" \
    "csms-loadgen ${args[*]}"
  echo "| acknowledged transaction messages (recorded) | $ACKED |"
  echo "| of which during the outage (main generator) | $acked_during |"
  echo "| found in PostgreSQL after the spool was replayed | $FOUND |"
  echo "| lost (acknowledged, not found) | $LOST |"
  echo "| duplicate 1.6 transactions | $DUPS |"
  echo "| spool peak | $peak bytes |"
  echo "| spool drained after the restart | $drain_s s |"
  echo
  echo "Latency during the outage (probe generator): $probe; CALLERRORs $probe_errors"
  echo
  echo "By kind (kind, acknowledged, found, missing):"
  echo
  echo '```'
  echo "$check"
  echo '```'
  echo
  echo "loadgen: $summary"
  echo
  echo "Target: zero acknowledged messages lost across the outage."
} >"$body"
cat "$body"
bench_write_section outage "$body"
rm -f "$body"
