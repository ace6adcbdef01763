#!/usr/bin/env bash
# The module boundaries of ../shared/DESIGN.md section 3 that the compiler cannot see:
# libpqxx only in src/store, Boost.Beast only in src/server (and in the standalone load
# generator, src/loadgen); domain, charging and ocpp stay free of I/O libraries. Run by
# CTest (test "layers").
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
check() {  # check <pattern> <allowed dir> <what>
  local hits
  hits=$(grep -rlE "$1" src include | grep -vE "^$2" || true)
  if [ -n "$hits" ]; then
    echo "$3 outside $2:"; echo "$hits" | sed 's/^/  /'; status=1
  fi
}
check '#include <pqxx' 'src/store/' 'libpqxx'
check '#include <boost/beast' 'src/(server|loadgen)/' 'Boost.Beast'
check '#include <boost/asio' 'src/(server|loadgen)/' 'Boost.Asio'
for pure in domain charging ocpp; do
  hits=$(grep -rlE '#include <(pqxx|boost/|spdlog)' "src/$pure" "include/csms/$pure" 2>/dev/null || true)
  if [ -n "$hits" ]; then echo "I/O library in pure module $pure:"; echo "$hits" | sed 's/^/  /'; status=1; fi
done
# Services never see OCPP types.
hits=$(grep -rl 'csms/ocpp/' src/charging include/csms/charging src/domain include/csms/domain 2>/dev/null || true)
if [ -n "$hits" ]; then echo "services including ocpp headers:"; echo "$hits" | sed 's/^/  /'; status=1; fi
[ $status -eq 0 ] && echo "layers ok"
exit $status
