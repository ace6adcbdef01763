#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted as .clang-format says (generated files
# excepted). Run by CTest (test "format"); `clang-format -i <files>` mends it.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format is not installed"; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp')
else
  files=$(find src include tests fuzz -name node_modules -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print)
fi
files=$(echo "$files" | grep -v '/generated/')
clang-format --dry-run -Werror $files && echo "format ok"
