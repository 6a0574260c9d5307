"""World scale: the electricity embodied in Chinese-model tokens used outside China, and how much is burned in China.

OpenRouter is one developer-skewed router; this module scales its slice up honestly, by three independent
routes, each a seeded Monte Carlo over documented ranges (every input a range from ``data/world_*`` or from
the package's own measurements), each giving MWh a day and TWh a year split into *computed in China* and
*computed abroad*:

* **volume** — the year-average China-wide daily token count (National Data Administration) × a foreign share
  × facility kWh per million tokens from the package's serving model × the share computed in China;
* **revenue** — MiniMax's API revenue earned abroad (the one lab whose foreign revenue share is published)
  ÷ its blended list price per token → tokens → energy;
* **openrouter** — the package's measured electricity of OpenRouter's Chinese-model tokens
  (:func:`tokenecon.analysis.share.chinese_token_electricity`) ÷ OpenRouter's share of the world's tokens.

Energy per token always comes from :func:`tokenecon.model.serving.energy_kwh_per_mtok` (its Monte Carlo draws,
the same seed for every model and phase, so the draws are comonotone); nothing here types a J/token constant.
The headline is the envelope of the routes (:data:`tokenecon.estimate.SCENARIOS`). Every bad input (a share
outside [0, 1], a year without data, an unknown scenario or route) is refused with the parameter named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from tokenecon import units
from tokenecon.analysis.findings import Finding, Scope, finding
from tokenecon.estimate import SCENARIOS, Estimate

ROUTES = ("volume", "revenue", "openrouter")
ROUTE_LABELS = {"volume": "Volume (China-wide count × foreign share)",
                "revenue": "Revenue (MiniMax's foreign API revenue ÷ price)",
                "openrouter": "OpenRouter share (measured slice ÷ OpenRouter's world share)"}
#: Short names of the routes for prose ("the volume and OpenRouter-share routes").
ROUTE_SHORT = {"volume": "volume", "revenue": "revenue", "openrouter": "OpenRouter-share"}
PARTS = ("in_china", "abroad", "total")
#: Chinese open models the package's energy model covers, one per lab with disclosed volumes or foreign traffic
#: (Doubao and Yuanbao are closed and not in the ``models`` table: a gap the report states).
WORLD_MODELS = ("deepseek-v3.2", "qwen3-235b-a22b", "minimax-m2.5", "glm-5", "kimi-k2.5")
#: MiniMax models of the ``models`` table (revenue route: its price and energy).
MINIMAX_MODELS = ("minimax-m2", "minimax-m2.1", "minimax-m2.5", "minimax-m2.7")
#: Days in each stated period of ``world_token_volumes`` (the package's 365-day year).
PERIOD_DAYS = {"minute": 1 / (units.SECONDS_PER_DAY / 60), "day": 1.0, "week": 7.0, "month": units.DAYS_PER_YEAR / 12,
               "quarter": units.DAYS_PER_YEAR / 4, "half_year": units.DAYS_PER_YEAR / 2}
#: Default route weights. The revenue route counts one lab's API (MiniMax, the only one with a published foreign
#: revenue share), so it is a floor on a part, shown beside the others but left out of the headline by default.
DEFAULT_WEIGHTS = {"volume": 1.0, "revenue": 0.0, "openrouter": 1.0}
TABLES = ("world_token_volumes", "world_foreign_shares", "world_compute_locations", "world_electricity_comparators",
          "world_revenue")
REPORT = "token_exports_world"
#: Report sections (Markdown heading text; the anchor is the text with spaces replaced by '-').
SECTION_ANSWER = "The answer"
SECTION_ROUTES = "Three routes side by side"
SECTION_COMPARE = "Against China's electricity and its Bitcoin mining"


def _anchor(heading: str) -> str:
    return f"{REPORT}.html#{heading.strip().replace(' ', '-')}"


# --------------------------------------------------------------------------- checks and draws


def _check_fraction(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a fraction in [0, 1], got {value!r}") from None
    if not (0.0 <= v <= 1.0) or math.isnan(v):
        raise ValueError(f"{name}: expected a fraction in [0, 1], got {value!r}")
    return v


def check_range(name: str, rng, *, positive: bool = False) -> tuple[float, float]:
    """A ``(low, high)`` pair of fractions in [0, 1] with low <= high (``positive``: low > 0); else ValueError naming ``name``."""
    try:
        lo, hi = rng
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected [low, high], got {rng!r}") from None
    lo, hi = _check_fraction(f"{name}[0]", lo), _check_fraction(f"{name}[1]", hi)
    if lo > hi:
        raise ValueError(f"{name}: low {lo} is above high {hi}")
    if positive and lo <= 0:
        raise ValueError(f"{name}: the low end must be above 0 (it is drawn log-uniformly), got {lo}")
    return lo, hi


def check_scenario(scenario: str) -> str:
    from tokenecon.model import serving

    if scenario not in serving.SCENARIOS:
        raise ValueError(f"energy_scenario: unknown scenario {scenario!r}; known: {', '.join(serving.SCENARIOS)}")
    return scenario


def check_weights(weights: dict | None) -> dict[str, float]:
    """Route weights (for the envelope's central value): known routes, >= 0, not all zero."""
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(ROUTES))
    if unknown:
        raise ValueError(f"route_weights: unknown route(s) {unknown}; known: {', '.join(ROUTES)}")
    out = {}
    for r in ROUTES:
        v = w.get(r, 0.0)
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"route_weights[{r!r}]: expected a number >= 0, got {v!r}") from None
        if not v >= 0 or math.isinf(v):
            raise ValueError(f"route_weights[{r!r}]: expected a number >= 0, got {v!r}")
        out[r] = v
    if sum(out.values()) <= 0:
        raise ValueError("route_weights: at least one route needs a weight above 0")
    return out


