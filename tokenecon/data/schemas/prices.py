"""Price and quality tables for the price-elasticity report (issue 6).

Three tables, each built by code from the raw mirror (``tokens/``) except the anchors:

* ``model_price_events`` — dated list-price events (first listing or a price change) for every model
  that appears in the OpenRouter token tables (weekly top-10, daily top-50), from three feeds:
  the OpenRouter list prices recorded with each weekly top-10 snapshot, the LiteLLM price catalogue's
  git history, and simonw/llm-prices. Each change carries an ``is_catalogue_fix`` flag and a
  ``confidence`` grade with the rule that set them (``flag_reason``), because the LiteLLM log mixes
  real vendor price moves with catalogue corrections.
* ``model_attributes`` — one row per model: author, bloc, launch date (and how it was dated),
  open-weights flag (and its basis), Artificial Analysis intelligence index as shown on
  openrouter.ai/rankings, and SWE-bench bash-only resolved % where a name matches.
* ``elasticity_anchors`` — hand-compiled published elasticity figures (NBER w34608, the a16z /
  OpenRouter reading) and the research note's naive slope, each with its source.

Model identity: OpenRouter permaslugs carry a release date (``minimax/minimax-m2.5-20260211``) and
variants (``:free``). :func:`model_base` strips both; every table keys on that base. Names in other
catalogues (``claude-opus-4-6``, ``xai/grok-4-1-fast``) are matched to it by :func:`name_signature`,
the sorted multiset of the name's alphanumeric pieces, so ``claude-4.6-opus`` and ``claude-opus-4-6``
meet, while ``gemini-2.5-flash`` and ``gemini-2.5-flash-lite`` do not.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from tokenecon.data import Column, Source, Table
from tokenecon.data.schemas._helpers import MIRROR_RETRIEVED, read_raw, require_columns

WEEKLY_TOP10 = "tokens/openrouter_weekly_top10_johnbean393.csv"
DAILY_TOP50 = "tokens/openrouter_rankings_daily_top50_casualstudy.csv"
LITELLM_LOG = "tokens/litellm_chat_price_changelog.csv"
SIMONW = "tokens/simonw_llm_prices_history.csv"
INTEL_INDEX = "tokens/openrouter_rankings_page_intelligence_index_snapshots.csv"
SWEBENCH_BASH = "tokens/swebench_bash_only_leaderboard_2025-12-10.csv"
MOE_REF = "tokens/moe_params_reference_handcompiled.csv"
CROSSWALK = "tokens/llmcarbon_model_crosswalk.csv"
AUTHOR_ORIGIN = "tokens/author_origin_lookup_handcompiled.csv"

#: LiteLLM providers that sell a lab's own models first-party, by OpenRouter author prefix.
#: Resellers (bedrock, vertex, azure, together, ...) are left out: their prices are not the lab's list price.
FIRST_PARTY_LITELLM = {
    "anthropic": ("anthropic",),
    "openai": ("openai",),
    "google": ("gemini",),
    "x-ai": ("xai",),
    "deepseek": ("deepseek",),
    "minimax": ("minimax",),
    "moonshotai": ("moonshot",),
    "z-ai": ("zai",),
    "qwen": ("dashscope",),
    "tencent": ("tencent",),
}
#: simonw/llm-prices vendor names, by OpenRouter author prefix.
SIMONW_VENDOR = {
    "anthropic": "anthropic", "openai": "openai", "google": "google", "x-ai": "xai", "deepseek": "deepseek",
    "minimax": "minimax", "moonshotai": "moonshot-ai", "qwen": "qwen", "mistralai": "mistral",
}
#: Two feeds report "the same" price move if they fall within this many days of each other.
CORROBORATION_DAYS = 14
#: A change that returns to the earlier prices within this many days is treated as transient.
REVERT_DAYS = 21
#: Launch dates encoded in permaslugs are accepted only inside this range (OpenRouter slugs such as
#: ``nemotron-3-super-120b-a12b-20230311`` carry dates that are not release dates).
LAUNCH_DATE_RANGE = ("2024-01-01", "2026-12-31")
#: Mode words stripped when matching a benchmark entry to a model (a reasoning mode of the same weights).
MODE_WORDS = ("reasoner", "instruct", "thinking", "medium", "reasoning")
BLOC_MAP = {"CN": "china", "US": "us", "EU": "europe", "Other": "other"}

# --------------------------------------------------------------------------- sources

def _src(title: str, repository: str, path: str, commit: str, licence: str) -> Source:
    return Source(title=title, retrieved=MIRROR_RETRIEVED, licence=licence, repository=repository, path=path,
                  commit=commit)


SRC_WEEKLY = _src("OpenRouter weekly top-10 with token split and list prices (johnbean393/openrouter-inference-stats)",
                  "johnbean393/openrouter-inference-stats", "data/<YYYY-MM-DD>.json",
                  "02966a2eb8a98972f942d1abe5a5d7a80fc479f9",
                  "none stated (facts scraped from openrouter.ai; re-publish cautiously)")
SRC_DAILY = _src("OpenRouter rankings-daily top-50 (official Data API) via CasualStudy/casualstudy-portfolio",
                 "CasualStudy/casualstudy-portfolio", "data/openrouter-usage.json",
                 "48879aed4527f40e629560a3007315276f29157c",
                 "CC BY 4.0 (Source: OpenRouter (openrouter.ai/rankings))")
SRC_LITELLM = _src("LiteLLM model price catalogue, all 640 git versions diffed (RoCry/llm-api-price mirror of "
                   "BerriAI/litellm model_prices_and_context_window.json)",
                   "RoCry/llm-api-price", "model_prices_and_context_window.json",
                   "8442b939a6ead479f7995b5d74d8dce488bd0966", "MIT (LiteLLM)")
SRC_SIMONW = _src("simonw/llm-prices curated price history", "simonw/llm-prices", "data/*.json",
                  "723ef0bd3a6254436e9fe8d7f05d4d787e99f4c5", "none stated")
SRC_INTEL = _src("openrouter.ai/rankings intelligence-index widget (Artificial Analysis Intelligence Index), daily "
                 "scrape", "jampongsathorn/openrouter-rankings", "data/<date>/rankings.json",
                 "8bc326572ce66be5003debcc44228f6120c9f89b", "none stated (scraped from openrouter.ai)")
SRC_SWEBENCH = _src("SWE-bench bash-only leaderboard (mini-SWE-agent, same scaffold for all models), 2025-12-10",
                    "SWE-bench/swe-bench.github.io", "data/leaderboards.json", "f1176b6",
                    "CC BY-NC 4.0 (non-commercial use only)")
SRC_MOE = Source(title="MoE parameter reference with model-card URLs (hand-compiled in the raw mirror)",
                 retrieved=MIRROR_RETRIEVED, licence="facts from Hugging Face model cards",
                 repository="shared research mirror", path="tokens/moe_params_reference_handcompiled.csv")
SRC_CROSSWALK = _src("llm-carbon-index model crosswalk (origin, open/closed)", "wyl2607/llm-carbon-index",
                     "data/crosswalk/model_crosswalk.yaml", "70912908c2ba31efabc5776070a7a2d1515a193c", "MIT")
SRC_ORIGIN = Source(title="OpenRouter author prefix -> lab, HQ country, bloc (hand-compiled in the raw mirror)",
                    retrieved=MIRROR_RETRIEVED, licence="facts; compiled for this project",
                    repository="shared research mirror", path="tokens/author_origin_lookup_handcompiled.csv")

# --------------------------------------------------------------------------- name matching

from tokenecon.data.lookup import DATE_SUFFIX as _DATE_SUFFIX, model_base  # noqa: E402,F401  (one slug rule)


def slug_launch_date(slug: str) -> pd.Timestamp | None:
    """Release date encoded as ``-YYYYMMDD`` at the end of a permaslug, if plausible."""
    m = re.search(r"-(\d{8})$", str(slug).split(":", 1)[0])
    if not m:
        return None
    d = pd.to_datetime(m.group(1), format="%Y%m%d", errors="coerce")
    lo, hi = (pd.Timestamp(x) for x in LAUNCH_DATE_RANGE)
    return d if (d is not pd.NaT and lo <= d <= hi) else None


def name_signature(name: str, drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Sorted alphanumeric pieces of a model name (after dropping any date suffix and ``drop`` words)."""
    n = _DATE_SUFFIX.sub("", str(name).lower().split(":", 1)[0])
    parts = [p for p in re.split(r"[^a-z0-9]+", n) if p and p not in drop]
    return tuple(sorted(parts))


