"""``tokenecon data fetch``: extend ``openrouter_daily_top50`` from OpenRouter's official Data API.

What it calls
-------------
``GET {root}/datasets/rankings-daily?start_date=YYYY-MM-DD&end_date=YYYY-MM-DD`` with
``Authorization: Bearer $OPENROUTER_API_KEY``; ``root`` is ``$TOKENECON_OPENROUTER_URL`` (default
``https://openrouter.ai/api/v1``), so tests point it at a server on 127.0.0.1.

The response shape and rules followed here come from OpenRouter's documentation, read for this module:

* Data API page, https://openrouter.ai/docs/cookbook/administration/data-api : top 50 public models per
  UTC day by ``prompt_tokens + completion_tokens`` plus one aggregated ``other`` row per day; any valid
  API key; 30 requests/minute per key and 500 requests/day per account; data licensed CC BY 4.0, cite
  "Source: OpenRouter (openrouter.ai/rankings), as of {meta.as_of}"; figures may be restated as
  snapshots refresh, so the ``meta`` block is kept with every number.
* API reference, https://openrouter.ai/docs/api/api-reference/datasets/get-rankings-daily : each row is a
  distinct ``(date, model_permaslug)``; ``other`` is the reserved permaslug, last within its date.
* SDK models ``RankingsDailyResponse`` / ``RankingsDailyMeta`` / ``GetRankingsDailyRequest``
  (https://openrouter.ai/docs/client-sdks/typescript/models/rankingsdailyresponse,
  https://openrouter.ai/docs/client-sdks/python/components/rankingsdailymeta,
  https://openrouter.ai/docs/sdks/python/api-reference/operations/getrankingsdailyrequest):
  ``data[]`` rows of ``date`` (string), ``model_permaslug`` (string), ``total_tokens`` (a *string* of
  digits); ``meta`` with ``as_of`` (ISO-8601 timestamp), ``start_date``, ``end_date`` (the resolved,
  inclusive window) and ``version`` ("v1"); ``start_date`` defaults to 30 days before ``end_date``, which
  defaults to the most recent completed UTC day. Long windows are therefore requested in pages of at most
  :data:`PAGE_DAYS` days, spaced to stay within the rate limit.

The public model catalogue (``/models``) and the providers list are not fetched: the Data API page grants
CC BY 4.0 for the data its ``/datasets`` endpoints return only, and the documentation read here states no
licence for the catalogue or the providers list, so the price-event and provider tables stay as curated
(licence "not stated" would have to be recorded in the catalogue; ask before republishing them).

How it stores
-------------
Every accepted response is kept as an immutable snapshot (the OWID way): the body exactly as received in
``<snapshots>/rankings-daily/<name>.json`` and beside it ``<name>.meta.json`` with the request (URL,
parameters, endpoint), ``retrieved_at``, the response's ``meta`` block, the body's sha256, the licence and
citation. ``<snapshots>`` is ``$TOKENECON_SNAPSHOTS`` or the user cache folder (``platformdirs``), outside
git. Snapshots are written with exclusive create and made read-only; a snapshot whose body no longer
matches its sha256 is refused.

Every response is validated before anything is written (:func:`parse_rankings_daily`): a missing field,
a JSON type other than the documented one (a number where a string count is documented, or a string
where an object is), a malformed date, a date outside the request, duplicate ``(date, model_permaslug)``,
a day without its ``other`` row, more than 50 named models in a day, a negative or non-integer count:
each is refused with the day, the row and the rule, and ``data/`` stays as it was.

The curated table is the committed base plus the snapshots (:func:`extend_daily`): a day already in the
base (or in an earlier snapshot) is never overwritten; if a later response gives it another value the
difference is reported as a restatement. New rows carry ``retrieved_at``, ``as_of`` and ``endpoint``, and
``source_commit`` holds the first 12 hex digits of the snapshot's sha256. Authors not in ``labs`` and
model slugs the table has not seen before are listed with what to add.

HTTP, retries and the cache folder use maintained libraries: ``requests`` with ``urllib3``'s ``Retry``
(429 and 5xx retried with exponential back-off, ``Retry-After`` honoured, GET only) and ``platformdirs``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tokenecon import paths

KEY_ENV = "OPENROUTER_API_KEY"
URL_ENV = "TOKENECON_OPENROUTER_URL"
SNAPSHOTS_ENV = "TOKENECON_SNAPSHOTS"
DEFAULT_ROOT = "https://openrouter.ai/api/v1"
ENDPOINT = "/datasets/rankings-daily"
TABLE = "openrouter_daily_top50"
OTHER = "other"
#: Longest window per request (the API's default window is 30 days).
PAGE_DAYS = 30
#: 30 requests per minute per key: at least two seconds between requests.
MIN_INTERVAL_S = 60.0 / 30
#: (connect, read) time-outs in seconds.
TIMEOUT_S = (5.0, 60.0)
#: The dataset begins here (earlier start dates are clamped by the API).
FIRST_DAY = dt.date(2025, 1, 1)
LICENCE = "CC BY 4.0 (OpenRouter Data API)"
CITATION = "Source: OpenRouter (openrouter.ai/rankings), as of {as_of}"
META_FIELDS = ("as_of", "start_date", "end_date", "version")
ROW_FIELDS = ("date", "model_permaslug", "total_tokens")
SLUG_RX = re.compile(r"[a-z0-9-]+/[^\s]+")
DATE_RX = re.compile(r"\d{4}-\d{2}-\d{2}")
COUNT_RX = re.compile(r"-?\d+(\.\d*)?([eE][+-]?\d+)?")


class FetchError(ValueError):
    """The fetch could not run (no key, no server, HTTP error); nothing was written."""


class ResponseRefused(FetchError):
    """A response broke the documented shape or a data rule; nothing was written."""


# --------------------------------------------------------------------------- where things live


def api_root() -> str:
    return os.environ.get(URL_ENV, "").strip().rstrip("/") or DEFAULT_ROOT


def snapshot_dir() -> Path:
    """``$TOKENECON_SNAPSHOTS`` or ``<user cache>/tokenecon/openrouter`` (never inside the repository)."""
    env = os.environ.get(SNAPSHOTS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tokenecon")) / "openrouter"


def api_key() -> str:
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise FetchError(
            f"{KEY_ENV} is not set: put any valid OpenRouter API key there to fetch rankings-daily "
            "(nothing was requested; the committed tables are unchanged)"
        )
    return key


# --------------------------------------------------------------------------- validation


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def parse_rankings_daily(body: bytes, start: dt.date, end: dt.date, *, where: str = "response") -> tuple[list[dict], dict]:
    """Validate one rankings-daily body against the documented shape and the request window.

    Returns ``(rows, meta)``: rows as dicts ``date`` (date), ``model_permaslug``, ``total_tokens`` (int). Raises
    :class:`ResponseRefused` naming the day, the row (1-based position in ``data``) and the rule.
    """
    try:
        doc = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ResponseRefused(f"{where}: refused: body is not UTF-8 ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ResponseRefused(f"{where}: refused: malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(doc, dict):
        raise ResponseRefused(f"{where}: refused: expected a JSON object with 'data' and 'meta', got {type(doc).__name__}")
    for k, typ in (("data", list), ("meta", dict)):
        if k not in doc:
            raise ResponseRefused(f"{where}: refused: missing field {k!r} (documented RankingsDailyResponse has data and meta)")
        if not isinstance(doc[k], typ):
            raise ResponseRefused(f"{where}: refused: field {k!r} is {type(doc[k]).__name__}, documented as {typ.__name__}")
    meta = doc["meta"]
    for k in META_FIELDS:
        if k not in meta:
            raise ResponseRefused(f"{where}: refused: meta is missing field {k!r}")
        if not isinstance(meta[k], str):
            raise ResponseRefused(f"{where}: refused: meta.{k} is {type(meta[k]).__name__} {meta[k]!r}, documented as a string")
    try:
        pd.Timestamp(meta["as_of"])
        m_start, m_end = _day(meta["start_date"]), _day(meta["end_date"])
    except ValueError as exc:
        raise ResponseRefused(f"{where}: refused: meta dates cannot be read ({exc})") from None
    if m_start < start or m_end > end or m_start > m_end:
        raise ResponseRefused(
            f"{where}: refused: meta window {m_start} ... {m_end} lies outside the request {start} ... {end}"
        )
    rows: list[dict] = []
    problems: list[str] = []
    seen: set[tuple] = set()
    for i, r in enumerate(doc["data"], start=1):
        day_txt = r.get("date") if isinstance(r, dict) else None
        label = f"day {day_txt}, row {i}" if isinstance(day_txt, str) else f"row {i}"
        if not isinstance(r, dict):
            problems.append(f"{label}: is {type(r).__name__}, documented as an object")
            continue
        label = f"{label} ({r.get('model_permaslug')!s})" if "model_permaslug" in r else label
        miss = [k for k in ROW_FIELDS if k not in r]
        if miss:
            problems.append(f"{label}: missing field(s) {miss}")
            continue
        bad_type = [k for k in ROW_FIELDS if not isinstance(r[k], str)]
        if bad_type:
            k = bad_type[0]
            problems.append(
                f"{label}: {k} is a JSON {type(r[k]).__name__} ({r[k]!r}); documented as a string"
                + (" of digits (counts are sent as strings)" if k == "total_tokens" else "")
            )
            continue
        if not DATE_RX.fullmatch(r["date"]):
            problems.append(f"{label}: date {r['date']!r} is not YYYY-MM-DD")
            continue
        try:
            day = _day(r["date"])
        except ValueError:
            problems.append(f"{label}: date {r['date']!r} is not a calendar day")
            continue
        if not start <= day <= end:
            problems.append(f"{label}: date outside the request {start} ... {end}")
            continue
        slug = r["model_permaslug"]
        if slug != OTHER and not SLUG_RX.fullmatch(slug):
            problems.append(f"{label}: model_permaslug {slug!r} is neither 'other' nor author/model")
            continue
        txt = r["total_tokens"].strip()
        if not COUNT_RX.fullmatch(txt):
            problems.append(f"{label}: total_tokens {r['total_tokens']!r} is not a number")
            continue
        if txt.startswith("-"):
            problems.append(f"{label}: total_tokens {txt} is negative (a count must be >= 0)")
            continue
        if not txt.isdigit():
            problems.append(f"{label}: total_tokens {txt} is not an integer count")
            continue
        if (day, slug) in seen:
            problems.append(f"{label}: duplicates an earlier row for (date, model_permaslug) = ({day}, {slug})")
            continue
        seen.add((day, slug))
        rows.append({"date": day, "model_permaslug": slug, "total_tokens": int(txt)})
    days = sorted({r["date"] for r in rows})
    for d in days:
        named = [r for r in rows if r["date"] == d and r["model_permaslug"] != OTHER]
        if not any(r["date"] == d and r["model_permaslug"] == OTHER for r in rows):
            problems.append(f"day {d}: no 'other' row (the platform total of the day cannot be formed)")
        if len(named) > 50:
            problems.append(f"day {d}: {len(named)} named models; rankings-daily lists at most 50 per day")
    if problems:
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ResponseRefused(f"{where}: refused ({len(problems)} problem(s)); data/ unchanged\n  {shown}{more}")
    return rows, meta


# --------------------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class Snapshot:
    body: bytes
    request: dict
    meta: dict
    retrieved_at: str
    sha256: str
    rows: tuple = field(repr=False, default=())
    path: Path | None = None

    @property
    def start(self) -> dt.date:
        return _day(self.request["params"]["start_date"])

    @property
    def end(self) -> dt.date:
        return _day(self.request["params"]["end_date"])

    def sidecar(self) -> dict:
        return {
            "request": self.request,
            "retrieved_at": self.retrieved_at,
            "meta": self.meta,
            "sha256": self.sha256,
            "bytes": len(self.body),
            "rows": len(self.rows),
            "licence": LICENCE,
            "citation": CITATION.format(as_of=self.meta.get("as_of", "")),
        }


def _stem(s: Snapshot) -> str:
    stamp = s.retrieved_at.replace(":", "").replace("-", "")
    return f"{s.start}_{s.end}_{stamp}_{s.sha256[:12]}"


def write_snapshot(s: Snapshot, folder: Path) -> Path:
    """Write the body and its sidecar, never overwriting an existing snapshot; both end read-only."""
    d = Path(folder) / "rankings-daily"
    d.mkdir(parents=True, exist_ok=True)
    body_p, meta_p = d / f"{_stem(s)}.json", d / f"{_stem(s)}.meta.json"
    if body_p.exists():
        return body_p
    for p, blob in ((body_p, s.body), (meta_p, (json.dumps(s.sidecar(), indent=1, sort_keys=True) + "\n").encode())):
        tmp = p.with_name(f".{p.name}.tmp")
        with open(tmp, "xb") as fh:
            fh.write(blob)
        os.chmod(tmp, 0o444)
        os.replace(tmp, p)
    return body_p


def read_snapshots(folder: Path | None = None) -> list[Snapshot]:
    """Every stored rankings-daily snapshot, oldest retrieval first, each re-validated and sha256-checked."""
    d = Path(folder if folder is not None else snapshot_dir()) / "rankings-daily"
    if not d.is_dir():
        return []
    out = []
    for meta_p in sorted(d.glob("*.meta.json")):
        body_p = meta_p.with_name(meta_p.name[: -len(".meta.json")] + ".json")
        where = f"snapshot {body_p}"
        try:
            side = json.loads(meta_p.read_text(encoding="utf-8"))
            body = body_p.read_bytes()
        except (OSError, json.JSONDecodeError) as exc:
            raise FetchError(f"{where}: cannot be read ({exc})") from None
        sha = hashlib.sha256(body).hexdigest()
        if sha != side.get("sha256"):
            raise FetchError(f"{where}: sha256 {sha[:12]} differs from its sidecar's {str(side.get('sha256'))[:12]} (altered?)")
        params = side["request"]["params"]
        rows, meta = parse_rankings_daily(body, _day(params["start_date"]), _day(params["end_date"]), where=where)
        out.append(Snapshot(body, side["request"], meta, side["retrieved_at"], sha, tuple(rows), body_p))
    return sorted(out, key=lambda s: (s.retrieved_at, s.sha256))


# --------------------------------------------------------------------------- the curated table

PROVENANCE = ("retrieved_at", "as_of", "endpoint")


def snapshot_frame(s: Snapshot) -> pd.DataFrame:
    """One snapshot's rows in the shape of ``openrouter_daily_top50`` (rank by tokens, ties by slug as the API)."""
    f = pd.DataFrame(list(s.rows))
    f["date"] = pd.to_datetime(f["date"])
    f["is_other"] = f["model_permaslug"].eq(OTHER)
    f = f.sort_values(["date", "is_other", "total_tokens", "model_permaslug"], ascending=[True, True, False, True])
    f["rank"] = pd.array([pd.NA] * len(f), dtype="Int64")
    named = ~f["is_other"]
    f.loc[named, "rank"] = (f[named].groupby("date").cumcount() + 1).astype("Int64")
    day_total = f.groupby("date")["total_tokens"].transform("sum")
    out = pd.DataFrame(
        {
            "date": f["date"],
            "rank": f["rank"].astype("Int64"),
            "model_slug": f["model_permaslug"],
            "author": f["model_permaslug"].where(f["is_other"], f["model_permaslug"].str.split("/").str[0]),
            "is_other": f["is_other"],
            "total_tokens": f["total_tokens"].astype("Int64"),
            "day_total_tokens": day_total.astype("Int64"),
        }
    )
    out["day_share"] = (out["total_tokens"].astype(float) / out["day_total_tokens"].astype(float)).round(9)
    out["source_commit"] = s.sha256[:12]
    out["retrieved_at"] = s.retrieved_at
    out["as_of"] = s.meta["as_of"]
    out["endpoint"] = s.request["url"]
    return out.reset_index(drop=True)


