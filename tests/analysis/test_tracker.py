"""The tracker's weekly series, checked against shares computed directly from the daily table, and its report on a
fetched extension (slow: a temp copy of the project cut on 7 August, a local rankings-daily server, the notebook
run on the extended copy)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tokenecon import data, paths
from tokenecon.analysis import findings, share, tracker
from tokenecon.estimate import Estimate


@pytest.fixture(scope="module")
def daily():
    return data.load("openrouter_daily_top50")


@pytest.fixture(scope="module")
def labs():
    return data.load("labs")


def _week_share_by_hand(daily, labs, monday):
    """Chinese share of all tokens in the seven days from ``monday``: plain sums over the daily rows."""
    d = daily[(daily["date"] >= monday) & (daily["date"] <= monday + pd.Timedelta(days=6))]
    assert d["date"].nunique() == 7
    bloc = d["author"].map(labs.set_index("author")["bloc"]).fillna("unknown")
    total = d["total_tokens"].astype(float).sum()
    cn = d.loc[bloc == "china", "total_tokens"].astype(float).sum()
    unk = d.loc[bloc == "unknown", "total_tokens"].astype(float).sum()
    return cn / total, (cn + unk) / total, cn, unk


def test_newest_complete_week_follows_the_data(daily):
    # The committed table runs 2026-05-23 (Saturday) ... 2026-08-21 (Friday): the last full Monday-Sunday week
    # is 10-16 August; cut after Friday 7 August it is 27 July - 2 August.
    assert daily["date"].max() == pd.Timestamp("2026-08-21") and daily["date"].max().day_name() == "Friday"
    assert tracker.newest_complete_week(daily) == pd.Timestamp("2026-08-10")
    assert tracker.newest_complete_week(daily[daily["date"] <= "2026-08-07"]) == pd.Timestamp("2026-07-27")
    assert tracker.newest_complete_week(daily[daily["date"] <= "2026-08-16"]) == pd.Timestamp("2026-08-10")
    f = findings.get("newest_complete_week")
    assert f.value == "2026-08-10" and f.scope.as_of == "2026-08-21" and "10–16 August 2026" in f.scope.period


def test_data_dates_say_when_rows_were_fetched(daily):
    d = tracker.data_dates(daily)
    assert d.fetched_at is None and d.fetched_days == 0 and d.last_day == pd.Timestamp("2026-08-21")
    x = daily.copy()
    late = x["date"] >= "2026-08-20"
    x.loc[late, "retrieved_at"] = "2026-12-01T10:00:00Z"
    x.loc[late, "as_of"] = "2026-12-01T02:00:00Z"
    d = tracker.data_dates(x)
    assert d.fetched_at == "2026-12-01T10:00:00Z" and d.api_as_of == "2026-12-01T02:00:00Z" and d.fetched_days == 2


def test_unknown_authors_are_counted_as_unknown_not_guessed(daily, labs):
    wk = pd.Timestamp("2026-08-10")
    x = daily.copy()
    # Rename the week's biggest Chinese model to a lab the table does not know: its tokens move to the unknown band.
    row = x[(x["date"] == "2026-08-12") & (x["author"] == "deepseek")].index[0]
    x.loc[row, ["model_slug", "author"]] = ["newlab/model-1", "newlab"]
    labs_x, new = tracker.labs_with_unknown(labs, x)
    assert new == ["newlab"] and labs_x.set_index("author").loc["newlab", "bloc"] == "unknown"
    assert len(labs_x) == len(labs) + 1
    plat = share.bloc_shares_weekly(share.weekly_from_daily(x), labs_x)
    lo, hi, _, _ = _week_share_by_hand(x, labs, wk)
    b = share.china_share_bounds(plat).loc[wk]
    assert b["low"] == pytest.approx(lo, rel=1e-12) and b["high"] == pytest.approx(hi, rel=1e-12)
    moved = x.loc[row, "total_tokens"] / x[(x["date"] >= wk) & (x["date"] <= wk + pd.Timedelta(days=6))]["total_tokens"].sum()
    lo0, hi0, _, _ = _week_share_by_hand(daily, labs, wk)
    assert lo0 - b["low"] == pytest.approx(moved, rel=1e-9) and hi0 == pytest.approx(b["high"], rel=1e-12)


def _flat_models():
    """An energy model of 1 kWh per million tokens for every model and a list price of 2 USD per million tokens."""
    energy = lambda model, phase: Estimate(0.5, 1.0, 2.0, "kWh per million tokens")  # noqa: E731
    slug_to_model = lambda slug: slug  # noqa: E731
    price_on = lambda day: (lambda model, phase: 2.0)  # noqa: E731
    return energy, slug_to_model, price_on


def test_weekly_series_matches_sums_by_hand(daily, labs):
    energy, slug_to_model, price_on = _flat_models()
    providers = data.load("openrouter_provider_tokens_24h")
    weekly10 = data.load("openrouter_weekly_top10")
    tr = tracker.weekly_series(daily, labs, providers, weekly10, energy, slug_to_model, 500.0, price_on)
    w = tr.weekly
    assert tr.newest == pd.Timestamp("2026-08-10") and tr.previous == pd.Timestamp("2026-08-03")
    assert list(w.index) == sorted(w.index) and (pd.Series(w.index).dt.day_of_week == 0).all()
    assert w.index.min() == pd.Timestamp("2026-05-25")  # the first complete week (23-24 May are a partial week)
    for wk in (tr.previous, tr.newest):
        lo, hi, cn, unk = _week_share_by_hand(daily, labs, wk)
        assert w.loc[wk, "china_low"] == pytest.approx(lo, rel=1e-12)
        assert w.loc[wk, "china_high"] == pytest.approx(hi, rel=1e-12)
        # Electricity: tokens (low: known Chinese; central: half the unknown band; high: all of it) times the share
        # computed in China (the newest week's, as chinese_token_electricity holds it) times 1 kWh per M tokens.
        s = tr.electricity.place.china_computed_share
        assert w.loc[wk, "mwh"] == pytest.approx((cn + unk / 2) * s.central / 1e6 / 1e3, rel=1e-9)
        assert w.loc[wk, "mwh_low"] == pytest.approx(cn * s.low * 0.5 / 1e9, rel=1e-9)
        # Revenue per kWh of a flat price over a flat energy: 2 USD per M tokens / 1 kWh per M tokens.
        assert w.loc[wk, "revenue_usd_per_kwh_central"] == pytest.approx(2.0)
        assert w.loc[wk, "revenue_usd_per_kwh_low"] == pytest.approx(1.0)
        assert w.loc[wk, "revenue_usd_per_kwh_high"] == pytest.approx(4.0)
    a, b = _week_share_by_hand(daily, labs, tr.newest), _week_share_by_hand(daily, labs, tr.previous)
    assert tr.change["china_low_pts"] == pytest.approx(a[0] - b[0], rel=1e-9)
    assert tr.change["mwh_rel"] == pytest.approx(w.loc[tr.newest, "mwh"] / w.loc[tr.previous, "mwh"] - 1, rel=1e-12)
    # The share computed in China of a week = the provider day's China-computed tokens over that week's Chinese share.
    one = share.china_computed_share(providers, labs, share.platform_china_share(share.bloc_shares_weekly(
        share.weekly_from_daily(daily), labs), tr.previous))
    assert w.loc[tr.previous, "computed_in_china_central"] == pytest.approx(one.china_computed_share.central, rel=1e-12)


# --------------------------------------------------------------------------- the report on a fetched extension


def _load_server():
    p = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "openrouter" / "server.py"
    spec = importlib.util.spec_from_file_location("_server_tr", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run_copy(proj: Path, out: Path, env: dict) -> dict:
    """Execute the copy's tracker notebook with the copy's package; return its records by key."""
    records = out / "records.jsonl"
    records.unlink(missing_ok=True)
    code = ("import papermill as pm; pm.execute_notebook("
            f"{str(proj / 'notebooks' / 'tracker.ipynb')!r}, {str(out / 'tracker.ipynb')!r}, kernel_name='python3', "
            f"progress_bar=False, cwd={str(out)!r})")
    e = {**os.environ, **env, "PYTHONPATH": str(proj), "TOKENECON_RECORDS": str(records)}
    r = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return {json.loads(line)["key"]: json.loads(line) for line in records.read_text().splitlines()}


@pytest.mark.slow
def test_tracker_report_follows_a_fetched_extension(tmp_path, daily, labs):
    from tokenecon.data import fetch

    # A copy of the project whose token data stop on Friday 7 August 2026 (paths are anchored at the package).
    proj = tmp_path / "proj"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(paths.PROJ_ROOT / "tokenecon", proj / "tokenecon", ignore=ignore)
    shutil.copytree(paths.DATA_DIR, proj / "data", ignore=ignore)
    (proj / "notebooks").mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / "tracker.ipynb", proj / "notebooks" / "tracker.ipynb")
    tbl = data.table(fetch.TABLE)
    (proj / "data" / f"{fetch.TABLE}.csv").write_bytes(data.to_csv_bytes(daily[daily["date"] <= "2026-08-07"].reset_index(drop=True), tbl))
    out = tmp_path / "out"
    out.mkdir()
    env = {fetch.SNAPSHOTS_ENV: str(tmp_path / "snapshots")}

    # Before the fetch the copy's table stops on 7 August, whose newest complete week is 27 July
    # (test_newest_complete_week_follows_the_data); the report is run once, on the extended copy.
    held = pd.read_csv(proj / "data" / f"{fetch.TABLE}.csv", usecols=["date"])["date"]
    assert held.max() == "2026-08-07"

    srv = _load_server()
    server = srv.Recorded(srv.load_fixture())
    try:
        os.environ[fetch.KEY_ENV] = srv.KEY
        os.environ[fetch.URL_ENV] = server.root
        rep = fetch.fetch(dt.date(2026, 8, 8), dt.date(2026, 8, 21), data_dir=proj / "data", snapshots=tmp_path / "snapshots",
                          session=fetch.make_session(backoff_s=0), min_interval_s=0, today=dt.date(2026, 12, 1))
    finally:
        os.environ.pop(fetch.KEY_ENV, None)
        os.environ.pop(fetch.URL_ENV, None)
        server.close()
    assert len(rep.extension.added_days) == 14

    after = _run_copy(proj, out, env)
    assert after["newest_complete_week"]["value"] == "2026-08-10"
    assert after["tracker_data_last_day"]["value"] == "2026-08-21"
    assert after["tracker_fetched_at"]["value"] == rep.snapshots[0].retrieved_at
    lo, hi, _, _ = _week_share_by_hand(daily, labs, pd.Timestamp("2026-08-10"))
    assert after["tracker_china_share_low"]["value"] == pytest.approx(lo, rel=1e-9)
    assert after["tracker_china_share_high"]["value"] == pytest.approx(hi, rel=1e-9)
    assert "10–16 August 2026" in after["takeaway"]["value"]
    extended = pd.read_csv(proj / "data" / f"{fetch.TABLE}.csv", usecols=["date", "retrieved_at"])
    assert extended["date"].max() == "2026-08-21" and (extended["retrieved_at"].fillna("") != "").sum() > 0