def _uniform(rng, lo: float, hi: float, n: int) -> np.ndarray:
    return np.full(n, float(lo)) if hi <= lo else rng.uniform(lo, hi, n)


def _loguniform(rng, lo: float, hi: float, n: int) -> np.ndarray:
    if not lo > 0:
        raise ValueError(f"log-uniform range needs a positive low end, got {lo}")
    return np.full(n, float(lo)) if hi <= lo else np.exp(rng.uniform(math.log(lo), math.log(hi), n))


def _triangular_at(est: Estimate, u: np.ndarray) -> np.ndarray:
    """The triangular distribution on an Estimate's low, central (mode) and high, at quantiles ``u`` (inverse CDF),
    so two Estimates drawn at the same ``u`` move together."""
    a, c, b = float(est.low), float(est.central), float(est.high)
    u = np.asarray(u, float)
    if b <= a:
        return np.full(u.shape, c)
    c = min(max(c, a), b)
    fc = (c - a) / (b - a)
    return np.where(u < fc, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))


def _triangular(rng, est: Estimate, n: int) -> np.ndarray:
    """Draws from the triangular distribution on an Estimate's low, central and high (a range with a mode)."""
    return _triangular_at(est, rng.uniform(0.0, 1.0, n))


# --------------------------------------------------------------------------- tables


def _load(name: str) -> pd.DataFrame:
    from tokenecon import data

    return data.load(name)


def tokens_per_day(volumes: pd.DataFrame) -> pd.Series:
    """Each volume row normalised to tokens per day (stated tokens ÷ days in its stated period)."""
    return volumes["tokens"].astype(float) / volumes["period"].map(PERIOD_DAYS)


def china_wide_counts(volumes: pd.DataFrame) -> pd.DataFrame:
    """The National Data Administration's daily counts (``group`` china_wide, stated per day), by date."""
    c = volumes[(volumes["group"] == "china_wide") & (volumes["period"] == "day")].copy()
    c["tokens_per_day"] = tokens_per_day(c)
    return c.sort_values("as_of").reset_index(drop=True)


def year_average_tokens_per_day(volumes: pd.DataFrame, year: int) -> Estimate:
    """Year-average China-wide tokens per day, between two interpolations of the dated counts.

    Low: log-linear interpolation (steady exponential growth between counts); high: linear interpolation; both
    averaged over the year's days. The counts are mostly floors ("over 30 trillion"), so both read low. A year
    the counts do not span (a count on or before 1 January and one on or after 31 December) is refused.
    """
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year: expected a calendar year, got {year!r}") from None
    c = china_wide_counts(volumes)
    start, end = pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-12-31")
    first, last = c["as_of"].min(), c["as_of"].max()
    if c.empty or first > start or last < end:
        raise ValueError(f"year: {year} has no China-wide volume data spanning it; the counts in world_token_volumes "
                         f"run {first:%Y-%m-%d} ... {last:%Y-%m-%d}, so only years inside that span can be averaged")
    days = pd.date_range(start, end, freq="D")
    x = c["as_of"].map(pd.Timestamp.toordinal).to_numpy(float)
    xd = np.array([d.toordinal() for d in days], float)
    v = c["tokens_per_day"].to_numpy(float)
    linear = float(np.interp(xd, x, v).mean())
    loglin = float(np.exp(np.interp(xd, x, np.log(v))).mean())
    return Estimate(loglin, math.sqrt(loglin * linear), linear, "tokens per day", "bounds")