def _author(base: str) -> str:
    return base.split("/", 1)[0]


def _name(base: str) -> str:
    return base.split("/", 1)[1] if "/" in base else base


def model_universe(raw_dir: Path) -> pd.DataFrame:
    """Every model in the token tables: base slug, author, permaslugs seen, first date seen."""
    w = read_raw(raw_dir, WEEKLY_TOP10)
    require_columns(w, WEEKLY_TOP10, ["snapshot_date", "slug", "author"])
    d = read_raw(raw_dir, DAILY_TOP50)
    require_columns(d, DAILY_TOP50, ["date", "model_permaslug", "author"])
    d = d[d["model_permaslug"] != "other"]
    rows = pd.concat([
        pd.DataFrame({"slug": w["slug"], "date": pd.to_datetime(w["snapshot_date"]) - pd.Timedelta(days=7)}),
        pd.DataFrame({"slug": d["model_permaslug"], "date": pd.to_datetime(d["date"])}),
    ])
    rows["model_base"] = rows["slug"].map(model_base)
    g = rows.groupby("model_base")
    out = pd.DataFrame({
        "slugs": g["slug"].agg(lambda s: sorted(set(s))),
        "first_seen_tokens": g["date"].min(),
    }).reset_index()
    out["author"] = out["model_base"].map(_author)
    return out.sort_values("model_base").reset_index(drop=True)


