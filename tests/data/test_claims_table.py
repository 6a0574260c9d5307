"""The hand-compiled table of the article's claims: loads, covers the required claims, quotes are verbatim."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from tokenecon import data, paths
from tokenecon.data.schemas.claims import ARTICLE_URL

#: The article text: beside the raw mirror (``../shared/seed``), wherever $TOKENECON_RAW points.
SEED_CANDIDATES = (
    paths.raw_dir().parent / "seed" / "token_exports_article.txt",
    paths.PROJ_ROOT.parent / "shared" / "seed" / "token_exports_article.txt",
)
SEED = next((p for p in SEED_CANDIDATES if p.exists()), SEED_CANDIDATES[0])

REQUIRED = {
    "top10_weekly_tokens", "china_weekly_tokens", "china_top10_share", "m25_weekly_tokens", "m25_rank_first",
    "kimi_k25_rank_second", "glm5_rank_third", "top3_all_china", "m25_swe_score", "opus46_swe_score",
    "m25_input_price", "opus46_input_price", "input_price_ratio", "words_per_token", "h100_price",
    "gpu_power_full_load", "cn_electricity_discount", "deepseek_v3_vs_gpt4o_cost_ratio", "m25_active_params",
    "m25_total_params", "btc_china_hashrate_share", "btc_migration_destinations", "chat_tokens_per_conversation",
    "bill_cut_order_of_magnitude",
}


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return data.load("article_claims")


def test_loads_with_required_claims(claims):
    assert claims["claim_id"].is_unique
    missing = REQUIRED - set(claims["claim_id"])
    assert not missing, f"claims missing from article_claims: {sorted(missing)}"


def test_every_row_has_source_and_some_value(claims):
    assert claims["source"].str.contains(ARTICLE_URL, regex=False).all()
    has_value = claims["value"].notna() | claims["value_low"].notna() | claims["value_text"].notna()
    assert has_value.all(), claims.loc[~has_value, "claim_id"].tolist()
    # a range reading is ordered
    both = claims["value_low"].notna() & claims["value_high"].notna()
    assert (claims.loc[both, "value_low"] <= claims.loc[both, "value_high"]).all()


_SCALE = {"trillion": 1e12, "billion": 1e9, "B": 1e9, "%": 1.0, "": 1.0}


def _numbers_in(quote: str) -> list[float]:
    """Every number written in the quote, scaled by a trailing 'trillion', 'B' (billions) or '%'."""
    out = []
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(trillion|billion|B\b|%)?", quote):
        out.append(float(m.group(1).replace(",", "")) * _SCALE[m.group(2) or ""])
    return out


@pytest.mark.parametrize(
    "claim_id, expected",
    [  # typed here by reading the article, independently of the CSV
        ("top10_weekly_tokens", 8.7e12), ("china_weekly_tokens", 5.3e12), ("china_top10_share", 61),
        ("m25_weekly_tokens", 2.45e12), ("m25_swe_score", 80.2), ("opus46_swe_score", 80.8),
        ("m25_input_price", 0.3), ("opus46_input_price", 5), ("input_price_ratio", 17),
        ("words_per_token", 0.75), ("h100_price", 30_000), ("gpu_power_full_load", 700),
        ("cn_electricity_discount", 40), ("deepseek_v3_vs_gpt4o_cost_ratio", 36),
        ("m25_active_params", 10e9), ("m25_total_params", 229e9), ("btc_china_hashrate_share", 70),
        ("bill_cut_order_of_magnitude", 10), ("kimi_k25_rank_second", 2), ("glm5_rank_third", 3),
    ],
)
def test_values_as_stated(claims, claim_id, expected):
    row = claims.set_index("claim_id").loc[claim_id]
    assert row["value"] == pytest.approx(expected, rel=1e-12)


def test_numeric_values_are_written_in_their_quote(claims):
    """Where the quote carries digits, the value is one of them (after scaling): no typo between the two."""
    checked = 0
    for _, row in claims.iterrows():
        nums = _numbers_in(row["quote"])
        # ranks and counts are read from word order, and model names carry digits ("M2.5")
        if not nums or pd.isna(row["value"]) or row["unit"] in ("rank", "models"):
            continue
        if row["claim_id"] == "swe_gap_negligible":  # value derived from two other quotes
            continue
        assert any(math.isclose(n, row["value"], rel_tol=1e-9) for n in nums), (
            f"{row['claim_id']}: value {row['value']} not among the numbers {nums} of its quote"
        )
        checked += 1
    assert checked >= 15


def test_hedges_recorded(claims):
    c = claims.set_index("claim_id")
    assert c.loc["btc_china_hashrate_share", "qualifier"] == "over"
    assert c.loc["bill_cut_order_of_magnitude", "qualifier"] == "order of magnitude"
    assert "Kazakhstan" in c.loc["btc_migration_destinations", "value_text"]
    assert pd.isna(c.loc["btc_migration_destinations", "value"])


def test_quotes_verbatim_in_article(claims):
    if not SEED.exists():
        pytest.skip(f"article text not found at {[str(p) for p in SEED_CANDIDATES]} (the seed folder beside the raw mirror)")
    text = SEED.read_text(encoding="utf-8")
    absent = [cid for cid, q in zip(claims["claim_id"], claims["quote"]) if q not in text]
    assert not absent, f"quotes not found verbatim in {SEED}: {absent}"
