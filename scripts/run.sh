#!/usr/bin/env bash
# Installs what is missing, builds, and runs the server. Without CSMS_DATABASE_URL it uses a
# private PostgreSQL cluster in .local/pg (kept across restarts). Extra arguments go to
# `csms serve`.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${BUILD_PACKAGES[@]}"
build "$ROOT/build/release" -DCMAKE_BUILD_TYPE=Release -DCSMS_BUILD_TESTS=OFF
if [ -z "${CSMS_DATABASE_URL:-}" ]; then
  CSMS_DATABASE_URL=$(pg_ensure pg "${CSMS_PG_PORT:-54329}")
  export CSMS_DATABASE_URL
fi
log "database: $CSMS_DATABASE_URL"
# Without api.tokens the server writes a generated admin token here (mode 0600), not to the log.
export CSMS_API_GENERATED_TOKEN_FILE=${CSMS_API_GENERATED_TOKEN_FILE:-$ROOT/.local/admin-token}
mkdir -p "$(dirname "$CSMS_API_GENERATED_TOKEN_FILE")"
exec "$ROOT/build/release/src/csms" serve --config "$ROOT/config/csms.yaml" "$@"