# --------------------------------------------------------------------------- price events

EVENT_COLUMNS = (
    Column("model_base", "str", "OpenRouter permaslug without date suffix or :variant (see model_base())"),
    Column("date", "date", "date the feed recorded the price (weekly snapshot date, LiteLLM commit date, "
                           "simonw from_date)"),
    Column("feed", "str", "which price feed recorded it", allowed=("openrouter_list", "litellm", "simonw")),
    Column("source_key", "str", "the model's name in that feed (permaslug, LiteLLM key, simonw model_id)"),
    Column("event", "str", "first listing in the feed, or a change of any listed price",
           allowed=("first_seen", "price_change")),
    Column("input_usd_per_mtok", "float", "list price of uncached input (prompt) tokens", unit="USD per M tokens",
           min=0),
    Column("output_usd_per_mtok", "float", "list price of output (completion) tokens", unit="USD per M tokens",
           min=0),
    Column("cache_read_usd_per_mtok", "float", "list price of cached input tokens; empty when the feed gives "
           "none (OpenRouter listings of 0 for a paid model are read as 'not listed')", unit="USD per M tokens",
           min=0, nullable=True),
    Column("input_change_pct", "float", "change of the input price from the feed's previous listing",
           unit="pct", nullable=True),
    Column("output_change_pct", "float", "change of the output price from the feed's previous listing",
           unit="pct", nullable=True),
    Column("is_catalogue_fix", "bool", "true when the change is judged not to be a vendor price move "
           "(re-listing, field added, zero placeholder, reverted, catch-up to a price listed earlier elsewhere)"),
    Column("confidence", "str", "confidence that the row is a real list price in effect from `date`",
           allowed=("high", "medium", "low")),
    Column("flag_reason", "str", "the rule that set is_catalogue_fix / confidence"),
)


def _pct(new, old):
    if old is None or pd.isna(old) or pd.isna(new) or old == 0:
        return np.nan
    return 100.0 * (new / old - 1.0)


def _events_from_series(df: pd.DataFrame, feed: str) -> list[dict]:
    """Turn one key's dated price listings (sorted) into first_seen / price_change rows."""
    rows: list[dict] = []
    prev = None
    for r in df.itertuples(index=False):
        cur = (r.input_usd_per_mtok, r.output_usd_per_mtok, r.cache_read_usd_per_mtok)
        if prev is not None and _same_prices(cur, prev):
            continue
        rows.append({
            "model_base": r.model_base, "date": r.date, "feed": feed, "source_key": r.source_key,
            "event": "first_seen" if prev is None else "price_change",
            "input_usd_per_mtok": cur[0], "output_usd_per_mtok": cur[1], "cache_read_usd_per_mtok": cur[2],
            "input_change_pct": np.nan if prev is None else _pct(cur[0], prev[0]),
            "output_change_pct": np.nan if prev is None else _pct(cur[1], prev[1]),
            "_prev": prev, "_relisted": bool(getattr(r, "relisted", False)),
        })
        prev = cur
    return rows


def _same_prices(a, b) -> bool:
    return all((pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and np.isclose(x, y))
               for x, y in zip(a, b))


def _openrouter_list_events(raw_dir: Path) -> pd.DataFrame:
    w = read_raw(raw_dir, WEEKLY_TOP10)
    cols = ["snapshot_date", "slug", "is_free", "prompt_price_usd_per_token", "completion_price_usd_per_token",
            "cache_read_price_usd_per_token"]
    require_columns(w, WEEKLY_TOP10, cols)
    w = w[~w["is_free"].astype(str).str.lower().eq("true") & ~w["slug"].str.contains(":")].copy()
    w["date"] = pd.to_datetime(w["snapshot_date"])
    w["model_base"] = w["slug"].map(model_base)
    w["source_key"] = w["slug"]
    w["input_usd_per_mtok"] = (w["prompt_price_usd_per_token"] * 1e6).round(6)
    w["output_usd_per_mtok"] = (w["completion_price_usd_per_token"] * 1e6).round(6)
    cache = (w["cache_read_price_usd_per_token"] * 1e6).round(6)
    w["cache_read_usd_per_mtok"] = cache.where(cache > 0)  # 0 for a paid model = not listed
    w = w[(w["input_usd_per_mtok"] > 0) | (w["output_usd_per_mtok"] > 0)]
    rows = []
    for _, g in w.sort_values(["source_key", "date"]).groupby("source_key", sort=True):
        rows += _events_from_series(g, "openrouter_list")
    return pd.DataFrame(rows)


