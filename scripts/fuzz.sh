#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build/fuzz (ASan + UBSan), replays every
# input of fuzz/regressions/<target>/ once, then fuzzes each target for the given seconds
# (default 60) from the committed corpus. New inputs go to a scratch corpus under
# build/fuzz/corpus (kept between runs; the committed one is never written). Exits non-zero,
# naming the input, when a target crashes, leaks, times out or runs out of memory.
#
#   ./scripts/fuzz.sh [seconds-per-target]
#   CSMS_FUZZ_TARGETS="fuzz_frame" ./scripts/fuzz.sh 600     # one target, longer
source "$(dirname "$0")/common.sh"

SECONDS_PER_TARGET=${1:-60}
read -r -a TARGETS <<<"${CSMS_FUZZ_TARGETS:-fuzz_frame fuzz_ocpp_message fuzz_rest_body fuzz_http_request}"
BUILD="$ROOT/build/fuzz"

# -max_len per target: OCPP frames up to the default ocpp.max_frame_bytes (64 KiB), REST
# bodies as long (deep nesting needs a few KiB), HTTP requests up to a little over Beast's
# 8 KiB header limit.
max_len() {
  case $1 in
    fuzz_http_request) echo 16384 ;;
    *) echo 65536 ;;
  esac
}
dictionary() {
  case $1 in
    fuzz_rest_body) echo "$ROOT/fuzz/rest.dict" ;;
    fuzz_http_request) echo "$ROOT/fuzz/http.dict" ;;
    *) echo "$ROOT/fuzz/ocpp.dict" ;;
  esac
}

ensure_packages "${BUILD_PACKAGES[@]}" clang libfuzzer-14-dev
log "building fuzz targets in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCSMS_FUZZ=ON \
  -DCSMS_BUILD_TESTS=OFF -DCSMS_BUILD_UI=OFF >/dev/null
cmake --build "$BUILD" --target fuzzers -j "${CSMS_BUILD_JOBS:-$(nproc)}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failures=()

# A failed run names its input: a regression file, or the artifact libFuzzer wrote.
report_failure() {  # report_failure <target> <log> <input>
  log "$1 FAILED on $3 (log: $2)"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|invariant broken|.*runtime error)|^    #[0-9] ' "$2" | head -n 25 >&2 || true
  failures+=("$1: $3")
}

for target in "${TARGETS[@]}"; do
  binary="$BUILD/fuzz/$target"
  logs="$BUILD/logs"
  artifacts="$BUILD/artifacts/$target"
  scratch="$BUILD/corpus/$target"
  mkdir -p "$logs" "$artifacts" "$scratch"

  regressions=()
  if [ -d "$ROOT/fuzz/regressions/$target" ]; then
    while IFS= read -r -d '' file; do regressions+=("$file"); done \
      < <(find "$ROOT/fuzz/regressions/$target" -type f -print0 | sort -z)
  fi
  if [ ${#regressions[@]} -gt 0 ]; then
    for file in "${regressions[@]}"; do
      if ! "$binary" -timeout=10 -rss_limit_mb=2048 "$file" >"$logs/$target.regression.log" 2>&1; then
        report_failure "$target" "$logs/$target.regression.log" "$file"
      fi
    done
    log "$target: ${#regressions[@]} regression inputs replayed"
  fi

  log "$target: fuzzing for ${SECONDS_PER_TARGET}s"
  rm -f "$artifacts"/*
  status=0
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$(max_len "$target")" -dict="$(dictionary "$target")" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$scratch" "$ROOT/fuzz/corpus/$target" \
    >"$logs/$target.log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE' "$logs/$target.log" | tail -n 1 | sed "s/^/    $target /" >&2 || true
  if [ $status -ne 0 ]; then
    artifact=$(find "$artifacts" -type f | head -n 1)
    report_failure "$target" "$logs/$target.log" "${artifact:-(no input written; exit $status)}"
  fi
done

if [ ${#failures[@]} -gt 0 ]; then
  log "fuzzing found ${#failures[@]} failure(s):"
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
log "fuzzing: no failures (${TARGETS[*]})"
