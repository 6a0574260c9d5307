"""What a GPU-hour and a million tokens cost, split into capex, electricity and other.

The owner's cost of a GPU-hour (research/energy.md §2.6)::

    c_h = A(C_gpu · m_server, r, L) / 8760                      capex (GPU + server/network share)
        + A(κ · P_prov · PUE, r, L_fac) / 8760                  facility build, annuitised
        + opex                                                  other cash opex (staff, maintenance)
        + (u · P_busy + (1 − u) · P_idle) · PUE · p_e           electricity

with the annuity ``A(C, r, L) = C·r / (1 − (1+r)^−L)`` (``C/L`` when r = 0). A million tokens then
costs ``c_h / (u · tokens_per_second · 3600 / 1e6)``: the GPU is paid for every hour but serves
tokens only for the fraction ``u`` (utilisation) of them. Capex and facility are the "capital"
part; facility and opex are reported together as "other" beside "capex" and "electricity".

Every function is vectorised: pass numpy arrays (one value per Monte Carlo draw) or floats.
Nothing here reads a file; the inputs come from the tables (``tokenecon.data``) or the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tokenecon.units import HOURS_PER_YEAR, J_PER_KWH, SECONDS_PER_HOUR, check_number  # noqa: F401  (one value each, in units)

#: The worked example of research/energy.md §3 (US case): H100 at $30k, +40% server/network,
#: r = 10%, L = 5 years; facility $10.78/W (Turner & Townsend DCCI 2025 via Lokshin 2026) over
#: 15 years; 1.0 kW IT per GPU; PUE 1.3; $0.081/kWh (EIA 2024 US industrial, rounded).
WORKED_EXAMPLE_US = dict(
    gpu_price_usd=30_000.0,
    server_multiplier=1.4,
    cost_of_capital=0.10,
    life_years=5.0,
    facility_usd_per_w=10.78,
    facility_life_years=15.0,
    it_kw=1.0,
    pue=1.3,
    electricity_usd_per_kwh=0.081,
)


def _arr(x, name: str, *, lo: float | None = None, lo_open: bool = False, hi: float | None = None) -> np.ndarray:
    """Float array of ``x`` or a ValueError naming the parameter and the allowed range (units.check_number)."""
    a = check_number(name, x, lo=lo, lo_open=lo_open, hi=hi)
    return a


def annuity(capital, rate, years):
    """Level yearly payment that repays ``capital`` over ``years`` at interest ``rate`` (a fraction).

    ``A = C·r / (1 − (1+r)^−L)``; at ``rate == 0`` it is straight-line ``C / L``.
    Example: ``annuity(100, 0.10, 5)`` = 26.38.
    """
    c = _arr(capital, "capital", lo=0.0)
    r = _arr(rate, "rate", lo=0.0, hi=1.0)
    n = _arr(years, "years", lo=0.0, lo_open=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pay = np.where(r > 0, c * r / (1.0 - (1.0 + r) ** (-n)), c / n)
    return pay if pay.ndim else float(pay)


@dataclass(frozen=True)
class GpuHourCost:
    """USD per GPU-hour by component (floats or arrays of draws)."""

    capex: np.ndarray | float
    facility: np.ndarray | float
    opex: np.ndarray | float
    electricity: np.ndarray | float

    @property
    def other(self):
        """Facility build and other opex: everything that is neither the IT capex nor electricity."""
        return self.facility + self.opex

    @property
    def total(self):
        return self.capex + self.facility + self.opex + self.electricity

    @property
    def electricity_share(self):
        return self.electricity / self.total

    def as_dict(self) -> dict:
        return {
            "capex": self.capex,
            "facility": self.facility,
            "opex": self.opex,
            "electricity": self.electricity,
            "other": self.other,
            "total": self.total,
            "electricity_share": self.electricity_share,
        }


def usd_per_gpu_hour(
    *,
    gpu_price_usd,
    server_multiplier,
    life_years,
    cost_of_capital,
    pue,
    electricity_usd_per_kwh,
    facility_usd_per_w,
    facility_life_years,
    it_kw,
    provisioned_it_kw=None,
    other_opex_usd_per_gpu_hour=0.0,
) -> GpuHourCost:
    """Owner's cost of one GPU-hour (USD), by component.

    ``it_kw`` is the *average* IT power drawn per GPU (GPU + its share of the server), in kW;
    ``provisioned_it_kw`` the IT power the facility is built for (defaults to ``it_kw``). The
    facility is sized on provisioned IT kW × PUE and costs ``facility_usd_per_w`` per W of that,
    as in research/energy.md §2.6 (``A(κ·P_IT·PUE, r, L_fac)``).
    """
    price = _arr(gpu_price_usd, "gpu_price_usd", lo=0.0)
    mult = _arr(server_multiplier, "server_multiplier", lo=1.0)
    life = _arr(life_years, "life_years", lo=0.0, lo_open=True)
    r = _arr(cost_of_capital, "cost_of_capital", lo=0.0, hi=1.0)
    p = _arr(pue, "pue", lo=1.0)
    pe = _arr(electricity_usd_per_kwh, "electricity_usd_per_kwh", lo=0.0)
    kappa = _arr(facility_usd_per_w, "facility_usd_per_w", lo=0.0)
    flife = _arr(facility_life_years, "facility_life_years", lo=0.0, lo_open=True)
    kw = _arr(it_kw, "it_kw", lo=0.0)
    prov = kw if provisioned_it_kw is None else _arr(provisioned_it_kw, "provisioned_it_kw", lo=0.0)
    opex = _arr(other_opex_usd_per_gpu_hour, "other_opex_usd_per_gpu_hour", lo=0.0)

    capex = annuity(price * mult, r, life) / HOURS_PER_YEAR
    facility = annuity(kappa * 1000.0 * prov * p, r, flife) / HOURS_PER_YEAR
    electricity = kw * p * pe

    def out(a):
        a = np.asarray(a, dtype=float)
        return a if a.ndim else float(a)

    return GpuHourCost(out(capex), out(facility), out(opex + 0.0 * capex), out(electricity))


def average_it_kw(busy_it_kw, idle_it_kw, utilisation):
    """Average IT power per GPU (kW) when busy a fraction ``utilisation`` of the time, idle otherwise."""
    u = _arr(utilisation, "utilisation", lo=0.0, lo_open=True, hi=1.0)
    b = _arr(busy_it_kw, "busy_it_kw", lo=0.0)
    i = _arr(idle_it_kw, "idle_it_kw", lo=0.0)
    out = u * b + (1.0 - u) * i
    return out if out.ndim else float(out)


def tokens_per_gpu_hour(tokens_per_second_per_gpu, utilisation):
    """Tokens served per GPU-hour at a utilisation (fraction of hours the GPU is serving)."""
    t = _arr(tokens_per_second_per_gpu, "tokens_per_second_per_gpu", lo=0.0, lo_open=True)
    u = _arr(utilisation, "utilisation", lo=0.0, lo_open=True, hi=1.0)
    out = t * SECONDS_PER_HOUR * u
    return out if out.ndim else float(out)


def usd_per_mtok(gpu_hour: GpuHourCost, tokens_per_hour) -> dict:
    """USD per million tokens by component: capex, electricity, other (facility + opex), total, share.

    ``tokens_per_hour`` is what one GPU serves per hour (see :func:`tokens_per_gpu_hour`).
    """
    tph = _arr(tokens_per_hour, "tokens_per_hour", lo=0.0, lo_open=True)
    per = 1e6 / tph
    d = {
        "capex": gpu_hour.capex * per,
        "electricity": gpu_hour.electricity * per,
        "other": gpu_hour.other * per,
    }
    d["total"] = d["capex"] + d["electricity"] + d["other"]
    d["electricity_share"] = d["electricity"] / d["total"]
    for k, v in d.items():
        v = np.asarray(v, dtype=float)
        d[k] = v if v.ndim else float(v)
    return d


def facility_kwh_per_mtok_from_power(avg_it_kw, pue, tokens_per_hour):
    """Facility kWh per million tokens from average IT power per GPU and tokens per GPU-hour."""
    kw = _arr(avg_it_kw, "avg_it_kw", lo=0.0)
    p = _arr(pue, "pue", lo=1.0)
    tph = _arr(tokens_per_hour, "tokens_per_hour", lo=0.0, lo_open=True)
    out = kw * p * 1e6 / tph
    return out if out.ndim else float(out)


def electricity_price_sensitivity(electricity_share, price_change):
    """Relative change in cost per token when the electricity price changes by ``price_change``.

    ``Δc/c = s_e · Δp/p`` (research/energy.md §2.8): e.g. share 0.067 and −40% power → −2.7%.
    """
    s = _arr(electricity_share, "electricity_share", lo=0.0, hi=1.0)
    dp = _arr(price_change, "price_change", lo=-1.0)
    out = s * dp
    return out if out.ndim else float(out)


def gross_margin(list_price_usd_per_mtok, cost_usd_per_mtok):
    """Implied gross margin ``1 − cost / price`` (a fraction; negative when selling below cost)."""
    p = _arr(list_price_usd_per_mtok, "list_price_usd_per_mtok", lo=0.0, lo_open=True)
    c = _arr(cost_usd_per_mtok, "cost_usd_per_mtok", lo=0.0)
    out = 1.0 - c / p
    return out if out.ndim else float(out)


# --------------------------------------------------------------------------- DeepSeek disclosure

@dataclass(frozen=True)
class ServingDisclosure:
    """A provider's disclosed day of serving (deepseek-ai/open-infra-index, 202502OpenSourceWeek/day_6)."""

    gpus: float
    usd_per_gpu_hour: float
    input_tokens_per_day: float
    output_tokens_per_day: float
    cache_hit_share: float
    cost_usd_per_day: float

    @property
    def gpu_hours_per_day(self) -> float:
        return self.gpus * 24.0

    @property
    def output_tokens_per_second_per_gpu(self) -> float:
        return self.output_tokens_per_day / 86400.0 / self.gpus

    @property
    def input_tokens_per_second_per_gpu(self) -> float:
        return self.input_tokens_per_day / 86400.0 / self.gpus

    @property
    def usd_per_mtok_output_all_cost(self) -> float:
        """All the day's cost charged to output tokens (the disclosure's own basis)."""
        return self.cost_usd_per_day / (self.output_tokens_per_day / 1e6)

    def kwh_per_mtok_output(self, it_kw_per_gpu: float, pue: float) -> float:
        """Facility kWh per million output tokens for an assumed IT power per GPU (all energy on output)."""
        kwh = self.gpus * 24.0 * it_kw_per_gpu * pue
        return kwh / (self.output_tokens_per_day / 1e6)