def _litellm_events(raw_dir: Path, universe: pd.DataFrame) -> pd.DataFrame:
    log = read_raw(raw_dir, LITELLM_LOG)
    require_columns(log, LITELLM_LOG, ["observed_at", "commit", "model_key", "litellm_provider",
                                       "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
                                       "event"])
    # Map each LiteLLM key to a model base: `openrouter/<author>/<name>` or a first-party key
    # (`<name>` or `<provider>/<name>` whose provider sells the author's own models).
    sig = {}
    for base in universe["model_base"]:
        sig.setdefault((_author(base), name_signature(_name(base))), base)
    key_provider = log.dropna(subset=["litellm_provider"]).groupby("model_key")["litellm_provider"].first()
    mapping = {}
    for key, prov in key_provider.items():
        parts = key.split("/")
        if parts[0] == "openrouter" and len(parts) == 3:
            base = sig.get((parts[1], name_signature(parts[2])))
        else:
            if len(parts) > 2 or (len(parts) == 2 and parts[0] != prov):
                continue
            base = None
            for author, provs in FIRST_PARTY_LITELLM.items():
                if prov in provs:
                    base = sig.get((author, name_signature(parts[-1])))
                    if base:
                        break
        if base:
            mapping[key] = base
    log = log[log["model_key"].isin(mapping)].copy()
    log["date"] = pd.to_datetime(log["observed_at"])
    log["model_base"] = log["model_key"].map(mapping)
    log["source_key"] = log["model_key"]
    rows = []
    for key, g in log.groupby("model_key", sort=True):
        g = g.reset_index(drop=True)  # file order = commit order
        g["relisted"] = g["event"].shift(1).eq("removed")
        listed = g[g["event"] != "removed"]
        # several commits on one day: keep the day's last listing
        listed = listed.groupby("date", as_index=False).last()
        rows += _events_from_series(listed, "litellm")
    out = pd.DataFrame(rows)
    # Keys that differ only by a date suffix (claude-opus-4-6 / claude-opus-4-6-20260205) repeat events.
    return out.sort_values(["model_base", "date", "source_key"]).drop_duplicates(
        ["model_base", "date", "event", "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok"])


def _simonw_events(raw_dir: Path, universe: pd.DataFrame) -> pd.DataFrame:
    s = read_raw(raw_dir, SIMONW)
    require_columns(s, SIMONW, ["vendor", "model_id", "input_usd_per_mtok", "output_usd_per_mtok",
                                "input_cached_usd_per_mtok", "from_date", "to_date"])
    sig = {(SIMONW_VENDOR.get(_author(b)), name_signature(_name(b))): b for b in universe["model_base"]}
    s["model_base"] = [sig.get((v, name_signature(m))) for v, m in zip(s["vendor"], s["model_id"])]
    # Only dated rows carry an event date; an undated single price says nothing about when it applied.
    s = s[s["model_base"].notna() & s["from_date"].notna()].copy()
    if s.empty:
        return pd.DataFrame()
    s["date"] = pd.to_datetime(s["from_date"])
    s["source_key"] = s["model_id"]
    s = s.rename(columns={"input_cached_usd_per_mtok": "cache_read_usd_per_mtok"})
    rows = []
    for _, g in s.sort_values(["source_key", "date"]).groupby("source_key"):
        rows += _events_from_series(g, "simonw")
    return pd.DataFrame(rows)


