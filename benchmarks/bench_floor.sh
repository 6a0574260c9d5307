#!/usr/bin/env bash
# The runner's overhead against its floor: `tokenecon reports --force -j 2` beside the same notebooks'
# code run as plain Python scripts, two at a time (no kernel, no papermill, no HTML). The scripts are
# built here from the committed notebooks: their code cells in order (the parameters cell gives the
# defaults) under the Agg backend. Medians of RUNS alternating runs (default 3).
# Usage: benchmarks/bench_floor.sh [RUNS]     prints both medians and their ratio
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
py=$root/.venv/bin/python
work=$(mktemp -d "${TMPDIR:-/tmp}/tokenecon-bench-floor-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scripts" "$work/reports"

"$py" - "$root/notebooks" "$work/scripts" <<'EOF'
import json, sys
from pathlib import Path

PRELUDE = "import matplotlib\nmatplotlib.use(\"Agg\")\n\n"
for nb_path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in nb["cells"] if c["cell_type"] == "code"]
    body = "\n\n".join(cells) + "\n"
    (Path(sys.argv[2]) / f"{nb_path.stem}.py").write_text(PRELUDE + body, encoding="utf-8")
EOF

floor() {
  (cd "$root" && ls "$work"/scripts/*.py | MPLBACKEND=Agg SOURCE_DATE_EPOCH=946684800 PYTHONHASHSEED=0 \
     xargs -P 2 -I{} sh -c '"$0" "$1" >/dev/null 2>"$1.err" || { echo "$1 failed:"; tail -5 "$1.err"; exit 255; }' "$py" {})
}
runner() { (cd "$root" && .venv/bin/tokenecon reports --force -j 2 --out "$work/reports" >/dev/null 2>"$work/runner.err") \
             || { echo "tokenecon reports failed:"; tail -5 "$work/runner.err"; exit 1; }; }
now() { date +%s.%N; }

fl=(); rn=()
for i in $(seq "$runs"); do
  s=$(now); floor; e=$(now); fl+=("$("$py" -c "print(f\"{$e - $s:.2f}\")")")
  s=$(now); runner; e=$(now); rn+=("$("$py" -c "print(f\"{$e - $s:.2f}\")")")
  echo "run $i: plain scripts ${fl[-1]} s, tokenecon reports ${rn[-1]} s"
done
"$py" - "${fl[*]}" "${rn[*]}" <<'EOF'
import statistics, sys
f = statistics.median(map(float, sys.argv[1].split()))
r = statistics.median(map(float, sys.argv[2].split()))
print(f"plain scripts (-P 2)              {f:6.1f} s (median)")
print(f"tokenecon reports --force -j 2    {r:6.1f} s (median)")
print(f"ratio                             {r / f:6.2f}x")
EOF
