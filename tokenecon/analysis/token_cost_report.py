"""The token-cost report's computations: its setting, the cheaper-power effect, the verdict rule, the region,
chip-ban and mixture-of-experts sweeps, the tornado, the cost stack with its implied gross margin, and the tables
that check the energy model. Figures shown on other pages come from :mod:`tokenecon.analysis.token_cost`'s findings.

Every function returns numbers (Estimates, DataFrames, dicts); the charts are in
:mod:`tokenecon.report.charts.token_cost` and the prose in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from tokenecon import data
from tokenecon.analysis import electricity
from tokenecon.estimate import Estimate
from tokenecon.model import calibration, cost, efficiency, energy, pricing, serving
from tokenecon.model import montecarlo as uncertainty

#: The article's claimed Chinese electricity discount, applied to the US price draw by draw.
CHEAPER_POWER_CUT = 0.40
#: Verdict rule (a judgement, stated in the report): "No" when even the 95th percentile of electricity's share of
#: the cost is below a quarter, "Yes" when its median is above half, "Partly" in between.
NOT_A_DERIVATIVE_BELOW = 0.25
IS_A_DERIVATIVE_ABOVE = 0.50
#: Regions of the region sweep (electricity_prices codes).
REGIONS = ("US", "CN", "CN-WEST-HUB", "KZ", "SG", "DE", "JP", "IN")
#: The chip-ban comparison: accelerator and electricity region.
CHIPS = (("H100", "CN"), ("H20", "CN"), ("Ascend 910B", "CN"), ("Ascend 910C", "CN"),
         ("Ascend 910B", "CN-WEST-HUB"), ("Ascend 910C", "CN-WEST-HUB"))
#: Mixture-of-experts against dense of similar quality (DeepSeek's V3 report benchmarks V3 at or above 405B).
MOE, DENSE = "deepseek-v3", "llama-3.1-405b"
#: The calibration targets: median absolute error on the probe; median ratio error per GPU type, in sample and
#: leaving each model out; and the median ratio error of every batch decile (the residuals against batch).
PROBE_TARGET_PCT = 25.0
SERVING_TARGET_RATIO_IN_SAMPLE = 1.3
SERVING_TARGET_RATIO = 1.5
#: The relative error beyond which the serving fit's robust loss stops counting an error as its square (its
#: scale, in log units, as a ratio: exp(0.2) − 1 ≈ 22%).
ROBUST_ERROR_SCALE = float(np.expm1(calibration.ROBUST_SCALE))
#: Bars the tornado shows at least (more when the electricity price ranks lower, so the takeaway names a bar shown).
TORNADO_BARS = 10
_OVERRIDES = ("utilisation", "pue", "electricity_usd_per_kwh", "gpu_price_usd", "life_years", "user_tokens_per_s")
#: The notebook parameters a :class:`Setup` is built from.
PARAMETERS = ("model", "hardware", "country", "context", "draws", "seed", "batch") + _OVERRIDES


@dataclass
class Setup:
    """The report's parameters, with every "not set" value (None, or the CLI's -1) turned into None."""

    model: str
    hardware: str
    country: str
    context: int
    draws: int
    seed: int
    batch: int | None = None
    overrides: dict = field(default_factory=dict)

    @classmethod
    def from_parameters(cls, *, model, hardware, country, context, draws, seed, batch=None, **over) -> "Setup":
        unknown = sorted(set(over) - set(_OVERRIDES))
        if unknown:
            raise ValueError(f"token cost setting: unknown parameter(s) {unknown}; known: {list(_OVERRIDES)}")
        return cls(model, hardware, country, int(context), int(draws), int(seed), None if batch is None else int(batch),
                   {k: serving.optional_override(k, v) for k, v in over.items()})

    def case(self, phase: str = "output", *, hardware: str | None = None, country: str | None = None, **kw):
        args = {**self.overrides, "batch": self.batch, **kw}
        if phase != "output":  # a per-user speed sets the decode batch only
            args.pop("user_tokens_per_s", None)
        return serving.build_case(self.model, phase=phase, country=country or self.country,
                                  hardware=hardware or self.hardware, context=self.context, **args)

    def speed_words(self) -> str:
        """How the decode batch is set, in words: the per-user speed (and whether it is drawn) or a fixed batch."""
        c = self.output
        if not c.user_tokens_per_s:
            return "the batch is fixed"
        lo, _, hi = serving.USER_TOKENS_PER_S
        drawn = "" if self.overrides.get("user_tokens_per_s") else f", drawn between {lo:g} and {hi:g} in the Monte Carlo"
        return f"each user sees {c.user_tokens_per_s:g} output tokens/s{drawn}"

    def simulate(self, case):
        return serving.simulate(case, draws=self.draws, seed=self.seed)

    @cached_property
    def output(self):
        return self.case("output")

    @cached_property
    def output_result(self):
        return self.simulate(self.output)

    @cached_property
    def input(self):
        return self.case("input")

    @cached_property
    def input_result(self):
        return self.simulate(self.input)


# --------------------------------------------------------------------------- the answer

def cheaper_power_effect(s: Setup, cut: float = CHEAPER_POWER_CUT) -> Estimate:
    """Change in the cost of an output token when electricity is ``cut`` cheaper than the US price (or the given
    price), priced draw by draw on the US case: the same seed, so the same draws of every other input."""
    if not 0 < cut < 1:
        raise ValueError(f"cut: expected a fraction in (0, 1), got {cut!r}")
    p0 = s.overrides.get("electricity_usd_per_kwh")
    p0 = serving.electricity_price("US") if p0 is None else p0
    base = s.simulate(s.case("output", country="US", electricity_usd_per_kwh=p0))
    cheap = s.simulate(s.case("output", country="US", electricity_usd_per_kwh=(1 - cut) * p0))
    return Estimate.from_samples(cheap.samples["total_usd_per_mtok"] / base.samples["total_usd_per_mtok"] - 1)


def cost_shares(res) -> dict[str, Estimate]:
    """Electricity's and the hardware's share of the cost, and electricity's share once the GPUs are sunk (capex
    paid: electricity over electricity + other opex), draw by draw."""
    x = res.samples
    return {"electricity": res.estimate("electricity_share"),
            "capex": Estimate.from_samples(x["capex_usd_per_mtok"] / x["total_usd_per_mtok"]),
            "sunk": Estimate.from_samples(x["electricity_usd_per_mtok"]
                                          / (x["electricity_usd_per_mtok"] + x["other_usd_per_mtok"]))}


def verdict(share: Estimate) -> str:
    """Is a token an electricity derivative? "No" when the share's 95th percentile is below
    :data:`NOT_A_DERIVATIVE_BELOW`, "Yes" when its median is above :data:`IS_A_DERIVATIVE_ABOVE`, else "Partly"."""
    if share.high < NOT_A_DERIVATIVE_BELOW:
        return "No"
    return "Yes" if share.central > IS_A_DERIVATIVE_ABOVE else "Partly"


def average_it_kw(case, res) -> Estimate:
    """The model's average IT power per GPU (GPU and host, busy and idle hours), kW: electricity USD per GPU-hour
    over PUE × price."""
    x = res.samples
    return Estimate.from_samples(x["electricity_share"] * x["usd_per_gpu_hour"]
                                 / (res.inputs["pue"] * case.electricity_usd_per_kwh
                                    * res.inputs["electricity_price_factor"]))


def worked_example() -> dict:
    """The research anchors' worked example (research/energy.md §3, US case) through the package's cost function."""
    wx = cost.usd_per_gpu_hour(**cost.WORKED_EXAMPLE_US)
    return {"inputs": cost.WORKED_EXAMPLE_US, "share": wx.electricity_share,
            "cheaper_power": cost.electricity_price_sensitivity(wx.electricity_share, -CHEAPER_POWER_CUT)}


# --------------------------------------------------------------------------- energy against batch

def batch_curves(case, contexts=(512, 2048, 8192), points: int = 40) -> pd.DataFrame:
    """GPU joules per output token against batch for the case's model and instance, per context, with the largest
    batch whose KV cache fits in memory at that context (``feasible`` False beyond it)."""
    shape = energy.model_shape(case.model, case.precision)
    hw = energy.hardware_energy(case.hardware)
    batches = np.unique(np.round(np.geomspace(1, 512 * case.n_gpus, points)))
    rows = []
    for ctx in contexts:
        limit = energy.max_feasible_batch(shape, hw, n_gpus=case.n_gpus, context=ctx, data_parallel=case.data_parallel)
        j = energy.joules_per_token(case.model, case.hardware, batch=batches, context=ctx, phase="decode",
                                    n_gpus=case.n_gpus, precision=case.precision)
        rows.append(pd.DataFrame({"context_tokens": ctx, "batch": batches, "gpu_j_per_token": j,
                                  "max_feasible_batch": limit, "feasible": batches <= limit}))
    return pd.concat(rows, ignore_index=True)


def batch_fall(case, context: int = 2048) -> float:
    """How many times energy per token falls from one sequence per GPU to the case's batch."""
    j = [float(energy.joules_per_token(case.model, case.hardware, batch=b, context=context, n_gpus=case.n_gpus,
                                       precision=case.precision)) for b in (case.n_gpus, case.batch)]
    return j[0] / j[1]