def _flag(ev: pd.DataFrame) -> pd.DataFrame:
    """Set is_catalogue_fix / confidence / flag_reason, one rule at a time (first rule that fires wins)."""
    fix, conf, why = [], [], []
    ev = ev.sort_values(["model_base", "date", "feed", "source_key"]).reset_index(drop=True)
    for i, r in ev.iterrows():
        first_party = r["feed"] == "simonw" or (r["feed"] == "litellm" and not r["source_key"].startswith("openrouter/"))
        if r["event"] == "first_seen":
            fix.append(False)
            conf.append("high" if r["feed"] in ("openrouter_list", "simonw") or first_party else "medium")
            why.append("first listing in the feed (a level, not a change)")
            continue
        prev = r["_prev"]
        cur = (r["input_usd_per_mtok"], r["output_usd_per_mtok"], r["cache_read_usd_per_mtok"])
        same_io = np.isclose(cur[0], prev[0]) and np.isclose(cur[1], prev[1])
        # earlier listings of the same key, to spot a change that is later reversed
        later = ev[(ev["source_key"] == r["source_key"]) & (ev["feed"] == r["feed"]) & (ev["date"] > r["date"])
                   & (ev["date"] <= r["date"] + pd.Timedelta(days=REVERT_DAYS))]
        reverted = any(_same_prices((a, b, c), prev) for a, b, c in zip(
            later["input_usd_per_mtok"], later["output_usd_per_mtok"], later["cache_read_usd_per_mtok"]))
        reverts_earlier = any(
            _same_prices(cur, p) and (r["date"] - d).days <= REVERT_DAYS
            for p, d in zip(ev.loc[(ev["source_key"] == r["source_key"]) & (ev["feed"] == r["feed"])
                                   & (ev["date"] < r["date"]) & (ev["event"] == "price_change"), "_prev"],
                            ev.loc[(ev["source_key"] == r["source_key"]) & (ev["feed"] == r["feed"])
                                   & (ev["date"] < r["date"]) & (ev["event"] == "price_change"), "date"]))
        zero = any((not pd.isna(x)) and x == 0 for x in (*cur[:2], *prev[:2]))
        # another feed listed these input/output prices for the same model before this date
        elsewhere = ev[(ev["model_base"] == r["model_base"]) & (ev["feed"] != r["feed"]) & (ev["date"] < r["date"])
                       & np.isclose(ev["input_usd_per_mtok"], cur[0]) & np.isclose(ev["output_usd_per_mtok"], cur[1])]
        # another feed recorded a change of the same model, same direction, within the corroboration window
        direction = np.sign((cur[0] - prev[0]) + (cur[1] - prev[1]))
        near = ev[(ev["model_base"] == r["model_base"]) & (ev["feed"] != r["feed"]) & (ev["event"] == "price_change")
                  & ((ev["date"] - r["date"]).abs() <= pd.Timedelta(days=CORROBORATION_DAYS))]
        corroborated = any(np.sign((a - p[0]) + (b - p[1])) == direction
                           for a, b, p in zip(near["input_usd_per_mtok"], near["output_usd_per_mtok"], near["_prev"]))
        if r["_relisted"]:
            fix.append(True); conf.append("high"); why.append("key removed then re-listed (catalogue edit)")
        elif same_io:
            fix.append(True); conf.append("high")
            why.append("only the cache-read price was added, removed or changed (input and output unchanged)")
        elif zero:
            fix.append(True); conf.append("high"); why.append("zero placeholder price before or after")
        elif reverted or reverts_earlier:
            fix.append(True); conf.append("medium")
            why.append(f"reversed within {REVERT_DAYS} days (transient listing or correction)")
        elif r["feed"] == "litellm" and len(elsewhere):
            fix.append(True); conf.append("medium")
            why.append(f"catch-up: {elsewhere.iloc[0]['feed']} listed these prices on "
                       f"{elsewhere.iloc[0]['date']:%Y-%m-%d}")
        elif corroborated:
            fix.append(False); conf.append("high")
            why.append(f"corroborated by another feed within {CORROBORATION_DAYS} days")
        else:
            fix.append(False); conf.append("medium" if r["feed"] == "openrouter_list" else "low")
            why.append("uncorroborated change" + (" (OpenRouter list price; may follow the default provider)"
                                                  if r["feed"] == "openrouter_list" else "; verify on the vendor page"))
    ev["is_catalogue_fix"], ev["confidence"], ev["flag_reason"] = fix, conf, why
    return ev


def build_model_price_events(raw_dir: Path) -> pd.DataFrame:
    universe = model_universe(raw_dir)
    parts = [_openrouter_list_events(raw_dir), _litellm_events(raw_dir, universe), _simonw_events(raw_dir, universe)]
    ev = pd.concat([p for p in parts if len(p)], ignore_index=True)
    ev = _flag(ev)
    for c in ("input_change_pct", "output_change_pct"):
        ev[c] = ev[c].round(4)
    ev = ev.sort_values(["model_base", "date", "feed", "source_key"]).reset_index(drop=True)
    return ev[[c.name for c in EVENT_COLUMNS]]


