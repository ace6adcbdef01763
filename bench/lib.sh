# Shared by the bench/*.sh scripts: a Release build, a private PostgreSQL cluster with a
# fresh database per run, the server on its own ports, /proc sampling, and the section of
# docs/PERFORMANCE.md each script owns. Benchmarks print figures; they never pass or fail
# on a timing.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

BENCH_PG_NAME=${BENCH_PG_NAME:-bench-pg}
BENCH_PG_PORT=${BENCH_PG_PORT:-54379}
BENCH_OCPP_PORT=${BENCH_OCPP_PORT:-9190}
BENCH_API_PORT=${BENCH_API_PORT:-8190}
BENCH_TOKEN=bench-admin-token
BENCH_BUILD=${BENCH_BUILD:-"$ROOT/build/release"}
CSMS_BIN="$BENCH_BUILD/src/csms"
LOADGEN_BIN="$BENCH_BUILD/src/loadgen/csms-loadgen"
PERF_DOC="$ROOT/docs/PERFORMANCE.md"
SERVER_PID=""

# bench_init <name>: build if needed, raise the descriptor limit, make a work directory.
bench_init() {
  BENCH_NAME=$1
  BENCH_DIR="$LOCAL/bench/$BENCH_NAME"
  mkdir -p "$BENCH_DIR"
  ensure_packages "${BUILD_PACKAGES[@]}" jq
  log "building csms and csms-loadgen (Release)"
  if ! { cmake -S "$ROOT" -B "$BENCH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSMS_BUILD_TESTS=OFF &&
    cmake --build "$BENCH_BUILD" -j "${CSMS_BUILD_JOBS:-1}" --target csms csms-loadgen; } >"$BENCH_DIR/build.log" 2>&1; then
    tail -n 30 "$BENCH_DIR/build.log" >&2
    log "build failed (full log: $BENCH_DIR/build.log)"
    exit 1
  fi
  # Both the server and the generator hold one descriptor per charger. As root the hard
  # limit may go up to fs.nr_open; otherwise the soft limit goes up to the hard one.
  if [ "$(id -u)" -eq 0 ]; then
    ulimit -Hn "$(cat /proc/sys/fs/nr_open)" 2>/dev/null || true
  fi
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  log "descriptor limit: $(ulimit -n)"
  : >"$BENCH_DIR/server.log"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Processes this script started (server, generators): stopped when it exits, however.
BENCH_PIDS=()
bench_cleanup() {
  local pid
  for pid in "$SERVER_PID" "${BENCH_PIDS[@]}"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$SERVER_PID" "${BENCH_PIDS[@]}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null
  done
  return 0
}

# bench_loadgen_bg <output json> <stderr file> <args...>: csms-loadgen in the background;
# LG_PID is the generator itself.
bench_loadgen_bg() {
  local out=$1 err=$2; shift 2
  "$LOADGEN_BIN" --url "$BENCH_URL" "$@" >"$out" 2>"$err" &
  LG_PID=$!
  BENCH_PIDS+=("$LG_PID")
}

psql_admin() { psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U csms -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_bench() { psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U csms -d "$BENCH_DB" -v ON_ERROR_STOP=1 -qtA "$@"; }

# bench_database: the private cluster (started if needed) and a fresh database for this run.
bench_database() {
  pg_ensure "$BENCH_PG_NAME" "$BENCH_PG_PORT" >/dev/null
  BENCH_DB="bench_${BENCH_NAME//-/_}"
  psql_admin -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
  BENCH_DB_URL="postgresql://csms@127.0.0.1:$BENCH_PG_PORT/$BENCH_DB"
  log "database: $BENCH_DB_URL"
}

# bench_seeded_database <stations> <days> <reuse>: this run's database with a synthetic
# history (csms seed, rollups rebuilt), or with reuse=1 the one an earlier run seeded (seeding
# a year takes minutes). Sets seed_out to what seeding printed.
bench_seeded_database() {
  if [ "$3" = 1 ]; then
    pg_ensure "$BENCH_PG_NAME" "$BENCH_PG_PORT" >/dev/null
    BENCH_DB="bench_${BENCH_NAME//-/_}"
    BENCH_DB_URL="postgresql://csms@127.0.0.1:$BENCH_PG_PORT/$BENCH_DB"
    "$CSMS_BIN" migrate --database.url="$BENCH_DB_URL" >/dev/null
    seed_out="reused the database of an earlier run"
  else
    bench_database
    log "seeding $1 stations x $2 days (and rebuilding the rollups)"
    seed_out=$("$CSMS_BIN" seed --stations="$1" --days="$2" --rebuild --database.url="$BENCH_DB_URL" \
      --log.level=warn 2>/dev/null)
  fi
  echo "$seed_out"
}

# bench_server_start [extra csms flags...]: runs csms in the background, waits for /readyz.
bench_server_start() {
  if curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_API_PORT/healthz" 2>/dev/null; then
    log "something already answers on 127.0.0.1:$BENCH_API_PORT (a server left running?); set BENCH_API_PORT / BENCH_OCPP_PORT"
    return 1
  fi
  CSMS_DATABASE_URL="$BENCH_DB_URL" CSMS_OCPP_LISTEN="127.0.0.1:$BENCH_OCPP_PORT" \
    CSMS_API_LISTEN="127.0.0.1:$BENCH_API_PORT" CSMS_API_TOKENS="$BENCH_TOKEN:admin" \
    CSMS_LOG_LEVEL="${BENCH_LOG_LEVEL:-warn}" ${BENCH_SERVER_WRAPPER:-} \
    "$CSMS_BIN" serve --config "$ROOT/config/csms.yaml" "$@" >>"$BENCH_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 "${BENCH_READY_TIMEOUT:-600}"); do
    if kill -0 "$SERVER_PID" 2>/dev/null && curl -fsS "http://127.0.0.1:$BENCH_API_PORT/readyz" >/dev/null 2>&1; then
      log "server ready (pid $SERVER_PID, ocpp 127.0.0.1:$BENCH_OCPP_PORT)"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$BENCH_DIR/server.log" >&2; log "server exited"; return 1; }
    sleep 0.2
  done
  log "server not ready"; return 1
}

bench_server_stop() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# An id token the simulated chargers authorize with, so sessions are Accepted.
bench_id_token() {
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$BENCH_API_PORT/api/v1/id-tokens" \
    -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' \
    -d '{"token":"LOADGEN01","status":"Accepted"}' || log "could not create the id token (continuing)"
}

# Resident memory (kB) and CPU time (clock ticks, user + system) of a process.
proc_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
proc_hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
proc_threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
# proc_cpu_percent <pid> <seconds>: CPU use over an interval, 100 = one core.
proc_cpu_percent() {
  local t0 t1 hz
  hz=$(getconf CLK_TCK)
  t0=$(proc_ticks "$1"); sleep "$2"; t1=$(proc_ticks "$1")
  awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$2" 'BEGIN { printf "%.1f", (b - a) / hz / s * 100 }'
}

BENCH_URL="ws://127.0.0.1:$BENCH_OCPP_PORT/ocpp"
# Runs csms-loadgen against the bench server in the foreground.
loadgen() { "$LOADGEN_BIN" --url "$BENCH_URL" "$@"; }

machine_details() {
  local cpu mem commit dirty=""
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || dirty=" (with uncommitted changes)"
  echo "- machine: $(nproc) CPUs ($cpu), $mem RAM, kernel $(uname -r)"
  echo "- commit: $commit$dirty; date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- server, PostgreSQL $(psql --version | awk '{print $3}') and csms-loadgen share this machine"
}

# bench_write_section <name> <file>: replaces the section of docs/PERFORMANCE.md between
# <!-- bench:<name> --> and <!-- /bench:<name> --> with the file's content (appended when
# the section is missing).
bench_write_section() {
  local name=$1 body=$2 begin="<!-- bench:$1 -->" end="<!-- /bench:$1 -->"
  mkdir -p "$(dirname "$PERF_DOC")"
  [ -f "$PERF_DOC" ] || printf '# Performance\n\nWritten by the bench/ scripts.\n' >"$PERF_DOC"
  if grep -qF "$begin" "$PERF_DOC"; then
    awk -v b="$begin" -v e="$end" -v f="$body" '
      $0 == b { print; while ((getline line < f) > 0) print line; skip = 1; next }
      $0 == e { skip = 0 }
      !skip { print }' "$PERF_DOC" >"$PERF_DOC.tmp" && mv "$PERF_DOC.tmp" "$PERF_DOC"
  else
    { echo; echo "$begin"; cat "$body"; echo "$end"; } >>"$PERF_DOC"
  fi
  log "updated $PERF_DOC (section $name)"
}

# section_head <title> <what was run> <loadgen command>: a docs/PERFORMANCE.md section up
# to the header of its figures table.
section_head() {
  echo "## $1"
  echo
  echo "$2"
  echo
  machine_details
  echo "- loadgen: \`$3\`"
  echo
  echo "| figure | value |"
  echo "|---|---|"
}

# The command line that ran this benchmark, for the document.
bench_command() { printf '%s' "bench/$(basename "$0")"; [ $# -gt 0 ] && printf ' %s' "$@"; echo; }

# bench_check_record <file>: looks up every transaction message csms-loadgen recorded as
# acknowledged (--record) in PostgreSQL. Prints "kind acknowledged found missing" lines,
# then duplicate 1.6 transactions (same station, connector and start time: a retried
# StartTransaction recorded twice).
bench_check_record() {
  local file=$1
  psql_bench <<SQL
CREATE TEMP TABLE acked (kind text, station text, txn text, seq int, evse int, ts timestamptz, n int);
\copy acked FROM '$file'
ANALYZE acked;
SELECT kind, count(*), count(*) FILTER (WHERE found), count(*) FILTER (WHERE NOT found)
FROM (
  SELECT a.kind,
    CASE a.kind
      WHEN 'start' THEN EXISTS (SELECT 1 FROM transactions t
                                WHERE t.station_id = a.station AND t.ocpp_transaction_id = a.txn)
      WHEN 'stop' THEN EXISTS (SELECT 1 FROM transactions t
                               WHERE t.station_id = a.station AND t.ocpp_transaction_id = a.txn
                                 AND t.stopped_at IS NOT NULL)
      WHEN 'event' THEN EXISTS (SELECT 1 FROM transactions t
                                JOIN transaction_events e ON e.transaction_id = t.id
                                WHERE t.station_id = a.station AND t.ocpp_transaction_id = a.txn
                                  AND e.seq_no = a.seq)
      WHEN 'meter' THEN (SELECT count(*) FROM meter_samples m
                         WHERE m.station_id = a.station AND m.evse_id = a.evse
                           AND m.sampled_at = a.ts) >= a.n
    END AS found
  FROM acked a) c
GROUP BY kind ORDER BY kind;
SELECT 'duplicate_starts', count(*), 0, 0 FROM (
  SELECT 1 FROM transactions WHERE protocol LIKE '%1.6'
  GROUP BY station_id, connector_id, started_at HAVING count(*) > 1) d;
SQL
}

# Clock ticks of the private PostgreSQL cluster: the postmaster and all its children.
pg_ticks() {
  local pm pid total=0 t
  pm=$(head -n 1 "$LOCAL/$BENCH_PG_NAME/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  for pid in "$pm" $(awk -v pm="$pm" '{ sub(/^.*\) /, ""); if ($2 == pm) print FILENAME }' /proc/[0-9]*/stat 2>/dev/null |
    cut -d/ -f3); do
    t=$(proc_ticks "$pid" 2>/dev/null) && total=$((total + t))
  done
  echo "$total"
}

# pg_and_server_cpu <seconds>: "server X %, PostgreSQL Y %, csms-loadgen Z %" over an interval.
pg_and_server_cpu() {
  local s0 p0 l0 s1 p1 l1 hz
  hz=$(getconf CLK_TCK)
  s0=$(proc_ticks "$SERVER_PID"); p0=$(pg_ticks); l0=$(proc_ticks "${LG_PID:-$$}" 2>/dev/null || echo 0)
  sleep "$1"
  s1=$(proc_ticks "$SERVER_PID"); p1=$(pg_ticks); l1=$(proc_ticks "${LG_PID:-$$}" 2>/dev/null || echo 0)
  awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v l=$((l1 - l0)) -v hz="$hz" -v t="$1" 'BEGIN {
    printf "server %.0f %%, PostgreSQL %.0f %%, csms-loadgen %.0f %%", s / hz / t * 100, p / hz / t * 100, l / hz / t * 100 }'
}

# bench_record_totals <output of bench_check_record>: sets ACKED, FOUND and LOST (summed over
# the kinds of message) and DUPS (duplicate 1.6 transactions).
bench_record_totals() {
  ACKED=$(echo "$1" | awk -F'|' '$1 != "duplicate_starts" { s += $2 } END { print s + 0 }')
  FOUND=$(echo "$1" | awk -F'|' '$1 != "duplicate_starts" { s += $3 } END { print s + 0 }')
  LOST=$(echo "$1" | awk -F'|' '$1 != "duplicate_starts" { s += $4 } END { print s + 0 }')
  DUPS=$(echo "$1" | awk -F'|' '$1 == "duplicate_starts" { print $2 }')
}
