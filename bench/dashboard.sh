#!/usr/bin/env bash
# bench/dashboard.sh [STATIONS] [DAYS] [RUNS]: seeds a synthetic history (default 500
# stations x 365 days, as bench/analytics.sh), serves the dashboard from a Release build and
# opens each page RUNS times (default 5) four ways (a first visit; a new tab opened from the open
# one; a reload of the open tab with the cache disabled; moving to it inside the open tab): the
# median time from navigation start (or the move) to the page showing its data. Writes
# docs/PERFORMANCE.md (section dashboard).
# DASHBOARD_REUSE=1 keeps the database an earlier run seeded.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATIONS=${1:-500}
DAYS=${2:-365}
RUNS=${3:-5}

bench_init dashboard
log "building the dashboard (Release tree)"
cmake --build "$BENCH_BUILD" --target ui >>"$BENCH_DIR/build.log" 2>&1
ensure_packages chromium
(cd "$ROOT/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)
bench_seeded_database "$STATIONS" "$DAYS" "${DASHBOARD_REUSE:-0}"
sizes=$(psql_bench -c "SELECT (SELECT count(*) FROM stations) || ' stations, ' ||
  (SELECT count(*) FROM transactions) || ' sessions, ' || (SELECT count(*) FROM meter_samples) || ' meter samples, ' ||
  (SELECT count(*) FROM alerts) || ' alerts'")
log "$sizes"

bench_server_start --analytics.refresh_s=3600 --api.ui_dir="$BENCH_BUILD/ui"
figures=$(node "$ROOT/bench/dashboard_tti.mjs" "http://127.0.0.1:$BENCH_API_PORT/ui/" "$BENCH_TOKEN" SEED-1 "$RUNS")
bench_server_stop
echo "$figures" | jq -r '.[] | "\(.page): first visit \(.first.median_ms) ms, new tab \(.tab.median_ms) ms, reload \(.reload.median_ms) ms, in the app \(.app.median_ms) ms"'

body="$BENCH_DIR/section.md"
{
  echo "## Dashboard: time to interactive over a seeded year"
  echo
  echo "Command: \`$(bench_command "$@")\` (headless Chromium at 1280×800). Each page is opened $RUNS times"
  echo "four ways: a **first visit** (a new browser profile: a new renderer process, nothing cached, the"
  echo "role not yet known); a **new tab** opened from the open one, as a middle click on a nav link does"
  echo "(a new renderer process with the browser's cache and the opener's session storage); **reloaded**"
  echo "in the open tab with the HTTP cache disabled (every file and API call fetched again); and **in the"
  echo "app**, moving to it from the overview as a nav link does (every API call made again). Timed inside"
  echo "the page from navigation start (or the move) to the"
  echo "first frame after the page's data is in the DOM and nothing shows loading."
  echo
  machine_details
  echo "- data: $sizes"
  echo
  echo "| page | first visit: median | slowest | new tab: median | slowest | reload, no cache: median | slowest | in the app: median | slowest |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "$figures" | jq -r 'def c(m): if m then "\(m.median_ms) ms | \(m.max_ms) ms" else "– | –" end;
    .[] | "| \(.page) | \(c(.first)) | \(c(.tab)) | \(c(.reload)) | \(c(.app)) |"'
  echo
  echo "Target (issue 18): every page under 300 ms to interactive on the seeded year. The browser, the"
  echo "server and PostgreSQL share the machine's cores."
} >"$body"
bench_write_section dashboard "$body"
