"""Time Monte Carlo draws of the cost/energy stack on one core (target: 10^6 draws under 0.5 s).

Run: ``PYTHONPATH=. python benchmarks/bench_montecarlo.py``. Prints the best of several repeats of
drawing every uncertain input (and the reference scenario's per-user speed, interpolated on its grid of
operating points) and evaluating the whole stack (energy per token, cost per M tokens by component,
electricity share) chunk by chunk, for the package's reference serving point. Peak memory is measured by
``benchmarks/bench_montecarlo_memory.py``. Not a timed test: the figure depends on the machine.
"""

from __future__ import annotations

import os

# One core: keep any BLAS threads out of the timing.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

from tokenecon.model import serving  # noqa: E402
from tokenecon.model import montecarlo as uncertainty

DRAWS = 1_000_000
REPEATS = 5


def main() -> None:
    case = serving.reference_case("deepseek-v3", phase="output", scenario="reference", country="US")
    dists, point, price = case.dists, case.point, case.electricity_usd_per_kwh
    uncertainty.run(dists, point, price, draws=1000, seed=0)  # warm-up
    times = []
    for i in range(REPEATS):
        t0 = time.perf_counter()
        res = uncertainty.run(dists, point, price, draws=DRAWS, seed=i)
        times.append(time.perf_counter() - t0)
    best, median = min(times), sorted(times)[len(times) // 2]
    share = res.estimate("electricity_share")
    print(f"Monte Carlo, {DRAWS:,} draws x {len(uncertainty.INPUT_NAMES)} inputs, one core: "
          f"best {best:.3f} s, median {median:.3f} s over {REPEATS} runs (target < 0.5 s; per-user speed drawn: "
          f"{point.uncertain})")
    print(f"(last run: electricity share median {share.central:.3f}, 90% interval {share.low:.3f}-{share.high:.3f})")

    # The Monte Carlo evaluates the roofline once and scales it by residual factors. For scale, the same
    # number of draws pushed through the roofline itself (efficiency factors as arrays):
    import numpy as np

    from tokenecon.model import energy

    rng = np.random.default_rng(0)
    flop_util = rng.uniform(0.2, 0.5, DRAWS)
    bw_util = rng.uniform(0.6, 0.95, DRAWS)
    rt = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        energy.token_energy(case.model, case.hardware, batch=case.batch, context=case.context, phase="decode",
                            n_gpus=case.n_gpus, flop_util=flop_util, bw_util=bw_util)
        rt.append(time.perf_counter() - t0)
    print(f"Roofline itself on {DRAWS:,} efficiency draws: best {min(rt):.3f} s")


if __name__ == "__main__":
    main()