def measurements_of(model: str, hardware: str) -> tuple[pd.DataFrame, list[str]]:
    """The energy measurements of a model on a chip, and the chips it was measured on otherwise."""
    meas = data.load("energy_measurements")
    mine = meas[(meas.model == model) & (meas.hardware == hardware)]
    return mine, sorted(meas[meas.model == model].hardware.unique())


def probe_curves(points: int = 60) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The H200 probe: (model curves per context over the whole measured batch range, flagged beyond each
    context's largest measured batch; the measurements; the falls and errors the takeaway states)."""
    meas = data.load("energy_measurements")
    probe = meas[meas.dataset == "h200_probe"]
    eff = efficiency.calibrated("H200", regime="probe")
    b = np.geomspace(probe.batch.min(), probe.batch.max(), points)
    curves = pd.concat([pd.DataFrame({"context_tokens": int(ctx), "batch": b, "beyond_measured": b > g.batch.max(),
                                      "gpu_j_per_token": energy.joules_per_token("llama-3-8b-proxy", "H200", batch=b,
                                                                                 context=ctx, n_gpus=1, efficiency=eff)})
                        for ctx, g in probe.groupby("context_tokens")], ignore_index=True)
    pe = efficiency.errors_table().set_index("regime").loc["probe"]
    ctx_hi, ctx_lo = int(probe.context_tokens.max()), int(probe.context_tokens.min())
    n_ctx = probe.groupby("batch").context_tokens.nunique()
    b_common = int(n_ctx[n_ctx > 1].index.max())
    b_min, b_max = int(probe.batch.min()), int(probe.batch.max())
    at = probe.set_index(["context_tokens", "batch"]).j_per_token
    stats = {"b_min": b_min, "b_max": b_max, "ctx_lo": ctx_lo, "ctx_hi": ctx_hi, "b_common": b_common,
             "batch_fall": at[ctx_lo].loc[b_min] / at[ctx_lo].loc[b_max],
             "ctx_rise": at[ctx_hi].loc[b_common] / at[ctx_lo].loc[b_common],
             "error_pct": pe.median_abs_error_pct, "error_pct_out": pe.median_abs_error_pct_out_of_sample,
             "ctx_hi_max_batch": int(probe[probe.context_tokens == ctx_hi].batch.max())}
    return curves, probe, stats


def frontiers(model: str, chips, context: int, speeds=None) -> dict[str, pd.DataFrame]:
    """:func:`tokenecon.model.serving.interactivity_frontier` for each chip (default 5 to 100 tokens/s per user)."""
    speeds = np.geomspace(5, 100, 25) if speeds is None else speeds
    return {chip: serving.interactivity_frontier(model, chip, user_tokens_per_s=speeds, context=context)
            for chip in dict.fromkeys(chips)}


def energy_at_speed(front: pd.DataFrame, speed: float) -> float:
    """GPU J per output token at a per-user speed, log-log interpolated on a frontier."""
    return float(np.exp(np.interp(np.log(speed), np.log(front.user_tokens_per_s), np.log(front.gpu_j_per_token))))


# --------------------------------------------------------------------------- the cost stack

def served_model(model: str, week: str = electricity.ARTICLE_WEEK) -> str | None:
    """The model actually served in ``week``: ``model`` itself if it is among the week's Chinese top-ten models,
    else that week's most-used model from the same developer; None when the developer had none."""
    _, mix = electricity.token_revenue(week)
    mix = mix.dropna(subset=["model"])
    if model in set(mix.model):
        return model
    models = data.load("models").set_index("model")
    dev = models.loc[model, "developer"]
    same = mix[mix.model.map(lambda m: models.loc[m, "developer"] if m in models.index else None) == dev]
    return None if same.empty else str(same.sort_values("tokens", ascending=False).model.iloc[0])


def cost_stack(s: Setup, week: str = electricity.ARTICLE_WEEK) -> pd.DataFrame:
    """Cost per million input and output tokens (component medians; total and electricity share with 90% interval),
    against the list price of the model served in ``week`` at that week's price, with the implied gross margin at
    the median cost (1 − cost / price)."""
    priced = served_model(s.model, week)
    rows = []
    for phase, res in (("input", s.input_result), ("output", s.output_result)):
        t, sh = res.estimate("total_usd_per_mtok"), res.estimate("electricity_share")
        p = pricing.list_price(priced, phase, on=week) if priced else None
        rows.append({"tokens": phase, "capex": res.estimate("capex_usd_per_mtok").central,
                     "electricity": res.estimate("electricity_usd_per_mtok").central,
                     "other": res.estimate("other_usd_per_mtok").central, "total": t.central, "total_low": t.low,
                     "total_high": t.high, "share": sh.central, "share_low": sh.low, "share_high": sh.high,
                     "priced_as": priced, "price_date": p.date if p else None,
                     "list_price": p.usd_per_mtok if p else np.nan})
    out = pd.DataFrame(rows)
    out["gross_margin"] = 1 - out.total / out.list_price
    return out


def tco_anchor(hardware: str) -> float | None:
    """SemiAnalysis's hyperscaler total cost of ownership per GPU-hour for the chip (cost_anchors), if listed."""
    a = data.load("cost_anchors").set_index("anchor")
    key = f"semianalysis_{hardware.lower()}_tco"
    return float(a.loc[key, "value"]) if key in a.index else None


# --------------------------------------------------------------------------- sweeps

def region_sweep(s: Setup, regions=REGIONS) -> pd.DataFrame:
    """Cost per million output tokens by electricity region (medians, 90% interval of the total)."""
    rows = []
    for rg in regions:
        c = s.case("output", country=rg)
        r = s.simulate(c)
        t, e = r.estimate("total_usd_per_mtok"), r.estimate("electricity_usd_per_mtok")
        rows.append({"region": rg, "price (USD/kWh)": c.electricity_usd_per_kwh, "total (USD/M)": t.central,
                     "total p05": t.low, "total p95": t.high, "electricity (USD/M)": e.central,
                     "electricity share": r.estimate("electricity_share").central})
    return pd.DataFrame(rows)


def china_us_gaps(reg: pd.DataFrame) -> dict[str, float]:
    """China against the US in the region sweep: price gap, cost gap, and the part of the cost gap that is
    electricity (the electricity difference over the US total, medians)."""
    r = reg.set_index("region")
    us = r.loc["US"]
    return {"price_gap": r.loc["CN", "price (USD/kWh)"] / us["price (USD/kWh)"] - 1,
            "cost_gap": r.loc["CN", "total (USD/M)"] / us["total (USD/M)"] - 1,
            "electricity_part": (r.loc["CN", "electricity (USD/M)"] - us["electricity (USD/M)"]) / us["total (USD/M)"]}


@dataclass
class ChipBan:
    table: pd.DataFrame
    ratio_measured: Estimate  # H20 / H100 cost per output token on measured throughputs
    ratio_model: float  # the same on the energy model (medians)
    tokens_per_s: dict  # measured output tokens/s per GPU
    gap_model: float  # H100 / H20 tokens per GPU on the model
    gap_measured: float
    flops_ratio: float  # H20 / H100 dense bf16 FLOP/s
    bandwidth_ratio: float

    @property
    def h20_bound(self) -> str:
        """What limits the H20's decode step on the model (China's price row)."""
        t = self.table
        return str(t[(t.hardware == "H20") & (t.region == "CN")]["bound"].iloc[0])

    @property
    def ascend_vs_h100(self) -> pd.DataFrame:
        """Each Ascend chip's cost per output token over the H100's (China's price), one column per region."""
        t = self.table
        h100 = t[(t.hardware == "H100") & (t.region == "CN")]["total (USD/M)"].iloc[0]
        asc = t[t.hardware.str.startswith("Ascend")]
        return asc.pivot(index="hardware", columns="region", values="total (USD/M)") / h100


def chip_ban(s: Setup, chips=CHIPS) -> ChipBan:
    """Cost per output token on each chip at the reference serving point with its own price range, and the H20
    against the H100 on published DeepSeek throughputs (LMSYS, cost_anchors; 8 GPUs per node) with the same
    cost-per-GPU-hour draws."""
    rows, gph = [], {}
    for hw, rg in chips:
        c = s.case("output", hardware=hw, country=rg, gpu_price_usd=None)
        r = s.simulate(c)
        if rg == "CN":
            gph.setdefault(hw, r.samples["usd_per_gpu_hour"])
        t = r.estimate("total_usd_per_mtok")
        rows.append({"hardware": hw, "region": rg, "GPUs": c.n_gpus, "bound": c.bound,
                     "tok/s per GPU": c.point.tokens_per_second_per_gpu,
                     "GPU J/token": r.estimate("gpu_j_per_token").central, "total (USD/M)": t.central,
                     "total p05": t.low, "total p95": t.high,
                     "electricity share": r.estimate("electricity_share").central,
                     "energy basis": energy.hardware_energy(hw).basis})
    tab = pd.DataFrame(rows)
    anc = data.load("cost_anchors").set_index("anchor").value
    tput = {"H100": anc["lmsys_96xh100_output_tput"] / 8, "H20": anc["lmsys_h20_output_tput"] / 8}
    for hw in tput:
        if hw not in gph:
            gph[hw] = s.simulate(s.case("output", hardware=hw, country="CN", gpu_price_usd=None)).samples["usd_per_gpu_hour"]
    ratio = Estimate.from_samples((gph["H20"] / tput["H20"]) / (gph["H100"] / tput["H100"]))
    cn = tab[tab.region == "CN"].set_index("hardware")
    h20, h100 = energy.hardware_energy("H20"), energy.hardware_energy("H100")
    return ChipBan(tab, ratio, float(cn.loc["H20", "total (USD/M)"] / cn.loc["H100", "total (USD/M)"]), tput,
                   float(cn.loc["H100", "tok/s per GPU"] / cn.loc["H20", "tok/s per GPU"]),
                   tput["H100"] / tput["H20"], h20.peak_flops_bf16 / h100.peak_flops_bf16, h20.bandwidth / h100.bandwidth)


def moe_sweep(s: Setup, models=(MOE, DENSE), scenarios=("reference", "small-batch")) -> pd.DataFrame:
    """Cost per output token of the MoE and the dense model under each serving scenario (batch from the scenario)."""
    rows = []
    for mdl in models:
        for scen in scenarios:
            c = serving.build_case(mdl, phase="output", scenario=scen, country=s.country, hardware=s.hardware,
                                   context=s.context, **s.overrides)
            r = s.simulate(c)
            t = r.estimate("total_usd_per_mtok")
            rows.append({"model": mdl, "scenario": scen, "batch": c.batch, "GPUs": c.n_gpus,
                         "GPU J/token": r.estimate("gpu_j_per_token").central, "total (USD/M)": t.central,
                         "total p05": t.low, "total p95": t.high})
    return pd.DataFrame(rows)


def moe_advantage(moe: pd.DataFrame) -> dict[str, float]:
    """Dense over MoE cost per output token (medians), per scenario."""
    piv = moe.pivot(index="scenario", columns="model", values="total (USD/M)")
    return {sc: float(piv.loc[sc, DENSE] / piv.loc[sc, MOE]) for sc in piv.index}


def moe_params() -> dict[str, float]:
    """Total and active parameters (billions) of the pair, and the dense/MoE ratio of active parameters."""
    m = data.load("models").set_index("model")
    return {"moe_total": m.loc[MOE, "total_params_b"], "moe_active": m.loc[MOE, "active_params_b"],
            "dense_total": m.loc[DENSE, "total_params_b"],
            "active_ratio": m.loc[DENSE, "active_params_b"] / m.loc[MOE, "active_params_b"]}


def moe_measured_contrast() -> dict[str, float]:
    """Best measured J/token on H100 of Qwen3-235B-A22B (MoE) and Llama-3.1-70B (dense), ML.ENERGY, and the most
    GPUs any ML.ENERGY run used."""
    meas = data.load("energy_measurements")
    mm = meas[(meas.hardware == "H100") & meas.model.isin(["qwen3-235b-a22b", "llama-3.1-70b"])]
    best = mm.groupby("model").j_per_token.min()
    return {"moe": float(best.get("qwen3-235b-a22b", np.nan)), "dense": float(best.get("llama-3.1-70b", np.nan)),
            "max_gpus": int(meas[meas.dataset == "mlenergy_v3"].num_gpus.max())}


# --------------------------------------------------------------------------- carbon

def carbon(res, seed: int, regions=("CN", "US")) -> dict:
    """CO2 per million output tokens on each grid (the case's facility energy draws times the grid intensity),
    the intensities, and China over US at equal energy per grid dataset (its latest year)."""
    ci = {rg: serving.grid_carbon_intensity(rg) for rg in regions}
    g = {rg: Estimate.from_samples(serving.carbon_samples(res.samples["facility_kwh_per_mtok"], ci[rg], seed=seed),
                                   unit=serving.CARBON_UNIT) for rg in regions}
    grid = data.load("grid_carbon")
    latest = grid.sort_values("year").groupby(["country", "dataset"]).tail(1).set_index(["dataset", "country"])
    ratio = {f"{ds} {int(latest.loc[(ds, 'CN'), 'year'])}":
             float(latest.loc[(ds, "CN"), "carbon_intensity_g_per_kwh"] / latest.loc[(ds, "US"), "carbon_intensity_g_per_kwh"])
             for ds in sorted(set(latest.index.get_level_values(0)))}
    return {"g": g, "intensity": ci, "ratio": ratio, "ratio_low": min(ratio.values()), "ratio_high": max(ratio.values()),
            "ratio_words": " and ".join(f"{v:.2f}x on {k}" for k, v in ratio.items())}


def deepseek_rows(ds: pd.DataFrame) -> dict[str, pd.Series]:
    """The rows of :func:`tokenecon.model.serving.deepseek_cross_check` the report states: GPU-hours, rental cost,
    facility energy and electricity share."""
    q = ds.set_index("quantity")
    return {"gpu_hours": q.loc["GPU-hours for the day's tokens at the drawn utilisation"],
            "rental": q.loc["Cost per M output tokens, all cost on output, $2/GPU-hour rental"],
            "energy": q.loc["Facility energy per M output tokens, all energy on output"],
            "share": q.loc["Electricity share of the day's cost"]}


# --------------------------------------------------------------------------- tornado

def tornado(case, bars: int = TORNADO_BARS) -> tuple[pd.DataFrame, int | None]:
    """The inputs that move the cost of a million output tokens, largest swing first: at least ``bars`` rows, and
    down to the electricity price's row so a takeaway naming it names a bar shown; and the electricity price's
    rank among all inputs (None when the price is fixed, so it does not vary)."""
    t = uncertainty.tornado(case.dists, case.point, case.electricity_usd_per_kwh, "total_usd_per_mtok")
    at = np.flatnonzero(t.input == "electricity_price_factor")
    rank = int(at[0]) + 1 if len(at) else None
    return t[t.swing > 0].head(max(bars, rank or 0)).reset_index(drop=True), rank


# --------------------------------------------------------------------------- the energy model's checks

#: The energy model's efficiency factors in words (energy_calibration's parameter names).
FACTOR_WORDS = {"flop_util": "compute utilisation", "bw_util": "memory-bandwidth utilisation",
                "step_overhead_s": "fixed time per step", "flop_energy_factor": "energy per FLOP",
                "byte_energy_factor": "energy per byte", "busy_power_w": "busy power",
                "moe_layer_overhead_s": "time per mixture-of-experts layer", "seq_overhead_s": "time per sequence"}


def serving_factors() -> dict[str, list[str]]:
    """Which serving-regime factors are fitted and which are tied (energy_calibration's columns, per chip)."""
    t = data.load("energy_calibration")
    t = t[t.regime == "serving"]
    def words(col):
        names = sorted({w for v in t[col].dropna() for w in str(v).split(" ") if w and not w.startswith("(")})
        return [FACTOR_WORDS.get(n, n.replace("_", " ")) for n in names]
    return {"fitted": words("fitted_parameters"), "tied": words("tied_parameters"), "hardware": sorted(t.hardware)}


def calibration_targets() -> pd.DataFrame:
    """The calibration errors per regime and chip, and whether each meets its target in and out of sample."""
    cols = ["regime", "hardware", "n_measurements", "n_models", "median_abs_error_pct",
            "median_abs_error_pct_out_of_sample", "median_ratio_error", "median_ratio_error_out_of_sample",
            "throughput_median_ratio_error_out_of_sample", "out_of_sample_method"]
    et = efficiency.errors_table()[cols].copy()
    probe = et.regime == "probe"
    et["meets target in sample"] = np.where(probe, et.median_abs_error_pct <= PROBE_TARGET_PCT,
                                            et.median_ratio_error <= SERVING_TARGET_RATIO_IN_SAMPLE)
    et["meets target out of sample"] = np.where(probe, et.median_abs_error_pct_out_of_sample <= PROBE_TARGET_PCT,
                                                et.median_ratio_error_out_of_sample <= SERVING_TARGET_RATIO)
    return et


#: Column headings in words for the calibration table.
CALIBRATION_WORDS = {
    "regime": "regime", "hardware": "GPU", "n_measurements": "measurements", "n_models": "models",
    "median_abs_error_pct": "median error (%)", "median_abs_error_pct_out_of_sample": "median error out of sample (%)",
    "median_ratio_error": "median ratio error", "median_ratio_error_out_of_sample": "median ratio error out of sample",
    "throughput_median_ratio_error_out_of_sample": "tokens/s ratio error out of sample",
    "out_of_sample_method": "out of sample by",
}


def calibration_display(errs: pd.DataFrame) -> pd.DataFrame:
    """:func:`calibration_targets` with its columns and method names in words, for the report's table."""
    out = errs.rename(columns=CALIBRATION_WORDS)
    out["out of sample by"] = out["out of sample by"].str.replace("-", " ")
    return out


def out_of_sample_predictions() -> pd.DataFrame:
    """Every calibration measurement with its prediction in sample and refitted without it (probe: the point;
    serving: the model)."""
    return calibration.predicted_vs_measured(out_of_sample=True)


def serving_ratios() -> pd.DataFrame:
    """Predicted over measured J/token of each ML.ENERGY run, in sample (``ratio``) and leaving its model out."""
    pvm = calibration.predicted_vs_measured(out_of_sample=True)
    pvm = pvm[pvm.dataset == "mlenergy_v3"].copy()
    pvm["ratio"] = pvm.predicted_j_per_token / pvm.measured_j_per_token
    pvm["ratio_out"] = pvm.predicted_j_per_token_out_of_sample / pvm.measured_j_per_token
    return pvm


def serving_residuals() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`serving_ratios`, :func:`ratio_error_by_batch_decile` of them)."""
    pvm = serving_ratios()
    return pvm, ratio_error_by_batch_decile(pvm)


def errors_at_speed(pvm: pd.DataFrame, speeds=(serving.USER_TOKENS_PER_S[0], serving.USER_TOKENS_PER_S[2])) -> pd.DataFrame:
    """Per GPU type, the ML.ENERGY runs whose per-user speed (output tokens/s over concurrent sequences) lies in
    ``speeds`` (default: the reference band drawn in the Monte Carlo), their median ratio error in sample and
    leaving the model out, and their median predicted over measured J/token: how good the model is where the
    reports price tokens, rather than over every batch ML.ENERGY ran."""
    lo, hi = speeds
    per_user = pvm.measured_tokens_per_s / pvm.batch.clip(lower=1)
    rows = []
    for gpu, g in pvm[(per_user >= lo) & (per_user <= hi)].groupby("hardware"):
        rows.append({"GPU": gpu, "runs": len(g), "models": g.model.nunique(),
                     "batches": f"{g.batch.min():,.0f}-{g.batch.max():,.0f}",
                     "median ratio error": float(np.median(calibration.ratio_error(g.predicted_j_per_token,
                                                                                   g.measured_j_per_token))),
                     "leaving the model out": float(np.median(calibration.ratio_error(
                         g.predicted_j_per_token_out_of_sample, g.measured_j_per_token))),
                     "median pred/meas": float(np.median(g.ratio))})
    return pd.DataFrame(rows, columns=["GPU", "runs", "models", "batches", "median ratio error",
                                       "leaving the model out", "median pred/meas"])


def memory_against_runs() -> pd.DataFrame:
    """Every ML.ENERGY run beside the memory model: the largest batch that fits at the run's assumed mean context
    (task input length + half the output, as the calibration assumes) on its GPUs, and the ratio of the batch the
    engine actually held to it (above 1: the engine held more than the model allows, so the model's memory limit
    is conservative there - an 8-bit KV cache or shorter prompts than assumed would explain it)."""
    m = data.load("energy_measurements")
    m = m[m.dataset == "mlenergy_v3"]
    rows = []
    for _, r in m.iterrows():
        shape, hw = energy.model_shape(r.model, r.precision), energy.hardware_energy(r.hardware)
        ctx = calibration.TASK_INPUT_TOKENS[r.task] + r.avg_output_tokens / 2
        cap = energy.max_feasible_batch(shape, hw, n_gpus=int(r.num_gpus), context=ctx,
                                        data_parallel=int(r.data_parallel))
        rows.append({"measurement_id": r.measurement_id, "model": r.model, "hardware": r.hardware,
                     "batch": r.batch, "assumed context": ctx, "largest batch that fits": cap,
                     "held over fits": r.batch / cap if cap else np.inf})
    return pd.DataFrame(rows)


def step_against_latency(pvm: pd.DataFrame) -> pd.DataFrame:
    """Per GPU type, the model's decode step time against ML.ENERGY's median inter-token latency (a check on time
    alone: nothing is fitted to the latency): runs, median ratio error, median predicted over measured, and the
    median share of each sequence's time per token spent outside a typical decode step."""
    rows = []
    for gpu, g in pvm.dropna(subset=["measured_median_itl_s", "predicted_decode_step_s"]).groupby("hardware"):
        r = g.predicted_decode_step_s / g.measured_median_itl_s
        rows.append({"GPU": gpu, "runs": len(g),
                     "median ratio error": float(np.median(calibration.ratio_error(g.predicted_decode_step_s,
                                                                                   g.measured_median_itl_s))),
                     "median pred/meas": float(np.median(r)),
                     "time outside decode steps (median)": float(np.median(g.outside_decode_share))})
    return pd.DataFrame(rows, columns=["GPU", "runs", "median ratio error", "median pred/meas",
                                       "time outside decode steps (median)"])