@dataclass
class Extension:
    """What :func:`extend_daily` did: the merged table and what it added, kept or found restated."""

    table: pd.DataFrame
    added_days: list = field(default_factory=list)
    identical_days: list = field(default_factory=list)
    restated: list = field(default_factory=list)  # dicts: date, model_slug, kept, new, snapshot

    def restated_days(self) -> list:
        return sorted({r["date"] for r in self.restated})


def _sort(df: pd.DataFrame) -> pd.DataFrame:
    return (df.assign(_ord=df["rank"].astype("Float64").fillna(99)).sort_values(["date", "_ord"])
            .drop(columns="_ord").reset_index(drop=True))


def extend_daily(base: pd.DataFrame, snapshots: list[Snapshot] | None = None, *, only: set | None = None) -> Extension:
    """The base table plus the days the snapshots add; a day already present is never overwritten.

    Snapshots are applied oldest first, so a day's values are those of its first retrieval. When a later
    snapshot gives a present day other figures, each differing row is listed in ``restated`` (``only``: sha256s
    of the snapshots whose findings to report; default all).
    """
    snapshots = read_snapshots() if snapshots is None else snapshots
    cols = list(base.columns)
    frames = [base]
    have = {d: g.set_index("model_slug")["total_tokens"] for d, g in base.groupby("date")}
    ext = Extension(base)
    for s in snapshots:
        f = snapshot_frame(s)
        for d, g in f.groupby("date"):
            new = g.set_index("model_slug")["total_tokens"]
            if d not in have:
                frames.append(g[cols])
                have[d] = new
                if only is None or s.sha256 in only:
                    ext.added_days.append(d)
                continue
            if only is not None and s.sha256 not in only:
                continue
            old = have[d]
            diff = sorted(set(old.index) ^ set(new.index)) + [k for k in old.index.intersection(new.index) if int(old[k]) != int(new[k])]
            if not diff:
                ext.identical_days.append(d)
            for k in diff:
                ext.restated.append({"date": d, "model_slug": k, "kept": None if k not in old.index else int(old[k]),
                                     "new": None if k not in new.index else int(new[k]), "snapshot": s.sha256[:12]})
    ext.table = _sort(pd.concat(frames, ignore_index=True)) if len(frames) > 1 else base
    return ext


