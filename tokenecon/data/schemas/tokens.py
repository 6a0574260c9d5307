"""Token tables: who produces OpenRouter's tokens (by model, author, lab, bloc) and who serves them.

Derived from the raw mirror ``tokens/`` (see its SOURCES.md). Token counts are OpenRouter's own
(prompt + completion, each provider's tokenizer; cached prompt tokens are included in prompt
tokens). OpenRouter is a self-selected routing slice, not the world market.

Tables
------
``labs``                          author slug -> lab, headquarters country, bloc, open weights
``openrouter_weekly_top10``       rankings-page top 10, weekly snapshots 2025-11-16 ... 2026-05-11
``openrouter_daily_top50``        official rankings-daily (top 50 + ``other``) 2026-05-23 ... 2026-08-21
``openrouter_author_share``       rankings-page "market share by author" widget, 2026-03-28 ... 2026-05-16
``openrouter_page_models_weekly`` rankings-page model list (rolling-week tokens), 2026-03-28 ... 2026-05-16
``openrouter_provider_tokens_24h`` tokens per inference provider, 24 h to 2026-08-28, with HQ and datacentres
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tokenecon.data import Column, Source, Table
from tokenecon.data.schemas._helpers import MIRROR_RETRIEVED, read_raw, require_columns

RAW = "tokens"
F_LOOKUP = f"{RAW}/author_origin_lookup_handcompiled.csv"
F_WEEKLY = f"{RAW}/openrouter_weekly_top10_johnbean393.csv"
F_DAILY = f"{RAW}/openrouter_rankings_daily_top50_casualstudy.csv"
F_AUTHOR = f"{RAW}/openrouter_rankings_page_author_share_daily_snapshots.csv"
F_PAGE_MODELS = f"{RAW}/openrouter_rankings_page_models_weekly_daily_snapshots.csv"
F_PROVIDERS = f"{RAW}/openrouter_provider_token_share_24h_2026-08-28_pacell.csv"
#: Headquarters and datacentres: the fuller provider catalogue (105 providers; section E of SOURCES.md), which
#: replaced the trimmed extract openrouter_provider_jurisdiction_pacell.csv (73 providers, same upstream file).
F_JURIS = f"{RAW}/openrouter_provider_catalogue_pacell.csv"

#: Blocs used throughout the package. ``unknown`` is for authors whose origin cannot be known from the
#: slug: OpenRouter's cloaked "stealth" models and the rankings-daily ``other`` aggregate.
BLOCS = ("china", "us", "europe", "other", "unknown")
WEIGHTS = ("open", "closed", "mixed", "unknown")

NONE_STATED = (
    "none stated (upstream repository has no LICENSE; figures scraped from openrouter.ai pages, whose ToS "
    "has an anti-scraping clause: cite and re-publish cautiously)"
)
CC_BY = "CC BY 4.0 (OpenRouter Data API; cite 'Source: OpenRouter (openrouter.ai/rankings)')"

SRC_LOOKUP = Source(
    title="Author prefix -> lab, HQ country, bloc, weights openness (hand-compiled research lookup)",
    retrieved=MIRROR_RETRIEVED,
    licence="project research note (hand-compiled; verify before publishing)",
    repository="shared research mirror",
    path=F_LOOKUP,
)
SRC_WEEKLY = Source(
    title="openrouter-inference-stats: weekly OpenRouter top-10 snapshots (data/<YYYY-MM-DD>.json)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED,
    repository="https://github.com/johnbean393/openrouter-inference-stats",
    path="data/<YYYY-MM-DD>.json",
    commit="02966a2eb8a98972f942d1abe5a5d7a80fc479f9",
)
SRC_DAILY = Source(
    title="OpenRouter Data API rankings-daily (top 50 + other), as committed in casualstudy-portfolio",
    retrieved=MIRROR_RETRIEVED,
    licence=CC_BY,
    repository="https://github.com/CasualStudy/casualstudy-portfolio",
    path="data/openrouter-usage.json (union of all 63 committed versions)",
    commit="48879aed4527f40e629560a3007315276f29157c",
    url="https://openrouter.ai/api/v1/datasets/rankings-daily",
)
SRC_PAGE = Source(
    title="openrouter-rankings: daily scrape of openrouter.ai/rankings (data/<date>/rankings.json)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED,
    repository="https://github.com/jampongsathorn/openrouter-rankings",
    path="data/<date>/rankings.json",
    commit="8bc326572ce66be5003debcc44228f6120c9f89b",
)
SRC_PROV_SUMMARY = Source(
    title="openrouter-stats: provider_summary (tokens per inference provider, ~24 h to 2026-08-28)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED + "; upstream is OpenRouter's undocumented /api/frontend/v1/stats endpoints",
    repository="https://github.com/pacell/openrouter-stats",
    path="data/openrouter/provider_summary.csv",
    commit="0ce070afd50a8c1414593c98b3246e0ef2d125e0",
)
SRC_PROV_CATALOGUE = Source(
    title="openrouter-stats: provider_catalogue (provider headquarters and datacentre countries)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED,
    repository="https://github.com/pacell/openrouter-stats",
    path="data/openrouter/provider_catalogue.csv",
    commit="ccdd83ea47bb35a80f3ef5c9a5067d8ee0efa8e1",
)

ISO2 = r"[A-Z]{2}"
SLUG = r"[a-z0-9][a-z0-9._-]*"

# --------------------------------------------------------------------------- labs

_BLOC_FROM_LOOKUP = {"CN": "china", "US": "us", "EU": "europe", "Other": "other", "unknown": "unknown", "n/a": "unknown"}


def _weights(text: str) -> str:
    """Collapse the lookup's free-text openness ('open (some closed: ...)') to a category.

    A lab whose note names exceptions ('closed (gemma open)') releases both kinds: 'mixed'.
    """
    t = str(text).strip().lower()
    if t in ("unknown", "n/a", ""):
        return "unknown"
    if "(" in t or t == "mixed":
        return "mixed"
    if t in ("open", "closed"):
        return t
    raise ValueError(f"raw file {F_LOOKUP}: column 'typical_weights' value {text!r} not understood")


def build_labs(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_LOOKUP, dtype=str, keep_default_na=False)
    require_columns(raw, F_LOOKUP, ["author_prefix", "lab", "hq_country", "bloc", "typical_weights", "notes"])
    bad = sorted(set(raw["bloc"]) - set(_BLOC_FROM_LOOKUP))
    if bad:
        raise ValueError(f"raw file {F_LOOKUP}: column 'bloc' has values {bad}; expected {sorted(_BLOC_FROM_LOOKUP)}")
    out = pd.DataFrame(
        {
            "author": raw["author_prefix"].str.strip(),
            "lab": raw["lab"].str.strip(),
            "hq_country": raw["hq_country"].where(raw["hq_country"].str.fullmatch(ISO2), None),
            "bloc": raw["bloc"].map(_BLOC_FROM_LOOKUP),
            "weights": raw["typical_weights"].map(_weights),
        }
    )
    out["open_weights"] = out["weights"].map({"open": True, "closed": False}).astype(object)
    out["open_weights"] = out["open_weights"].where(out["weights"].isin(["open", "closed"]), None)
    out["is_aggregate"] = out["author"].eq("other")
    out["notes"] = raw["notes"].where(raw["notes"] != "", None)
    out["source"] = F_LOOKUP
    return out.sort_values("author").reset_index(drop=True)


LABS = Table(
    name="labs",
    title="Model authors (OpenRouter slug prefix) -> lab, headquarters, bloc, open weights",
    description=(
        "One row per OpenRouter author slug (the part of a model slug before '/'). Covers every author that appears "
        "in the token tables of this module (a test checks it). bloc: china / us / europe / other by headquarters; "
        "unknown for cloaked stealth models and the rankings-daily 'other' aggregate."
    ),
    columns=(
        Column("author", "str", "OpenRouter author slug (model slug prefix)", pattern=SLUG),
        Column("lab", "str", "lab or company name"),
        Column("hq_country", "str", "headquarters country, ISO 3166-1 alpha-2", nullable=True, pattern=ISO2),
        Column("bloc", "str", "bloc by headquarters", allowed=BLOCS),
        Column("weights", "str", "typical weights openness of the lab's models", allowed=WEIGHTS),
        Column("open_weights", "bool", "true if the lab's models are typically open-weight; empty if mixed or unknown", nullable=True),
        Column("is_aggregate", "bool", "true for the 'other' row of rankings-daily (not a lab)"),
        Column("notes", "str", "remarks from the lookup (e.g. where the lab's own endpoint is hosted)", nullable=True),
        Column("source", "str", "where the row comes from"),
    ),
    key=("author",),
    sources=(SRC_LOOKUP,),
    derivation=(
        "Read from the hand-compiled lookup; bloc CN/US/EU/Other -> china/us/europe/other, unknown and n/a -> unknown; "
        "typical_weights collapsed to open/closed/mixed/unknown (a note naming exceptions means mixed); "
        "hq_country kept only when it is an ISO2 code."
    ),
    build=build_labs,
    raw_files=(F_LOOKUP,),
    caveats=(
        "Lab-level openness is approximate (e.g. Qwen releases open and closed models). Stealth models "
        "(author openrouter/stealth) are later revealed; reclassify with bloc overrides."
    ),
)

# --------------------------------------------------------------------------- weekly top 10


def _usd_per_mtok(s: pd.Series) -> pd.Series:
    return (pd.to_numeric(s) * 1e6).round(6)


def build_weekly(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_WEEKLY)
    cols = [
        "snapshot_date", "rank", "slug", "name", "author", "total_tokens", "percent_change", "prompt_tokens",
        "completion_tokens", "reasoning_tokens", "cached_tokens", "request_count", "prompt_price_usd_per_token",
        "completion_price_usd_per_token", "cache_read_price_usd_per_token", "estimated_revenue_usd", "is_free",
    ]
    require_columns(raw, F_WEEKLY, cols)
    snap = pd.to_datetime(raw["snapshot_date"], format="%Y-%m-%d")
    # Rows whose model-page analytics were not collected carry zeros for prompt, completion and requests
    # alike: the split is "not given", not zero.
    missing = (raw["prompt_tokens"] == 0) & (raw["completion_tokens"] == 0) & (raw["request_count"] == 0)
    def given(col):
        return raw[col].astype("Int64").mask(missing)
    out = pd.DataFrame(
        {
            "week_start": snap - pd.Timedelta(days=7),
            "week_end": snap - pd.Timedelta(days=1),
            "snapshot_date": snap,
            "rank": raw["rank"].astype("Int64"),
            "model_slug": raw["slug"],
            "model_name": raw["name"],
            "author": raw["author"],
            "total_tokens": raw["total_tokens"].astype("Int64"),
            "wow_change_pct": raw["percent_change"].astype(float),
            "prompt_tokens": given("prompt_tokens"),
            "completion_tokens": given("completion_tokens"),
            "reasoning_tokens": given("reasoning_tokens"),
            "cached_tokens": given("cached_tokens"),
            "requests": given("request_count"),
            "prompt_usd_per_mtok": _usd_per_mtok(raw["prompt_price_usd_per_token"]),
            "completion_usd_per_mtok": _usd_per_mtok(raw["completion_price_usd_per_token"]),
            "cache_read_usd_per_mtok": _usd_per_mtok(raw["cache_read_price_usd_per_token"]),
            "estimated_revenue_usd": raw["estimated_revenue_usd"].astype(float),
            "is_free": raw["is_free"].astype(str).str.lower().map({"true": True, "false": False}),
        }
    )
    return out.sort_values(["snapshot_date", "rank"]).reset_index(drop=True)


WEEKLY = Table(
    name="openrouter_weekly_top10",
    title="OpenRouter top 10 models by weekly tokens (rankings page), 2025-11-16 ... 2026-05-11",
    description=(
        "One row per weekly snapshot and model: the rankings page's top 9-10 models with their trailing-week tokens "
        "(rounded to 3 significant figures on the page), the prompt/completion/reasoning/cached split and request "
        "count summed from each model page's daily analytics, and list prices at the snapshot. The week covered is "
        "the 7 full days before the snapshot (week_start ... week_end). Snapshot 2026-02-23 = week 2026-02-16 ... 22, "
        "the week behind the article's figures."
    ),
    columns=(
        Column("week_start", "date", "first day of the week covered"),
        Column("week_end", "date", "last day of the week covered (inclusive)"),
        Column("snapshot_date", "date", "collection date of the snapshot"),
        Column("rank", "int", "rank on the rankings page", min=1, max=10, unit="rank (1 = most tokens)"),
        Column("model_slug", "str", "OpenRouter permaslug", pattern=r"[a-z0-9-]+/[^\s]+"),
        Column("model_name", "str", "display name"),
        Column("author", "str", "author slug (slug prefix); maps to labs.author", pattern=SLUG),
        Column("total_tokens", "int", "tokens in the week (page figure, 3 significant figures)", unit="tokens", min=0),
        Column("wow_change_pct", "float", "week-on-week change shown on the page", unit="%"),
        Column("prompt_tokens", "int", "prompt tokens, incl. cached (model-page analytics); empty if not given", unit="tokens", min=0, nullable=True),
        Column("completion_tokens", "int", "completion tokens incl. reasoning; empty if not given", unit="tokens", min=0, nullable=True),
        Column("reasoning_tokens", "int", "reasoning tokens (part of completion); empty if not given", unit="tokens", min=0, nullable=True),
        Column("cached_tokens", "int", "cached prompt tokens (part of prompt); empty if not given", unit="tokens", min=0, nullable=True),
        Column("requests", "int", "requests in the week; empty if not given", unit="requests", min=0, nullable=True),
        Column("prompt_usd_per_mtok", "float", "list price of prompt tokens", unit="USD per million tokens", min=0),
        Column("completion_usd_per_mtok", "float", "list price of completion tokens", unit="USD per million tokens", min=0),
        Column("cache_read_usd_per_mtok", "float", "list price of cached prompt tokens", unit="USD per million tokens", min=0),
        Column("estimated_revenue_usd", "float", "upstream estimate: prompt x in + completion x out + cached x cache_read at list prices", unit="USD", min=0),
        Column("is_free", "bool", "a free (:free) variant"),
    ),
    key=("snapshot_date", "model_slug"),
    sources=(SRC_WEEKLY,),
    derivation=(
        "week_start = snapshot_date - 7 days, week_end = snapshot_date - 1 day; prices USD/token x 1e6 (rounded to 1e-6); "
        "rows whose prompt, completion and request counts are all zero (model-page analytics not collected) get empty "
        "split columns; other columns copied."
    ),
    build=build_weekly,
    raw_files=(F_WEEKLY,),
    date_column="week_start",
    caveats=(
        "Early snapshots list 9 models. Backfilled weeks before 2025-11-16 were withdrawn upstream as fabricated and are "
        "absent. total_tokens is rounded to 3 significant figures; prompt + completion from model pages can differ from it. "
        "Top 10 only: not a whole-platform denominator."
    ),
)

# --------------------------------------------------------------------------- daily top 50 + other


#: Provenance of rows added by `tokenecon data fetch` (empty on rows of the committed base).
DAILY_PROVENANCE = ("retrieved_at", "as_of", "endpoint")
SRC_DAILY_API = Source(
    title=("OpenRouter Data API rankings-daily, fetched by `tokenecon data fetch` (raw snapshots kept outside git; "
           "each fetched row's own retrieval time is in column retrieved_at; documentation read on the date given)"),
    retrieved="2026-12-01",
    licence=CC_BY,
    url="https://openrouter.ai/api/v1/datasets/rankings-daily",
)


def build_daily(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_DAILY, dtype={"last_seen_in_commit": str})
    require_columns(raw, F_DAILY, ["date", "rank", "model_permaslug", "author", "total_tokens", "day_total_tokens", "last_seen_in_commit"])
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(raw["date"], format="%Y-%m-%d"),
            "rank": raw["rank"].astype("Int64"),
            "model_slug": raw["model_permaslug"],
            "author": raw["author"],
            "is_other": raw["model_permaslug"].eq("other"),
            "total_tokens": raw["total_tokens"].astype("Int64"),
            "day_total_tokens": raw["day_total_tokens"].astype("Int64"),
        }
    )
    out["day_share"] = (out["total_tokens"].astype(float) / out["day_total_tokens"].astype(float)).round(9)
    out["source_commit"] = raw["last_seen_in_commit"]
    for col in DAILY_PROVENANCE:
        out[col] = None
    out["_ord"] = out["rank"].fillna(99)
    out = out.sort_values(["date", "_ord"]).drop(columns="_ord").reset_index(drop=True)
    # Days fetched from the Data API (`tokenecon data fetch`) are added from the stored snapshots; a day already
    # in the base is never overwritten. With no snapshot the table is the base alone.
    from tokenecon.data import fetch

    return fetch.extend_daily(out).table


DAILY = Table(
    name="openrouter_daily_top50",
    title="OpenRouter daily tokens of the top 50 models plus all others (official rankings-daily), 2026-05-23 ... 2026-08-21",
    description=(
        "One row per UTC day and model for the day's top 50 models by tokens, plus one 'other' row per day that sums "
        "every model outside the top 50. Top 50 + other = the whole platform, so shares are of all OpenRouter tokens. "
        "Free (:free) variants are separate rows."
    ),
    columns=(
        Column("date", "date", "UTC day"),
        Column("rank", "int", "rank by tokens that day; empty for the 'other' row", min=1, max=50, unit="rank (1 = most tokens)", nullable=True),
        Column("model_slug", "str", "OpenRouter permaslug, or 'other'", pattern=r"other|[a-z0-9-]+/[^\s]+"),
        Column("author", "str", "author slug; maps to labs.author ('other' for the aggregate)", pattern=SLUG),
        Column("is_other", "bool", "true for the aggregate of models outside the top 50"),
        Column("total_tokens", "int", "tokens that day", unit="tokens", min=0),
        Column("day_total_tokens", "int", "whole-platform tokens that day (top 50 + other)", unit="tokens", min=0),
        Column("day_share", "float", "total_tokens / day_total_tokens (rounded to 1e-9)", unit="fraction", min=0, max=1),
        Column("source_commit", "str", "upstream commit (12 hex) that last carried the value; for fetched rows the first "
               "12 hex of the raw snapshot's sha256", pattern=r"[0-9a-f]{12}"),
        Column("retrieved_at", "str", "fetched rows: UTC time of the request; empty for the committed base", nullable=True,
               pattern=r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"),
        Column("as_of", "str", "fetched rows: the response's meta.as_of (data freshness); empty for the committed base", nullable=True),
        Column("endpoint", "str", "fetched rows: the URL requested; empty for the committed base", nullable=True),
    ),
    key=("date", "model_slug"),
    sources=(SRC_DAILY, SRC_DAILY_API),
    derivation=(
        "Copied from the union of committed versions (later commits override earlier values for a date); is_other "
        "marks the aggregate; day_share recomputed from tokens (the upstream share_of_day is rounded to 1e-6). Days "
        "fetched by `tokenecon data fetch` are appended from the stored snapshots (tokenecon/data/fetch.py): rank by "
        "tokens (ties by slug), day_total_tokens = sum of the day's rows incl. other; a day already present is never "
        "overwritten (restatements are reported by the fetch)."
    ),
    build=build_daily,
    raw_files=(F_DAILY,),
    date_column="date",
    caveats="No prompt/completion split and no request counts in rankings-daily.",
)

# --------------------------------------------------------------------------- rankings-page author share


def build_author_share(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_AUTHOR)
    require_columns(raw, F_AUTHOR, ["snapshot_date", "rank", "author", "tokens", "share_pct"])
    out = pd.DataFrame(
        {
            "snapshot_date": pd.to_datetime(raw["snapshot_date"], format="%Y-%m-%d"),
            "rank": raw["rank"].astype("Int64"),
            "author": raw["author"],
            "week_tokens": raw["tokens"].astype("Int64"),
            "share_pct": raw["share_pct"].astype(float),
        }
    )
    return out.sort_values(["snapshot_date", "rank"]).reset_index(drop=True)


AUTHOR_SHARE = Table(
    name="openrouter_author_share",
    title="OpenRouter market share by author (rankings-page widget), daily snapshots 2026-03-28 ... 2026-05-16",
    description=(
        "The rankings page's 'market share by author' widget, scraped daily: the top 9 authors with their rolling-week "
        "tokens and share of all OpenRouter tokens (percent). The remaining authors are not listed."
    ),
    columns=(
        Column("snapshot_date", "date", "scrape date"),
        Column("rank", "int", "rank in the widget", min=1, max=20, unit="rank (1 = most tokens)"),
        Column("author", "str", "author slug; maps to labs.author", pattern=SLUG),
        Column("week_tokens", "int", "rolling-week tokens shown on the page", unit="tokens", min=0),
        Column("share_pct", "float", "share of all OpenRouter tokens", unit="%", min=0, max=100),
    ),
    key=("snapshot_date", "author"),
    sources=(SRC_PAGE,),
    derivation="Copied; tokens renamed week_tokens; fetched_at timestamp dropped (snapshot_date kept).",
    build=build_author_share,
    raw_files=(F_AUTHOR,),
    date_column="snapshot_date",
    caveats=(
        "Frontend market-share levels disagree with rankings-daily by a non-constant 1.4-1.75x (third-party note): use "
        "for shares and growth, not levels mixed with other tables."
    ),
)


def build_page_models(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_PAGE_MODELS)
    require_columns(raw, F_PAGE_MODELS, ["snapshot_date", "rank", "model_id", "author", "tokens", "share_pct", "wow_change_pct"])
    out = pd.DataFrame(
        {
            "snapshot_date": pd.to_datetime(raw["snapshot_date"], format="%Y-%m-%d"),
            "rank": raw["rank"].astype("Int64"),
            "model_slug": raw["model_id"],
            "author": raw["author"],
            "week_tokens": raw["tokens"].astype("Int64"),
            "share_pct": raw["share_pct"].astype(float),
            "wow_change_pct": raw["wow_change_pct"].astype(float),
        }
    )
    return out.sort_values(["snapshot_date", "rank"]).reset_index(drop=True)


PAGE_MODELS = Table(
    name="openrouter_page_models_weekly",
    title="OpenRouter rankings-page model list (rolling-week tokens), daily snapshots 2026-03-28 ... 2026-05-16",
    description="The rankings page's model list scraped daily: rank, rolling-week tokens, share of all tokens, week-on-week change.",
    columns=(
        Column("snapshot_date", "date", "scrape date"),
        Column("rank", "int", "rank on the page", min=1, max=50, unit="rank (1 = most tokens)"),
        Column("model_slug", "str", "model id as shown (may lack the date suffix)", pattern=r"[a-z0-9-]+/[^\s]+"),
        Column("author", "str", "author slug; maps to labs.author", pattern=SLUG),
        Column("week_tokens", "int", "rolling-week tokens", unit="tokens", min=0),
        Column("share_pct", "float", "share of all OpenRouter tokens", unit="%", min=0, max=100),
        Column("wow_change_pct", "float", "week-on-week change, signed; empty if the page showed none", unit="%", nullable=True),
    ),
    key=("snapshot_date", "model_slug"),
    sources=(SRC_PAGE,),
    derivation="Copied; tokens renamed week_tokens; fetched_at dropped.",
    build=build_page_models,
    raw_files=(F_PAGE_MODELS,),
    date_column="snapshot_date",
    caveats=AUTHOR_SHARE.caveats,
)

# --------------------------------------------------------------------------- providers (place of inference)

#: Inference providers that are the model author's own endpoint (provider slug -> labs.author). Hand-compiled
#: from the provider names in provider_summary.csv (e.g. 'Z.ai' is Zhipu's own API, 'Alibaba Cloud Int.' serves
#: Qwen, 'Seed' is ByteDance Seed, 'SpaceXAI' is xAI's API); hosts that serve other labs' models are left empty.
FIRST_PARTY_AUTHOR = {
    "anthropic": "anthropic", "openai": "openai", "google-vertex": "google", "google-ai-studio": "google",
    "xai": "x-ai", "mistral": "mistralai", "cohere": "cohere", "perplexity": "perplexity", "arcee-ai": "arcee-ai",
    "meta": "meta-llama", "nvidia": "nvidia", "poolside": "poolside", "upstage": "upstage",
    "tencent": "tencent", "z-ai": "z-ai", "xiaomi": "xiaomi", "deepseek": "deepseek", "alibaba": "qwen",
    "minimax": "minimax", "moonshotai": "moonshotai", "stepfun": "stepfun", "seed": "bytedance-seed",
    "baidu": "baidu", "nex-agi": "nex-agi",
}


def build_providers(raw_dir: Path) -> pd.DataFrame:
    summ = read_raw(raw_dir, F_PROVIDERS, dtype=str, keep_default_na=False)
    require_columns(summ, F_PROVIDERS, ["token_rank", "provider_slug", "provider_name", "headquarters", "n_models",
                                        "n_endpoints", "tokens_last_24h", "share_of_tokens_pct"])
    jur = read_raw(raw_dir, F_JURIS, dtype=str, keep_default_na=False)
    require_columns(jur, F_JURIS, ["provider_slug", "headquarters", "datacenters"])
    if jur["provider_slug"].duplicated().any():
        raise ValueError(f"raw file {F_JURIS}: duplicated provider_slug {sorted(jur.loc[jur.provider_slug.duplicated(), 'provider_slug'])}")
    dc = dict(zip(jur["provider_slug"], jur["datacenters"]))
    hq_cat = dict(zip(jur["provider_slug"], jur["headquarters"]))
    hq = summ["headquarters"].where(summ["headquarters"] != "", summ["provider_slug"].map(hq_cat).fillna(""))
    dcs = summ["provider_slug"].map(dc).fillna("")
    out = pd.DataFrame(
        {
            "snapshot_date": pd.Timestamp("2026-08-28"),
            "token_rank": summ["token_rank"].astype("Int64"),
            "provider_slug": summ["provider_slug"],
            "provider_name": summ["provider_name"],
            "hq_country": hq.where(hq != "", None),
            "datacentre_countries": dcs.where(dcs != "", None),
            "first_party_author": summ["provider_slug"].map(FIRST_PARTY_AUTHOR).astype(object),
            "n_models": summ["n_models"].astype("Int64"),
            "n_endpoints": summ["n_endpoints"].astype("Int64"),
            "last_24h_tokens": summ["tokens_last_24h"].astype("Int64"),
            "share_pct": summ["share_of_tokens_pct"].astype(float),
        }
    )
    out["first_party_author"] = out["first_party_author"].where(out["first_party_author"].notna(), None)
    return out.sort_values("token_rank").reset_index(drop=True)


PROVIDERS = Table(
    name="openrouter_provider_tokens_24h",
    title="Tokens per OpenRouter inference provider, 24 h to 2026-08-28, with headquarters and datacentre countries",
    description=(
        "One row per inference provider (the host that computes the tokens, not the model author): tokens served in "
        "the ~24 h before the 2026-08-28 snapshot, share of all tokens, headquarters country and the datacentre "
        "countries OpenRouter publishes for it. first_party_author marks a lab's own endpoint. The only table here "
        "that speaks to where the electricity is burned."
    ),
    columns=(
        Column("snapshot_date", "date", "snapshot date (tokens cover the ~24 h before it)"),
        Column("token_rank", "int", "rank by tokens", min=1, unit="rank (1 = most tokens)"),
        Column("provider_slug", "str", "OpenRouter provider slug", pattern=SLUG),
        Column("provider_name", "str", "provider display name"),
        Column("hq_country", "str", "headquarters country (ISO2); empty if OpenRouter publishes none", nullable=True, pattern=ISO2),
        Column("datacentre_countries", "str", "datacentre countries as published (ISO2, '|'-separated); empty if none published",
               nullable=True, pattern=r"[A-Z]{2}(\|[A-Z]{2})*"),
        Column("first_party_author", "str", "labs.author when the provider is that lab's own endpoint", nullable=True, pattern=SLUG),
        Column("n_models", "int", "models served", unit="models", min=0),
        Column("n_endpoints", "int", "endpoints", unit="endpoints", min=0),
        Column("last_24h_tokens", "int", "tokens served in the 24 h", unit="tokens", min=0),
        Column("share_pct", "float", "share of all tokens in the 24 h", unit="%", min=0, max=100),
    ),
    key=("provider_slug",),
    sources=(SRC_PROV_SUMMARY, SRC_PROV_CATALOGUE),
    derivation=(
        "provider_summary copied; hq_country from the summary, else from the catalogue; datacentre_countries joined from "
        "the catalogue by provider_slug; first_party_author from a hand-compiled map in tokenecon/tables/tokens.py "
        "(FIRST_PARTY_AUTHOR)."
    ),
    build=build_providers,
    raw_files=(F_PROVIDERS, F_JURIS),
    date_column="snapshot_date",
    caveats=(
        "One day only; no provider x model split (the upstream provider_token_daily.csv could not be fetched), so the "
        "models behind each provider's tokens are not known. Datacentre lists are self-declared and often empty. "
        "Headquarters and datacentres now come from the fuller provider catalogue (105 providers) instead of its trimmed "
        "extract (73): no value of this table changed (the 13 providers of the day missing from the extract publish no "
        "location in the fuller catalogue either); every provider's locations are in openrouter_provider_locations."
    ),
)

TABLES = [LABS, WEEKLY, DAILY, AUTHOR_SHARE, PAGE_MODELS, PROVIDERS]
