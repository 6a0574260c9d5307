"""The article's week on OpenRouter recomputed: the figures the token-share report and the fact-check share."""

from __future__ import annotations

from functools import lru_cache

from tokenecon import data
from tokenecon.analysis import share
from tokenecon.analysis.electricity import ARTICLE_WEEK
from tokenecon.analysis.findings import Finding, Scope, finding, week_words
from tokenecon.estimate import Estimate

_TABLES = ("openrouter_weekly_top10", "labs")
_SECTION = "token_share#the-article-week-recomputed"


@lru_cache(maxsize=None)
def week(week_start: str = ARTICLE_WEEK) -> share.ArticleWeek:
    return share.article_week(data.load("openrouter_weekly_top10"), data.load("labs"), week_start)


def _scope(week_start: str, note: str) -> Scope:
    return Scope("OpenRouter", week_words(week_start), "", note)


def _variant(week_start: str) -> str:
    return "" if str(week_start) == ARTICLE_WEEK else str(week_start)


@finding("article_week_top10_tokens")
def article_week_top10_tokens(week_start: str = ARTICLE_WEEK) -> Finding:
    w = week(week_start)
    return Finding("article_week_top10_tokens", "tokens of the ten largest models", Estimate.point(w.top10_tokens, "tokens"),
                   "tokens", _scope(week_start, "weekly rankings, sum of the top ten"), _TABLES, _SECTION,
                   variant=_variant(week_start))


@finding("article_week_china_top10_share")
def article_week_china_top10_share(week_start: str = ARTICLE_WEEK) -> Finding:
    w = week(week_start)
    return Finding("article_week_china_top10_share", "Chinese models' share of the top ten's tokens",
                   Estimate.point(w.china_share, "fraction"), "fraction",
                   _scope(week_start, "a share of the top ten, not of the whole platform"), _TABLES, _SECTION,
                   variant=_variant(week_start))