def _nearest(rows: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    return rows.iloc[int(np.argmin(np.abs((rows["as_of"] - when).dt.days.to_numpy())))]


@dataclass(frozen=True)
class OpenRouterWorldShare:
    share: tuple[float, float]          # (low, high) fraction of the world's tokens that OpenRouter carries
    as_of: pd.Timestamp
    openrouter_tokens_per_day: float
    table: pd.DataFrame                 # the figures used, tokens per day


def openrouter_world_share(volumes: pd.DataFrame) -> OpenRouterWorldShare:
    """OpenRouter's share of the world's tokens at its latest disclosed total, from the nearest-dated figures.

    Low: against the widest world (Google's all-surfaces count, OpenAI's and Microsoft's APIs, OpenRouter and the
    China-wide count); high: against API traffic outside China only (Google's direct API, OpenAI, Microsoft,
    OpenRouter). Both denominators omit providers that publish nothing (Anthropic, xAI, self-hosting), so both
    shares read high.
    """
    orr = volumes[(volumes["entity"] == "OpenRouter")].copy()
    if orr.empty:
        raise ValueError("world_token_volumes: no OpenRouter total (entity 'OpenRouter')")
    orr["tokens_per_day"] = tokens_per_day(orr)
    ref = orr.sort_values("as_of").iloc[-1]
    when = pd.Timestamp(ref["as_of"])
    parts = {}
    for entity in ("Google (all surfaces)", "Google (direct API)", "OpenAI API", "Microsoft Foundry"):
        rows = volumes[volumes["entity"] == entity]
        if rows.empty:
            raise ValueError(f"world_token_volumes: no row for {entity!r}")
        # per month where a month and a quarter of the same date exist: prefer the finer period
        rows = rows.assign(tokens_per_day=tokens_per_day(rows)).sort_values("period")
        parts[entity] = _nearest(rows, when)
    cw = china_wide_counts(volumes)
    parts["China-wide count"] = _nearest(cw, when)
    o = float(ref["tokens_per_day"])
    g_all, g_api = (float(parts[k]["tokens_per_day"]) for k in ("Google (all surfaces)", "Google (direct API)"))
    oa, ms, cn = (float(parts[k]["tokens_per_day"]) for k in ("OpenAI API", "Microsoft Foundry", "China-wide count"))
    low = o / (g_all + oa + ms + o + cn)
    high = o / (g_api + oa + ms + o)
    table = pd.DataFrame([{"figure": k, "as_of": p["as_of"], "tokens_per_day": float(p["tokens_per_day"]), "flag": p["flag"]}
                          for k, p in {"OpenRouter": ref, **parts}.items()])
    return OpenRouterWorldShare((low, high), when, o, table)


def foreign_share_floor(volumes: pd.DataFrame) -> float:
    """The foreign share OpenRouter alone implies: its Chinese-model tokens per day ÷ the nearest China-wide count.

    Assumes OpenRouter's Chinese-model tokens are used abroad and are inside the national count (neither is documented).
    """
    cn = volumes[volumes["entity"] == "OpenRouter (Chinese models)"]
    if cn.empty:
        raise ValueError("world_token_volumes: no row for 'OpenRouter (Chinese models)'")
    r = cn.assign(tokens_per_day=tokens_per_day(cn)).sort_values("as_of").iloc[-1]
    nat = _nearest(china_wide_counts(volumes), pd.Timestamp(r["as_of"]))
    return float(r["tokens_per_day"]) / float(nat["tokens"])


def default_foreign_share_range(volumes: pd.DataFrame, proxies: pd.DataFrame) -> tuple[float, float]:
    """From the OpenRouter floor to the largest provider-level proxy (revenue or downloads outside China)."""
    own = proxies[proxies["measures"].isin(["revenue_outside_mainland", "app_downloads_outside_china"])]
    if own.empty:
        raise ValueError("world_foreign_shares: no provider-level foreign-share proxy")
    return foreign_share_floor(volumes), float(own["share"].max())


def deepseek_split() -> dict[str, float]:
    """Phase mix of DeepSeek's disclosed day (web, app and API): cached input, uncached input, output."""
    from tokenecon.model.cost import DEEPSEEK_DAY6 as D

    tot = D.input_tokens_per_day + D.output_tokens_per_day
    return {"cached_input": D.input_tokens_per_day * D.cache_hit_share / tot,
            "input": D.input_tokens_per_day * (1 - D.cache_hit_share) / tot,
            "output": D.output_tokens_per_day / tot}


def mix_kwh_draws(models, split: dict[str, float], scenario: str, *, draws: int, seed: int) -> dict[str, np.ndarray]:
    """Facility kWh per million tokens of each model at phase mix ``split``: draws of the serving Monte Carlo.

    Each phase's draws come from :func:`tokenecon.model.serving.energy_kwh_per_mtok` (same seed, so one draw is one
    joint set of uncertain inputs across models and phases). Models the energy model cannot evaluate are left out.
    """
    from tokenecon.model import serving

    check_scenario(scenario)
    out = {}
    for m in models:
        try:
            out[m] = sum(f * serving.energy_kwh_per_mtok(m, phase=ph, scenario=scenario, draws=draws, seed=seed).draws
                         for ph, f in split.items())
        except ValueError:
            continue
    if not out:
        raise ValueError(f"models: none of {list(models)} can be evaluated by the energy model")
    return out


def _pick(rng, per_model: dict[str, np.ndarray], n: int) -> np.ndarray:
    """One model per draw, uniformly among ``per_model`` (which model serves a token is itself uncertain)."""
    arr = np.vstack([np.resize(v, n) for v in per_model.values()])
    return arr[rng.integers(0, arr.shape[0], n), np.arange(n)]


# --------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Route:
    """One route's answer: Chinese-model tokens used abroad, their energy and where it is burned."""

    name: str
    tokens_per_day: Estimate
    kwh_per_mtok: Estimate
    china_computed_share: Estimate
    mwh_per_day: dict[str, Estimate]
    twh_per_year: dict[str, Estimate]
    inputs: dict[str, np.ndarray] = field(repr=False)   # draws of each uncertain input, by label
    rests_on: str = ""
    period: str = ""

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self.name]


