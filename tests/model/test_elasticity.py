"""tokenecon.model.elasticity: blended prices by hand, estimators on simulated panels with a known
elasticity, refusal of bad input, the scenarios by hand, and the report end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tokenecon import data
from tokenecon.model import elasticity as el
from tokenecon.model import pricing

TRUE_E = -1.1


# --------------------------------------------------------------------------- blended price

def test_blended_price_matches_hand_computation():
    # 1,000 prompt tokens of which 600 cached, 100 completion; $5 in, $25 out, $0.5 cache-read per M.
    # Bill (per M units) = 400 x 5 + 600 x 0.5 + 100 x 25 = 2000 + 300 + 2500 = 4800 over 1,100 tokens.
    assert el.blended_usd_per_mtok(1000, 100, 600, 5.0, 25.0, 0.5) == pytest.approx(4800 / 1100)
    # No cache price listed: cached tokens are charged at the input price: (1000 x 5 + 100 x 25) / 1100.
    assert el.blended_usd_per_mtok(1000, 100, 600, 5.0, 25.0, float("nan")) == pytest.approx(7500 / 1100)
    # Vectorised form gives the same numbers element by element.
    v = el.blended_usd_per_mtok([1000, 10], [100, 0], [600, 0], [5.0, 1.0], [25.0, 9.0], [0.5, 0.1])
    assert v[0] == pytest.approx(4800 / 1100) and v[1] == pytest.approx(1.0)


def test_mix_cost_equals_blended_price_for_the_same_mix():
    mix = el.mix_from_tokens(1000, 100, 600)
    assert sum(mix.values()) == pytest.approx(1)
    assert mix == pytest.approx({"input": 400 / 1100, "output": 100 / 1100, "cached": 600 / 1100})
    assert el.mix_cost_usd_per_mtok(mix, 5, 25, 0.5) == pytest.approx(el.blended_usd_per_mtok(1000, 100, 600, 5, 25, 0.5))


def test_panel_price_of_a_real_row_matches_the_table_by_hand():
    w = data.load("openrouter_weekly_top10")
    panel, _ = el.build_weekly_panel(w, data.load("model_price_events"), data.load("model_attributes"),
                                     data.load("labs"), mix="weekly")
    row = w[(w["model_slug"] == "anthropic/claude-4.6-opus-20260205") & (w["snapshot_date"] == "2026-02-23")].iloc[0]
    p, c, k = float(row["prompt_tokens"]), float(row["completion_tokens"]), float(row["cached_tokens"])
    by_hand = ((p - k) * row["prompt_usd_per_mtok"] + k * row["cache_read_usd_per_mtok"]
               + c * row["completion_usd_per_mtok"]) / (p + c)
    got = panel[(panel["model"] == "anthropic/claude-4.6-opus") & (panel["snapshot_date"] == "2026-02-23")]
    assert len(got) == 1
    assert got["price_usd_per_mtok"].iloc[0] == pytest.approx(by_hand, rel=1e-9)


def test_window_mix_holds_the_effective_price_fixed_without_list_price_changes():
    # Anthropic list prices never move in the panel, so with the window mix the effective price of
    # Opus 4.6 is constant, while the weekly mix makes it wander with cache hit rates.
    args = (data.load("openrouter_weekly_top10"), data.load("model_price_events"), data.load("model_attributes"))
    fixed, _ = el.build_weekly_panel(*args)
    weekly, _ = el.build_weekly_panel(*args, mix="weekly")
    f = fixed.loc[fixed["model"] == "anthropic/claude-4.6-opus", "price_usd_per_mtok"]
    wk = weekly.loc[weekly["model"] == "anthropic/claude-4.6-opus", "price_usd_per_mtok"]
    assert f.nunique() == 1 and wk.nunique() > 1


# --------------------------------------------------------------------------- estimators on simulated data

def test_fixed_effects_recovers_a_known_elasticity_and_naive_is_biased_by_quality():
    sim = el.simulate_panel(n_models=60, n_periods=26, elasticity=TRUE_E, change_share=0.5, seed=3)
    fe = el.fixed_effects(sim)
    naive = el.naive_cross_section(sim)
    naive_q = el.naive_cross_section(sim, control_quality=True)
    assert fe.identified and fe.n == len(sim)
    assert fe.elasticity == pytest.approx(TRUE_E, abs=0.1)
    assert fe.ci_low <= TRUE_E <= fe.ci_high
    # Dearer models are better and better models are used more: the naive slope is far above the truth.
    assert naive.elasticity > TRUE_E + 0.8
    assert not (naive.ci_low <= TRUE_E <= naive.ci_high)
    # Holding the confounder fixed removes the bias (quality is observed exactly in the simulation).
    assert naive_q.elasticity == pytest.approx(TRUE_E, abs=0.15)


def test_fixed_effects_is_unbiased_over_many_simulated_panels():
    est = [el.fixed_effects(el.simulate_panel(n_models=30, change_share=0.5, seed=s)).raw_coef for s in range(12)]
    assert np.mean(est) == pytest.approx(TRUE_E, abs=0.05)


def test_event_study_recovers_a_known_elasticity():
    sim = el.simulate_panel(n_models=60, n_periods=26, elasticity=TRUE_E, change_share=0.6, change_sd=0.6, seed=5)
    ev = el.event_windows(sim)
    res = el.event_study(sim)
    assert res.identified and res.n == len(ev) >= el.MIN_EVENTS
    assert res.elasticity == pytest.approx(TRUE_E, abs=0.15)
    # Slope through the origin, by hand.
    assert res.raw_coef == pytest.approx((ev["dlog_p"] * ev["dlog_share"]).sum() / (ev["dlog_p"] ** 2).sum())


def test_too_few_price_changes_are_reported_not_forced():
    sim = el.simulate_panel(n_models=30, change_share=0.0, seed=2)
    # two models change price once each
    for m, t0, jump in (("m01", 10, 0.5), ("m02", 15, -0.4)):
        sel = (sim["model"] == m) & (sim["period"] >= sim["period"].unique()[t0])
        sim.loc[sel, "price_usd_per_mtok"] *= math.exp(jump)
    info = el.identification_summary(sim)
    assert info["n_price_changes"] == 2 and info["n_models_with_changes"] == 2 and not info["identified"]
    res = el.fixed_effects(sim)
    assert not res.identified and math.isnan(res.elasticity) and math.isnan(res.ci_low)
    assert "2 within-model price changes" in res.note and "2026-01-05" in res.note
    assert math.isfinite(res.raw_coef)  # kept for diagnostics only
    assert not el.event_study(sim).identified


def test_simulated_coverage_reports_a_rate_between_0_and_1():
    cov = el.simulated_coverage(20, 12, 15, n_sims=10, seed=1)
    assert 0 <= cov["coverage"] <= 1 and cov["n_sims"] == 10
    assert cov["mean_estimate"] == pytest.approx(TRUE_E, abs=0.1)
    assert cov["mc_se"] == pytest.approx(math.sqrt(cov["coverage"] * (1 - cov["coverage"]) / 10))
    with pytest.raises(ValueError, match="n_sims"):
        el.simulated_coverage(20, 12, 15, n_sims=0)


def test_simulated_coverage_of_a_well_identified_panel_is_near_95_percent():
    # 60 models all changing price: the clustered interval should have close to nominal coverage.
    cov = el.simulated_coverage(60, 20, 60, n_sims=400, seed=2)
    assert cov["coverage"] == pytest.approx(0.95, abs=3 * cov["mc_se"] + 0.01)


def test_fixed_effects_matches_the_statsmodels_formula_and_the_within_estimator():
    import statsmodels.formula.api as smf

    sim = el.simulate_panel(n_models=25, n_periods=14, change_share=0.5, seed=7)
    fe = el.fixed_effects(sim)
    # second method: the same regression written as a formula (patsy builds the dummies)
    d = sim.assign(log_q=np.log(sim["tokens"]), log_p=np.log(sim["price_usd_per_mtok"]),
                   period=sim["period"].dt.strftime("%Y-%m-%d"))
    g = d["model"].astype("category").cat.codes
    fit = smf.ols("log_q ~ log_p + C(model) + C(period)", d).fit(cov_type="cluster", cov_kwds={"groups": g},
                                                                  use_t=True)
    assert fe.raw_coef == pytest.approx(fit.params["log_p"], rel=1e-9)
    assert (fe.raw_ci_low, fe.raw_ci_high) == pytest.approx(tuple(fit.conf_int().loc["log_p"]), rel=1e-9)
    # third method: two-way demeaning of the balanced panel (what the coverage simulation uses)
    s = sim.sort_values(["model", "period"])
    shape = (25, 14)
    b, lo, hi = el.balanced_twoway_fe(np.log(s["tokens"].to_numpy()).reshape(shape),
                                      np.log(s["price_usd_per_mtok"].to_numpy()).reshape(shape))
    assert (b, lo, hi) == pytest.approx((fe.raw_coef, fe.raw_ci_low, fe.raw_ci_high), rel=1e-9)
    # the residuals of the diagnostics are those of the same fit
    res = el.fe_residuals(sim)
    assert res["residual"].to_numpy() == pytest.approx(fit.resid.to_numpy(), abs=1e-9)


# --------------------------------------------------------------------------- bad input

def _tiny():
    return pd.DataFrame({"model": ["a", "a", "b", "b"], "period": pd.to_datetime(["2026-01-05", "2026-01-12"] * 2),
                         "tokens": [1e9, 2e9, 3e9, 4e9], "price_usd_per_mtok": [1.0, 0.5, 2.0, 2.0]})


def test_empty_panel_is_refused():
    with pytest.raises(el.PanelError, match="empty"):
        el.fixed_effects(_tiny().iloc[0:0])
    with pytest.raises(el.PanelError, match="empty"):
        el.naive_cross_section(_tiny().iloc[0:0])


@pytest.mark.parametrize("col,value", [("tokens", 0.0), ("tokens", -5.0), ("price_usd_per_mtok", 0.0),
                                       ("price_usd_per_mtok", -1.0), ("price_usd_per_mtok", float("nan"))])
def test_non_positive_tokens_or_prices_are_refused(col, value):
    p = _tiny()
    p.loc[1, col] = value
    with pytest.raises(el.PanelError, match=rf"column '{col}' must be finite and > 0"):
        el.fixed_effects(p)
    with pytest.raises(el.PanelError, match=col):
        el.event_study(p)


def test_missing_columns_and_bad_arguments_are_refused():
    with pytest.raises(el.PanelError, match=r"missing column\(s\) \['price_usd_per_mtok'\]"):
        el.naive_cross_section(_tiny().drop(columns="price_usd_per_mtok"))
    with pytest.raises(ValueError, match="unknown estimator 'ols'"):
        el.estimate(_tiny(), "ols")
    with pytest.raises(ValueError, match="cached_tokens must not exceed prompt_tokens"):
        el.blended_usd_per_mtok(100, 10, 200, 1, 1, 1)
    with pytest.raises(ValueError, match="input_usd_per_mtok must be finite and >= 0"):
        el.blended_usd_per_mtok(100, 10, 20, -1, 1, 1)
    with pytest.raises(ValueError, match="must sum to 1"):
        el.check_mix({"input": 0.5, "output": 0.1, "cached": 0.1})
    with pytest.raises(ValueError, match="exactly the keys"):
        el.check_mix({"input": 1.0})
    with pytest.raises(ValueError, match="price_ratio must be > 0"):
        el.price_gap_shift(-1.1, 0)
    with pytest.raises(el.PanelError, match="start '2026-05-01' is after end '2026-01-01'"):
        el.build_weekly_panel(data.load("openrouter_weekly_top10"), data.load("model_price_events"),
                              data.load("model_attributes"), start="2026-05-01", end="2026-01-01")


# --------------------------------------------------------------------------- scenarios

def test_price_gap_shift_by_hand():
    # Unit elasticity: spend splits evenly whatever the gap; tokens split 17:1.
    s = el.price_gap_shift(-1.0, 17.0)
    assert s["cheap_to_dear_tokens"] == pytest.approx(17) and s["cheap_token_share"] == pytest.approx(17 / 18)
    assert s["cheap_spend_share"] == pytest.approx(0.5)
    # Zero elasticity: tokens stay 50/50, spend follows the price ratio (1 : 17).
    z = el.price_gap_shift(0.0, 17.0)
    assert z["cheap_token_share"] == pytest.approx(0.5) and z["cheap_spend_share"] == pytest.approx(1 / 18)
    # -1.11: cheap/dear tokens = 17^1.11.
    assert el.price_gap_shift(-1.11, 17.0)["cheap_to_dear_tokens"] == pytest.approx(17 ** 1.11)


def test_workload_bill_by_hand():
    mix = {"input": 0.3, "output": 0.02, "cached": 0.68}
    dear = {"input_usd_per_mtok": 5.0, "output_usd_per_mtok": 25.0, "cache_read_usd_per_mtok": 0.5}
    cheap = {"input_usd_per_mtok": 0.3, "output_usd_per_mtok": 1.1, "cache_read_usd_per_mtok": 0.15}
    c0 = 0.3 * 5 + 0.02 * 25 + 0.68 * 0.5          # 2.34
    c1 = 0.3 * 0.3 + 0.02 * 1.1 + 0.68 * 0.15      # 0.214
    b = el.workload_bill(mix, dear, cheap)
    assert b["cost_from_usd_per_mtok"] == pytest.approx(c0) and b["cost_to_usd_per_mtok"] == pytest.approx(c1)
    assert b["saving_factor"] == pytest.approx(c0 / c1) and b["saving_eaten_share"] == pytest.approx(0)
    # Twice the tokens per task: bill ratio doubles; the share of the saving eaten is (2r - r) / (1 - r).
    r = c1 / c0
    b2 = el.workload_bill(mix, dear, cheap, token_multiplier=2.0)
    assert b2["bill_ratio"] == pytest.approx(2 * r) and b2["saving_eaten_share"] == pytest.approx(r / (1 - r))
    # Unit elasticity: usage rises by exactly the price fall, the bill is unchanged, the whole saving is eaten.
    b3 = el.workload_bill(mix, dear, cheap, elasticity=-1.0)
    assert b3["bill_ratio"] == pytest.approx(1.0) and b3["saving_eaten_share"] == pytest.approx(1.0)


def test_resolve_elasticity_sentinel_nan_and_fallback():
    sim = el.simulate_panel(n_models=60, change_share=0.5, seed=3)
    fe = el.fixed_effects(sim)
    assert el.resolve_elasticity(None, fe, -1.11, "anchor")[0] == fe.elasticity
    assert el.resolve_elasticity(float("nan"), fe, -1.11, "anchor")[0] == fe.elasticity
    assert el.resolve_elasticity(-0.5, fe, -1.11, "anchor") == (-0.5, "user-supplied")
    weak = el.fixed_effects(el.simulate_panel(n_models=30, change_share=0.0, seed=2).assign(
        price_usd_per_mtok=lambda d: np.where((d["model"] == "m01") & (d["period"] > "2026-03-01"), 2.0, 1.0)))
    value, label = el.resolve_elasticity(None, weak, -1.11, "NBER anchor")
    assert value == -1.11 and "not identified" in label
    naive = el.naive_cross_section(sim)
    value, label = el.resolve_elasticity(None, naive, -1.11, "anchor")
    assert value == naive.elasticity and "biased by quality" in label  # a cross-model slope never passes silently


# --------------------------------------------------------------------------- the real data

def test_naive_slope_reproduces_the_research_note_anchor():
    # research/tokens.md: OLS of log weekly tokens on log input list price, paid rows: +0.09, n = 231.
    w = data.load("openrouter_weekly_top10")
    paid = w[w["prompt_usd_per_mtok"] > 0]
    panel = pd.DataFrame({"model": paid["model_slug"], "period": paid["snapshot_date"],
                          "tokens": paid["total_tokens"].astype(float),
                          "price_usd_per_mtok": paid["prompt_usd_per_mtok"]})
    res = el.naive_cross_section(panel)
    anchor = data.load("elasticity_anchors").set_index("anchor_id").loc["research_note_naive_slope"]
    assert res.n == 231
    assert round(res.elasticity, 2) == anchor["elasticity"]
    # second method: numpy least squares
    x, y = np.log(panel["price_usd_per_mtok"]), np.log(panel["tokens"])
    assert res.elasticity == pytest.approx(np.polyfit(x, y, 1)[0])


def test_real_panel_identification_counts_are_consistent():
    panel, dropped = el.build_weekly_panel(data.load("openrouter_weekly_top10"), data.load("model_price_events"),
                                           data.load("model_attributes"), data.load("labs"))
    w = data.load("openrouter_weekly_top10")
    assert len(panel) + sum(dropped.values()) == len(w)
    info = el.identification_summary(panel)
    ch = el.price_changes(panel)
    # second count: walk each model's weeks by hand
    n = 0
    for _, g in panel.sort_values("period").groupby("model"):
        lp = np.log(g["price_usd_per_mtok"].to_numpy())
        n += int((np.abs(np.diff(lp)) >= el.PRICE_CHANGE_LOG_THRESHOLD).sum())
    assert info["n_price_changes"] == len(ch) == n
    assert set(panel["bloc"]) <= {"china", "us", "europe", "other"}


def test_bill_prices_come_from_the_tables_and_match_the_source_figures():
    # anchor_figures_handtranscribed C1/C2 (johnbean393 data/2026-02-23.json): M2.5 0.30/1.10/0.15, Opus 4.6 5/25/0.50.
    ev = data.load("model_price_events")
    m25 = pricing.listing_on("minimax/minimax-m2.5", "2026-02-23", feeds=("openrouter_list",), events=ev)
    opus = pricing.listing_on("anthropic/claude-4.6-opus", "2026-02-23", feeds=("openrouter_list",), events=ev)
    assert (m25["input_usd_per_mtok"], m25["output_usd_per_mtok"], m25["cache_read_usd_per_mtok"]) == (0.3, 1.1, 0.15)
    assert (opus["input_usd_per_mtok"], opus["output_usd_per_mtok"], opus["cache_read_usd_per_mtok"]) == (5.0, 25.0, 0.5)
    assert opus["input_usd_per_mtok"] / m25["input_usd_per_mtok"] == pytest.approx(50 / 3)  # the article's "about 17 times"


# --------------------------------------------------------------------------- the report

@pytest.mark.slow
def test_report_runs_with_defaults_and_states_identification(run_report):
    html = run_report("price_elasticity").read_text(encoding="utf-8")
    assert "order of magnitude" in html  # the takeaway
    assert "within-model price changes" in html
    assert "Passed unknown parameter" not in html
    assert "NBER w34608" in html
    assert "Warning" not in html.split("</style>")[-1]  # no statsmodels / pandas warning printed into the page
    # The answer comes first: identification counts, the anchors and the bill before any estimator detail.
    panel, _ = el.build_weekly_panel(data.load("openrouter_weekly_top10"), data.load("model_price_events"),
                                     data.load("model_attributes"), data.load("labs"))
    info = el.identification_summary(panel)
    answer = html[html.index('id="The-answer"'):html.index('id="Three-estimators"')]
    assert f"{info['n_price_changes']} within-model price changes, in {info['n_models_with_changes']} models" in answer
    assert info["window_start"] in answer and info["window_end"] in answer
    assert "-1.11" in answer and "-0.06" in answer  # both anchors
    assert "order of magnitude" in answer and "cheaper for the same tokens" in answer
    path = run_report("price_elasticity")
    records = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["records"]
    assert records["elasticity_fixed_effects"]["value"] is None  # not identified: not reported as a number
    assert records["bill_saving_factor"]["value"] > 10


@pytest.mark.slow
def test_report_honours_an_elasticity_override_and_estimator(run_report):
    html = run_report("price_elasticity", {"elasticity_override": -0.5, "estimator": "naive",
                                           "workload_mix": {"input": 0.3, "output": 0.02, "cached": 0.68}}
                      ).read_text(encoding="utf-8")
    assert "user-supplied" in html
    assert "-0.5" in html or "−0.5" in html
