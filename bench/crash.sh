#!/usr/bin/env bash
# bench/crash.sh [CHARGERS] [SECONDS]: a throughput run (1.6 and 2.0.1 chargers in
# sessions, MeterValues as fast as acknowledged) during which the server is killed with
# SIGKILL and started again. csms-loadgen records every acknowledged transaction message
# (--record); the chargers reconnect and retry what was not acknowledged. Afterwards every
# recorded message is looked up in PostgreSQL: acknowledged vs found (target: zero lost)
# and no duplicates after the retries.
# Environment: KILL_AFTER (seconds into the run, 15), DOWN (seconds the server stays down, 1),
# METERS (per session, 20), THREADS (1).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHARGERS=${1:-${CHARGERS:-1000}}
SECONDS_RUN=${2:-${DURATION:-45}}
KILL_AFTER=${KILL_AFTER:-15}
DOWN=${DOWN:-1}
METERS=${METERS:-20}
THREADS=${THREADS:-1}
COMMAND=$(bench_command "$@")

bench_init crash
bench_database
bench_server_start
bench_id_token

record="$BENCH_DIR/acked.tsv"
args=(--chargers "$CHARGERS" --protocol mix --ramp 2000 --sessions 1000000 --meters-per-session "$METERS"
  --meter-interval 0 --samples 4 --threads "$THREADS" --duration "$SECONDS_RUN" --reconnect
  --reconnect-min 0.5 --reconnect-max 2 --call-timeout 10 --id-prefix crash --record "$record" --json)
log "csms-loadgen ${args[*]}"
bench_loadgen_bg "$BENCH_DIR/loadgen.json" "$BENCH_DIR/loadgen.err" "${args[@]}"
sleep "$KILL_AFTER"
acked_before=$(wc -l <"$record")
log "SIGKILL to the server after $KILL_AFTER s (about $acked_before acknowledged so far)"
kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
sleep "$DOWN"
bench_server_start
wait "$LG_PID" || true
# Let the last batches commit before counting.
sleep 2

check=$(bench_check_record "$record")
bench_record_totals "$check"
acked=$ACKED found=$FOUND lost=$LOST dups=$DUPS
j="$BENCH_DIR/loadgen.json"
summary=$(jq -r '"\(.calls_per_second | floor) calls/s; connections dropped \(.connections.dropped), failed \(.connections.failed) (while the server was down); timeouts \([.actions[].timeouts] | add); CALLERRORs \(.call_errors | tostring)"' "$j")

body=$(mktemp)
{
  section_head "Durability under load (SIGKILL)" \
    "\`$COMMAND\` ($CHARGERS chargers, mixed 1.6 / 2.0.1, closed loop; the server killed with SIGKILL after $KILL_AFTER s, restarted after $DOWN s; chargers reconnect and retry unacknowledged messages)" \
    "csms-loadgen ${args[*]}"
  echo "| acknowledged transaction messages (recorded) | $acked |"
  echo "| found in PostgreSQL | $found |"
  echo "| lost (acknowledged, not found) | $lost |"
  echo "| duplicate 1.6 transactions after retries | $dups |"
  echo
  echo "By kind (kind, acknowledged, found, missing):"
  echo
  echo '```'
  echo "$check"
  echo '```'
  echo
  echo "loadgen: $summary"
  echo
  echo "Target: zero lost, nothing twice."
} >"$body"
cat "$body"
bench_write_section crash "$body"
rm -f "$body"