def _route(name: str, tokens_day: np.ndarray, kwh: np.ndarray, china: np.ndarray, inputs: dict, rests_on: str, period: str) -> Route:
    t = Estimate.from_samples(tokens_day, "tokens per day")
    e = Estimate.from_samples(kwh, "kWh per million tokens")
    c = Estimate.from_samples(china, "fraction")
    total = Estimate.from_samples(tokens_day, "tokens per day") * Estimate.from_samples(kwh) * (1 / (units.TOKENS_PER_MTOK * 1e3))
    mwh = {"total": total.with_unit("MWh per day")}
    mwh["in_china"] = (mwh["total"] * c).with_unit("MWh per day")
    mwh["abroad"] = (mwh["total"] * (1 - c)).with_unit("MWh per day")
    twh = {k: Estimate.from_samples(units.twh_per_year_from_mwh_per_day(v.draws), "TWh per year") for k, v in mwh.items()}
    return Route(name, t, e, c, {k: mwh[k] for k in PARTS}, {k: twh[k] for k in PARTS}, inputs, rests_on, period)


def volume_route(tokens_per_day_range: Estimate, foreign_share: tuple[float, float], kwh_by_model: dict[str, np.ndarray],
                 china_computed: tuple[float, float], *, draws: int = 2000, seed: int = 0, period: str = "") -> Route:
    """Volume route: tokens/day (uniform in the range) × foreign share (log-uniform) × kWh/Mtok × share computed in China (uniform)."""
    lo, hi = check_range("foreign_share_range", foreign_share, positive=True)
    clo, chi = check_range("china_computed_range", china_computed)
    if not tokens_per_day_range.low > 0:
        raise ValueError(f"tokens_per_day_range: expected positive tokens per day, got {tokens_per_day_range}")
    rng = np.random.default_rng([int(seed), 1])
    n = int(draws)
    vol = _uniform(rng, tokens_per_day_range.low, tokens_per_day_range.high, n)
    f = _loguniform(rng, lo, hi, n)
    kwh = _pick(rng, kwh_by_model, n)
    c = _uniform(rng, clo, chi, n)
    return _route("volume", vol * f, kwh, c,
                  {"China-wide tokens per day": vol, "Foreign share": f, "Energy per token": kwh, "Share computed in China": c},
                  "the National Data Administration's China-wide daily counts, a foreign share between the OpenRouter floor "
                  "and the largest provider proxy, the serving model's energy, and a China-computed share between "
                  "OpenRouter's measured low and DeepSeek's all-in-China servers", period)


def revenue_route(api_revenue_usd_per_year: float, foreign_revenue_share: tuple[float, float],
                  price_usd_per_mtok: tuple[float, float], kwh_by_model: dict[str, np.ndarray],
                  china_computed: tuple[float, float], *, draws: int = 2000, seed: int = 0, period: str = "") -> Route:
    """Revenue route: API revenue × foreign share (uniform) ÷ blended price per Mtok (uniform) → tokens, × kWh, × share in China (uniform)."""
    if not api_revenue_usd_per_year > 0:
        raise ValueError(f"api_revenue_usd_per_year: expected a positive amount, got {api_revenue_usd_per_year!r}")
    flo, fhi = check_range("foreign_revenue_share", foreign_revenue_share)
    plo, phi = (float(x) for x in price_usd_per_mtok)
    if not 0 < plo <= phi:
        raise ValueError(f"price_usd_per_mtok: expected 0 < low <= high, got {price_usd_per_mtok!r}")
    clo, chi = check_range("china_computed_range", china_computed)
    rng = np.random.default_rng([int(seed), 2])
    n = int(draws)
    f = _uniform(rng, flo, fhi, n)
    p = _uniform(rng, plo, phi, n)
    kwh = _pick(rng, kwh_by_model, n)
    c = _uniform(rng, clo, chi, n)
    tokens_day = api_revenue_usd_per_year * f / p * units.TOKENS_PER_MTOK / units.DAYS_PER_YEAR
    return _route("revenue", tokens_day, kwh, c,
                  {"Foreign revenue share": f, "Price per token": p, "Energy per token": kwh, "Share computed in China": c},
                  "MiniMax's open-platform and enterprise revenue, its overseas revenue share, its blended list prices and "
                  "the serving model's energy; the share computed in China is unknown (0 to 1)", period)