# --------------------------------------------------------------------------- HTTP


def make_session(*, retries: int = 5, backoff_s: float = 1.0):
    """A ``requests`` session retrying 429 and 5xx (GET only) with back-off, honouring ``Retry-After``."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=retries, connect=2, read=2, status=retries, backoff_factor=backoff_s, backoff_max=60,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = "tokenecon-fetch (+https://openrouter.ai/docs/cookbook/administration/data-api)"
    return s


def request_page(session, root: str, key: str, start: dt.date, end: dt.date, *, timeout=TIMEOUT_S) -> Snapshot:
    """One GET of rankings-daily for ``start ... end``, validated; raises FetchError / ResponseRefused."""
    import requests

    url = root + ENDPOINT
    params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    where = f"GET {url}?start_date={start}&end_date={end}"
    try:
        r = session.get(url, params=params, headers={"Authorization": f"Bearer {key}"}, timeout=timeout)
    except requests.exceptions.Timeout:
        raise FetchError(f"{where}: timed out ({timeout[0]:g} s to connect, {timeout[1]:g} s to read); nothing written") from None
    except requests.exceptions.RetryError as exc:
        raise FetchError(f"{where}: gave up after retries ({exc.args[0].reason if exc.args else exc}); nothing written") from None
    except requests.exceptions.ConnectionError as exc:
        from urllib3.exceptions import NewConnectionError
        from urllib3.exceptions import TimeoutError as Urllib3Timeout

        reason = getattr(exc.args[0], "reason", exc.args[0]) if exc.args else exc
        # NewConnectionError subclasses urllib3's ConnectTimeoutError: test it first.
        if isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError):
            raise FetchError(f"{where}: timed out after retries ({timeout[0]:g} s to connect, {timeout[1]:g} s to read); "
                             "nothing written") from None
        text = str(reason).split(">: ", 1)[-1]  # drop urllib3's object repr, keep the system's words
        raise FetchError(f"{where}: cannot connect ({text}); check the network or {URL_ENV}; nothing written") from None
    if r.status_code in (401, 403):
        raise FetchError(f"{where}: HTTP {r.status_code}: the API refused the key in {KEY_ENV}; nothing written")
    if r.status_code == 429:
        raise FetchError(f"{where}: HTTP 429 rate limit still hit after retries (limit 30/min, 500/day); try later; nothing written")
    if r.status_code != 200:
        raise FetchError(f"{where}: HTTP {r.status_code} {r.reason}: {r.text[:200]!r}; nothing written")
    rows, meta = parse_rankings_daily(r.content, start, end, where=where)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    req = {"method": "GET", "url": url, "endpoint": ENDPOINT, "params": params}
    return Snapshot(r.content, req, meta, now, hashlib.sha256(r.content).hexdigest(), tuple(rows))


def pages(start: dt.date, end: dt.date, days: int = PAGE_DAYS) -> list[tuple[dt.date, dt.date]]:
    out, d = [], start
    while d <= end:
        e = min(d + dt.timedelta(days=days - 1), end)
        out.append((d, e))
        d = e + dt.timedelta(days=1)
    return out


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of days as (first, last)."""
    runs: list[list[dt.date]] = []
    for d in sorted(days):
        if runs and d == runs[-1][1] + dt.timedelta(days=1):
            runs[-1][1] = d
        else:
            runs.append([d, d])
    return [(a, b) for a, b in runs]


