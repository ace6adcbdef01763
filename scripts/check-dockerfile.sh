#!/usr/bin/env bash
# docker/Dockerfile's build stage copies the tree piece by piece: a new top-level directory
# the build reads but the Dockerfile does not copy breaks the image and nothing else (a
# full image build, scripts/docker-check.sh, is too slow for every CI run). Every tracked
# top-level directory must be copied, or be named below as one the image build does not read.
# Run by CTest (test "dockerfile").
set -uo pipefail
cd "$(dirname "$0")/.."
not_built=(
  .ci     # CI entry point
  bench   # benchmarks, run from a checkout
  docker  # the Dockerfile itself, compose file, probe
  docs    # documentation
  fuzz    # only with -DCSMS_FUZZ=ON (clang)
)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  dirs=$(git ls-files | grep / | cut -d/ -f1 | sort -u)
else
  dirs=$(find . -mindepth 1 -maxdepth 1 -type d ! -name build ! -name .local ! -name .git -printf '%f\n' | sort)
fi
status=0
for dir in $dirs; do
  [[ " ${not_built[*]} " == *" $dir "* ]] && continue
  if ! grep -qE "^COPY +$dir +$dir/?$" docker/Dockerfile; then
    echo "docker/Dockerfile does not copy $dir/ (add 'COPY $dir $dir' to its build stage, or name it in $0)"
    status=1
  fi
done
[ $status -eq 0 ] && echo "dockerfile ok"
exit $status
