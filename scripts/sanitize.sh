#!/usr/bin/env bash
# The unit and end-to-end suites once more, built with AddressSanitizer and
# UndefinedBehaviorSanitizer (a second build tree, build/asan). Any report fails the run.
# Arguments go to ctest (e.g. -R unit). .ci/run calls it after scripts/test.sh.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
dir="$ROOT/build/asan"
cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCSMS_WERROR=ON -DCSMS_BUILD_TESTS=ON \
  -DCSMS_SANITIZE=ON -DCSMS_BUILD_UI=OFF >/dev/null
cmake --build "$dir" -j "${CSMS_BUILD_JOBS:-$(nproc)}" --target csms csms_unit_tests csms_e2e_tests

if [ -z "${CSMS_TEST_DATABASE_URL:-}" ]; then
  CSMS_TEST_DATABASE_URL=$(pg_ensure pg-test "${CSMS_TEST_PG_PORT:-54339}")
  export CSMS_TEST_DATABASE_URL
fi
# halt_on_error: the first report fails the test that triggered it (the server's own report
# goes to its log, which the e2e tests print when they fail); leak checking is left to
# LeakSanitizer runs by hand (the process exits with threads of libpq still holding memory).
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
log "sanitizer run (AddressSanitizer + UndefinedBehaviorSanitizer)"
cd "$dir"
ctest --output-on-failure --timeout 900 -R '^(unit|e2e|e2e_tls)$' "$@"
