#!/usr/bin/env bash
# Proves docker/Dockerfile without a Docker engine: builds the image with podman (through
# ../shared/tools/docker-build-check.sh, which makes the Debian base image locally when no
# registry is reachable), runs it against a private PostgreSQL and probes it from the host:
# /healthz, /readyz, a charger booting over OCPP and the station visible through REST.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TOOL=${DOCKER_BUILD_CHECK:-$ROOT/../shared/tools/docker-build-check.sh}
[ -x "$TOOL" ] || { log "need $TOOL (or set DOCKER_BUILD_CHECK)"; exit 2; }
ensure_packages postgresql nodejs npm curl
(cd "$ROOT/tests/e2e/node" && npm ci --no-audit --no-fund --loglevel=error)

URL=$(pg_ensure pg-docker "${CSMS_DOCKER_PG_PORT:-54369}")
API_PORT=${CSMS_DOCKER_API_PORT:-18980}
OCPP_PORT=${CSMS_DOCKER_OCPP_PORT:-19980}
TOKEN=docker-check-token
export DBC_RUN_ARGS="-e CSMS_DATABASE_URL=$URL -e CSMS_API_LISTEN=127.0.0.1:$API_PORT \
 -e CSMS_OCPP_LISTEN=127.0.0.1:$OCPP_PORT -e CSMS_API_TOKENS=$TOKEN:admin"
# DOCKER_CHECK_ARGS=-c reuses podman's layer cache from an earlier check.
exec "$TOOL" ${DOCKER_CHECK_ARGS:-} -r 40 -x "node $ROOT/docker/probe.mjs $API_PORT $OCPP_PORT $TOKEN" "$ROOT" docker/Dockerfile
