"""Cost arithmetic checked against hand computation and research/energy.md §3's worked example."""

import numpy as np
import pytest

from tokenecon.model import cost


def test_annuity_hand_computed():
    # 100 * 0.1 / (1 - 1.1**-5) = 10 / (1 - 0.620921) = 10 / 0.379079 = 26.3797
    assert cost.annuity(100, 0.10, 5) == pytest.approx(26.3797, abs=1e-4)
    # Zero rate is straight-line depreciation.
    assert cost.annuity(100, 0.0, 5) == pytest.approx(20.0)
    # Present value of the payments equals the capital (second method).
    pay = cost.annuity(42_000, 0.07, 6)
    pv = sum(pay / 1.07**t for t in range(1, 7))
    assert pv == pytest.approx(42_000)


def test_annuity_vectorised():
    out = cost.annuity(np.array([100.0, 100.0]), np.array([0.1, 0.0]), np.array([5.0, 4.0]))
    assert out == pytest.approx([26.3797, 25.0], abs=1e-4)


def _worked(**over):
    w = dict(cost.WORKED_EXAMPLE_US)
    w.update(over)
    return cost.usd_per_gpu_hour(**w)


def test_worked_example_us():
    g = _worked()
    # research/energy.md §3, US row: capex 1.265, facility 0.210, electricity 0.105, total 1.58, share 6.7%.
    assert g.capex == pytest.approx(1.265, abs=5e-4)
    assert g.facility == pytest.approx(0.210, abs=5e-4)
    assert g.electricity == pytest.approx(0.105, abs=5e-4)
    assert g.total == pytest.approx(1.58, abs=5e-3)
    assert g.electricity_share == pytest.approx(0.067, abs=5e-4)


def test_worked_example_other_rows():
    # No cost of capital: capex 42000/5/8760 = 0.959, facility 14014/15/8760 = 0.107.
    g = _worked(cost_of_capital=0.0)
    assert g.capex == pytest.approx(0.959, abs=5e-4)
    assert g.facility == pytest.approx(0.107, abs=5e-4)
    assert g.electricity_share == pytest.approx(0.090, abs=5e-4)
    # Three-year life: capex 1.928, share 4.7%.
    g = _worked(life_years=3.0)
    assert g.capex == pytest.approx(1.928, abs=5e-4)
    assert g.electricity_share == pytest.approx(0.047, abs=5e-4)
    # China, $6.12/W, PUE 1.25, $0.079: facility 0.115, electricity 0.099, total 1.48.
    g = _worked(facility_usd_per_w=6.12, pue=1.25, electricity_usd_per_kwh=0.079)
    assert g.facility == pytest.approx(0.115, abs=5e-4)
    assert g.electricity == pytest.approx(0.099, abs=5e-4)
    assert g.total == pytest.approx(1.48, abs=5e-3)
    # Fully depreciated GPU: marginal cash cost, electricity ~ one third.
    g = _worked(gpu_price_usd=0.0)
    assert g.electricity_share == pytest.approx(0.33, abs=5e-3)


def test_per_token_and_sensitivity():
    g = _worked()
    # DeepSeek production rate ~1,070 output tok/s per GPU at full use: 3.852M tokens per hour.
    tph = cost.tokens_per_gpu_hour(1070.0, 1.0)
    assert tph == pytest.approx(3.852e6)
    d = cost.usd_per_mtok(g, tph)
    assert d["total"] == pytest.approx(1.5804 / 3.852, rel=1e-3)  # ~$0.41 per M output tokens
    assert d["electricity"] == pytest.approx(0.1053 / 3.852, rel=1e-3)  # ~$0.027
    assert d["capex"] + d["electricity"] + d["other"] == pytest.approx(d["total"])
    # 40% cheaper power: direct recomputation equals the share formula.
    cheap = cost.usd_per_mtok(_worked(electricity_usd_per_kwh=0.081 * 0.6), tph)
    rel = cheap["total"] / d["total"] - 1
    assert rel == pytest.approx(cost.electricity_price_sensitivity(d["electricity_share"], -0.4))
    assert rel == pytest.approx(-0.4 * 0.0666, abs=2e-4)


def test_utilisation_and_idle():
    # Busy 1.0 kW, idle 0.2 kW, 75% utilisation -> 0.8 kW average.
    assert cost.average_it_kw(1.0, 0.2, 0.75) == pytest.approx(0.8)
    assert cost.tokens_per_gpu_hour(1000.0, 0.5) == pytest.approx(1.8e6)
    # kWh per M tokens: 0.8 kW * 1.3 PUE per hour / 1.8 M tokens per hour = 0.5778.
    assert cost.facility_kwh_per_mtok_from_power(0.8, 1.3, 1.8e6) == pytest.approx(0.8 * 1.3 / 1.8)


def test_gross_margin():
    assert cost.gross_margin(2.0, 0.5) == pytest.approx(0.75)
    assert cost.gross_margin(1.0, 1.5) == pytest.approx(-0.5)