# --------------------------------------------------------------------------- the command


@dataclass
class FetchReport:
    since: dt.date
    until: dt.date
    requested: list = field(default_factory=list)   # (start, end) pages asked for
    skipped_days: list = field(default_factory=list)  # days already held, not re-fetched
    snapshots: list = field(default_factory=list)
    extension: Extension | None = None
    missing_days: list = field(default_factory=list)  # requested days the API returned nothing for
    unknown_authors: dict = field(default_factory=dict)  # author -> (first slug, first day, share of that day)
    new_models: list = field(default_factory=list)
    written: list = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        out = [f"rankings-daily {self.since} ... {self.until}: {len(self.requested)} request(s)"
               + (f", {len(self.skipped_days)} day(s) already held and not re-fetched (use --refresh)" if self.skipped_days else "")]
        if self.dry_run:
            out += [f"  would request {a} ... {b}" for a, b in self.requested]
            return out + ["dry run: nothing requested, nothing written"]
        for s in self.snapshots:
            out.append(f"  snapshot {s.start} ... {s.end}: {len(s.rows)} rows, as of {s.meta['as_of']}, sha256 {s.sha256[:12]}"
                       + (f" -> {s.path}" if s.path else ""))
        e = self.extension
        if e is not None:
            if e.added_days:
                out.append(f"added {len(e.added_days)} day(s) {min(e.added_days).date()} ... {max(e.added_days).date()} "
                           f"to {TABLE} ({sum(int((e.table['date'] == d).sum()) for d in e.added_days)} rows)")
            else:
                out.append(f"no new day for {TABLE}")
            if e.identical_days:
                out.append(f"{len(e.identical_days)} day(s) re-published unchanged")
            if e.restated:
                out.append(f"RESTATED by the API, kept as committed (not overwritten): {len(e.restated)} row(s) on "
                           f"{', '.join(str(d.date()) for d in e.restated_days())}")
                for r in e.restated[:10]:
                    out.append(f"  {r['date'].date()} {r['model_slug']}: kept {r['kept']}, API now gives {r['new']}")
        if self.missing_days:
            out.append("no data returned for " + ", ".join(f"{a} ... {b}" if a != b else str(a) for a, b in _runs(self.missing_days)))
        for a, (slug, day, sh) in sorted(self.unknown_authors.items()):
            out.append(f"unknown author {a!r} (first {slug} on {day}, {100 * sh:.2g}% of that day): add a labs row "
                       f"(author={a}, lab, hq_country, bloc, weights) to the lookup; until then reports count it as origin unknown")
        if self.new_models:
            out.append(f"{len(self.new_models)} model slug(s) new to {TABLE}: " + ", ".join(self.new_models[:12])
                       + (" ..." if len(self.new_models) > 12 else "")
                       + "; add a models row (openrouter_slug) for any that should get an energy estimate")
        out += [f"wrote {p}" for p in self.written]
        return out


