"""model.pricing: dated list prices, the one blended-price formula and the bill ratio, checked by hand."""

from __future__ import annotations

import math

import pytest

from tokenecon import data
from tokenecon.model import pricing


def test_price_on_a_date_is_the_latest_listing_in_openrouters_feed():
    # model_price_events: minimax/minimax-m2.5 listed 1.20 output on 2026-02-16, cut to 1.10 on 2026-02-23
    assert pricing.list_price("minimax-m2.5", "output", on="2026-02-16").usd_per_mtok == 1.2
    assert pricing.list_price("minimax-m2.5", "output", on="2026-02-22").usd_per_mtok == 1.2
    p = pricing.list_price("minimax-m2.5", "output", on="2026-02-23")
    assert (p.usd_per_mtok, p.date, p.source) == (1.1, "2026-02-23", "openrouter_list")


def test_a_listing_without_a_cached_price_keeps_the_last_listed_one():
    # Kimi K2.5: 0.07 cached on 2026-02-01; the 2026-02-16 change lists no cached price
    p = pricing.list_price("kimi-k2.5", "cached_input", on="2026-02-16")
    assert (p.usd_per_mtok, p.date) == (0.07, "2026-02-01")


def test_without_a_date_the_catalogue_price_comes_with_its_snapshot_date():
    m = data.load("models").set_index("model")
    p = pricing.list_price("deepseek-v3.2", "output")
    assert p.usd_per_mtok == m.loc["deepseek-v3.2", "output_usd_per_mtok"] and p.date == "2026-07-24"


def test_before_any_listing_there_is_no_price():
    assert pricing.list_price("glm-5", "output", on="2025-01-01") is None


def test_blended_price_by_hand():
    prices = {"input": 0.3, "output": 1.2, "cached_input": 0.03}
    split = {"cached_input": 0.5, "input": 0.4, "output": 0.1}
    got = pricing.blended_usd_per_mtok("m", split, lambda m, ph: prices[ph])
    assert got == pytest.approx(0.5 * 0.03 + 0.4 * 0.3 + 0.1 * 1.2)
    no_cache = pricing.blended_usd_per_mtok("m", split, lambda m, ph: None if ph == "cached_input" else prices[ph])
    assert no_cache == pytest.approx(0.9 * 0.3 + 0.1 * 1.2)  # cached tokens billed as input
    assert pricing.blended_usd_per_mtok("m", split, lambda m, ph: None if ph == "output" else prices[ph]) is None


def test_mix_price_and_bill_ratio_by_hand():
    # 100 prompt tokens of which 60 cached, 20 completion; 1/0.1/5 USD per M
    assert pricing.mix_usd_per_mtok(100, 20, 60, 1.0, 5.0, 0.1) == pytest.approx((40 * 1 + 60 * 0.1 + 20 * 5) / 120)
    assert pricing.mix_usd_per_mtok(100, 20, 60, 1.0, 5.0, math.nan) == pytest.approx((100 * 1 + 20 * 5) / 120)
    mix = {"input": 0.5, "cached_input": 0.3, "output": 0.2}
    old = {"input": 5.0, "output": 25.0, "cached_input": 0.5}
    new = {"input": 0.3, "output": 1.2, "cached_input": None}
    assert pricing.bill_ratio(mix, old, new) == pytest.approx((0.5 * 5 + 0.3 * 0.5 + 0.2 * 25) / (0.8 * 0.3 + 0.2 * 1.2))


def test_bad_phase_is_refused_by_name():
    with pytest.raises(ValueError, match="phase: 'reasoning'"):
        pricing.list_price("glm-5", "reasoning")
