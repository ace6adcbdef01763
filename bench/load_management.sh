#!/usr/bin/env bash
# bench/load_management.sh [SITES] [CHARGERS_PER_SITE] [SEED]: the load manager over one
# simulated day (default 50 sites x 10 chargers = 500): arrivals busier in the morning and
# evening, cars of 16 or 32 A on one or three phases that stop drawing once full, stations
# answering profiles in 0.1-3 s (1 % refusing, 0.5 % applying profiles without their answer arriving), cars taking up
# to 5 s to come down to a lower limit, a larger night limit on
# a third of the sites, priority sharing on a fifth. The planner is the server's own
# (charging::plan_load, tools/load_simulation); what the cars draw is checked against each
# site's limit every simulated second. Prints the worst overshoot (must be 0), the time to
# re-balance after a start or stop, and the profiles sent per session; writes
# docs/PERFORMANCE.md (section load-management).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SITES=${1:-50}
PER_SITE=${2:-10}
SEED=${3:-17}

mkdir -p "$LOCAL/bench/load-management"
log "building csms-load-sim (Release)"
cmake -S "$ROOT" -B "$BENCH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSMS_BUILD_TESTS=OFF >/dev/null
cmake --build "$BENCH_BUILD" -j "${CSMS_BUILD_JOBS:-$(nproc)}" --target csms-load-sim >/dev/null
out="$LOCAL/bench/load-management/result.txt"
status=0
"$BENCH_BUILD/csms-load-sim" "$SITES" "$PER_SITE" "$SEED" | tee "$out" || status=$?

body="$LOCAL/bench/load-management/section.md"
{
  echo "## Load management (simulated day)"
  echo
  echo "One simulated day of $SITES sites x $PER_SITE chargers through the server's planner"
  echo "(\`$(bench_command "$@")\`); see the script's header for the model."
  echo
  echo '```'
  cat "$out"
  echo '```'
} >"$body"
bench_write_section load-management "$body"
exit $status
