#!/usr/bin/env bash
# bench/profile.sh [CHARGERS] [SECONDS]: profiles the server's hot path (frame -> parse ->
# validate -> domain -> store) under a closed-loop MeterValues / TransactionEvent load and
# names the top costs. Uses `perf record` on the server process when perf works here, else
# (or with PROFILER=callgrind) runs the server under valgrind --tool=callgrind with a
# lighter load. Also reports how the CPU splits between the server, PostgreSQL and the
# generator during the run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-${CHARGERS:-500}}
SECONDS_RUN=${2:-${DURATION:-30}}
PROFILER=${PROFILER:-perf}
TOP=${TOP:-30}
COMMAND=$(bench_command "$@")

bench_init profile
if [ "$PROFILER" = perf ] && ! perf stat -e task-clock true >/dev/null 2>&1; then
  log "perf does not work here (missing, or kernel.perf_event_paranoid); using callgrind"
  PROFILER=callgrind
fi
[ "$PROFILER" = callgrind ] && ensure_packages valgrind
bench_database
if [ "$PROFILER" = callgrind ]; then
  # Under callgrind the server runs some 50 times slower: fewer chargers, a longer handshake budget.
  CHARGERS=${1:-50}
  BENCH_SERVER_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=$BENCH_DIR/callgrind.out"
  BENCH_SERVER_WRAPPER+=" --dump-instr=no --collect-atstart=yes"
fi
bench_server_start
bench_id_token

args=(--chargers "$CHARGERS" --protocol mix --ramp 500 --sessions 1000000 --meters-per-session 100
  --meter-interval 0 --samples 4 --duration "$SECONDS_RUN" --warmup 5 --id-prefix prof --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"
sleep 5
cpu_split=$(pg_and_server_cpu 10)
if [ "$PROFILER" = perf ]; then
  # PostgreSQL's backends serving the server, profiled at the same time (the database is most
  # of the machine's work).
  pg_pids=$(psql_bench -c "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
  if [ -n "$pg_pids" ]; then
    perf record -F 999 -g -o "$BENCH_DIR/pg.data" -p "$pg_pids" -- sleep $((SECONDS_RUN - 20)) \
      >/dev/null 2>"$BENCH_DIR/pg-perf.err" &
    PG_PERF=$!
  fi
  perf record -F ${SERVER_PERF_FREQ:-999} ${SERVER_PERF_CALLGRAPH:--g} -o "$BENCH_DIR/perf.data" -p "$SERVER_PID" -- sleep $((SECONDS_RUN - 20)) \
    >/dev/null 2>"$BENCH_DIR/perf.err" || true
  [ -n "${PG_PERF:-}" ] && wait "$PG_PERF"
fi
wait "$LG_PID" || true
rate=$(jq '.calls_per_second | floor' "$BENCH_DIR/loadgen.json")
bench_server_stop

top_file="$BENCH_DIR/top.txt"
if [ "$PROFILER" = perf ]; then
  perf report -i "$BENCH_DIR/perf.data" --stdio --no-children -g none --sort symbol --percent-limit 0.3 2>/dev/null |
    grep -E '^ +[0-9]' | sed -E 's/json_abi_v3_11_2:://g; s/std::__cxx11:://g; s/ +$//' | head -n "$TOP" >"$top_file" || true
  by_dso=$(perf report -i "$BENCH_DIR/perf.data" --stdio --no-children -g none --sort dso 2>/dev/null |
    grep -E '^ +[0-9]' | sed -E 's/ +$//' | head -n 8 || true)
  pg_top=""
  if [ -f "$BENCH_DIR/pg.data" ]; then
    pg_top=$(perf report -i "$BENCH_DIR/pg.data" --stdio --no-children -g none --sort dso,symbol --percent-limit 0.5 2>/dev/null |
      grep -E '^ +[0-9]' | sed -E 's/ +$//' | head -n "$TOP" || true)
  fi
  tool="perf record -F 999 -g -p <server pid> (flat profile: self time by function)"
else
  callgrind_annotate --inclusive=no "$BENCH_DIR/callgrind.out" 2>/dev/null |
    grep -E '^ *[0-9,]+ ' | head -n "$TOP" >"$top_file" || true
  by_dso=""
  tool="valgrind --tool=callgrind (instructions by function, exclusive)"
fi

body=$(mktemp)
{
  echo "## Profile of the hot path"
  echo
  echo "\`$COMMAND\` ($CHARGERS chargers in closed-loop sessions, $rate calls/s during the run; $tool)"
  echo
  machine_details
  echo "- loadgen: \`csms-loadgen ${args[*]}\`"
  echo "- CPU split during the run (100 % = one core): $cpu_split"
  echo
  if [ -n "$by_dso" ]; then
    echo "Server time by library:"
    echo
    echo '```'
    echo "$by_dso"
    echo '```'
    echo
  fi
  if [ -n "${pg_top:-}" ]; then
    echo "PostgreSQL backends serving the server, self time by function (perf record -p <backend pids>):"
    echo
    echo '```'
    echo "$pg_top" | cut -c1-160
    echo '```'
    echo
  fi
  echo "Top $TOP functions of the server:"
  echo
  echo '```'
  cut -c1-160 "$top_file"
  echo '```'
} >"$body"
cat "$body"
bench_write_section profile "$body"
rm -f "$body"
