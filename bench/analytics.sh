#!/usr/bin/env bash
# bench/analytics.sh [STATIONS] [DAYS] [RUNS]: seeds a synthetic history (default 500
# stations x 365 days), rolls it up, then asks every report through the REST API for the
# whole range and all stations (bucket=month), for one station (bucket=day), for every
# station by day, and the time series (utilization, energy, uptime, revenue) for the whole
# fleet by day (group=fleet, what the dashboard's charts draw). Prints
# the median of RUNS answers per report and writes docs/PERFORMANCE.md (section analytics).
# ANALYTICS_REUSE=1 keeps the database a previous run seeded (seeding a year takes minutes).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATIONS=${1:-500}
DAYS=${2:-365}
RUNS=${3:-5}

bench_init analytics
bench_seeded_database "$STATIONS" "$DAYS" "${ANALYTICS_REUSE:-0}"
sizes=$(psql_bench -c "SELECT (SELECT count(*) FROM transactions) || ' sessions, ' ||
  (SELECT count(*) FROM meter_samples) || ' meter samples, ' || (SELECT count(*) FROM status_history) ||
  ' status changes, ' || (SELECT count(*) FROM analytics_hourly) || ' hourly and ' ||
  (SELECT count(*) FROM analytics_daily) || ' daily rollup rows'")
log "$sizes"

bench_server_start --analytics.refresh_s=3600
api="http://127.0.0.1:$BENCH_API_PORT/api/v1/analytics"
to=$(date -u +%Y-%m-%dT00:00:00Z)
from=$(date -u -d "$to - $DAYS days" +%Y-%m-%dT00:00:00Z)
one=SEED-1

# median_ms <url> [accept]: the median total time of RUNS requests, in milliseconds.
median_ms() {
  local url=$1 accept=${2:-application/json} i times=()
  curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" "$url"  # warm-up
  for i in $(seq 1 "$RUNS"); do
    times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $BENCH_TOKEN" \
      -H "Accept: $accept" "$url")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }'
}

table="$BENCH_DIR/table.md"
{
  echo "| report | all $STATIONS stations, $DAYS days, bucket=month | rows | one station, $DAYS days, bucket=day | rows | all stations, $DAYS days, bucket=day | rows | the fleet (group=fleet), $DAYS days, bucket=day | rows |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"
for report in utilization energy peak-hours sessions revenue uptime faults expansion maintenance; do
  all_url="$api/$report?from=$from&to=$to&bucket=month"
  one_url="$api/$report?from=$from&to=$to&bucket=day&station=$one"
  days_url="$api/$report?from=$from&to=$to&bucket=day"
  all_ms=$(median_ms "$all_url")
  one_ms=$(median_ms "$one_url")
  days_ms=$(median_ms "$days_url")
  all_rows=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "$all_url" | jq '.rows | length')
  one_rows=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "$one_url" | jq '.rows | length')
  days_rows=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "$days_url" | jq '.rows | length')
  fleet_ms=– fleet_rows=–
  case $report in
    utilization | energy | uptime | revenue)
      fleet_url="$api/$report?from=$from&to=$to&bucket=day&group=fleet"
      fleet_ms="$(median_ms "$fleet_url") ms"
      fleet_rows=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "$fleet_url" | jq '.rows | length')
      ;;
  esac
  printf '%-12s all stations: %6s ms (%s rows)   one station: %5s ms (%s rows)   all, daily: %6s ms (%s rows)   fleet, daily: %s (%s rows)\n' \
    "$report" "$all_ms" "$all_rows" "$one_ms" "$one_rows" "$days_ms" "$days_rows" "$fleet_ms" "$fleet_rows"
  echo "| $report | $all_ms ms | $all_rows | $one_ms ms | $one_rows | $days_ms ms | $days_rows | $fleet_ms | $fleet_rows |" >>"$table"
done
# What a new tariff would have earned over the last quarter, all stations.
sim_body=$(jq -n --arg from "$(date -u -d "$to - 91 days" +%Y-%m-%dT00:00:00Z)" --arg to "$to" \
  '{tariff: {currency: "EUR", vat_percent: "19", elements: [{price_components: [{type: "ENERGY", price: "0.45", step_size: 1}, {type: "FLAT", price: "0.50", step_size: 1}]}]}, from: $from, to: $to}')
sim_times=()
for i in $(seq 1 "$RUNS"); do
  sim_times+=("$(curl -fsS -o "$BENCH_DIR/simulation.json" -w '%{time_total}' -X POST \
    -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' -d "$sim_body" "$api/tariff-simulation")")
done
sim_ms=$(printf '%s\n' "${sim_times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }')
sim_sessions=$(jq '.sessions' "$BENCH_DIR/simulation.json")
printf 'tariff-simulation (last 91 days, all stations): %s ms for %s sessions\n' "$sim_ms" "$sim_sessions"
echo "| tariff-simulation (POST, last 91 days) | $sim_ms ms | $sim_sessions sessions | | | | | | |" >>"$table"
bench_server_stop

body="$BENCH_DIR/section.md"
{
  echo "## Analytics: reports over a seeded year"
  echo
  echo "Command: \`$(bench_command "$@")\` (median of $RUNS requests through the REST API, JSON)"
  echo
  machine_details
  echo "- data: $sizes"
  echo "- seeding and rollup: $(echo "$seed_out" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
  echo
  cat "$table"
  echo
  echo "Targets (issue 5): every report over the whole year and all stations under 300 ms (monthly buckets), a"
  echo "single station under 50 ms. Daily buckets for every station over a year are an export of up to"
  echo "400,000 rows (no target; shown for what they cost). The fleet's series over every station read"
  echo "the per-zone rollups (\`analytics_zone_daily\`, \`analytics_zone_hourly\`, \`analytics_zone_revenue_daily\`)."
} >"$body"
bench_write_section analytics "$body"
