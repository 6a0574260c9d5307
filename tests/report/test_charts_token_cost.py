"""The token-cost report's charts draw from synthetic inputs, carry their data and say only what they show."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tokenecon.estimate import Estimate  # noqa: E402
from tokenecon.report.charts import token_cost as charts  # noqa: E402


def _takeaway(fig):
    return fig.tokenecon_alt.split("Takeaway: ", 1)[1]


def test_tornado_takeaway_names_a_bar_it_shows():
    bars = pd.DataFrame({"input": [f"x{i}" for i in range(12)] , "label": [f"input {i}" for i in range(12)],
                         "low_value": np.linspace(0.1, 0.3, 12), "high_value": np.linspace(0.9, 0.31, 12)})
    bars["swing"] = (bars.high_value - bars.low_value).abs()
    fig = charts.tornado(bars, 0.3, 12, 20)
    t = _takeaway(fig)
    assert t.startswith("input 0 moves the cost most") and "ranks 12 of 20" in t and "12 shown" in t
    assert len(fig.axes[0].get_yticklabels()) == 12 and fig.tokenecon_data is bars
    assert "no bar" in _takeaway(charts.tornado(bars.head(10), 0.3, None, 20))


def test_energy_against_batch_stops_at_the_memory_limit():
    curves = pd.DataFrame({"context_tokens": 2048, "batch": [1.0, 10.0, 100.0], "gpu_j_per_token": [5.0, 1.0, 0.3],
                           "max_feasible_batch": 10, "feasible": [True, True, False]})
    case = type("C", (), {"model": "m", "n_gpus": 8, "hardware": "H100", "batch": 10})()
    fig = charts.energy_against_batch(case, curves, pd.DataFrame(columns=["batch", "j_per_token"]), 5.0)
    line = fig.axes[0].get_lines()[0]
    assert list(line.get_xdata()) == [1.0, 10.0]  # the infeasible batch is not drawn
    assert "falls 5x" in _takeaway(fig) and "fits up to batch 10" in line.get_label()


def test_cost_stack_chart_states_the_share():
    stack = pd.DataFrame({"tokens": ["input", "output"], "capex": [0.01, 0.2], "other": [0.005, 0.1],
                          "electricity": [0.001, 0.015], "total": [0.016, 0.315], "total_low": [0.01, 0.1],
                          "total_high": [0.03, 0.8]})
    case = type("C", (), {"model": "m", "hardware": "H100", "country": "CN"})()
    fig = charts.cost_stack(case, stack, Estimate(0.031, 0.046, 0.065, "fraction"))
    assert "4.6% (3.1%–6.5%)" in _takeaway(fig)
    assert fig.axes[0].get_ylabel().startswith("Cost (USD per million tokens")


if __name__ == "__main__":
    pytest.main([__file__])