#: The runs the saturation table shows: DeepSeek-V3.1 on 8 B200 (ML.ENERGY's largest MoE, batch 8 to ~3,000).
SATURATION_MODEL, SATURATION_HARDWARE, SATURATION_TASK = "deepseek-v3.1", "B200", "lm-arena-chat"


def saturation_runs(pvm: pd.DataFrame, model: str = SATURATION_MODEL, hardware: str = SATURATION_HARDWARE,
                    task: str = SATURATION_TASK) -> pd.DataFrame:
    """One model's runs across batch: measured and predicted J/token and decode step, the measured time per token
    of a sequence (batch over tokens/s) and the share of it outside a typical decode step - what separates a
    step model that is right about the step from a J/token that is not."""
    g = pvm[(pvm.model == model) & (pvm.hardware == hardware) & (pvm.task == task)].sort_values("batch")
    return pd.DataFrame({
        "batch": g.batch.to_numpy(),
        "measured J/token": g.measured_j_per_token.to_numpy(), "model J/token": g.predicted_j_per_token.to_numpy(),
        "measured median step (ms)": 1e3 * g.measured_median_itl_s.to_numpy(),
        "model decode step (ms)": 1e3 * g.predicted_decode_step_s.to_numpy(),
        "measured time per token (ms)": 1e3 * (g.batch / g.measured_tokens_per_s).to_numpy(),
        "time outside decode steps": g.outside_decode_share.to_numpy()})


