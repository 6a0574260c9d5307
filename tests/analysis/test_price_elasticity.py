"""The price-elasticity report's computations, checked by hand on constructed inputs and, on the curated data,
against a second route through the tables (the pricing module's own mix price, the source's list prices)."""

import math

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import price_elasticity as pe
from tokenecon.model import pricing

OPUS_P = {"input_usd_per_mtok": 5.0, "output_usd_per_mtok": 25.0, "cache_read_usd_per_mtok": 0.5}
M25_P = {"input_usd_per_mtok": 0.3, "output_usd_per_mtok": 1.1, "cache_read_usd_per_mtok": 0.15}
MIX = {"input": 0.3, "output": 0.02, "cached": 0.68}


def _panel(rows):
    return pd.DataFrame(rows, columns=["model", "period", "tokens", "requests", "prompt_tokens", "completion_tokens",
                                       "cached_tokens"])


def test_bill_prices_are_the_article_week_list_prices():
    # johnbean393 data/2026-02-23.json (anchor_figures_handtranscribed C1/C2): Opus 4.6 5/25/0.50, M2.5 0.30/1.10/0.15
    opus, m25 = pe.bill_prices("2026-02-23")
    assert opus == OPUS_P and m25 == M25_P
    assert pe.input_price_gap(opus, m25) == pytest.approx(50 / 3)  # "about 17 times"
    with pytest.raises(ValueError, match="parameter bill_date='2000-01-01'"):
        pe.bill_prices("2000-01-01")


def test_bill_cases_by_hand():
    # Opus: 0.3*5 + 0.02*25 + 0.68*0.5 = 2.34 USD/M; M2.5: 0.3*0.3 + 0.02*1.1 + 0.68*0.15 = 0.214 USD/M
    tpr = pd.Series([0.8, 0.9, 1.2])
    bills = pe.bill_cases(MIX, OPUS_P, M25_P, e_a16z=-0.06, e_nber=-1.0, e_used=-0.5, e_label="override",
                          tpr_ratio=tpr)
    assert len(bills) == 6  # same tokens, tokens per request, a16z, NBER, the one used, both together
    b0, b1 = bills.iloc[0], bills.iloc[1]
    assert b0["cost_from_usd_per_mtok"] == pytest.approx(2.34) and b0["cost_to_usd_per_mtok"] == pytest.approx(0.214)
    assert b0["saving_factor"] == pytest.approx(2.34 / 0.214) and b0["bill_ratio"] == pytest.approx(0.214 / 2.34)
    assert b1["token_multiplier"] == 0.9 and b1["bill_ratio"] == pytest.approx(0.9 * 0.214 / 2.34)
    # unit elasticity: usage grows by exactly the price cut, so the bill is unchanged
    assert bills.iloc[3]["bill_ratio"] == pytest.approx(1.0)
    # elasticity -0.5 and 0.9 tokens per token: 0.9 * (0.214/2.34)^(1-0.5)
    assert bills.iloc[5]["bill_ratio"] == pytest.approx(0.9 * math.sqrt(0.214 / 2.34))
    # the used elasticity equal to an anchor adds no row; no tokens-per-request week gives a multiplier of 1
    same = pe.bill_cases(MIX, OPUS_P, M25_P, e_a16z=-0.06, e_nber=-1.0, e_used=-1.0, e_label="NBER",
                         tpr_ratio=pd.Series(dtype=float))
    assert len(same) == 5 and same.iloc[1]["token_multiplier"] == 1.0


def test_price_gap_table_by_hand():
    # gap 4: at e=-1 cheap/dear tokens = 4 (share 0.8) and spend 1 (share 0.5); at e=-0.5 tokens 2 (share 2/3)
    t = pe.price_gap_table(4.0, e_a16z=-0.5, e_nber=-2.0, e_used=-0.3, e_label="override")
    assert list(t["source"]) == ["override", "a16z/OpenRouter reading", "unit elasticity", "NBER w34608"]
    assert list(t["used"]) == [True, False, False, False]
    unit = t.set_index("source").loc["unit elasticity"]
    assert unit["cheap_token_share"] == pytest.approx(0.8) and unit["cheap_spend_share"] == pytest.approx(0.5)
    assert t.set_index("source").loc["a16z/OpenRouter reading", "cheap_token_share"] == pytest.approx(2 / 3)
    assert len(pe.price_gap_table(4.0, e_a16z=-0.5, e_nber=-2.0, e_used=-2.0, e_label="x")) == 3


