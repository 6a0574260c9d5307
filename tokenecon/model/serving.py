"""The serving facade: energy and cost per million tokens for a model, with intervals, by name.

Built on :mod:`tokenecon.model.energy` (the calibrated roofline: GPU throughput and power at a serving
point) and :mod:`tokenecon.model.cost` (capex, facility, opex, electricity), with the uncertainty of
:mod:`tokenecon.model.montecarlo` (seeded Monte Carlo over ``uncertain_inputs``). Other reports call

* :func:`energy_kwh_per_mtok` — facility kWh per million tokens (GPU + server overhead + PUE);
* :func:`cost_usd_per_mtok` — USD per million tokens, split into capex / electricity / other, and the
  electricity share;
* :func:`list_price_usd_per_mtok` and :func:`model_for_slug` for joining with token tables.

A *scenario* fixes the hardware and the serving point (concurrent sequences per GPU, context);
utilisation, PUE, prices, lives and the energy model's residual error are drawn from
``uncertain_inputs``. The country sets the electricity price (``electricity_prices``, industrial,
2024 where present, else the latest year) and the facility build cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from tokenecon.data.lookup import model_base
from tokenecon.units import PRICE_PHASES, check_number
from tokenecon.model import montecarlo as uncertainty
from tokenecon.estimate import Estimate

#: Per-user output speed of the reference scenarios (output tokens per second per user): DeepSeek serves at
#: 20-22 (open-infra-index day 6), InferenceX compares chips at ~23 for DeepSeek-R1; the Monte Carlo draws it
#: from a triangular distribution between 18 and 25 with mode 21 (an assumption: DeepSeek's band widened by
#: ~15% either side), so the operating point's uncertainty is inside every interval. Energy per token is
#: steep in this speed near a chip's fastest decode (the weights must be read every step), so the band matters.
USER_TOKENS_PER_S = (18.0, 21.0, 25.0)

#: DeepSeek's disclosed deployment (open-infra-index day 6): decode instances of 144 GPUs (18 nodes) with
#: expert parallelism across them and data-parallel attention, average KV length 4,989 tokens, 20-22 output
#: tokens/s per user (14.8k output tokens/s per 8-GPU node on average); prefill instances of 32 GPUs (4 nodes).
DEEPSEEK_DECODE_GPUS = 144
DEEPSEEK_PREFILL_GPUS = 32
DEEPSEEK_KV_LENGTH = 4989
DEEPSEEK_USER_TOKENS_PER_S = (20.0, 21.0, 22.0)

_SPEED_WORDS = (f"a per-user speed of {USER_TOKENS_PER_S[1]:g} output tokens per second (DeepSeek's disclosed "
                f"{DEEPSEEK_USER_TOKENS_PER_S[0]:g}-{DEEPSEEK_USER_TOKENS_PER_S[2]:g}; drawn between "
                f"{USER_TOKENS_PER_S[0]:g} and {USER_TOKENS_PER_S[2]:g} in the Monte Carlo)")

#: Scenario name -> one-line description (what other reports show).
SCENARIOS: dict[str, str] = {
    "reference": (
        f"serving on H100 SXM at {_SPEED_WORDS}, the largest batch that meets it and fits in memory, 2,048-token "
        "context, the model's released precision, on the fewest GPUs that hold the weights; utilisation (central "
        "0.8) and PUE (central 1.3) drawn from the uncertain-inputs table"
    ),
    "small-batch": (
        "low-traffic serving on H100 SXM: 8 concurrent sequences per GPU (fewer if memory is short), "
        "2,048-token context"
    ),
    "h20": "the reference per-user speed on NVIDIA H20 (the export-compliant China part)",
    "ascend-910c": "the reference per-user speed on Huawei Ascend 910C (domestic chip)",
    "ascend-910b": "the reference per-user speed on Huawei Ascend 910B (domestic chip)",
    "h200": "the reference per-user speed on H200 (export licence allowed late 2025)",
    "b200": "the reference per-user speed on B200 (Blackwell)",
    "deepseek-deployment": (
        f"DeepSeek's disclosed deployment on H800, prefill and decode on separate instances: decode on "
        f"{DEEPSEEK_DECODE_GPUS} GPUs ({DEEPSEEK_DECODE_GPUS // 8} nodes) with the experts spread across them and "
        f"one attention replica per GPU, at {_SPEED_WORDS} over a {DEEPSEEK_KV_LENGTH:,}-token average KV; prefill on "
        f"{DEEPSEEK_PREFILL_GPUS} GPUs ({DEEPSEEK_PREFILL_GPUS // 8} nodes) over 2,048-token prompts; mixture-of-experts "
        "models only"
    ),
}

#: Scenario name -> short name in words (tables and chart labels).
SCENARIO_NAMES = {"reference": "reference (fewest GPUs per instance)", "small-batch": "small batch",
                  "deepseek-deployment": (f"DeepSeek's deployment ({DEEPSEEK_PREFILL_GPUS}-GPU prefill, "
                                          f"{DEEPSEEK_DECODE_GPUS}-GPU decode)")}


@dataclass(frozen=True)
class ScenarioSettings:
    hardware: str
    batch_per_gpu: int  # used when the scenario has no per-user speed (and as the cap of a fixed-batch case)
    context: int
    user_tokens_per_s: float | None = None  # per-user output speed that sets the batch (None: batch_per_gpu)
    gpus_by_phase: tuple = ()  # ((phase, GPUs per instance), ...): a deployment's instance sizes (else the fewest)
    decode_data_parallel: int | None = None  # attention replicas of a decode instance (None: the better of 1, n)
    decode_context: int | None = None  # KV length decode attends to (None: ``context``)
    moe_only: bool = False  # the deployment spreads experts over many GPUs: refuse a dense model

    def gpus_for(self, phase: str) -> int | None:
        return dict(self.gpus_by_phase).get(phase)


#: Grid of per-user speeds on which the operating point is solved for the Monte Carlo (interpolated between).
INTERACTIVITY_GRID_POINTS = 7

_U = USER_TOKENS_PER_S[1]
_SETTINGS = {
    "reference": ScenarioSettings("H100", 128, 2048, _U),
    "small-batch": ScenarioSettings("H100", 8, 2048),
    "h20": ScenarioSettings("H20", 128, 2048, _U),
    "ascend-910c": ScenarioSettings("Ascend 910C", 128, 2048, _U),
    "ascend-910b": ScenarioSettings("Ascend 910B", 128, 2048, _U),
    "h200": ScenarioSettings("H200", 128, 2048, _U),
    "b200": ScenarioSettings("B200", 128, 2048, _U),
    "deepseek-deployment": ScenarioSettings(
        "H800", 128, 2048, _U,
        gpus_by_phase=(("output", DEEPSEEK_DECODE_GPUS), ("input", DEEPSEEK_PREFILL_GPUS),
                       ("cached_input", DEEPSEEK_PREFILL_GPUS)),
        decode_data_parallel=DEEPSEEK_DECODE_GPUS, decode_context=DEEPSEEK_KV_LENGTH, moe_only=True),
}

PHASES = PRICE_PHASES  # the names the cost and price tables use (tokenecon.units)
_ENERGY_PHASE = {"input": "prefill", "output": "decode", "cached_input": "cached_input"}
_PRICE_COLUMN = {"input": "input_usd_per_mtok", "output": "output_usd_per_mtok", "cached_input": "cached_input_usd_per_mtok"}
#: The electricity price year used when a region has it (the latest full year of the EIA series).
PRICE_YEAR = 2024

KWH_UNIT = "kWh per million tokens"
USD_UNIT = "USD per million tokens"


def _check_phase(phase: str) -> str:
    if phase not in PHASES:
        raise ValueError(f"phase: unknown phase {phase!r}; known: {', '.join(PHASES)}")
    return phase


def _check_scenario(scenario: str) -> ScenarioSettings:
    if scenario not in _SETTINGS:
        raise ValueError(f"scenario: unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    return _SETTINGS[scenario]


# --------------------------------------------------------------------------- lookups

def _prices():
    from tokenecon import data

    return data.load("electricity_prices")


def known_regions() -> list[str]:
    return sorted(set(_prices()["region"]))


def region_code(country: str) -> str:
    """Normalise a country/region code (case-insensitive); unknown codes list the known ones."""
    code = str(country).strip().upper()
    if code not in set(_prices()["region"]):
        raise ValueError(f"country: unknown country or region {country!r}; known: {', '.join(known_regions())}")
    return code


def _industrial_by_region(prices: pd.DataFrame) -> dict[str, dict[int, float]]:
    """region -> {year: industrial USD/kWh} (first row of a year wins), rows without a price left out."""
    out: dict[str, dict[int, float]] = {}
    p = prices.dropna(subset=["industrial_usd_per_kwh"])
    for region, year, v in zip(p["region"], p["year"], p["industrial_usd_per_kwh"]):
        out.setdefault(str(region), {}).setdefault(int(year), float(v))
    return out


def electricity_price(country: str, year: int = PRICE_YEAR) -> float:
    """Industrial electricity price (USD/kWh) for a region: ``year`` if present, else its latest year."""
    from tokenecon import data

    code = region_code(country)
    years = data.derived("electricity_prices", _industrial_by_region).get(code)
    if not years:
        raise ValueError(f"country: {code!r} has no industrial electricity price in electricity_prices")
    return years[year] if year in years else years[max(years)]


def _models():
    from tokenecon import data

    return data.load("models")


def _model_key(model: str) -> str:
    from tokenecon.data.lookup import model_name

    return model_name(model)


def _modellable(row) -> bool:
    from tokenecon.model.energy import modellable

    return modellable(row)


def model_for_slug(slug: str) -> str | None:
    """The ``models`` key for an OpenRouter slug or permaslug (``minimax/minimax-m2.5-20260211``).

    Strips a date suffix (``-YYYYMMDD`` or ``-YYYY-MM-DD``) and a variant tag (``:free``). Returns None
    when the model is not in the table, or when it is but its size is not public (closed models) or the
    precision its weights are served in is unknown (``serving_precision`` empty, e.g. ``kimi-k2.6``): the
    package does not guess bytes per weight, so callers count such a model as not covered.
    """
    from tokenecon import data

    s = str(slug).strip().lower().split(":")[0]
    by_slug = data.derived("models", _models_by_slug)
    for c in (s, model_base(s)):
        if c in by_slug:
            return by_slug[c]
    return None


def _models_by_slug(m: pd.DataFrame) -> dict[str, str | None]:
    """OpenRouter slug (lower case) -> the ``models`` key, or None for a model the energy model cannot serve;
    the first row naming a slug wins."""
    out: dict[str, str | None] = {}
    for _, row in m.iterrows():
        for option in str(row["openrouter_slug"] if pd.notna(row["openrouter_slug"]) else "").lower().split("|"):
            out.setdefault(option, str(row["model"]) if _modellable(row) else None)
    return out


def list_price_usd_per_mtok(model: str, phase: str) -> float | None:
    """List price (USD per million tokens) of ``phase`` tokens from the ``models`` table; None if unknown."""
    _check_phase(phase)
    key = _model_key(model)
    row = _models()[_models()["model"] == key].iloc[0]
    v = row[_PRICE_COLUMN[phase]]
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


# --------------------------------------------------------------------------- cases

@dataclass(frozen=True, eq=False)
class Case:
    """Everything the Monte Carlo needs for one model, phase, hardware and country."""

    model: str
    phase: str
    scenario: str
    country: str
    hardware: str
    batch: int
    context: int
    n_gpus: int
    precision: str
    point: uncertainty.ServingPoint
    dists: dict
    electricity_usd_per_kwh: float
    bound: str  # the longest of "compute", "memory", "power", "network", "overhead" (energy.bound_of)
    user_tokens_per_s: float | None = None  # per-user speed that set the batch (central), None for a fixed batch
    data_parallel: int = 1
    limited_by: str = "batch"  # "latency", "memory" (the KV pool), or "batch" (fixed by the caller/scenario)
    max_memory_batch: int = 0

    def bound_words(self) -> str:
        """What limits the step, in words (:data:`tokenecon.model.energy.BOUND_WORDS`)."""
        from tokenecon.model.energy import BOUND_WORDS

        return BOUND_WORDS[self.bound].format(tdp=self.point.tdp_w)

    def describe(self) -> str:
        speed = (f" ({self.user_tokens_per_s:g} tokens/s per user, {self.limited_by}-limited)"
                 if self.user_tokens_per_s else "")
        from tokenecon.data.lookup import model_display_name

        return (f"{model_display_name(self.model)} {self.phase} tokens on {self.n_gpus} x {self.hardware} ({self.precision}), "
                f"batch {self.batch}{speed}, context {self.context}, {self.country} electricity "
                f"${self.electricity_usd_per_kwh:.4f}/kWh")


def _positive(name: str, value, *, lo: float = 0.0, inclusive: bool = False, hi: float | None = None):
    if value is None:
        return None
    return float(check_number(name, value, lo=lo, lo_open=not inclusive, hi=hi))


def _as_value_error(fn, *a, **k):
    from tokenecon.model.energy import EnergyInputError

    try:
        return fn(*a, **k)
    except EnergyInputError as exc:
        raise ValueError(str(exc)) from None


def _decode_deployment(shape, hwe, *, n, ctx, u, eff, data_parallel, mtp):
    """(data_parallel, OperatingPoint) at per-user speed ``u``: with ``data_parallel`` None and a MoE model,
    the better of one attention replica and one per GPU (data-parallel attention, as DeepSeek and SGLang
    serve large MoE) — the deployment with more tokens per GPU at that speed, among those that fit."""
    from tokenecon.model import energy as en

    options = [data_parallel] if data_parallel is not None else ([1, n] if shape.is_moe and n > 1 else [1])
    best, err = None, None
    for dp in options:
        try:
            op = en.latency_operating_point(shape, hwe, user_tokens_per_s=u, context=ctx, n_gpus=n, efficiency=eff,
                                            data_parallel=dp, mtp_acceptance=mtp)
        except en.EnergyInputError as exc:
            err = exc
            continue
        if best is None or float(op.result.tokens_per_s_per_gpu) > float(best[1].result.tokens_per_s_per_gpu):
            best = (dp, op)
    if best is None:
        raise ValueError(str(err))
    return best


@lru_cache(maxsize=256)
def build_case(model: str, *, phase: str = "output", scenario: str = "reference", country: str = "CN",
               hardware: str | None = None, batch: int | None = None, context: int | None = None,
               precision: str | None = None, n_gpus: int | None = None, utilisation: float | None = None,
               pue: float | None = None, electricity_usd_per_kwh: float | None = None,
               gpu_price_usd: float | None = None, life_years: float | None = None,
               user_tokens_per_s: float | None = None, data_parallel: int | None = None,
               mtp_acceptance: float = 0.0, fit_uncertainty: bool = True) -> Case:
    """A :class:`Case`: the scenario's serving point (overridable) and the input distributions.

    Output (decode) tokens: with a per-user speed (``user_tokens_per_s``, else the scenario's), the batch is
    the largest that meets it and fits in memory (:func:`tokenecon.model.energy.latency_operating_point`);
    the scenario's speed is drawn in the Monte Carlo (:data:`USER_TOKENS_PER_S`), a given one is fixed.
    ``batch`` fixes concurrent sequences per instance instead (refused, naming the feasible limit, when it does
    not fit). ``n_gpus`` defaults to the fewest that hold the weights and one sequence; ``data_parallel``
    (attention replicas) to the better of 1 and ``n_gpus`` for a MoE model. For input (prefill) tokens one
    prompt of ``context`` tokens per GPU is processed per step. Overrides fix an input at a value (no longer
    drawn): ``utilisation`` (0..1], ``pue`` (>= 1), ``electricity_usd_per_kwh`` (>= 0; replaces the country
    table price), ``gpu_price_usd`` (>= 0), ``life_years`` (> 0). ``fit_uncertainty``: draw the serving factors
    from their bootstrap refits (``energy_calibration_bootstrap``), one per Monte Carlo draw, so the fit's
    uncertainty is inside the interval; the central value stays at the stored fit.
    """
    from tokenecon.model import energy as en
    from tokenecon.model.efficiency import calibrated
    from tokenecon.data.lookup import hardware_name

    _check_phase(phase)
    st = _check_scenario(scenario)
    key = _model_key(model)
    hw = hardware_name(hardware or st.hardware)
    region = region_code(country)
    energy_phase = _ENERGY_PHASE[phase]
    scen_ctx = st.decode_context if (energy_phase == "decode" and st.decode_context) else st.context
    ctx = scen_ctx if context is None else int(_positive("context", context, lo=0.0, inclusive=True))
    utilisation = _positive("utilisation", utilisation, hi=1.0)
    pue = _positive("pue", pue, lo=1.0, inclusive=True)
    price_override = _positive("electricity_usd_per_kwh", electricity_usd_per_kwh, inclusive=True)
    gpu_price_usd = _positive("gpu_price_usd", gpu_price_usd, inclusive=True)
    life_years = _positive("life_years", life_years)
    u_given = _positive("user_tokens_per_s", user_tokens_per_s)
    mtp = float(_positive("mtp_acceptance", mtp_acceptance, inclusive=True, hi=1.0))
    if u_given is not None and batch is not None:
        raise ValueError("batch, user_tokens_per_s: give one (the per-user speed chooses the batch)")

    # A model without a known serving precision raises here (energy.shape_from_row names the field):
    # no bytes-per-weight is assumed unless the caller passes ``precision``.
    shape = en.model_shape(key, precision)
    if st.moe_only and not shape.is_moe:
        raise ValueError(f"scenario: {scenario!r} spreads a mixture-of-experts model's experts over many GPUs; "
                         f"{model!r} is a dense model (use 'reference' or name --n-gpus)")
    hwe = en.hardware_energy(hw)
    eff = calibrated(hw)
    sized_by_scenario = n_gpus is None and st.gpus_for(phase) is not None
    if sized_by_scenario:
        n_gpus = st.gpus_for(phase)
    n = (_as_value_error(en.default_n_gpus, shape, hwe, context=ctx) if n_gpus is None
         else int(_positive("n_gpus", n_gpus, lo=1.0, inclusive=True)))
    if data_parallel is None and energy_phase == "decode" and sized_by_scenario and st.decode_data_parallel:
        data_parallel = st.decode_data_parallel
    if data_parallel is not None:
        data_parallel = int(_positive("data_parallel", data_parallel, lo=1.0, inclusive=True, hi=n))
    u = u_given if u_given is not None else (st.user_tokens_per_s if batch is None else None)
    dp, limited, cap = data_parallel or 1, "batch", 0
    grid, variants, inter = (), (), ()
    from tokenecon.model.efficiency import bootstrap_factors

    boot = bootstrap_factors(hw) if fit_uncertainty else ()
    if energy_phase == "decode" and u is not None:
        dp, op = _decode_deployment(shape, hwe, n=n, ctx=ctx, u=u, eff=eff, data_parallel=data_parallel, mtp=mtp)
        res, b, limited, cap = op.result, op.batch, op.limited_by, op.max_memory_batch
        if u_given is None:  # the scenario's speed: drawn in the Monte Carlo over a grid of operating points
            lo, _, hi = USER_TOKENS_PER_S
            grid = tuple(float(x) for x in np.geomspace(lo, hi, INTERACTIVITY_GRID_POINTS))
            inter = USER_TOKENS_PER_S
        else:
            grid = (float(u),)

        def at(e):  # every grid speed's operating point, near the central point's batch
            _, tps, pw = _as_value_error(en.operating_points_across_speeds, shape, hwe, user_tokens_per_s=grid,
                                         context=ctx, n_gpus=n, efficiency=e, data_parallel=dp, mtp_acceptance=mtp,
                                         batch_hint=b)
            return tuple(float(t) for t in tps), tuple(float(w) for w in pw)

        if u_given is None or boot:
            central = at(eff)
            if not boot:
                variants = (central,)
            elif len(grid) == 1:
                variants = tuple(at(e) for e in boot)
            else:
                # each refit's throughput and power relative to the central fit's at the central speed, applied
                # along the central grid (one operating point per refit, all refits in one array evaluation)
                tps, pw = _as_value_error(en.operating_points_across_fits, shape, hwe, user_tokens_per_s=u, context=ctx,
                                          n_gpus=n, efficiencies=boot, data_parallel=dp, mtp_acceptance=mtp,
                                          batch_hint=b)
                rel = zip(tps / float(res.tokens_per_s_per_gpu), pw / float(res.power_w_per_gpu))
                variants = tuple((tuple(t * float(a) for t in central[0]), tuple(w * float(b_) for w in central[1]))
                                 for a, b_ in rel)
    else:
        if energy_phase == "decode":
            cap = en.max_feasible_batch(shape, hwe, n_gpus=n, context=ctx, data_parallel=dp)
            if batch is None:
                b = max(min(st.batch_per_gpu * n, cap), 1)
                limited = "memory" if b < st.batch_per_gpu * n else "batch"
            else:
                b = int(_positive("batch", batch, lo=1.0, inclusive=True))
            _as_value_error(en.check_memory, shape, hwe, n_gpus=n, batch=b, context=ctx, data_parallel=dp)
        else:
            b = st.batch_per_gpu * n if batch is None else int(_positive("batch", batch, lo=1.0, inclusive=True))
        step_ctx = max(ctx, 1) if energy_phase == "prefill" else ctx
        if energy_phase == "prefill":
            b = n  # one prompt per GPU per step: what a prefill case is priced at (and says it is)
            _as_value_error(en.check_memory, shape, hwe, n_gpus=n, batch=b, context=step_ctx, phase="prefill")

        def step(e):
            return _as_value_error(en.token_energy, key, hw, batch=b, context=step_ctx, phase=energy_phase,
                                   precision=precision, n_gpus=n, data_parallel=dp if energy_phase == "decode" else 1,
                                   efficiency=e, mtp_acceptance=mtp if energy_phase == "decode" else 0.0)

        res = step(eff)
        if boot:
            grid = (float("nan"),)
            rs = [step(e) for e in boot]
            variants = tuple(((float(r.tokens_per_s_per_gpu),), (float(r.power_w_per_gpu),)) for r in rs)
    tps = float(np.asarray(res.tokens_per_s_per_gpu))
    power = float(np.asarray(res.power_w_per_gpu))
    bound = en.bound_of(res, hwe.tdp_w)
    point = uncertainty.ServingPoint(tps, power, hwe.tdp_w, label=f"{key} {phase} {hw}", interactivity_grid=grid,
                                     variants=variants, interactivity=inter)
    dists = uncertainty.distributions(hw, region)
    dists = uncertainty.with_overrides(dists, utilisation=utilisation, pue=pue, gpu_price_usd=gpu_price_usd,
                                       life_years=life_years)
    if price_override is not None:
        dists = uncertainty.with_overrides(dists, electricity_price_factor=1.0)
        price = price_override
    else:
        price = electricity_price(region)
    return Case(key, phase, scenario, region, hw, int(b), ctx, n, shape.precision, point, dists, price, bound,
                u if energy_phase == "decode" else None, dp, limited, int(cap))


#: Alias used by the benchmark and notebooks.
reference_case = build_case


@lru_cache(maxsize=256)
def _simulate(case: Case, draws: int, seed: int) -> uncertainty.MonteCarloResult:
    return uncertainty.run(case.dists, case.point, case.electricity_usd_per_kwh, draws=draws, seed=seed)


def simulate(case: Case, *, draws: int = 2000, seed: int = 0) -> uncertainty.MonteCarloResult:
    """Seeded Monte Carlo for a case (cached per case, draws and seed)."""
    if int(draws) < 1:
        raise ValueError(f"draws: must be >= 1, got {draws!r}")
    return _simulate(case, int(draws), int(seed))


def energy_kwh_per_mtok(model: str, *, phase: str = "output", scenario: str = "reference", country: str = "CN",
                        draws: int = 2000, seed: int = 0) -> Estimate:
    """Facility kWh per million ``phase`` tokens (GPU + server overhead + PUE, idle hours included):
    median and 90% interval of the seeded Monte Carlo."""
    case = build_case(model, phase=phase, scenario=scenario, country=country)
    return simulate(case, draws=draws, seed=seed).estimate("facility_kwh_per_mtok", unit=KWH_UNIT)


def cost_usd_per_mtok(model: str, *, phase: str = "output", scenario: str = "reference", country: str = "CN",
                      draws: int = 2000, seed: int = 0) -> dict[str, Estimate]:
    """USD per million ``phase`` tokens: ``total``, ``capex``, ``electricity``, ``other`` (facility build and
    other opex) and ``electricity_share`` (0..1), each a median with a 90% interval."""
    case = build_case(model, phase=phase, scenario=scenario, country=country)
    res = simulate(case, draws=draws, seed=seed)
    return {
        "total": res.estimate("total_usd_per_mtok", USD_UNIT),
        "capex": res.estimate("capex_usd_per_mtok", USD_UNIT),
        "electricity": res.estimate("electricity_usd_per_mtok", USD_UNIT),
        "other": res.estimate("other_usd_per_mtok", USD_UNIT),
        "electricity_share": res.estimate("electricity_share", "share"),
    }


# --------------------------------------------------------------------------- carbon

CARBON_UNIT = "gCO2 per million tokens"


def _grid():
    from tokenecon import data

    return data.load("grid_carbon")


def grid_country(country: str) -> str:
    """The ``grid_carbon`` country for an electricity region: the ISO code before any sub-region suffix
    (``CN-WEST-HUB`` → ``CN``: the table has no Chinese provincial intensities, so the hubs use China's)."""
    code = region_code(country).split("-")[0]
    known = sorted(set(_grid()["country"]))
    if code not in known:
        raise ValueError(f"country: {country!r} has no grid carbon intensity in grid_carbon; known: {', '.join(known)}")
    return code


def grid_carbon_intensity(country: str) -> Estimate:
    """Location-based grid carbon intensity (gCO2/kWh) of a region's grid: each dataset's latest year in
    ``grid_carbon`` (Ember, OWID); low and high are the smallest and largest of them, central their mean."""
    code = grid_country(country)
    g = _grid()[_grid()["country"] == code]
    latest = g.sort_values("year").groupby("dataset").tail(1)["carbon_intensity_g_per_kwh"].astype(float)
    return Estimate(float(latest.min()), float(latest.mean()), float(latest.max()), "gCO2/kWh")


def carbon_samples(kwh_samples, intensity: Estimate, *, seed: int = 0) -> np.ndarray:
    """gCO2 per million tokens, draw by draw: facility kWh per million tokens × a grid intensity drawn
    uniformly between the datasets' values (``intensity.low``..``intensity.high``; the datasets disagree
    and none is known to be right, so every value between them is treated as equally likely)."""
    kwh = np.asarray(kwh_samples, dtype=float)
    rng = np.random.default_rng([int(seed), 2])  # its own stream: the energy draws are not disturbed
    return kwh * rng.uniform(intensity.low, intensity.high, size=kwh.shape)


def carbon_g_per_mtok(model: str, *, phase: str = "output", scenario: str = "reference", country: str = "CN",
                      draws: int = 2000, seed: int = 0) -> Estimate:
    """Location-based gCO2 per million ``phase`` tokens served in ``country``: the facility energy of
    :func:`energy_kwh_per_mtok` (its Monte Carlo draws) × the grid intensity of :func:`grid_carbon_intensity`
    (drawn between the datasets' values); median and 90% interval. Operational emissions only (no
    manufacturing, no market-based instruments)."""
    case = build_case(model, phase=phase, scenario=scenario, country=country)
    kwh = simulate(case, draws=draws, seed=seed).samples["facility_kwh_per_mtok"]
    return Estimate.from_samples(carbon_samples(kwh, grid_carbon_intensity(country), seed=seed), unit=CARBON_UNIT)


# --------------------------------------------------------------------------- DeepSeek cross-check

#: Assumed IT power of an 8×H800 node for the disclosure-side energy figure: the DGX H100 nameplate
#: rating, 10.2 kW (Epoch AI ChatGPT-energy spreadsheet); DeepSeek disclosed no power data.
DEEPSEEK_NODE_KW_ASSUMED = 10.2
#: PUE applied to the disclosure-side energy figure (SemiAnalysis model value, research/energy.md §1d).
DEEPSEEK_PUE_ASSUMED = 1.3


def _tps_draws(case: Case, res: uncertainty.MonteCarloResult) -> np.ndarray:
    """Tokens/s per GPU while serving, draw by draw (the drawn operating point × the residual factor)."""
    base = res.inputs.get("serving_tokens_per_s_per_gpu", case.point.tokens_per_second_per_gpu)
    return base * res.inputs["throughput_factor"]


def deepseek_cross_check(*, model: str = "deepseek-v3", hardware: str = "H800", country: str = "CN",
                         context: int = 2048, scenario: str = "deepseek-deployment", batch_per_gpu: int | None = None,
                         draws: int = 2000, seed: int = 0):
    """DeepSeek's disclosed day of serving (cost.DEEPSEEK_DAY6) against the model's prediction.

    The model serves the same day's tokens — 168B output, 608B input of which 56.3% are cache hits —
    on ``hardware`` in ``scenario``'s deployment: by default DeepSeek's own (decode on 144 GPUs with one
    attention replica per GPU over the disclosed 4,989-token average KV, prefill on 32 GPUs over ``context``-token
    prompts); "reference" serves each phase on the fewest GPUs that hold the weights, decode over ``context``
    tokens. The per-user speed is drawn (``batch_per_gpu`` fixes the decode batch instead), with the Monte
    Carlo's draws shared across phases (the same seed gives the same draws of every input). Returns one row per
    quantity: ``quantity``, ``unit``, ``disclosed`` (as published, or derived from published figures: see
    ``basis``), ``model_low``, ``model_median``, ``model_high`` (90% interval), ``basis``.
    """
    import pandas as pd

    from tokenecon.model.cost import deepseek_anchor, deepseek_day6

    D = deepseek_day6()
    st = _check_scenario(scenario)

    def case(ph, **kw):
        ctx = None if (ph == "output" and st.decode_context) else context
        return build_case(model, phase=ph, scenario=scenario, country=country, hardware=hardware, context=ctx, **kw)

    cases = {ph: case(ph) for ph in ("output", "input", "cached_input")}
    n = cases["output"].n_gpus
    if batch_per_gpu is not None:
        cases["output"] = case("output", batch=batch_per_gpu * n)
    out_c, in_c = cases["output"], cases["input"]
    decode_words = (f"decode on {out_c.n_gpus} GPUs ({out_c.data_parallel} attention replicas) over a "
                    f"{out_c.context:,}-token KV")
    res = {ph: simulate(c, draws=draws, seed=seed) for ph, c in cases.items()}
    tokens_m = {"output": D.output_tokens_per_day / 1e6,
                "input": D.input_tokens_per_day * (1 - D.cache_hit_share) / 1e6,
                "cached_input": D.input_tokens_per_day * D.cache_hit_share / 1e6}
    # GPU-hours per M tokens at the drawn utilisation = cost per M tokens / cost per GPU-hour.
    gpu_h = sum(tokens_m[ph] * res[ph].samples["total_usd_per_mtok"] / res[ph].samples["usd_per_gpu_hour"] for ph in tokens_m)
    busy_gpu_h = sum(tokens_m[ph] * 1e6 / (_tps_draws(cases[ph], res[ph]) * 3600) for ph in tokens_m)
    owner_usd = sum(tokens_m[ph] * res[ph].samples["total_usd_per_mtok"] for ph in tokens_m)
    kwh = sum(tokens_m[ph] * res[ph].samples["facility_kwh_per_mtok"] for ph in tokens_m)
    elec = sum(tokens_m[ph] * res[ph].samples["electricity_usd_per_mtok"] for ph in tokens_m)
    node_decode = 8 * _tps_draws(cases["output"], res["output"])
    t_in = ((1 - D.cache_hit_share) / _tps_draws(cases["input"], res["input"])
            + D.cache_hit_share / _tps_draws(cases["cached_input"], res["cached_input"]))
    node_prefill = 8 / t_in
    out_m = tokens_m["output"]
    disclosed_kwh = D.kwh_per_mtok_output(DEEPSEEK_NODE_KW_ASSUMED / 8, DEEPSEEK_PUE_ASSUMED)

    def q(x):
        e = Estimate.from_samples(x)
        return e.low, e.central, e.high

    rows = [
        ("Decode throughput per 8-GPU node", "output tokens/s", deepseek_anchor("deepseek_decode_node_tput"), *q(node_decode),
         f"disclosed average per H800 node; model: {decode_words}, per-user speed drawn, x 8 GPUs"),
        ("Prefill throughput per 8-GPU node, cache hits included", "input tokens/s",
         deepseek_anchor("deepseek_prefill_node_tput"), *q(node_prefill),
         f"disclosed; model: {1 - D.cache_hit_share:.1%} prefill + {D.cache_hit_share:.1%} cached-input tokens on "
         f"{in_c.n_gpus}-GPU instances, {in_c.context:,}-token prompts"),
        ("GPU-hours for the day's tokens, GPUs fully busy", "GPU-hours", D.gpu_hours_per_day, *q(busy_gpu_h),
         f"disclosed: {D.gpus / 8:g} nodes x 8 x 24 h (average fleet, not busy time)"),
        ("GPU-hours for the day's tokens at the drawn utilisation", "GPU-hours", D.gpu_hours_per_day, *q(gpu_h),
         f"model utilisation drawn from the uncertain-inputs table (central {cases['output'].dists['utilisation'].central:g})"),
        (f"Cost per M output tokens, all cost on output, ${D.usd_per_gpu_hour:g}/GPU-hour rental", "USD per million tokens",
         D.usd_per_mtok_output_all_cost, *q(gpu_h * D.usd_per_gpu_hour / out_m),
         f"disclosed: ${D.cost_usd_per_day:,.0f} / {out_m:,.0f} M; model: its GPU-hours x ${D.usd_per_gpu_hour:g}"),
        ("Cost per M output tokens, all cost on output, owner's cost", "USD per million tokens",
         D.usd_per_mtok_output_all_cost, *q(owner_usd / out_m),
         "model: capex + facility + opex + electricity in the country; disclosed column repeats the rental basis"),
        ("Owner's cost per GPU-hour", "USD per GPU-hour", D.usd_per_gpu_hour, *q(res["output"].samples["usd_per_gpu_hour"]),
         f"disclosed: DeepSeek's ${D.usd_per_gpu_hour:g} rental assumption"),
        ("Facility energy per M output tokens, all energy on output", "kWh per million tokens", disclosed_kwh,
         *q(kwh / out_m),
         f"disclosed side derived: {DEEPSEEK_NODE_KW_ASSUMED} kW nameplate per node x PUE {DEEPSEEK_PUE_ASSUMED} (no power data disclosed)"),
        ("Electricity cost per M output tokens, all on output", "USD per million tokens",
         disclosed_kwh * electricity_price(country), *q(elec / out_m),
         f"disclosed side derived: energy above x {country} industrial price"),
        ("Electricity share of the day's cost", "share",
         disclosed_kwh * electricity_price(country) / D.usd_per_mtok_output_all_cost, *q(elec / owner_usd),
         f"disclosed side derived: electricity above / ${D.usd_per_gpu_hour:g}-per-GPU-hour rental cost"),
    ]
    return pd.DataFrame(rows, columns=["quantity", "unit", "disclosed", "model_low", "model_median", "model_high", "basis"])


#: Notebook/CLI sentinel meaning "not overridden: use the table or the drawn distribution".
FROM_TABLE = -1.0


def optional_override(name: str, value: float | None) -> float | None:
    """``None`` for "not set" (:data:`tokenecon.units.NOT_SET`, the notebooks' convention) or the CLI's sentinel
    :data:`FROM_TABLE` (-1), else the value (checked later by :func:`build_case`). Any other negative number is
    refused, naming the parameter.
    """
    if value is None:
        return None
    v = float(value)
    if v == FROM_TABLE:
        return None
    if v < 0:
        raise ValueError(f"{name}: expected a value >= 0, or {FROM_TABLE} for 'from the table', got {value!r}")
    return v


# --------------------------------------------------------------------------- energy against interactivity

def interactivity_frontier(model: str, hardware: str, *, user_tokens_per_s=None, context: int = 2048,
                           n_gpus: int | None = None, data_parallel: int | None = None, precision: str | None = None,
                           mtp_acceptance: float = 0.0):
    """GPU energy and throughput against per-user speed for a model on a chip, the way ML.ENERGY and
    InferenceX present them: one row per target speed (default 5 to 100 tokens/s per user) with the largest
    feasible batch meeting it. Columns: user_tokens_per_s, batch, limited_by, data_parallel, n_gpus,
    gpu_j_per_token, tokens_per_s_per_gpu, power_w_per_gpu. Speeds a batch of one cannot reach are left out.
    ``data_parallel`` None: for a MoE model the better of 1 and ``n_gpus`` at each speed (as :func:`build_case`)."""
    import pandas as pd

    from tokenecon.model import energy as en
    from tokenecon.model.efficiency import calibrated
    from tokenecon.data.lookup import hardware_name

    hw = hardware_name(hardware)
    shape = en.model_shape(_model_key(model), precision)
    hwe = en.hardware_energy(hw)
    n = _as_value_error(en.default_n_gpus, shape, hwe, context=context) if n_gpus is None else int(n_gpus)
    speeds = np.geomspace(5, 100, 25) if user_tokens_per_s is None else np.atleast_1d(np.asarray(user_tokens_per_s, float))
    rows = []
    for u in speeds:
        try:
            dp, op = _decode_deployment(shape, hwe, n=n, ctx=context, u=float(u), eff=calibrated(hw),
                                        data_parallel=data_parallel, mtp=mtp_acceptance)
        except ValueError as exc:
            if "above what a batch of one reaches" in str(exc):
                continue
            raise
        r = op.result
        rows.append({"user_tokens_per_s": float(u), "batch": op.batch, "limited_by": op.limited_by,
                     "data_parallel": dp, "n_gpus": n, "gpu_j_per_token": float(r.j_per_token),
                     "tokens_per_s_per_gpu": float(r.tokens_per_s_per_gpu), "power_w_per_gpu": float(r.power_w_per_gpu)})
    return pd.DataFrame(rows, columns=["user_tokens_per_s", "batch", "limited_by", "data_parallel", "n_gpus",
                                       "gpu_j_per_token", "tokens_per_s_per_gpu", "power_w_per_gpu"])


def deepseek_decode_reproduction(*, mtp_acceptance: float = 0.0, hardware: str = "H800", model: str = "deepseek-v3"):
    """The model's decode throughput per 8-GPU node in DeepSeek's disclosed deployment (144 GPUs, data-parallel
    attention, 4,989-token KV, 20-22 tokens/s per user) against the disclosed 14.8k — from the model's step
    time, not from the disclosure. Returns rows user_tokens_per_s, batch, limited_by, node_tokens_per_s,
    gpu_j_per_token, ratio (model / disclosed)."""
    import pandas as pd

    from tokenecon.model import energy as en
    from tokenecon.model.efficiency import calibrated
    from tokenecon.data.lookup import hardware_name

    hw = hardware_name(hardware)
    shape, hwe = en.model_shape(_model_key(model)), en.hardware_energy(hw)
    rows = []
    for u in DEEPSEEK_USER_TOKENS_PER_S:
        op = _as_value_error(en.latency_operating_point, shape, hwe, user_tokens_per_s=u, context=DEEPSEEK_KV_LENGTH,
                             n_gpus=DEEPSEEK_DECODE_GPUS, efficiency=calibrated(hw), data_parallel=DEEPSEEK_DECODE_GPUS,
                             mtp_acceptance=mtp_acceptance)
        node = 8 * float(op.result.tokens_per_s_per_gpu)
        rows.append({"user_tokens_per_s": u, "batch": op.batch, "limited_by": op.limited_by, "node_tokens_per_s": node,
                     "gpu_j_per_token": float(op.result.j_per_token), "ratio": node / deepseek_node_output_tokens_per_s()})
    return pd.DataFrame(rows)


def deepseek_node_output_tokens_per_s() -> float:
    """DeepSeek's disclosed average decode throughput per 8-GPU node (``cost_anchors``: 14.8k output tokens/s)."""
    from tokenecon.model.cost import deepseek_anchor

    return deepseek_anchor("deepseek_decode_node_tput")


def __getattr__(name):
    # ``serving.DEEPSEEK_NODE_OUTPUT_TOKENS_PER_S`` reads the table on first use (no I/O at import)
    if name == "DEEPSEEK_NODE_OUTPUT_TOKENS_PER_S":
        return deepseek_node_output_tokens_per_s()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
