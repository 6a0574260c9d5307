"""``tokenecon data fetch`` against recorded rankings-daily responses served on 127.0.0.1 (no network).

The recorded window (tests/data/fixtures/openrouter/, rebuilt by make_fixtures.py) holds the committed table's
figures for 2026-08-08 ... 2026-08-21 in the documented response shape. Each test starts from a copy of the
committed table cut at 2026-08-07, so a good fetch must give back exactly the committed rows for those days.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.util
import json
import socket
import stat
import time
from pathlib import Path

import pandas as pd
import pytest

from tokenecon import data, paths
from tokenecon.data import fetch

_spec = importlib.util.spec_from_file_location("_server", Path(__file__).parent / "fixtures" / "openrouter" / "server.py")
_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_server)
Recorded, KEY = _server.Recorded, _server.KEY
CUT = pd.Timestamp("2026-08-07")
D = dt.date.fromisoformat
TODAY = D("2026-12-01")
BASE_COLS = ["date", "rank", "model_slug", "author", "is_other", "total_tokens", "day_total_tokens", "day_share"]


@pytest.fixture
def doc():
    return _server.load_fixture()


@pytest.fixture
def server(doc):
    s = Recorded(doc)
    yield s
    s.close()


@pytest.fixture
def env(tmp_path, server, monkeypatch):
    """Key, API root and snapshot folder for the test; a data folder with the committed table cut at 2026-08-07."""
    monkeypatch.setenv(fetch.KEY_ENV, KEY)
    monkeypatch.setenv(fetch.URL_ENV, server.root)
    monkeypatch.setenv(fetch.SNAPSHOTS_ENV, str(tmp_path / "snapshots"))
    ddir = tmp_path / "data"
    ddir.mkdir()
    tbl = data.table(fetch.TABLE)
    full = data.load(fetch.TABLE)
    (ddir / f"{fetch.TABLE}.csv").write_bytes(data.to_csv_bytes(full[full["date"] <= CUT].reset_index(drop=True), tbl))
    (ddir / "labs.csv").write_bytes(data.table("labs").path.read_bytes())
    return {"data": ddir, "snap": tmp_path / "snapshots", "full": full}


def _run(env, since="2026-08-08", until="2026-08-21", **kw):
    kw.setdefault("session", fetch.make_session(backoff_s=0))
    kw.setdefault("min_interval_s", 0)
    return fetch.fetch(D(since), D(until), data_dir=env["data"], today=TODAY, **kw)


def _state(env) -> dict:
    """Bytes of every file the fetch could touch: the temp data folder, the snapshots, and the real table."""
    files = {p: p.read_bytes() for p in env["data"].rglob("*") if p.is_file()}
    if env["snap"].exists():
        files.update({p: p.read_bytes() for p in env["snap"].rglob("*") if p.is_file()})
    for name in (fetch.TABLE, "labs"):
        p = paths.DATA_DIR / f"{name}.csv"
        files[p] = p.read_bytes()
    return files


def _table(env) -> pd.DataFrame:
    return data.load(fetch.TABLE, path=env["data"] / f"{fetch.TABLE}.csv")


# --------------------------------------------------------------------------- good fetches


def test_normal_window_adds_the_committed_figures_with_provenance(env, server):
    rep = _run(env)
    assert [(p["params"]["start_date"], p["params"]["end_date"]) for p in server.log] == [("2026-08-08", "2026-08-21")]
    assert server.log[0]["auth"] == f"Bearer {KEY}"
    got = _table(env)
    full = env["full"]
    # The extended table is the committed one, row for row, on every figure column.
    pd.testing.assert_frame_equal(got[BASE_COLS], full[BASE_COLS])
    new = got[got["date"] > CUT]
    assert len(new) == 14 * 51 and new["date"].nunique() == 14
    snap = rep.snapshots[0]
    assert snap.sha256 == hashlib.sha256(snap.path.read_bytes()).hexdigest()
    assert (new["source_commit"] == snap.sha256[:12]).all()
    assert (new["as_of"] == "2026-08-22T02:00:00Z").all()
    assert (new["endpoint"] == server.root + "/datasets/rankings-daily").all()
    assert new["retrieved_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").all()
    assert got.loc[got["date"] <= CUT, "retrieved_at"].isna().all()
    # Platform total of a day = sum of its 51 rows (checked against the committed value independently).
    d = got[got["date"] == "2026-08-21"]
    assert d["total_tokens"].sum() == full.loc[full["date"] == "2026-08-21", "day_total_tokens"].iloc[0]
    # The snapshot is immutable and carries its request and meta.
    assert not snap.path.stat().st_mode & stat.S_IWUSR
    side = json.loads(snap.path.with_name(snap.path.name.replace(".json", ".meta.json")).read_text())
    assert side["meta"]["as_of"] == "2026-08-22T02:00:00Z" and side["request"]["params"]["end_date"] == "2026-08-21"
    assert side["sha256"] == snap.sha256 and side["licence"].startswith("CC BY 4.0")
    text = "\n".join(rep.lines())
    assert "added 14 day(s) 2026-08-08 ... 2026-08-21" in text and "714 rows" in text


def test_long_window_is_paged_within_the_rate_limit(env, server):
    waits = []
    rep = _run(env, page_days=5, min_interval_s=fetch.MIN_INTERVAL_S, sleep=waits.append)
    windows = [(p["params"]["start_date"], p["params"]["end_date"]) for p in server.log]
    assert windows == [("2026-08-08", "2026-08-12"), ("2026-08-13", "2026-08-17"), ("2026-08-18", "2026-08-21")]
    assert waits == [2.0, 2.0]  # 30 requests a minute
    assert len(rep.snapshots) == 3
    pd.testing.assert_frame_equal(_table(env)[BASE_COLS], env["full"][BASE_COLS])


def test_days_already_held_are_not_requested_again(env, server):
    _run(env)
    before = _state(env)
    rep = _run(env)
    assert len(server.log) == 1 and rep.requested == [] and len(rep.skipped_days) == 14
    assert _state(env) == before


def test_429_waits_for_retry_after_then_succeeds(env, server):
    server.queue.append((429, {"Retry-After": "1"}, b'{"error": "rate limited"}'))
    _run(env)
    assert len(server.log) == 2
    assert server.log[1]["t"] - server.log[0]["t"] >= 0.9
    assert _table(env)["date"].max() == pd.Timestamp("2026-08-21")


def test_500_then_success(env, server):
    server.queue.append((500, {}, b"internal error"))
    _run(env)
    assert len(server.log) == 2 and _table(env)["date"].nunique() == 91


def test_a_dry_run_requests_nothing(env, server):
    before = _state(env)
    rep = fetch.fetch(D("2026-08-08"), D("2026-09-30"), dry_run=True, data_dir=env["data"], today=TODAY)
    assert server.log == [] and _state(env) == before
    assert rep.requested == [(D("2026-08-08"), D("2026-09-06")), (D("2026-09-07"), D("2026-09-30"))]


def test_cli_fetch_end_to_end(env, server, capsys):
    from tokenecon.cli import main

    assert main(["data", "fetch", "--since", "2026-08-08", "--until", "2026-08-21", "--out", str(env["data"])]) == 0
    out = capsys.readouterr().out
    assert "added 14 day(s)" in out and f"wrote {env['data'] / (fetch.TABLE + '.csv')}" in out


# --------------------------------------------------------------------------- refused: nothing written


def _refused(env, match, **kw):
    before = _state(env)
    t0 = time.monotonic()
    with pytest.raises(fetch.FetchError, match=match) as exc:
        _run(env, **kw)
    assert _state(env) == before, "a refused fetch must leave every file as it was"
    assert not (env["snap"] / "rankings-daily").exists() or not any((env["snap"] / "rankings-daily").iterdir())
    return exc.value, time.monotonic() - t0


def test_401_names_the_key(env, server, monkeypatch):
    monkeypatch.setenv(fetch.KEY_ENV, "wrong")
    err, _ = _refused(env, "HTTP 401")
    assert fetch.KEY_ENV in str(err)


def test_persistent_500_gives_up(env, server):
    server.queue.extend([(500, {}, b"down")] * 10)
    _refused(env, "HTTP 500|gave up")


def test_malformed_json_is_refused(env, server):
    server.queue.append((200, {}, b'{"data": [{"date": "2026-08-08", '))
    _refused(env, "malformed JSON")


def test_no_key_exits_2_before_any_request(env, server, monkeypatch, capsys):
    from tokenecon.cli import main

    monkeypatch.delenv(fetch.KEY_ENV)
    before = _state(env)
    assert main(["data", "fetch", "--out", str(env["data"])]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fetch.KEY_ENV in err
    assert server.log == [] and _state(env) == before


def test_unreachable_server_fails_within_seconds(env, monkeypatch):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(fetch.URL_ENV, f"http://127.0.0.1:{port}/api/v1")
    err, took = _refused(env, "cannot connect", session=fetch.make_session())
    assert took < 10 and "TOKENECON_OPENROUTER_URL" in str(err)


def test_a_server_that_never_answers_times_out(env, monkeypatch):
    with socket.socket() as s:  # accepts connections (kernel backlog) but never replies
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        monkeypatch.setenv(fetch.URL_ENV, f"http://127.0.0.1:{s.getsockname()[1]}/api/v1")
        err, took = _refused(env, "timed out", timeout=(1.0, 0.3))
    assert took < 10


def _first(doc, day, slug=None):
    return next(r for r in doc["data"] if r["date"] == day and (slug is None or r["model_permaslug"] == slug))


def _del_field(d):
    del _first(d, "2026-08-09")["total_tokens"]


def _number(d):
    r = _first(d, "2026-08-09")
    r["total_tokens"] = int(r["total_tokens"])


def _slug_number(d):
    _first(d, "2026-08-09")["model_permaslug"] = 12


def _no_other(d):
    d["data"] = [r for r in d["data"] if not (r["date"] == "2026-08-10" and r["model_permaslug"] == "other")]


def _duplicate(d):
    i = d["data"].index(_first(d, "2026-08-11"))
    d["data"].insert(i + 1, dict(d["data"][i]))


def _negative(d):
    _first(d, "2026-08-12")["total_tokens"] = "-5"


def _fraction(d):
    _first(d, "2026-08-12")["total_tokens"] = "12.5"


def _outside(d):
    d["data"].append({"date": "2026-08-30", "model_permaslug": "other", "total_tokens": "1"})


def _meta(d):
    del d["meta"]["as_of"]


@pytest.mark.parametrize("mutate, match", [
    (_del_field, r"day 2026-08-09, row \d+ \(.+\): missing field\(s\) \['total_tokens'\]"),
    (_number, r"day 2026-08-09, row \d+ \(.+\): total_tokens is a JSON int .* documented as a string of digits"),
    (_slug_number, r"day 2026-08-09, row \d+ \(12\): model_permaslug is a JSON int"),
    (_no_other, r"day 2026-08-10: no 'other' row"),
    (_duplicate, r"day 2026-08-11, row \d+ \(.+\): duplicates an earlier row for \(date, model_permaslug\)"),
    (_negative, r"day 2026-08-12, row \d+ \(.+\): total_tokens -5 is negative"),
    (_fraction, r"day 2026-08-12, row \d+ \(.+\): total_tokens 12.5 is not an integer count"),
    (_outside, r"day 2026-08-30, row 715 \(other\): date outside the request 2026-08-08 ... 2026-08-21"),
    (_meta, r"meta is missing field 'as_of'"),
])
def test_each_validation_rule_refuses_and_writes_nothing(env, server, doc, mutate, match):
    bad = copy.deepcopy(doc)
    mutate(bad)
    server.queue.append((200, {}, json.dumps(bad).encode()))
    err, _ = _refused(env, match)
    assert "refused" in str(err)


# --------------------------------------------------------------------------- restatements and new slugs


def test_a_restated_day_is_reported_not_overwritten(env, server, doc):
    full = env["full"]
    tbl = data.table(fetch.TABLE)
    (env["data"] / f"{fetch.TABLE}.csv").write_bytes(data.to_csv_bytes(full, tbl))  # the whole committed table
    before = (env["data"] / f"{fetch.TABLE}.csv").read_bytes()
    r = _first(server.doc, "2026-08-20", "other")
    kept = int(r["total_tokens"])
    r["total_tokens"] = str(kept + 1000)
    rep = _run(env, since="2026-08-19", refresh=True)
    assert (env["data"] / f"{fetch.TABLE}.csv").read_bytes() == before
    e = rep.extension
    assert e.added_days == [] and len(e.identical_days) == 2
    assert e.restated == [{"date": pd.Timestamp("2026-08-20"), "model_slug": "other", "kept": kept, "new": kept + 1000,
                           "snapshot": rep.snapshots[0].sha256[:12]}]
    assert f"2026-08-20 other: kept {kept}, API now gives {kept + 1000}" in "\n".join(rep.lines())
    assert len(rep.snapshots) == 1 and rep.snapshots[0].path.exists()  # the restating response is kept as evidence


def test_unknown_authors_and_new_slugs_are_listed(env, server):
    r = _first(server.doc, "2026-08-15")
    r["model_permaslug"] = "newlab/new-model-20260801"
    rep = _run(env)
    assert list(rep.unknown_authors) == ["newlab"]
    slug, day, sh = rep.unknown_authors["newlab"]
    assert slug == "newlab/new-model-20260801" and day == D("2026-08-15")
    full = env["full"]
    top = full[(full["date"] == "2026-08-15") & (full["rank"] == 1)].iloc[0]
    assert sh == pytest.approx(top["day_share"])
    text = "\n".join(rep.lines())
    assert "unknown author 'newlab'" in text and "add a labs row" in text and "newlab/new-model-20260801" in text


def test_an_altered_snapshot_is_refused(env, server):
    rep = _run(env)
    p = rep.snapshots[0].path
    p.chmod(0o644)
    p.write_bytes(p.read_bytes().replace(b'"v1"', b'"v2"'))
    with pytest.raises(fetch.FetchError, match="sha256"):
        fetch.read_snapshots(env["snap"])


def test_extend_daily_never_overwrites_and_adds_in_retrieval_order(env, server):
    rep = _run(env)
    s = rep.snapshots[0]
    full = env["full"]
    ext = fetch.extend_daily(full[full["date"] <= CUT].reset_index(drop=True), [s])
    pd.testing.assert_frame_equal(ext.table[BASE_COLS], full[BASE_COLS])
    again = fetch.extend_daily(ext.table, [s])
    assert again.added_days == [] and len(again.identical_days) == 14 and again.restated == []


@pytest.mark.needs_raw
@pytest.mark.skipif(not paths.raw_dir().is_dir(), reason="raw mirror not available")
def test_build_is_base_plus_snapshots(env, server, doc, tmp_path, monkeypatch):
    # Without snapshots the rebuild equals the committed table (also checked in test_token_tables).
    out0 = tmp_path / "b0"
    monkeypatch.setenv(fetch.SNAPSHOTS_ENV, str(tmp_path / "none"))
    data.build(out_dir=out0, names=[fetch.TABLE])
    assert (out0 / f"{fetch.TABLE}.csv").read_bytes() == data.table(fetch.TABLE).path.read_bytes()
    # A snapshot of a day after the base (here 2026-08-21's rows re-dated: a test-only day) is appended by build.
    monkeypatch.setenv(fetch.SNAPSHOTS_ENV, str(env["snap"]))
    day = [dict(r, date="2026-08-22") for r in doc["data"] if r["date"] == "2026-08-21"]
    server.doc = {"data": day, "meta": doc["meta"]}
    _run(env, since="2026-08-22", until="2026-08-22")
    out1 = tmp_path / "b1"
    data.build(out_dir=out1, names=[fetch.TABLE])
    built = data.load(fetch.TABLE, path=out1 / f"{fetch.TABLE}.csv")
    assert built["date"].nunique() == 92
    a = built[built["date"] == "2026-08-22"].reset_index(drop=True)
    b = env["full"][env["full"]["date"] == "2026-08-21"].reset_index(drop=True)
    assert (a["total_tokens"] == b["total_tokens"]).all() and (a["model_slug"] == b["model_slug"]).all()
    assert a["retrieved_at"].notna().all()