MODEL_PRICE_EVENTS = Table(
    name="model_price_events",
    title="Dated list-price events for the models in the OpenRouter token tables",
    description=(
        "First listings and price changes (input, output, cache-read; USD per M tokens) of every model that "
        "appears in the weekly top-10 or daily top-50 token tables, from three feeds: OpenRouter list prices "
        "recorded with each weekly top-10 snapshot, the LiteLLM catalogue's git history (first-party and "
        "openrouter/* keys only) and simonw/llm-prices. Each change is flagged: is_catalogue_fix and a "
        "confidence grade, with the rule that fired."
    ),
    columns=EVENT_COLUMNS,
    key=("model_base", "date", "feed", "source_key"),
    sources=(SRC_WEEKLY, SRC_LITELLM, SRC_SIMONW, SRC_DAILY),
    derivation=(
        "Model universe = permaslugs of the weekly top-10 and daily top-50 files, reduced to model_base. "
        "openrouter_list: per permaslug (paid variants only), the snapshot list prices x 1e6, one row when any "
        "price differs from the previous snapshot; a cache-read price of 0 for a paid model is read as 'not "
        "listed'. litellm: keys `openrouter/<author>/<name>` and first-party keys (provider in "
        "FIRST_PARTY_LITELLM) matched by name_signature; `removed` rows dropped, several commits on one day "
        "collapsed to the day's last listing, keys differing only by a date suffix deduplicated. simonw: dated "
        "rows (from_date) only. Flags, first rule that fires: re-listed after removal; only cache price changed; "
        "zero placeholder; reversed within REVERT_DAYS; LiteLLM catching up with a price another feed listed "
        "earlier -> is_catalogue_fix. Otherwise a real move, confidence high if another feed records a "
        "same-direction change within CORROBORATION_DAYS."
    ),
    build=build_model_price_events,
    raw_files=(WEEKLY_TOP10, DAILY_TOP50, LITELLM_LOG, SIMONW),
    date_column="date",
    caveats=(
        "LiteLLM dates are when the mirror saw the change (may lag the vendor by days). OpenRouter list prices "
        "of multi-provider open-weight models follow the listed (default) provider, so a 'change' can be a "
        "routing or listing change rather than a vendor price cut. Flags are rules, not a check against each "
        "vendor's pricing page; `low` confidence rows should be verified before being called a price shock."
    ),
)

# --------------------------------------------------------------------------- model attributes

ATTR_COLUMNS = (
    Column("model_base", "str", "OpenRouter permaslug without date suffix or :variant"),
    Column("author", "str", "OpenRouter author prefix"),
    Column("bloc", "str", "origin bloc of the lab (author_origin_lookup); unknown/stealth authors -> other",
           allowed=("china", "us", "europe", "other")),
    Column("launch_date", "date", "release date used for days-since-launch"),
    Column("launch_date_basis", "str", "how launch_date was set",
           allowed=("permaslug date suffix", "LiteLLM first listing", "first day in token tables (upper bound)")),
    Column("open_weights", "bool", "weights published (empty when no source says)", nullable=True),
    Column("open_weights_basis", "str", "source of open_weights", nullable=True),
    Column("intelligence_index", "float", "Artificial Analysis Intelligence Index shown on openrouter.ai/rankings "
           "(median over the daily snapshots 2026-03-28..05-16)", unit="index points", min=0, max=100,
           nullable=True),
    Column("intelligence_index_days", "int", "number of daily snapshots showing the model's index", unit="days",
           min=0),
    Column("swebench_bash_only_resolved_pct", "float", "SWE-bench Verified resolved with the common mini-SWE-agent "
           "scaffold (bash-only, 2025-12-10); CC BY-NC 4.0", unit="pct", min=0, max=100, nullable=True),
    Column("swebench_entry", "str", "the leaderboard entry matched (and how)", nullable=True),
)


def _first_match(base: str, candidates: pd.Series, drop: tuple[str, ...] = ()) -> list:
    a, s = _author(base), name_signature(_name(base))
    return [c for c in candidates if "/" in str(c) and _author(c) == a and name_signature(_name(c), drop) == s]


def _moe_family(base: str, moe: pd.DataFrame):
    """The moe_params_reference row whose slug prefix fits ``base`` best (longest prefix), or None.

    A prefix followed by a dot-version (``minimax/minimax-m2`` + ``.5``) fits only if the family name
    lists that version (``MiniMax M2 / M2.1 / M2.5``); a prefix followed by ``-variant`` fits.
    """
    best, best_len = None, -1
    for m in moe.itertuples(index=False):
        for p in str(m.openrouter_slug_prefix).split("|"):
            if not base.startswith(p) or len(p) <= best_len:
                continue
            rem = base[len(p):]
            if rem and p[-1] not in "/-":
                if rem[0] == ".":
                    version = re.split(r"[-/]", p)[-1] + re.match(r"\.[0-9]+", rem + ".0").group(0)
                    if version not in str(m.model_family).lower():
                        continue
                elif rem[0] != "-":
                    continue
            best, best_len = m, len(p)
    return best


