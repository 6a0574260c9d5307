"""The hand-compiled world-scale tables: every row sourced and flagged, figures consistent with what they state."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.data.schemas import world as schema

NAMES = [t.name for t in schema.TABLES]
#: The tables were compiled on this date; nothing can be published after it.
COMPILED = pd.Timestamp("2026-12-01")


@pytest.fixture(scope="module", params=NAMES)
def table(request):
    return request.param, data.load(request.param)


def test_every_row_is_sourced_and_flagged(table):
    name, df = table
    assert len(df) > 0
    assert df["source"].notna().all() and (df["source"].str.strip() != "").all()
    url = df["source"].str.match(r"https?://[\w.-]+\.[a-z]{2,}(/\S*)?$")
    note = df["source"].str.startswith(schema.RESEARCH_NOTE + " §")
    assert (url | note).all(), df.loc[~(url | note), "figure_id"].tolist()
    assert df["flag"].isin(schema.FLAGS).all()
    assert (df["stated"].str.len() > 5).all() and (df["source_title"].str.len() > 3).all()
    assert (df["published"] <= COMPILED).all(), df.loc[df["published"] > COMPILED, "figure_id"].tolist()
    assert df["figure_id"].is_unique


def test_research_note_sections_exist():
    # sections cited as "world_scale.md §N" are among the note's numbered sections (1..7)
    for name in NAMES:
        src = data.load(name)["source"]
        for s in src[src.str.startswith(schema.RESEARCH_NOTE)]:
            assert 1 <= int(re.search(r"§(\d+)", s).group(1)) <= 7


def test_figures_match_what_they_state():
    v = data.load("world_token_volumes").set_index("figure_id")
    # DeepSeek's day: 608B input + 168B output, the package's own record of the same disclosure
    from tokenecon.model.cost import DEEPSEEK_DAY6 as D

    assert v.loc["deepseek_2025_02_27", "tokens"] == D.input_tokens_per_day + D.output_tokens_per_day
    assert v.loc["china_2025_06", "tokens"] == 30e12 and "30 trillion" in v.loc["china_2025_06", "stated"]
    assert v.loc["china_2026_03", "tokens"] == 140e12 and "140 trillion" in v.loc["china_2026_03", "stated"]
    f = data.load("world_foreign_shares").set_index("figure_id")
    assert f.loc["minimax_revenue_9m2025", "share"] == 0.73 and "73%" in f.loc["minimax_revenue_9m2025", "stated"]
    assert f.loc["deepseek_downloads_2025_01", "share"] == pytest.approx(1 - 0.23)


def test_national_counts_grow_and_are_daily():
    c = data.load("world_token_volumes")
    nat = c[(c["group"] == "china_wide") & (c["period"] == "day")].sort_values("as_of")
    assert len(nat) >= 4
    assert nat["tokens"].is_monotonic_increasing


def test_comparators_periods_are_ordered():
    c = data.load("world_electricity_comparators")
    assert (c["period_start"] <= c["period_end"]).all()
    r = data.load("world_revenue")
    assert (r["period_start"] <= r["period_end"]).all()
    shares = r[r["item"] == "api_share_of_revenue"]
    assert shares["currency"].isna().all() and (shares["amount"] <= 1).all()


def test_bad_flag_refused_naming_the_column(tmp_path):
    p = data.table("world_foreign_shares").path
    bad = tmp_path / "world_foreign_shares.csv"
    text = p.read_text(encoding="utf-8").replace(",secondary,", ",hearsay,", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(data.DataValidationError, match="'flag'"):
        data.load("world_foreign_shares", path=bad)
