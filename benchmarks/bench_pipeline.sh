#!/usr/bin/env bash
# Wall times of the report pipeline on a fresh clone: first `make reports` (bootstrap included),
# a no-op `make reports`, a `--force` rebuild, and `make test`.
# Usage: benchmarks/bench_pipeline.sh [RAW_MIRROR]   (default: ../shared/sources beside the project)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
raw=${1:-$src/../shared/sources}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$src" "$work/main"
[ -d "$raw" ] && export TOKENECON_RAW=$(cd "$raw" && pwd)
cd "$work/main"
t() { local label=$1; shift; local s=$(date +%s.%N); "$@" >"$work/$label.log" 2>&1 || { echo "$label failed, see log:"; tail -20 "$work/$label.log"; exit 1; }; python3 -c "import sys; print(f\"{sys.argv[1]:<28} {float(sys.argv[3]) - float(sys.argv[2]):7.1f} s\")" "$label" "$s" "$(date +%s.%N)"; }
t "make reports (first)" make reports
t "make reports (no-op)" make reports
t "tokenecon reports --force" .venv/bin/tokenecon reports --force
t "make test" make test
grep -E "passed|failed" "$work/make test.log" | tail -1