def openrouter_route(openrouter_mwh_per_week: Estimate, openrouter_tokens_per_week: Estimate, openrouter_china_share: Estimate,
                     world_share: tuple[float, float], *, draws: int = 2000, seed: int = 0, period: str = "") -> Route:
    """OpenRouter route: measured MWh/week of its Chinese-model tokens (triangular) ÷ its world share (log-uniform),
    split by its measured China-computed share (triangular). Tokens per day: its Chinese-model tokens per week
    (triangular, the same quantile as the energy) ÷ 7 ÷ the same world share; energy per token is the ratio."""
    lo, hi = check_range("openrouter_world_share", world_share, positive=True)
    for name, v in (("openrouter_china_share.low", openrouter_china_share.low), ("openrouter_china_share.high", openrouter_china_share.high)):
        _check_fraction(name, v)
    rng = np.random.default_rng([int(seed), 3])
    n = int(draws)
    u = rng.uniform(0.0, 1.0, n)
    e = _triangular_at(openrouter_mwh_per_week, u)
    tok = _triangular_at(openrouter_tokens_per_week, u)
    s = _loguniform(rng, lo, hi, n)
    c = _triangular(rng, openrouter_china_share, n)
    mwh_day = e / 7.0 / s
    total = Estimate.from_samples(mwh_day, "MWh per day")
    mwh = {"total": total, "in_china": (total * Estimate.from_samples(c)).with_unit("MWh per day"),
           "abroad": (total * (1 - Estimate.from_samples(c))).with_unit("MWh per day")}
    twh = {k: Estimate.from_samples(units.twh_per_year_from_mwh_per_day(v.draws), "TWh per year") for k, v in mwh.items()}
    tokens_day = tok / 7.0 / s
    return Route("openrouter", Estimate.from_samples(tokens_day, "tokens per day"),
                 Estimate.from_samples(mwh_day * 1e3 / (tokens_day / units.TOKENS_PER_MTOK), "kWh per million tokens"),
                 Estimate.from_samples(c, "fraction"), {k: mwh[k] for k in PARTS}, {k: twh[k] for k in PARTS},
                 {"OpenRouter Chinese-model electricity": e, "OpenRouter share of world tokens": s, "Share computed in China": c},
                 "the package's measured electricity of OpenRouter's Chinese-model tokens, OpenRouter's share of the "
                 "world's tokens bounded from Google's, OpenAI's, Microsoft's and China's disclosed volumes, and "
                 "OpenRouter's measured China-computed share", period)


# --------------------------------------------------------------------------- the whole computation


@dataclass(frozen=True)
class World:
    year: int
    scenario: str
    routes: dict[str, Route]
    envelope: dict[str, Estimate]        # TWh per year by part, envelope of the weighted routes
    weights: dict[str, float]
    foreign_share_range: tuple[float, float]
    china_computed_range: tuple[float, float]
    national: Estimate                   # year-average China-wide tokens per day
    openrouter_share: OpenRouterWorldShare
    openrouter_week: pd.Timestamp
    openrouter_mix_kwh_per_mtok: Estimate
    openrouter_tokens_per_week: Estimate
    openrouter_china_platform_share: Estimate   # Chinese models' share of OpenRouter's tokens that week
    price_usd_per_mtok: tuple[float, float]
    minimax_api_revenue_usd: float
    split: dict[str, float]

    def table(self) -> pd.DataFrame:
        """The three routes side by side (TWh per year, 90% intervals)."""
        rows = []
        for name, r in self.routes.items():
            row = {"route": r.label}
            for p in PARTS:
                t = r.twh_per_year[p]
                row.update({f"{p}_low": t.low, p: t.central, f"{p}_high": t.high})
            row["weight"] = self.weights[name]
            rows.append(row)
        return pd.DataFrame(rows)


def envelope(routes: dict[str, Route], weights: dict[str, float], part: str = "in_china") -> Estimate:
    """Envelope of the routes with weight > 0: lowest 5th and highest 95th percentile; central = their weighted
    geometric mean of medians (the routes differ by orders of magnitude, so a log-scale average)."""
    use = {k: r.twh_per_year[part] for k, r in routes.items() if weights.get(k, 0) > 0}
    if not use:
        raise ValueError("route_weights: at least one route needs a weight above 0")
    w = np.array([weights[k] for k in use])
    mids = np.array([max(e.central, 1e-300) for e in use.values()])
    central = float(np.exp((w * np.log(mids)).sum() / w.sum()))
    lo, hi = min(e.low for e in use.values()), max(e.high for e in use.values())
    return Estimate(lo, min(max(central, lo), hi), hi, "TWh per year", SCENARIOS)


def _openrouter_electricity(scenario: str, draws: int, seed: int):
    from tokenecon.analysis import electricity

    # the token-share report's figure (one definition): all Chinese-model tokens at the hosts' precision mix
    return electricity.token_electricity("all_chinese_models", scenario, draws, seed)