def fetch(since: dt.date | None = None, until: dt.date | None = None, *, dry_run: bool = False, refresh: bool = False,
          data_dir: Path | None = None, snapshots: Path | None = None, session=None, min_interval_s: float = MIN_INTERVAL_S,
          timeout=TIMEOUT_S, today: dt.date | None = None, sleep=time.sleep, page_days: int = PAGE_DAYS) -> FetchReport:
    """Fetch rankings-daily for ``since ... until``, store snapshots, extend ``data/openrouter_daily_top50.csv``.

    Defaults: ``since`` = the day after the table's last day, ``until`` = yesterday (UTC). Days already held (in the
    table or a snapshot) are not requested again unless ``refresh``. Nothing is written until every page has been
    fetched and validated and the extended table has passed its schema.
    """
    from tokenecon import data

    key = None if dry_run else api_key()  # no key: one line, before any request or read
    tbl = data.table(TABLE)
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    snap_dir = Path(snapshots) if snapshots is not None else snapshot_dir()
    csv = data_dir / f"{TABLE}.csv"
    base = data.parse_csv(csv if csv.exists() else tbl.path, tbl)
    stored = read_snapshots(snap_dir)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    last = base["date"].max().date()
    since = since or last + dt.timedelta(days=1)
    until = until or today - dt.timedelta(days=1)
    if since < FIRST_DAY:
        raise FetchError(f"--since {since}: the dataset begins on {FIRST_DAY}")
    if until >= today:
        raise FetchError(f"--until {until}: must be before today ({today}, UTC); the API publishes completed days")
    if since > until:
        raise FetchError(f"--since {since} is after --until {until}: nothing to fetch (the table runs to {last})")
    wanted = [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]
    held = set(base["date"].dt.date) | {r["date"] for s in stored for r in s.rows}
    todo = wanted if refresh else [d for d in wanted if d not in held]
    rep = FetchReport(since, until, dry_run=dry_run)
    rep.skipped_days = [d for d in wanted if d not in todo]
    rep.requested = [p for a, b in _runs(todo) for p in pages(a, b, page_days)]
    if dry_run or not rep.requested:
        if not dry_run:
            rep.extension = extend_daily(base, stored, only=set())
        return rep
    root = api_root()
    session = session or make_session()
    new: list[Snapshot] = []
    for i, (a, b) in enumerate(rep.requested):
        if i:
            sleep(min_interval_s)
        new.append(request_page(session, root, key, a, b, timeout=timeout))
    got = {r["date"] for s in new for r in s.rows}
    rep.missing_days = [d for d in todo if d not in got]
    ext = extend_daily(base, stored + new, only={s.sha256 for s in new})
    # The table must pass its schema before anything (snapshot or table) is written.
    blob = data.to_csv_bytes(data.validate(ext.table, tbl, f"{TABLE} extended by the fetch"), tbl)
    labs_p = data_dir / "labs.csv"
    labs = data.parse_csv(labs_p if labs_p.exists() else data.table("labs").path, data.table("labs"))
    known = set(labs["author"])
    seen_slugs = set(base["model_slug"])
    for d in sorted(ext.added_days):
        day = ext.table[ext.table["date"] == d]
        for _, r in day.iterrows():
            if not r["is_other"] and r["author"] not in known and r["author"] not in rep.unknown_authors:
                rep.unknown_authors[r["author"]] = (r["model_slug"], d.date(), float(r["day_share"]))
            if r["model_slug"] not in seen_slugs:
                seen_slugs.add(r["model_slug"])
                rep.new_models.append(r["model_slug"])
    for s in new:
        p = write_snapshot(s, snap_dir)
        rep.snapshots.append(Snapshot(s.body, s.request, s.meta, s.retrieved_at, s.sha256, s.rows, p))
    if ext.added_days and not (csv.exists() and csv.read_bytes() == blob):
        data._atomic_write(csv, blob)
        rep.written.append(csv)
        # the catalogue's checksums and the Data Package follow the extended table
        rep.written.extend(data.write_catalogue(csv.parent))
    rep.extension = ext
    return rep
