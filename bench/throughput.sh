#!/usr/bin/env bash
# bench/throughput.sh [CHARGERS] [SECONDS]: chargers (1.6 and 2.0.1 alternating) in
# charging sessions send MeterValues / TransactionEvent Updated with 4 sampled values each
# as fast as the server acknowledges them (closed loop). Measures sustained calls/s and
# PostgreSQL rows/s, checks that every acknowledged message is in PostgreSQL, then runs
# paced at 50 % and 90 % of that maximum (and at FIXED_RATE, 5000 calls/s) for latency.
# The paced runs stagger the chargers' first sessions (--stagger): in step, all 1,000
# sessions end and the next ones start within a second or two every few tens of seconds,
# and that burst of stops, pricing and starts, not the steady flow, makes their tail.
# Environment: METERS (per session, 100), THREADS (1), WARMUP (10), PACED (seconds per
# paced run, 30), FIXED_RATE (5000; 0 to skip), SERVER_FLAGS (extra csms flags).
# Targets: 10,000 MeterValues calls/s sustained durably; p99 < 50 ms at 5,000 calls/s.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-${CHARGERS:-1000}}
SECONDS_MAX=${2:-${DURATION:-60}}
METERS=${METERS:-100}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-10}
PACED=${PACED:-30}
FIXED_RATE=${FIXED_RATE:-5000}
COMMAND=$(bench_command "$@")

bench_init throughput
bench_database
bench_server_start ${SERVER_FLAGS:-}
bench_id_token

# --reconnect: a dropped connection is counted and the charger carries on (without it the run
# would end early once every charger had lost its connection).
common=(--chargers "$CHARGERS" --protocol mix --ramp 2000 --reconnect --sessions 1000000 --meters-per-session "$METERS"
  --meter-interval 0 --samples 4 --threads "$THREADS" --warmup "$WARMUP")

rows() { psql_bench -c "SELECT (SELECT count(*) FROM meter_samples) || ' ' || (SELECT count(*) FROM transaction_events) || ' ' || (SELECT count(*) FROM transactions)"; }

# 1. As fast as the server acknowledges.
read -r ms0 te0 tx0 < <(rows)
args=("${common[@]}" --duration "$SECONDS_MAX" --id-prefix tp-max --record "$BENCH_DIR/acked.tsv" --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/max.json" "$BENCH_DIR/max.err" "${args[@]}"
sleep $((WARMUP + 5))
cpu_split=$(pg_and_server_cpu 20)
rss=$(proc_rss_kb "$SERVER_PID")
wait "$LG_PID" || true
read -r ms1 te1 tx1 < <(rows)
j="$BENCH_DIR/max.json"
elapsed=$(jq '.elapsed_s' "$j")
max_rate=$(jq '.calls_per_second' "$j")
meter_rate=$(jq '((.actions.MeterValues.ok // 0) + (.actions.TransactionEvent.ok // 0)) / .window_s' "$j")
rows_rate=$(awk -v a="$ms0" -v b="$ms1" -v c="$te0" -v d="$te1" -v s="$elapsed" 'BEGIN { printf "%.0f", (b - a + d - c) / s }')
samples_rate=$(awk -v a="$ms0" -v b="$ms1" -v s="$elapsed" 'BEGIN { printf "%.0f", (b - a) / s }')
log "max: $max_rate calls/s; checking acknowledged messages against PostgreSQL"
check=$(bench_check_record "$BENCH_DIR/acked.tsv")
lost=$(echo "$check" | awk -F'|' '$1 != "duplicate_starts" { s += $4 } END { print s + 0 }')

latency_row() {  # <label> <json>
  jq -r --arg l "$1" '"| \($l) | \(.calls_per_second | floor) | \(.latency.p50_ms) | \(.latency.p90_ms) | \(.latency.p99_ms) | \(.latency.p99_9_ms) | \(.latency.max_ms) | \(.call_errors | tostring) |"' "$2"
}

# 2. Paced at fractions of the maximum.
rates=()
for f in 0.5 0.9; do rates+=("$(awk -v m="$max_rate" -v f="$f" 'BEGIN { printf "%d", m * f }')"); done
[ "$FIXED_RATE" != 0 ] && rates+=("$FIXED_RATE")
paced_rows=()
i=0
for rate in "${rates[@]}"; do
  i=$((i + 1))
  args=("${common[@]}" --duration "$((PACED + WARMUP))" --id-prefix "tp-r$i" --rate "$rate" --stagger --json)
  log "csms-loadgen ${args[*]}"
  loadgen "${args[@]}" >"$BENCH_DIR/rate-$rate.json" 2>"$BENCH_DIR/rate-$rate.err" || true
  label="paced at $rate/s"
  [ $i -le 2 ] && label="paced at $rate/s ($( [ $i -eq 1 ] && echo 50 || echo 90 ) % of max)"
  paced_rows+=("$(latency_row "$label" "$BENCH_DIR/rate-$rate.json")")
done

body=$(mktemp)
{
  echo "## Throughput"
  echo
  echo "\`$COMMAND\` ($CHARGERS chargers, mixed 1.6 / 2.0.1, sessions of $METERS meter readings with 4 sampled values, closed loop for $SECONDS_MAX s, the first $WARMUP s not counted; the paced runs with first sessions staggered, \`--stagger\`)"
  echo
  machine_details
  echo "- loadgen (maximum): \`csms-loadgen ${common[*]} --duration $SECONDS_MAX --record FILE --json\`"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| sustained calls/s (all actions, acknowledged) | $(printf '%.0f' "$max_rate") |"
  echo "| of which MeterValues + TransactionEvent/s | $(printf '%.0f' "$meter_rate") |"
  echo "| PostgreSQL rows/s (meter_samples + transaction_events) | $rows_rate (meter samples $samples_rate/s) |"
  echo "| acknowledged transaction messages not found in PostgreSQL | $lost |"
  echo "| connections dropped during the run (chargers reconnect) | $(jq '.connections.dropped' "$j") |"
  echo "| CPU during the run (100 % = one core) | $cpu_split |"
  echo "| server RSS during the run | $((rss / 1024)) MiB |"
  echo
  echo "Acknowledged vs found (kind, acknowledged, found, missing):"
  echo
  echo '```'
  echo "$check"
  echo '```'
  echo
  echo "| run | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | CALLERRORs |"
  echo "|---|---|---|---|---|---|---|---|"
  latency_row "closed loop (maximum)" "$j"
  for r in "${paced_rows[@]}"; do echo "$r"; done
  echo
  echo "Targets: 10,000 MeterValues calls/s sustained durably; p99 < 50 ms at 5,000 calls/s."
} >"$body"
cat "$body"
bench_write_section throughput "$body"
rm -f "$body"