def test_deepseek_disclosure_arithmetic():
    d = cost.DEEPSEEK_DAY6
    assert d.gpus == pytest.approx(1814.0)
    # 1814 GPUs * 24 h * $2 = $87,072 per day: the disclosure is self-consistent.
    assert d.gpu_hours_per_day * d.usd_per_gpu_hour == pytest.approx(d.cost_usd_per_day)
    # 168e9 / 86400 / 1814 = 1071.9 output tokens/s per GPU; $87,072 / 168,000 M = $0.518.
    assert d.output_tokens_per_second_per_gpu == pytest.approx(1071.9, abs=0.1)
    assert d.usd_per_mtok_output_all_cost == pytest.approx(0.5183, abs=1e-4)
    # 10.2 kW per 8-GPU node, PUE 1.3: 1814*24*1.275*1.3 kWh / 168,000 M = 0.429 kWh/M.
    assert d.kwh_per_mtok_output(1.275, 1.3) == pytest.approx(1814 * 24 * 1.275 * 1.3 / 168_000)


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("gpu_price_usd", -1.0, "gpu_price_usd"),
        ("pue", 0.9, "pue"),
        ("electricity_usd_per_kwh", -0.01, "electricity_usd_per_kwh"),
        ("life_years", 0.0, "life_years"),
        ("cost_of_capital", 1.5, "cost_of_capital"),
        ("server_multiplier", 0.5, "server_multiplier"),
        ("it_kw", float("nan"), "it_kw"),
        ("gpu_price_usd", "cheap", "gpu_price_usd"),
    ],
)
def test_bad_inputs_name_the_parameter(field, value, match):
    with pytest.raises(ValueError, match=match):
        _worked(**{field: value})


def test_bad_per_token_inputs():
    with pytest.raises(ValueError, match="utilisation"):
        cost.tokens_per_gpu_hour(1000.0, 0.0)
    with pytest.raises(ValueError, match="tokens_per_second_per_gpu"):
        cost.tokens_per_gpu_hour(-5.0, 0.5)
    with pytest.raises(ValueError, match="list_price_usd_per_mtok"):
        cost.gross_margin(0.0, 1.0)


# --------------------------------------------------------------------------- the token_cost report

def test_notebook_is_committed_clean_with_parameters():
    import json

    from tokenecon import paths

    nb = json.loads((paths.NOTEBOOKS_DIR / "token_cost.ipynb").read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    assert cells[1]["metadata"].get("tags") == ["parameters"]
    params = "".join(cells[1]["source"])
    for p in ("model", "hardware", "country", "batch", "context", "utilisation", "pue", "electricity_usd_per_kwh",
              "gpu_price_usd", "life_years", "draws", "seed", "user_tokens_per_s"):
        assert f"\n{p}:" in "\n" + params, p
    for c in cells:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None
    src = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert src.count("R.takeaway(") == 1


@pytest.mark.slow
def test_token_cost_report_answers_first_and_records_its_figures(run_report):
    """The report at its defaults (the session's build): the verdict first, the records the landing page and the
    fact-check read. Parameters reaching a notebook are tested on the token-share, elasticity and tracker reports,
    and every token_cost parameter's validation in tests/report/test_faults.py."""
    import json

    html = run_report("token_cost")
    text = html.read_text(encoding="utf-8")
    assert "electricity derivative" in text
    rec = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))  # the runner's record sidecar
    blob = json.dumps(rec["records"])
    assert "electricity_share_output" in blob and "cheaper_power_40pct_effect" in blob
    assert "carbon_g_per_mtok_output_cn" in blob and "carbon_g_per_mtok_output_us" in blob
    # The answer comes first: the verdict (with its interval) precedes the first analysis section.
    verdict_at = min(text.find(v + ": electricity is") for v in ("No", "Partly", "Yes") if text.find(v + ": electricity is") >= 0)
    assert 0 <= verdict_at < text.find("Energy per token against batch and context")
    assert "Carbon: a token on China" in text


@pytest.mark.slow
def test_token_cost_report_refuses_a_zero_user_speed(run_report):
    with pytest.raises(BaseException, match="user_tokens_per_s"):
        run_report("token_cost", {"draws": 50, "user_tokens_per_s": 0.0})


@pytest.mark.slow
def test_token_cost_report_refuses_bad_override(run_report):
    with pytest.raises(BaseException, match="pue"):
        run_report("token_cost", {"draws": 50, "pue": 0.5})


def test_deepseek_disclosure_is_read_from_the_cost_anchors_table():
    """One definition: the disclosed day (nodes, tokens, cost) comes from cost_anchors, not from typed numbers."""
    from tokenecon import data
    from tokenecon.model import serving

    a = data.load("cost_anchors").set_index("anchor")["value"]
    d = cost.DEEPSEEK_DAY6
    assert d.gpus == a["deepseek_nodes"] * 8 == a["deepseek_gpus"]
    assert d.cost_usd_per_day == pytest.approx(d.gpus * 24 * d.usd_per_gpu_hour) == a["deepseek_cost_per_day"]
    assert (d.input_tokens_per_day, d.output_tokens_per_day) == (a["deepseek_input_tokens"], a["deepseek_output_tokens"])
    assert serving.DEEPSEEK_NODE_OUTPUT_TOKENS_PER_S == a["deepseek_decode_node_tput"]