def build_model_attributes(raw_dir: Path) -> pd.DataFrame:
    uni = model_universe(raw_dir)
    origin = read_raw(raw_dir, AUTHOR_ORIGIN)
    require_columns(origin, AUTHOR_ORIGIN, ["author_prefix", "bloc"])
    bloc = dict(zip(origin["author_prefix"], origin["bloc"].map(BLOC_MAP).fillna("other")))
    log = read_raw(raw_dir, LITELLM_LOG)
    ev = _litellm_events(raw_dir, uni)
    first_litellm = ev.groupby("model_base")["date"].min() if len(ev) else pd.Series(dtype="datetime64[ns]")
    ii = read_raw(raw_dir, INTEL_INDEX)
    require_columns(ii, INTEL_INDEX, ["snapshot_date", "model_id", "score"])
    ii["model_base"] = ii["model_id"].map(model_base)
    sw = read_raw(raw_dir, SWEBENCH_BASH)
    require_columns(sw, SWEBENCH_BASH, ["name", "resolved", "tags"])
    sw["model_tag"] = sw["tags"].str.extract(r"Model: ([^|]+)")[0].str.strip()
    moe = read_raw(raw_dir, MOE_REF)
    require_columns(moe, MOE_REF, ["model_family", "openrouter_slug_prefix", "architecture", "reference"])
    cw = read_raw(raw_dir, CROSSWALK)
    require_columns(cw, CROSSWALK, ["openrouter_slug", "open_or_closed"])
    cw["model_base"] = cw["openrouter_slug"].map(model_base)
    del log

    rows = []
    for r in uni.itertuples(index=False):
        base = r.model_base
        # launch date
        dated = [d for d in (slug_launch_date(s) for s in r.slugs) if d is not None]
        if dated:
            launch, basis = min(dated), "permaslug date suffix"
        elif base in first_litellm.index:
            launch, basis = first_litellm[base], "LiteLLM first listing"
        else:
            launch, basis = r.first_seen_tokens, "first day in token tables (upper bound)"
        if basis == "LiteLLM first listing" and r.first_seen_tokens < launch:
            launch, basis = r.first_seen_tokens, "first day in token tables (upper bound)"
        # open weights: model cards listed in the MoE reference first, then the llm-carbon crosswalk
        ow, ow_basis = None, None
        fam = _moe_family(base, moe)
        if fam is not None:
            if fam.architecture == "undisclosed":
                ow, ow_basis = False, f"closed family in moe_params_reference ({fam.model_family})"
            else:
                ow, ow_basis = True, f"open family '{fam.model_family}' in moe_params_reference ({fam.reference})"
        if ow is None:
            hit = cw[cw["model_base"] == base]
            if len(hit):
                ow = hit["open_or_closed"].iloc[0] == "open"
                ow_basis = "llm-carbon-index crosswalk open_or_closed (lower confidence)"
        # intelligence index
        ids = _first_match(base, ii["model_base"].drop_duplicates())
        sel = ii[ii["model_base"].isin(ids)]
        idx = float(sel["score"].median()) if len(sel) else np.nan
        ndays = int(sel["snapshot_date"].nunique())
        # SWE-bench bash-only: exact name match, else match after dropping mode words
        entry, resolved = None, np.nan
        a, s = _author(base), name_signature(_name(base))
        for how, drop in (("exact name", ()), ("name without mode word", MODE_WORDS)):
            hits = sw[sw["model_tag"].map(lambda t: name_signature(t, drop) == s)]
            if len(hits):
                h = hits.sort_values("resolved", ascending=False).iloc[0]
                entry, resolved = f"{h['name']} ({how})", float(h["resolved"])
                break
        rows.append({
            "model_base": base, "author": a, "bloc": bloc.get(a, "other"), "launch_date": launch,
            "launch_date_basis": basis, "open_weights": ow, "open_weights_basis": ow_basis,
            "intelligence_index": idx, "intelligence_index_days": ndays,
            "swebench_bash_only_resolved_pct": resolved, "swebench_entry": entry,
        })
    out = pd.DataFrame(rows)
    out["open_weights"] = out["open_weights"].astype(object)
    return out[[c.name for c in ATTR_COLUMNS]]