def minimax_revenue_inputs(revenue: pd.DataFrame, proxies: pd.DataFrame, year: int) -> tuple[float, tuple[float, float]]:
    """MiniMax's API (open platform and enterprise) revenue in ``year`` (USD) and its foreign revenue share range."""
    r = revenue[(revenue["entity"] == "MiniMax") & (revenue["item"] == "api_and_enterprise_revenue")
                & (revenue["period_start"].dt.year == int(year)) & (revenue["period_end"].dt.year == int(year))]
    full = r[(r["period_end"] - r["period_start"]).dt.days >= 364]
    if full.empty:
        years = sorted(set(revenue.loc[(revenue["entity"] == "MiniMax") & (revenue["item"] == "api_and_enterprise_revenue"),
                                       "period_end"].dt.year))
        raise ValueError(f"year: {year} has no full-year MiniMax API revenue in world_revenue (years with one: {years})")
    p = proxies[(proxies["entity"] == "MiniMax") & (proxies["measures"] == "revenue_outside_mainland")
                & (proxies["as_of"].dt.year == int(year))]
    if p.empty:
        raise ValueError(f"year: {year} has no MiniMax foreign revenue share in world_foreign_shares")
    return float(full["amount"].iloc[0]), (float(p["share"].min()), float(p["share"].max()))


def blended_price_range(models, splits) -> tuple[float, float]:
    """Lowest and highest blended list price (USD per million tokens) of ``models`` over the phase mixes ``splits``."""
    from tokenecon.analysis import share
    from tokenecon.model import serving

    prices = [share.blended_price_usd_per_mtok(m, s, serving.list_price_usd_per_mtok) for m in models for s in splits]
    prices = [p for p in prices if p is not None and p > 0]
    if not prices:
        raise ValueError(f"models: none of {list(models)} has list prices in the models table")
    return min(prices), max(prices)


def compute(year: int = 2025, energy_scenario: str = "reference", foreign_share_range=None, route_weights=None,
            *, draws: int = 2000, seed: int = 0) -> World:
    """All three routes and their envelope for ``year`` (see the module docstring)."""
    fs = None if foreign_share_range is None else tuple(check_range("foreign_share_range", foreign_share_range, positive=True))
    return _compute(int(year) if str(year).lstrip("-").isdigit() else year, check_scenario(energy_scenario), fs,
                    tuple(sorted(check_weights(route_weights).items())), int(draws), int(seed))


@lru_cache(maxsize=8)
def _compute(year, scenario, fs, weights, draws, seed) -> World:
    if not isinstance(year, int):
        raise ValueError(f"year: expected a calendar year, got {year!r}")
    weights = dict(weights)
    vol, prox, rev = _load("world_token_volumes"), _load("world_foreign_shares"), _load("world_revenue")
    national = year_average_tokens_per_day(vol, year)
    api_rev, frev = minimax_revenue_inputs(rev, prox, year)
    fs = fs or default_foreign_share_range(vol, prox)
    orr = _openrouter_electricity(scenario, draws, seed)
    from tokenecon.analysis import share

    plat = share.platform_china_share(share.bloc_shares_weekly(share.weekly_from_daily(_load("openrouter_daily_top50")),
                                                               _load("labs")), orr.week_start)
    c_or = orr.place.china_computed_share
    china_range = (float(c_or.low), 1.0)
    split_ds = deepseek_split()
    kwh_world = mix_kwh_draws(WORLD_MODELS, split_ds, scenario, draws=draws, seed=seed)
    kwh_mm = mix_kwh_draws(MINIMAX_MODELS, orr.split, scenario, draws=draws, seed=seed)
    price = blended_price_range(MINIMAX_MODELS, [orr.split, split_ds])
    ows = openrouter_world_share(vol)
    routes = {
        "volume": volume_route(national, fs, kwh_world, china_range, draws=draws, seed=seed, period=f"{year} (year average)"),
        "revenue": revenue_route(api_rev, frev, price, kwh_mm, (0.0, 1.0), draws=draws, seed=seed, period=f"fiscal {year}"),
        "openrouter": openrouter_route(orr.mwh_per_week, orr.tokens_per_week, c_or, ows.share, draws=draws, seed=seed,
                                       period=f"week of {orr.week_start:%Y-%m-%d}, scaled to a year"),
    }
    env = {p: envelope(routes, weights, p) for p in PARTS}
    return World(year, scenario, routes, env, weights, tuple(fs), china_range, national, ows, orr.week_start,
                 orr.kwh_per_mtok, orr.tokens_per_week, plat, price, api_rev, split_ds)


# --------------------------------------------------------------------------- sensitivity


def sensitivity(route: Route, part: str = "in_china") -> pd.DataFrame:
    """Which inputs move a route's answer: the median TWh/yr among draws with the input in its lowest and in its
    highest tenth (the others left as drawn). Sorted by the swing (high ÷ low), largest first."""
    y = route.twh_per_year[part].draws
    rows = []
    for name, x in route.inputs.items():
        x = np.asarray(x, float)
        if np.ptp(x) == 0:
            continue
        q10, q90 = np.quantile(x, [0.1, 0.9])
        lo, hi = float(np.median(y[x <= q10])), float(np.median(y[x >= q90]))
        rows.append({"route": route.label, "input": name, "twh_low_tenth": lo, "twh_high_tenth": hi,
                     "swing": (max(lo, hi) / max(min(lo, hi), 1e-300))})
    return pd.DataFrame(rows).sort_values("swing", ascending=False).reset_index(drop=True)


