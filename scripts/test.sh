#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, starts a private PostgreSQL
# (.local/pg-test) and runs every test through CTest. Arguments go to ctest (e.g. -L unit).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build "$ROOT/build/test" -DCMAKE_BUILD_TYPE=Debug -DCSMS_WERROR=ON -DCSMS_BUILD_TESTS=ON

if [ -f "$ROOT/tests/e2e/node/package.json" ]; then
  log "installing the Node test client (ocpp-rpc)"
  (cd "$ROOT/tests/e2e/node" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -f "$ROOT/tests/ui/package.json" ]; then
  log "installing the browser test driver (playwright-core)"
  (cd "$ROOT/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ -z "${CSMS_TEST_DATABASE_URL:-}" ]; then
  CSMS_TEST_DATABASE_URL=$(pg_ensure pg-test "${CSMS_TEST_PG_PORT:-54339}")
  export CSMS_TEST_DATABASE_URL
fi
log "test database: $CSMS_TEST_DATABASE_URL"
cd "$ROOT/build/test"
ctest --output-on-failure --timeout 600 "$@"
