"""Token tables: they load, validate, cover every author, and whole-platform sums hold."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from tokenecon import data, paths

TOKEN_TABLES = [
    "labs",
    "openrouter_weekly_top10",
    "openrouter_daily_top50",
    "openrouter_author_share",
    "openrouter_page_models_weekly",
    "openrouter_provider_tokens_24h",
]
RAW_TOKENS = paths.raw_dir() / "tokens"
needs_raw = pytest.mark.skipif(not RAW_TOKENS.is_dir(), reason="raw mirror not available")


@pytest.mark.parametrize("name", TOKEN_TABLES)
def test_table_loads_and_validates(name):
    df = data.load(name)
    tbl = data.table(name)
    assert list(df.columns) == [c.name for c in tbl.columns]
    assert len(df) > 0
    assert not df.duplicated(list(tbl.key)).any()


def test_row_counts_and_coverage_match_the_source_description():
    # SOURCES.md: weekly 247 rows (26 snapshots 2025-11-16 ... 2026-05-11); daily 4,641 rows (91 days x 51);
    # author-share 396 rows; provider summary 74 rows.
    w = data.load("openrouter_weekly_top10")
    assert len(w) == 247
    assert w["snapshot_date"].nunique() == 26
    assert w["snapshot_date"].min() == pd.Timestamp("2025-11-16")
    assert w["snapshot_date"].max() == pd.Timestamp("2026-05-11")
    assert ((w["week_end"] - w["week_start"]).dt.days == 6).all()
    d = data.load("openrouter_daily_top50")
    assert len(d) == 4641 and d["date"].nunique() == 91
    assert d.groupby("date").size().eq(51).all()
    assert d.groupby("date")["is_other"].sum().eq(1).all()
    assert len(data.load("openrouter_author_share")) == 396
    assert len(data.load("openrouter_provider_tokens_24h")) == 74


def test_every_author_in_the_token_tables_maps_to_a_lab():
    labs = set(data.load("labs")["author"])
    for name in ["openrouter_weekly_top10", "openrouter_daily_top50", "openrouter_author_share", "openrouter_page_models_weekly"]:
        authors = set(data.load(name)["author"])
        assert authors - labs == set(), f"{name}: authors without a lab"
    prov = data.load("openrouter_provider_tokens_24h")
    fp = set(prov["first_party_author"].dropna())
    assert fp - labs == set()
    # Every model slug's prefix is its author (the slug is how reports join to labs).
    d = data.load("openrouter_daily_top50")
    top = d[~d["is_other"]]
    assert (top["model_slug"].str.split("/").str[0] == top["author"]).all()


def test_labs_blocs_match_known_headquarters():
    labs = data.load("labs").set_index("author")
    assert labs.loc["minimax", "bloc"] == "china" and labs.loc["minimax", "hq_country"] == "CN"
    assert labs.loc["anthropic", "bloc"] == "us"
    assert labs.loc["mistralai", "bloc"] == "europe" and labs.loc["mistralai", "hq_country"] == "FR"
    assert labs.loc["cohere", "bloc"] == "other" and labs.loc["cohere", "hq_country"] == "CA"
    assert labs.loc["other", "is_aggregate"] and labs.loc["other", "bloc"] == "unknown"
    # bloc follows the headquarters country wherever it is known
    expected = {"CN": "china", "US": "us", "FR": "europe"}
    known = labs[labs["hq_country"].isin(list(expected))]
    assert (known["hq_country"].map(expected) == known["bloc"]).all()


def test_daily_top50_plus_other_equals_platform_total_every_day():
    d = data.load("openrouter_daily_top50")
    sums = d.groupby("date")["total_tokens"].sum()
    totals = d.groupby("date")["day_total_tokens"].agg(["min", "max"])
    assert (totals["min"] == totals["max"]).all()
    assert (sums == totals["min"]).all()
    shares = d.groupby("date")["day_share"].sum()
    assert ((shares - 1).abs() < 1e-6).all()


@needs_raw
def test_daily_matches_raw_file_independently():
    # Re-read the raw file with the csv module (no pandas) and compare one day's platform total.
    with open(RAW_TOKENS / "openrouter_rankings_daily_top50_casualstudy.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["date"] == "2026-08-21"]
    raw_sum = sum(int(r["total_tokens"]) for r in rows)
    d = data.load("openrouter_daily_top50")
    day = d[d["date"] == pd.Timestamp("2026-08-21")]
    assert int(day["day_total_tokens"].iloc[0]) == raw_sum == int(rows[0]["day_total_tokens"])


def test_article_week_top10_by_hand():
    # SOURCES.md: snapshot 2026-02-23 = week 2026-02-16 ... 22: top-10 total 8.74 T, Chinese labs 5.16 T, M2.5 2.57 T.
    w = data.load("openrouter_weekly_top10")
    wk = w[w["week_start"] == pd.Timestamp("2026-02-16")]
    assert len(wk) == 10
    assert wk["total_tokens"].sum() == 8_743_000_000_000
    m25 = wk[wk["model_slug"] == "minimax/minimax-m2.5-20260211"].iloc[0]
    assert m25["total_tokens"] == 2_570_000_000_000 and m25["rank"] == 1
    # prices: 3e-07 USD/token = 0.3 USD per million tokens (the article's "$0.3")
    assert m25["prompt_usd_per_mtok"] == pytest.approx(0.3)


def test_weekly_split_missing_is_empty_not_zero():
    w = data.load("openrouter_weekly_top10")
    miss = w["prompt_tokens"].isna()
    assert miss.sum() == 15
    assert w.loc[miss, ["completion_tokens", "requests"]].isna().all().all()
    assert (w.loc[~miss, "prompt_tokens"] > 0).all()


def _corrupt(tmp_path, name, mutate):
    src = data.table(name).path
    dst = tmp_path / f"{name}.csv"
    shutil.copy(src, dst)
    df = pd.read_csv(dst, dtype=str, keep_default_na=False)
    df = mutate(df)
    df.to_csv(dst, index=False, lineterminator="\n")
    return dst


def test_bad_bloc_fails_naming_file_column_and_row(tmp_path):
    def mutate(df):
        df.loc[df["author"] == "minimax", "bloc"] = "asia"
        return df

    dst = _corrupt(tmp_path, "labs", mutate)
    row = pd.read_csv(dst, dtype=str).index[pd.read_csv(dst, dtype=str)["author"] == "minimax"][0] + 1
    with pytest.raises(data.DataValidationError) as exc:
        data.load("labs", path=dst)
    msg = str(exc.value)
    assert str(dst) in msg and "'bloc'" in msg and f"row {row} " in msg and "author=minimax" in msg and "'asia'" in msg


def test_duplicated_key_fails_naming_file_and_row(tmp_path):
    def mutate(df):
        return pd.concat([df.iloc[:3], df.iloc[[1]], df.iloc[3:]], ignore_index=True)

    dst = _corrupt(tmp_path, "openrouter_daily_top50", mutate)
    with pytest.raises(data.DataValidationError) as exc:
        data.load("openrouter_daily_top50", path=dst)
    msg = str(exc.value)
    assert str(dst) in msg and "['date', 'model_slug']" in msg and "row 4 " in msg and "duplicates an earlier row" in msg


def test_negative_tokens_fail_naming_column(tmp_path):
    def mutate(df):
        df.loc[5, "total_tokens"] = "-1"
        return df

    dst = _corrupt(tmp_path, "openrouter_weekly_top10", mutate)
    with pytest.raises(data.DataValidationError, match=r"column 'total_tokens', row 6 .*outside the allowed range"):
        data.load("openrouter_weekly_top10", path=dst)


@needs_raw
def test_rebuild_is_byte_identical(tmp_path):
    data.build(out_dir=tmp_path, names=TOKEN_TABLES)
    for n in TOKEN_TABLES:
        assert (tmp_path / f"{n}.csv").read_bytes() == data.table(n).path.read_bytes(), n


def test_every_author_column_in_any_table_maps_to_a_lab():
    # Other themes' tables that carry OpenRouter author slugs (e.g. model attributes) must map too.
    labs = set(data.load("labs")["author"])
    for name, tbl in data.tables().items():
        cols = [c.name for c in tbl.columns]
        for col in ("author", "first_party_author"):
            if col in cols and name != "labs" and tbl.path.exists():
                missing = set(data.load(name)[col].dropna()) - labs
                assert not missing, f"{name}.{col}: authors {sorted(missing)} have no row in labs"