def deepseek_anchor(anchor: str) -> float:
    """A figure of DeepSeek's disclosed day of serving from the ``cost_anchors`` table (its one definition)."""
    from tokenecon import data

    a = data.load("cost_anchors").set_index("anchor")
    if anchor not in a.index:
        raise ValueError(f"cost_anchors: no anchor {anchor!r}")
    return float(a.loc[anchor, "value"])


def deepseek_day6() -> ServingDisclosure:
    """DeepSeek's 24 h of V3/R1 serving, 2025-02-27/28, as the ``cost_anchors`` table records it (226.75 nodes × 8
    H800 on average, $2/GPU-hour rental basis, $87,072 a day; 608B input tokens, 56.3% KV-cache hits; 168B output)."""
    return ServingDisclosure(
        gpus=deepseek_anchor("deepseek_nodes") * 8,
        usd_per_gpu_hour=deepseek_anchor("deepseek_rental_rate"),
        input_tokens_per_day=deepseek_anchor("deepseek_input_tokens"),
        output_tokens_per_day=deepseek_anchor("deepseek_output_tokens"),
        cache_hit_share=deepseek_anchor("deepseek_cache_hit_share"),
        cost_usd_per_day=deepseek_anchor("deepseek_cost_per_day"),
    )


def __getattr__(name):
    # ``cost.DEEPSEEK_DAY6`` reads the table on first use (no I/O at import)
    if name == "DEEPSEEK_DAY6":
        return deepseek_day6()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
