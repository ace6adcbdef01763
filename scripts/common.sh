# Shared by scripts/run.sh and scripts/test.sh: installs what is missing, builds, and keeps a
# private PostgreSQL cluster under .local/ (git-ignored) for when no database URL is given.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL="$ROOT/.local"

# Debian 12 / Ubuntu package names. libboost1.81-dev: Beast/Asio/URL (bookworm's default
# Boost is 1.74, too old for what we use).
BUILD_PACKAGES=(g++ cmake ninja-build pkg-config ccache git ca-certificates
  libboost1.81-dev libboost-url1.81-dev libpqxx-dev libpq-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev libssl-dev libgtest-dev libhowardhinnant-date-dev
  postgresql postgresql-client curl nodejs npm)
# chromium: the dashboard's browser tests (Playwright drives it; no browser is downloaded).
TEST_PACKAGES=(clang-format openssl chromium)

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node may come from elsewhere (nodesource, nvm): only ask apt when the commands are absent.
  if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null; then
    missing=("${missing[@]/nodejs}"); fi
  if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then
    missing=("${missing[@]/npm}"); fi
  local m=() x; for x in "${missing[@]}"; do [ -n "$x" ] && m+=("$x"); done
  [ ${#m[@]} -eq 0 ] && return 0
  log "installing: ${m[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q --no-install-recommends "${m[@]}" ||
    { as_root apt-get update -q && as_root apt-get install -y -q --no-install-recommends "${m[@]}"; }
}

# build <dir> <cmake args...>
build() {
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "${CSMS_BUILD_JOBS:-$(nproc)}"
}

pg_bindir() {
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || { log "PostgreSQL server binaries not found"; return 1; }
  echo "$d"
}

# pg_ensure <name> <port>: a private cluster in .local/<name>, started if not running.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
# Prints the connection URL.
pg_ensure() {
  local name=$1 port=$2 bin dir user=""
  bin=$(pg_bindir)
  dir="$LOCAL/$name"
  mkdir -p "$LOCAL"
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /nonexistent postgres
    chmod o+x "$ROOT" "$LOCAL" 2>/dev/null || true
  fi
  run_pg() { if [ -n "$user" ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating private PostgreSQL cluster in $dir"
    mkdir -p "$dir"; [ -n "$user" ] && chown "$user" "$dir"
    chmod 700 "$dir"
    run_pg "$bin/initdb" -D "$dir" -U csms --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = ''"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      echo "synchronous_commit = on"
    } >>"$dir/postgresql.conf"
  fi
  if ! run_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "starting private PostgreSQL on 127.0.0.1:$port"
    run_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { cat "$dir/server.log" >&2; return 1; }
  fi
  local db=csms
  run_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U csms -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 ||
    run_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U csms "$db"
  echo "postgresql://csms@127.0.0.1:$port/$db"
}