def test_workload_mix_and_tokens_per_request():
    p = _panel([(pe.OPUS, "w1", 100, 10, 90, 10, 60), (pe.OPUS, "w2", 200, 10, 180, 20, 100),
                (pe.M25, "w1", 300, 40, 280, 20, 100), (pe.M25, "w3", 50, 5, 40, 10, 0)])
    mix, label = pe.workload_mix(p)
    # prompt 270 (cached 160), completion 30: uncached 110/300, output 30/300, cached 160/300
    assert mix == pytest.approx({"input": 110 / 300, "output": 0.1, "cached": 160 / 300})
    assert "2 weeks" in label
    assert pe.workload_mix(p, MIX) == (MIX, "user-supplied mix")
    with pytest.raises(ValueError, match="workload_mix"):
        pe.workload_mix(p[p["model"] != pe.OPUS])
    r = pe.tokens_per_request_ratio(p)
    assert list(r.index) == ["w1"] and r["w1"] == pytest.approx((300 / 40) / (100 / 10))  # only w1 has both
    assert pe.tokens_per_request_ratio(p[p["model"] == pe.M25]).empty


def test_corroboration_and_summary():
    changes = pd.DataFrame({"model": ["a", "b"], "period": pd.to_datetime(["2026-01-05", "2026-01-05"])})
    panel = pd.DataFrame({"model": ["a", "b"], "period": pd.to_datetime(["2026-01-05", "2026-01-05"]),
                          "price_feed": ["openrouter_list", "openrouter_list"], "bloc": ["china", "us"],
                          "open_weights": [True, None]})
    events = pd.DataFrame({"model_base": ["a", "a", "b", "b"], "feed": ["other", "openrouter_list", "other", "other"],
                           "date": ["2026-01-15", "2026-01-05", "2026-01-25", "2025-12-01"]})
    ch = pe.corroborated_changes(changes, panel, events)
    assert list(ch["corroborated"]) == [True, False]  # a: other feed 10 days later; b: 20 and 35 days away
    assert list(pe.corroborated_changes(changes, panel, events, days=20)["corroborated"]) == [True, True]
    c = pe.changes_summary(ch)
    assert (c["n"], c["china"], c["open_weights"], c["corroborated"]) == (2, 1, 1, 1)
    assert c["feeds"].to_dict() == {"openrouter_list": 2}


def test_per_model_changes_launch_means_and_pairwise_reading():
    panel = pd.DataFrame({"model": ["a", "a", "a", "b"], "period": [1, 2, 3, 1], "bloc": ["china"] * 3 + ["us"]})
    per = pe.per_model_changes(panel, pd.DataFrame({"model": ["a"]}))
    assert list(per.index) == ["b", "a"] and per.loc["a", "price_changes"] == 1 and per.loc["b", "weeks"] == 1
    prof = pd.DataFrame({"weeks_since_launch": [0, 1, 2, 4, 6], "log_share": [-1.0, -3.0, 9.0, -2.0, -4.0]})
    assert pe.launch_means(prof) == (-2.0, -3.0)
    wk = pd.DataFrame({"model": [pe.OPUS, pe.M25], "snapshot_date": pd.to_datetime(["2026-02-16"] * 2),
                       "tokens": [1.0, 4.0], "price_usd_per_mtok": [16.0, 1.0]})
    pw = pe.pairwise_reading(wk, "2026-02-16")
    assert pw == {"token_ratio": 4.0, "price_ratio": 16.0, "elasticity": pytest.approx(-0.5)}  # 16^0.5 = 4
    assert pe.pairwise_reading(wk, "2026-02-23") is None


def test_study_on_the_curated_data_matches_a_second_route():
    s = pe.study(coverage_sims=20)
    assert s.bill_date == "2026-02-16" and s.gap == pytest.approx(50 / 3)
    assert s.info["n_price_changes"] == len(s.changes) == pe.changes_summary(s.changes)["n"]
    # the fixed-token bill from Opus 4.6's summed tokens through the pricing module's own mix price
    o = s.panel[s.panel["model"] == pe.OPUS]
    toks = (o["prompt_tokens"].sum(), o["completion_tokens"].sum(), o["cached_tokens"].sum())
    c0 = pricing.mix_usd_per_mtok(*toks, *(s.prices_opus[k] for k in pe.PRICE_KEYS))
    c1 = pricing.mix_usd_per_mtok(*toks, *(s.prices_m25[k] for k in pe.PRICE_KEYS))
    assert s.bills.iloc[0]["saving_factor"] == pytest.approx(c0 / c1)
    assert s.bill_at[s.e_nber]["bill_ratio"] == pytest.approx((c1 / c0) ** (1 + s.e_nber))
    anchors = data.load("elasticity_anchors").set_index("anchor_id")
    assert s.e_nber == anchors.loc[pe.NBER, "elasticity"] and not s.fe.identified
    assert s.e_used == s.e_nber  # not identified: the scenarios fall back on the NBER anchor
    with pytest.raises(ValueError, match="parameter estimator='ols'"):
        pe.study(estimator="ols")
