#!/usr/bin/env bash
# bench/ingest_overhead.sh [CHARGERS] [RATE] [SECONDS] [ROUNDS]: what keeping the analytics
# rollups current costs the ingest path (issue 5's target: under 5 %). Runs the same paced
# load (chargers in sessions sending MeterValues / TransactionEvent with 4 sampled values)
# on a fresh database, alternately with the rollup worker at its defaults ("on") and idle
# ("off": tick and refresh longer than the run), ROUNDS times each, and compares the CPU
# time of the server and PostgreSQL per acknowledged call (medians of the rounds).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-1000}
RATE=${2:-1500}
SECONDS_RUN=${3:-150}
ROUNDS=${4:-2}
WARMUP=15
COMMAND=$(bench_command "$@")

bench_init ingest-overhead
HZ=$(getconf CLK_TCK)

# run_mode <label> [csms flags...]: one paced run; appends "label ms_per_1000_calls rate
# server_pct pg_pct hourly_rows" to $BENCH_DIR/runs.txt.
run_mode() {
  local label=$1 round=$2; shift 2
  bench_database
  bench_server_start "$@"
  bench_id_token
  local args=(--chargers "$CHARGERS" --protocol mix --ramp 2000 --reconnect --sessions 1000000 --meters-per-session 100
    --meter-interval 0 --samples 4 --rate "$RATE" --duration "$((SECONDS_RUN + WARMUP))" --warmup "$WARMUP"
    --id-prefix "io-$label-$round" --json)
  log "$label (round $round): csms-loadgen ${args[*]}"
  bench_loadgen_bg "$BENCH_DIR/$label-$round.json" "$BENCH_DIR/$label-$round.err" "${args[@]}"
  sleep "$WARMUP"
  local window=$((SECONDS_RUN - 10)) s0 p0 s1 p1
  s0=$(proc_ticks "$SERVER_PID"); p0=$(pg_ticks)
  sleep "$window"
  s1=$(proc_ticks "$SERVER_PID"); p1=$(pg_ticks)
  wait "$LG_PID" || true
  local rate hourly
  rate=$(jq '.calls_per_second' "$BENCH_DIR/$label-$round.json")
  hourly=$(psql_bench -c "SELECT count(*) FROM analytics_hourly")
  bench_server_stop
  awk -v l="$label" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$HZ" -v w="$window" -v r="$rate" -v h="$hourly" 'BEGIN {
    printf "%s %.1f %.0f %.1f %.1f %d\n", l, (s + p) / hz * 1000 / (r * w) * 1000, r, s / hz / w * 100, p / hz / w * 100, h }' \
    >>"$BENCH_DIR/runs.txt"
  tail -n 1 "$BENCH_DIR/runs.txt"
}

: >"$BENCH_DIR/runs.txt"
for round in $(seq 1 "$ROUNDS"); do
  run_mode off "$round" --analytics.tick_ms=600000 --analytics.refresh_s=3600
  run_mode on "$round"
done

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
off=$(awk '$1 == "off" { print $2 }' "$BENCH_DIR/runs.txt" | median)
on=$(awk '$1 == "on" { print $2 }' "$BENCH_DIR/runs.txt" | median)
overhead=$(awk -v a="$off" -v b="$on" 'BEGIN { printf "%.1f", (b - a) / a * 100 }')
log "CPU ms per 1000 calls: off $off, on $on: overhead $overhead %"

body=$(mktemp)
{
  echo "## Analytics rollups: cost on the ingest path"
  echo
  echo "\`$COMMAND\` ($CHARGERS chargers, mixed 1.6 / 2.0.1, sessions of 100 meter readings with 4 sampled values, paced at $RATE calls/s for $SECONDS_RUN s after a $WARMUP s warm-up; CPU of the server and PostgreSQL over $((SECONDS_RUN - 10)) s; the rollup worker at its defaults (on) or idle (off: \`--analytics.tick_ms=600000 --analytics.refresh_s=3600\`), alternately, $ROUNDS rounds, a fresh database each run)"
  echo
  machine_details
  echo
  echo "| run | CPU ms per 1000 calls (server + PostgreSQL) | calls/s | server CPU % | PostgreSQL CPU % | hourly rollup rows at the end |"
  echo "|---|---:|---:|---:|---:|---:|"
  awk '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$BENCH_DIR/runs.txt"
  echo
  echo "Median CPU per 1000 calls: off $off ms, on $on ms: the rollups add **$overhead %** (target: under 5 %)."
} >"$body"
cat "$body"
bench_write_section ingest-overhead "$body"
rm -f "$body"