MODEL_ATTRIBUTES = Table(
    name="model_attributes",
    title="Model attributes for the elasticity panel: bloc, launch date, open weights, quality",
    description=(
        "One row per model in the token tables: author and origin bloc, launch date (for days since launch), "
        "open-weights flag, the Artificial Analysis Intelligence Index as shown on openrouter.ai/rankings, and "
        "SWE-bench bash-only resolved % where the leaderboard has the model. Quality columns are empty where "
        "no source has the model; nothing is imputed."
    ),
    columns=ATTR_COLUMNS,
    key=("model_base",),
    sources=(SRC_WEEKLY, SRC_DAILY, SRC_ORIGIN, SRC_LITELLM, SRC_INTEL, SRC_SWEBENCH, SRC_MOE, SRC_CROSSWALK),
    derivation=(
        "Universe as in model_price_events. bloc: author prefix -> author_origin_lookup bloc (CN->china, "
        "US->us, EU->europe, else other). launch_date: the permaslug's -YYYYMMDD suffix when inside "
        "LAUNCH_DATE_RANGE, else the first LiteLLM listing, else the first day the model appears in the token "
        "tables (whichever of the last two is earlier). open_weights: moe_params_reference (model-card URL -> "
        "true; 'undisclosed' closed families -> false) by slug prefix, else llm-carbon-index crosswalk. "
        "intelligence_index: median score over the daily snapshots of ids with the same author and "
        "name_signature. SWE-bench: bash-only entry whose 'Model:' tag has the same name_signature (else after "
        "dropping MODE_WORDS); the best-scoring entry if several."
    ),
    build=build_model_attributes,
    raw_files=(WEEKLY_TOP10, DAILY_TOP50, AUTHOR_ORIGIN, LITELLM_LOG, INTEL_INDEX, SWEBENCH_BASH, MOE_REF, CROSSWALK),
    date_column="launch_date",
    caveats=(
        "SWE-bench data are CC BY-NC 4.0 (non-commercial use only) and stop at 2025-12-10: no Feb-2026 model "
        "(M2.5, GLM-5, Kimi K2.5, Opus 4.6) is on it. The intelligence index covers only the models shown in "
        "the rankings widget between 2026-03-28 and 2026-05-16. open_weights from the llm-carbon crosswalk is "
        "lower confidence (it tags some open-weight models closed). Launch dates from the token tables are "
        "upper bounds."
    ),
)

# --------------------------------------------------------------------------- anchors (hand-compiled)

ELASTICITY_ANCHORS = Table(
    name="elasticity_anchors",
    title="Published price-elasticity anchors for LLM token demand",
    description=(
        "Elasticities of token demand with respect to price from published work and from the project's "
        "research note, each with its identification, scope and source, for the coefficient plot of the "
        "price-elasticity report."
    ),
    kind="hand-compiled",
    columns=(
        Column("anchor_id", "str", "short stable id", pattern=r"[a-z0-9_]+"),
        Column("label", "str", "short label for charts"),
        Column("elasticity", "float", "central elasticity (d log quantity / d log price)", unit="elasticity"),
        Column("elasticity_low", "float", "lower end of the stated range, if any", unit="elasticity", nullable=True),
        Column("elasticity_high", "float", "upper end of the stated range, if any", unit="elasticity",
               nullable=True),
        Column("identification", "str", "what variation identifies it"),
        Column("scope", "str", "market, models and period"),
        Column("verification", "str", "how the figure was read",
               allowed=("primary", "secondary summary", "secondary summary, unverified", "computed here")),
        Column("source", "str", "URL or repository path of the figure"),
        Column("notes", "str", "conversion and caveats", nullable=True),
    ),
    key=("anchor_id",),
    sources=(
        Source(title="The Emerging Market for Intelligence: Pricing, Supply, and Demand for LLMs (NBER w34608)",
               retrieved=MIRROR_RETRIEVED, licence="cited figure", url="https://www.nber.org/papers/w34608"),
        Source(title="State of AI: An Empirical 100 Trillion Token Study with OpenRouter (a16z/OpenRouter)",
               retrieved=MIRROR_RETRIEVED, licence="cited figure", url="https://openrouter.ai/state-of-ai"),
        Source(title="Anchor figures hand-transcribed in the raw mirror", retrieved=MIRROR_RETRIEVED,
               licence="facts with URLs", repository="shared research mirror",
               path="tokens/anchor_figures_handtranscribed.csv"),
    ),
    derivation=(
        "Copied from tokens/anchor_figures_handtranscribed.csv (rows A6, A8) and research/tokens.md; the a16z "
        "claim '10% price cut -> 0.5-0.7% more usage' is converted to an elasticity of -0.05..-0.07 (ratio of "
        "percentage changes)."
    ),
    caveats="Neither primary text was retrievable; both figures come from secondary summaries (see verification).",
)

TABLES = [MODEL_PRICE_EVENTS, MODEL_ATTRIBUTES, ELASTICITY_ANCHORS]