def saturation_summary(sat: pd.DataFrame) -> dict:
    """What the report says of :func:`saturation_runs`: at the largest batch, the J/token measured and modelled,
    the gap between the model's decode step and the measured one, and the share of time outside decode steps;
    between batch 500 and the largest, the range of model step over measured step."""
    last = sat.iloc[-1]
    ratio = sat["model decode step (ms)"] / sat["measured median step (ms)"]
    mid = (sat.batch > 500) & (sat.batch < sat.batch.max())
    return {"batch": float(last.batch), "model_j": float(last["model J/token"]),
            "measured_j": float(last["measured J/token"]), "step_gap": float(abs(ratio.iloc[-1] - 1)),
            "outside": float(last["time outside decode steps"]),
            "mid_batches": (float(sat.batch[mid].min()), float(sat.batch[mid].max())),
            "mid_step_ratio": (float(ratio[mid].min()), float(ratio[mid].max()))}


def deployment_comparison(s: Setup, model: str = MOE, hardware: str = "H800",
                          scenarios=("reference", "deepseek-deployment")) -> pd.DataFrame:
    """A mixture-of-experts model on ``hardware`` served on the fewest GPUs that hold it ("reference") and as
    DeepSeek deploys it (prefill and decode on separate instances of 32 and 144 GPUs): per scenario and phase,
    the instance, its operating point, GPU J per token and the cost per million tokens (median, 90% interval)."""
    rows = []
    for scen in scenarios:
        for phase in ("input", "output"):
            c = serving.build_case(model, phase=phase, scenario=scen, country=s.country, hardware=hardware)
            r = s.simulate(c)
            t = r.estimate("total_usd_per_mtok")
            rows.append({"deployment": serving.SCENARIO_NAMES.get(scen, scen), "tokens": phase.replace("_", " "),
                         "GPUs per instance": c.n_gpus,
                         "attention replicas": c.data_parallel if phase == "output" else 1,
                         "context": c.context, "batch": c.batch,
                         "tok/s per GPU": c.point.tokens_per_second_per_gpu, "bound": c.bound,
                         "GPU J/token": r.estimate("gpu_j_per_token").central, "total (USD/M)": t.central,
                         "total p05": t.low, "total p95": t.high})
    return pd.DataFrame(rows)