# --------------------------------------------------------------------------- comparators


def comparator_twh(comparators: pd.DataFrame, quantity: str, year: int | None = None) -> tuple[float, str]:
    """A comparator's TWh and its period in words: the full-year row for ``year`` if present, else the latest one
    on or before it (else the latest); a part-year figure is returned as stated with its period."""
    rows = comparators[comparators["quantity"] == quantity].sort_values("period_end")
    if rows.empty:
        known = sorted(set(comparators["quantity"]))
        raise ValueError(f"quantity: unknown comparator {quantity!r}; known: {', '.join(known)}")
    if year is not None:
        before = rows[rows["period_end"].dt.year <= int(year)]
        rows = before if not before.empty else rows
    r = rows.iloc[-1]
    s, e = pd.Timestamp(r["period_start"]), pd.Timestamp(r["period_end"])
    if s.year == e.year and (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
        words = str(s.year)
    elif s.year == e.year and (s.month, s.day, e.month, e.day) == (1, 1, 6, 30):
        words = f"the first half of {s.year}"
    else:
        words = f"{s:%B %Y} to {e:%B %Y}"
    return float(r["twh"]), words


@dataclass(frozen=True)
class Comparison:
    name: str
    twh: Estimate
    period: str
    ratio: Estimate          # world-scale in-China TWh / comparator TWh


def comparisons(world: World) -> list[Comparison]:
    """The in-China envelope against China's Bitcoin mining in 2020, its electricity use, data centres and
    electricity supplied across its borders."""
    from tokenecon.model import bitcoin

    comp = _load("world_electricity_comparators")
    cn = world.envelope["in_china"]
    out = []
    btc = bitcoin.china_mining(2020).twh
    out.append(Comparison("China's Bitcoin mining at its 2020 peak (CBECI rebuild)", btc, "2020", cn / btc))
    for q, label in (("china_consumption", "China's total electricity use"), ("china_data_centres", "China's data centres (IEA)"),
                     ("macau_supply_from_mainland", "Electricity the mainland supplies to Macau"),
                     ("yunnan_cross_border_export", "Yunnan's electricity exports to Vietnam, Laos and Myanmar")):
        v, words = comparator_twh(comp, q, world.year)
        out.append(Comparison(label, Estimate.point(v, "TWh"), words, cn / v))
    return out


@dataclass(frozen=True)
class RevenueScale:
    token_usd_per_kwh: Estimate
    bitcoin_usd_per_kwh: Estimate
    ratio: Estimate
    token_revenue_usd_per_year: Estimate     # list-price revenue of the in-China electricity, as tokens
    bitcoin_revenue_usd_per_year: Estimate   # what the same electricity earned as China's 2020 mining


def revenue_at_scale(world: World) -> RevenueScale:
    """Revenue per kWh of Chinese-model tokens (the package's one definition, OpenRouter's article week at list
    prices) against China's Bitcoin miners in 2020, and what the world-scale in-China electricity earns either way."""
    from tokenecon.analysis import electricity
    from tokenecon.model import bitcoin

    # the shared finding: the article week's Chinese models at that week's own list prices
    tok = electricity.token_revenue_usd_per_kwh(scenario=world.scenario).value
    btc = bitcoin.bitcoin_revenue_per_kwh(2020, "china")
    kwh = world.envelope["in_china"] * 1e9  # TWh -> kWh
    return RevenueScale(tok, btc, bitcoin.revenue_per_kwh_ratio(tok, btc), (kwh * tok).with_unit("USD per year"),
                        (kwh * btc).with_unit("USD per year"))


# --------------------------------------------------------------------------- fact-check inputs


@dataclass(frozen=True)
class VerdictInputs:
    claim: str
    value: Estimate
    interval: str
    comparator: Estimate
    comparator_label: str
    ratio: Estimate
    rule: str
    reason: str


def fact_check_inputs(year: int = 2025, energy_scenario: str = "reference", foreign_share_range=None, route_weights=None,
                      *, draws: int = 2000, seed: int = 0) -> dict[str, VerdictInputs]:
    """What the verdicts on two claims need, at world scale: value, interval, comparator, rule and reason (the
    fact-check judges them with its own rules).

    * ``vast_export`` — "China exports a vast amount of computing power and electricity services": the electricity
      computed in China for Chinese-model tokens used abroad (envelope of the routes), against China's Bitcoin
      mining at its 2020 peak (the article's own comparison). Rule: "vast" read as at least that scale, judged
      with the fact-check's at-least rule; the share of China's electricity use is given beside it.
    * ``essentially_electricity`` — "token exports are essentially electricity exports", at world scale: the
      value of that electricity at China's industrial price as a share of the tokens' list-price revenue, against
      the fact-check's majority reading (at least half).
    """
    from tokenecon.analysis.token_cost import MAJORITY
    from tokenecon.model import serving

    w = compute(year, energy_scenario, foreign_share_range, route_weights, draws=draws, seed=seed)
    comps = comparisons(w)
    btc, total = comps[0], comps[1]
    cn = w.envelope["in_china"]
    vast = VerdictInputs(
        claim="China exports a vast amount of computing power and electricity services", value=cn,
        interval=cn.interval_words(), comparator=btc.twh, comparator_label=btc.name, ratio=btc.ratio,
        rule=("'vast' read as at least the electricity of China's Bitcoin mining at its 2020 peak (the article's own "
              "comparison); supported if the central value reaches it, roughly if only the top of the envelope does "
              "(within the fact-check's tolerance), otherwise overstated"),
        reason=(f"Chinese-model tokens used abroad burn {cn.central:.2g} TWh a year in China ({cn.low:.2g}–{cn.high:.2g}, "
                f"{cn.interval_words()}): {100 * btc.ratio.central:.2g}% of China's Bitcoin mining in 2020 (at most "
                f"{100 * btc.ratio.high:.2g}%) and {100 * total.ratio.central:.2g}% of China's electricity use ({total.period})."))
    rs = revenue_at_scale(w)
    price = serving.electricity_price("CN")
    el_share = (1 / rs.token_usd_per_kwh) * price
    el_share = el_share.with_unit("fraction")
    ess = VerdictInputs(
        claim="Token exports are essentially electricity exports", value=el_share, interval=el_share.interval_words(),
        comparator=Estimate.point(MAJORITY, "fraction"), comparator_label="at least half of the tokens' value",
        ratio=el_share / MAJORITY,
        rule=(f"'essentially electricity' read as: the electricity burned in China is worth at least "
              f"{MAJORITY:.0%} of what the tokens sell for (China's industrial price against list-price "
              f"revenue per kWh); and only the part computed in China counts"),
        reason=(f"At China's industrial price ({price:.2g} USD per kWh) the electricity is {100 * el_share.central:.2g}% of the "
                f"tokens' list-price revenue ({100 * el_share.low:.2g}–{100 * el_share.high:.2g}%); besides, "
                f"{w.envelope['abroad'].central:.2g} TWh a year of the same tokens' electricity is burned abroad, "
                f"against {cn.central:.2g} TWh in China."))
    return {"vast_export": vast, "essentially_electricity": ess}


# --------------------------------------------------------------------------- registered findings


def _scope(w: World, note: str) -> Scope:
    used = " and ".join(ROUTE_SHORT[k] for k in ROUTES if w.weights[k] > 0)
    return Scope(platform="world: Chinese-model tokens used outside China", period=f"{w.year}",
                 note=f"{note}; energy scenario '{w.scenario}'; envelope of the 90% intervals of the {used} routes")


_TABLES = TABLES + ("openrouter_daily_top50", "openrouter_provider_tokens_24h", "openrouter_weekly_top10", "labs", "models")


@finding("world_token_twh_in_china")
def world_token_twh_in_china(year: int = 2025, energy_scenario: str = "reference", foreign_share_range=None,
                             route_weights=None, draws: int = 2000, seed: int = 0) -> Finding:
    w = compute(year, energy_scenario, foreign_share_range, route_weights, draws=draws, seed=seed)
    return Finding("world_token_twh_in_china", "Electricity burned in China for Chinese-model tokens used abroad",
                   w.envelope["in_china"], "TWh per year", _scope(w, "computed in China"), _TABLES, _anchor(SECTION_ANSWER))


@finding("world_token_twh_abroad")
def world_token_twh_abroad(year: int = 2025, energy_scenario: str = "reference", foreign_share_range=None,
                           route_weights=None, draws: int = 2000, seed: int = 0) -> Finding:
    w = compute(year, energy_scenario, foreign_share_range, route_weights, draws=draws, seed=seed)
    return Finding("world_token_twh_abroad", "Electricity burned outside China for Chinese-model tokens used abroad",
                   w.envelope["abroad"], "TWh per year", _scope(w, "computed outside China"), _TABLES, _anchor(SECTION_ANSWER))


@finding("world_token_in_china_vs_bitcoin_2020")
def world_token_in_china_vs_bitcoin_2020(year: int = 2025, energy_scenario: str = "reference", foreign_share_range=None,
                                         route_weights=None, draws: int = 2000, seed: int = 0) -> Finding:
    w = compute(year, energy_scenario, foreign_share_range, route_weights, draws=draws, seed=seed)
    c = comparisons(w)[0]
    return Finding("world_token_in_china_vs_bitcoin_2020",
                   "Electricity burned in China for Chinese-model tokens used abroad, as a share of China's Bitcoin mining in 2020",
                   c.ratio.with_unit("fraction"), "fraction", _scope(w, "computed in China, against CBECI's 2020 China estimate"),
                   _TABLES + ("cbeci_energy_monthly", "cbeci_country_hashrate_monthly"), _anchor(SECTION_COMPARE),
                   note="bounds: worst case of the envelope and CBECI's lower and upper estimates")
