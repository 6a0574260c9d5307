"""The shared findings against values computed by hand from the tables."""

from __future__ import annotations

import pytest

from tokenecon import data
from tokenecon.analysis import findings


def test_china_power_discount_spans_the_tables_own_sources():
    p = data.load("electricity_prices")
    cn = p[(p["region"] == "CN") & (p["year"] == 2024)].iloc[0]
    us = p[(p["region"] == "US") & (p["year"] == 2024)].iloc[0]
    f = findings.get("china_power_discount")
    assert f.central == pytest.approx(1 - cn["industrial_usd_per_kwh"] / us["industrial_usd_per_kwh"])
    assert f.value.low == pytest.approx(1 - 0.088 / us["industrial_usd_per_kwh"])  # the CN row's own cited average
    assert f.value.low < 0  # under that source China is dearer
    assert f.value.high == pytest.approx(1 - cn["commercial_usd_per_kwh"] / us["commercial_usd_per_kwh"])
    assert f.value.kind == "sources" and "2024" in f.scope.words()


def test_western_hub_discount_compares_the_same_year():
    p = data.load("electricity_prices").set_index(["region", "year"])
    f = findings.get("western_hub_power_discount")
    assert f.central == pytest.approx(1 - p.loc[("CN-WEST-HUB", 2025), "industrial_usd_per_kwh"]
                                      / p.loc[("US", 2025), "industrial_usd_per_kwh"])


def test_chinese_labs_counted_once_each_from_the_token_tables():
    from tokenecon.analysis import factcheck as fc

    names = fc.chinese_labs_in_token_tables(data.load("labs"), data.load("openrouter_weekly_top10"),
                                            data.load("openrouter_daily_top50"))
    assert len(names) == len(set(names)) == 12
    assert "Tsinghua/Zhipu THUDM" not in names and "Meituan LongCat" not in names


def test_cbeci_agreement_separates_the_independent_years():
    f = findings.get("cbeci_independent_max_abs_error")
    t = f.extra["table"]
    ind = t[t["independent"]]
    assert list(ind["year"]) == [2016, 2017, 2018, 2019]  # no day uses CBECI's basket efficiency
    assert f.central == pytest.approx(ind["error"].abs().max())
    assert f.central > t[~t["independent"]]["error"].abs().max()  # the by-construction years agree better


def test_token_revenue_uses_the_weeks_own_prices():
    f = findings.get("token_revenue_usd_per_kwh")
    t = f.extra["table"].set_index("model")
    split_row = t.loc["minimax-m2.5"]
    assert split_row["usd_per_mtok"] > 0
    from tokenecon.model import pricing

    cat = pricing.blended_usd_per_mtok("glm-5", {"input": 1.0}, pricing.price_function())
    week = pricing.blended_usd_per_mtok("glm-5", {"input": 1.0}, pricing.price_function(on="2026-02-16"))
    assert (cat, week) == (1.0, 0.3)  # GLM-5's input price in the catalogue (2026-07) and in the article's week