def deployment_contrast(dep: pd.DataFrame, scenarios=("reference", "deepseek-deployment")) -> dict:
    """The rows of :func:`deployment_comparison` the report compares: (scenario, phase) -> row, and the ratio of
    the decode KV lengths (the deployment's over the reference's)."""
    rows = {(scen, ph): dep[(dep.deployment == serving.SCENARIO_NAMES.get(scen, scen)) & (dep.tokens == ph)].iloc[0]
            for scen in scenarios for ph in ("input", "output")}
    ref, dsk = scenarios
    return {"rows": rows, "kv_ratio": float(rows[(dsk, "output")]["context"] / rows[(ref, "output")]["context"])}


def ratio_error_by_batch_decile(pvm: pd.DataFrame) -> pd.DataFrame:
    """Median ratio error (max(p/m, m/p)) per GPU and batch decile, in sample and leaving the model out."""
    rows = []
    for gpu, g in pvm.groupby("hardware"):
        g = g.assign(decile=pd.qcut(g.batch.rank(method="first"), 10, labels=False))
        for d, x in g.groupby("decile"):
            rows.append({"GPU": gpu, "batch decile": int(d) + 1,
                         "batches": f"{x.batch.min():,.0f}-{x.batch.max():,.0f}", "median batch": float(x.batch.median()),
                         "median ratio error": float(np.median(calibration.ratio_error(x.predicted_j_per_token,
                                                                                        x.measured_j_per_token))),
                         "leaving the model out": float(np.median(calibration.ratio_error(
                             x.predicted_j_per_token_out_of_sample, x.measured_j_per_token))),
                         "median pred/meas": float(np.median(x.ratio))})
    return pd.DataFrame(rows)
