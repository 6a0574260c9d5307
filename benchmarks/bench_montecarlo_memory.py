"""Peak memory of the Monte Carlo at 10^6 and 3×10^6 draws (target: 10^6 draws under 300 MB).

Run: ``PYTHONPATH=. python benchmarks/bench_montecarlo_memory.py``. Each size runs in a fresh process
(so one run's freed arrays do not hide another's peak) and reports two figures: the peak of memory
allocated by Python and numpy during the run (``tracemalloc``: the inputs and outputs kept, plus one chunk's
temporaries) and the process's peak resident set size over its baseline after imports (``ru_maxrss``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

CHILD = r"""
import json, resource, sys, time, tracemalloc
from tokenecon.model import serving
from tokenecon.model import montecarlo as mc
case = serving.reference_case("deepseek-v3", phase="output", scenario="reference", country="US")
mc.run(case.dists, case.point, case.electricity_usd_per_kwh, draws=1000, seed=0)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
draws = int(sys.argv[1])
tracemalloc.start()
t0 = time.perf_counter()
res = mc.run(case.dists, case.point, case.electricity_usd_per_kwh, draws=draws, seed=0)
dt = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"draws": draws, "seconds": dt, "tracemalloc_peak_mb": peak / 2**20, "rss_peak_mb": rss,
                  "rss_over_baseline_mb": rss - base}))
"""


def main() -> None:
    for draws in (1_000_000, 3_000_000):
        out = subprocess.run([sys.executable, "-c", CHILD, str(draws)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['draws']:>9,} draws: peak allocated {r['tracemalloc_peak_mb']:.0f} MB (target < 300 MB at 10^6), "
              f"process peak {r['rss_peak_mb']:.0f} MB ({r['rss_over_baseline_mb']:.0f} MB over the baseline after "
              f"imports); {r['seconds']:.2f} s (timed under tracemalloc, slower than bench_montecarlo.py)")


if __name__ == "__main__":
    main()
