"""``tokenecon cost``: the USD-per-million-token stack for a model, hardware and country.

Prints, for input and output tokens (or one ``--phase``), the median and 90% interval of the cost per
million tokens split into capex / electricity / other (facility build + other opex), the electricity
share, facility energy, and the implied gross margin against the model's list price. Inputs not fixed
on the command line are drawn from ``uncertain_inputs`` (seeded Monte Carlo).

Example::

    tokenecon cost --model deepseek-v3 --hardware h20 --country CN --format json
"""

from __future__ import annotations

import argparse
import json
import sys

from tokenecon.cli import options as cli_options
from tokenecon.model.montecarlo import MAX_DRAWS

#: Hardware lives the cost model accepts (years): shorter ones make the annuity explode, longer ones are not hardware.
MIN_LIFE_YEARS, MAX_LIFE_YEARS = 0.25, 50.0

PHASE_CHOICES = ("output", "input", "cached_input")


def _add_arguments(p: argparse.ArgumentParser) -> None:
    from tokenecon.model.serving import SCENARIOS

    p.add_argument("--model", required=True, help="model name from the models table (case-insensitive)")
    p.add_argument("--hardware", default=None, help="accelerator from the hardware table (case-insensitive; default: the scenario's)")
    p.add_argument("--country", default="CN", help="country or region code from electricity_prices (e.g. CN, US, CN-WEST-HUB)")
    p.add_argument("--scenario", default="reference", help=f"serving scenario: {', '.join(SCENARIOS)}")
    p.add_argument("--phase", default=None, help="output, input or cached_input (default: input and output)")
    p.add_argument("--batch", type=int, default=None,
                   help="concurrent sequences per model instance (>= 1; default: the largest feasible batch meeting "
                        "the scenario's per-user speed)")
    p.add_argument("--user-tokens-per-s", type=float, default=None,
                   help="per-user output speed, tokens/s per user (> 0); fixes the operating point (default: the "
                        "scenario's 21, drawn between 18 and 25)")
    p.add_argument("--data-parallel", type=int, default=None,
                   help="attention data-parallel replicas (1..n-gpus; default: the better of 1 and n-gpus for MoE)")
    p.add_argument("--mtp-acceptance", type=float, default=None,
                   help="multi-token prediction: acceptance of one draft token per step, in [0, 1] (default 0)")
    p.add_argument("--context", type=int, default=None, help="context length in tokens (>= 0; default 2048)")
    p.add_argument("--precision", default=None, help="weight precision (bf16, fp8, int4, mxfp4; default: the model's)")
    p.add_argument("--n-gpus", type=int, default=None, help="GPUs per model instance (default: fewest that hold the weights)")
    p.add_argument("--utilisation", type=float, default=None, help="fraction of hours serving, in (0, 1] (default: drawn, central 0.8)")
    p.add_argument("--pue", type=float, default=None, help="facility PUE, >= 1 (default: drawn, central 1.3)")
    p.add_argument("--electricity-usd-per-kwh", type=float, default=None,
                   help="electricity price, >= 0 (default: the country's industrial price, with its spread)")
    p.add_argument("--gpu-price-usd", type=float, default=None, help="GPU price in USD, >= 0 (default: drawn from the hardware table)")
    p.add_argument("--life-years", type=float, default=None, help="hardware life in years, > 0 (default: drawn, central 5)")
    p.add_argument("--draws", type=int, default=2000, help=f"Monte Carlo draws (1 to {MAX_DRAWS:,})")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``cost`` subcommand to the ``tokenecon`` parser."""
    return cli_options.register(subparsers, "cost", help="USD per million tokens: capex / electricity / other, with intervals",
                                doc=__doc__, add_arguments=_add_arguments, run=run)


def _validate(args) -> None:
    cli_options.check_options(cli_options.serving_point_checks(args) + [
        ("--utilisation", args.utilisation, lambda v: 0 < v <= 1, "a fraction in (0, 1]"),
        ("--electricity-usd-per-kwh", args.electricity_usd_per_kwh, lambda v: v >= 0, "a price >= 0 (a price cannot be negative)"),
        ("--gpu-price-usd", args.gpu_price_usd, lambda v: v >= 0, "a price >= 0 (a price cannot be negative)"),
        ("--life-years", args.life_years, lambda v: MIN_LIFE_YEARS <= v <= MAX_LIFE_YEARS,
         f"a number of years from {MIN_LIFE_YEARS:g} to {MAX_LIFE_YEARS:g}"),
        ("--draws", args.draws, lambda v: 1 <= v <= MAX_DRAWS, f"an integer from 1 to {MAX_DRAWS:,}"),
    ])
    if args.phase is not None and args.phase not in PHASE_CHOICES:
        raise ValueError(f"--phase: unknown phase {args.phase!r}; known: {', '.join(PHASE_CHOICES)}")


def _q(est) -> dict:
    return {"low": est.low, "median": est.central, "high": est.high}


def compute(args) -> dict:
    """The stack as a plain dict (what ``--format json`` prints)."""
    from tokenecon.model import serving
    from tokenecon.model.cost import gross_margin

    _validate(args)
    phases = [args.phase] if args.phase else ["input", "output"]
    out: dict = {}
    for ph in phases:
        case = serving.build_case(
            args.model, phase=ph, scenario=args.scenario, country=args.country, hardware=args.hardware,
            batch=args.batch, context=args.context, precision=args.precision, n_gpus=args.n_gpus,
            utilisation=args.utilisation, pue=args.pue, electricity_usd_per_kwh=args.electricity_usd_per_kwh,
            gpu_price_usd=args.gpu_price_usd, life_years=args.life_years,
            user_tokens_per_s=getattr(args, "user_tokens_per_s", None), data_parallel=getattr(args, "data_parallel", None),
            mtp_acceptance=getattr(args, "mtp_acceptance", None) or 0.0)
        res = serving.simulate(case, draws=args.draws, seed=args.seed)
        if not out:
            out.update({
                "model": case.model, "hardware": case.hardware, "n_gpus": case.n_gpus, "precision": case.precision,
                "country": case.country, "scenario": case.scenario, "electricity_usd_per_kwh": case.electricity_usd_per_kwh,
                "context": case.context, "draws": args.draws, "seed": args.seed, "phases": {},
            })
        est = {k: res.estimate(k) for k in ("total_usd_per_mtok", "capex_usd_per_mtok", "electricity_usd_per_mtok",
                                            "other_usd_per_mtok", "electricity_share", "facility_kwh_per_mtok",
                                            "gpu_j_per_token", "facility_j_per_token", "usd_per_gpu_hour")}
        d = {k: _q(v) for k, v in est.items()}
        d["batch"] = case.batch  # prefill: prompts per step (one per GPU)
        d["n_gpus"] = case.n_gpus  # GPUs of this phase's instance (a deployment may size prefill and decode apart)
        d["context"] = case.context
        d["tokens_per_second_per_gpu"] = case.point.tokens_per_second_per_gpu
        d["gpu_power_w"] = case.point.gpu_power_w
        d["bound"] = case.bound
        d["user_tokens_per_s"] = case.user_tokens_per_s
        d["user_tokens_per_s_drawn"] = list(case.point.interactivity) if case.point.interactivity else None
        d["limited_by"] = case.limited_by
        d["data_parallel"] = case.data_parallel
        d["max_feasible_batch"] = case.max_memory_batch or None
        price = serving.list_price_usd_per_mtok(case.model, ph)
        d["list_price_usd_per_mtok"] = price
        if price:
            tot = est["total_usd_per_mtok"]
            d["gross_margin"] = {"low": float(gross_margin(price, tot.high)), "median": float(gross_margin(price, tot.central)),
                                 "high": float(gross_margin(price, tot.low))}
        else:
            d["gross_margin"] = None
        out["phases"][ph] = d
    return out


def _text(o: dict) -> str:
    apart = len({(d["n_gpus"], d["context"]) for d in o["phases"].values()}) > 1
    where = (f"on {o['hardware']} ({o['precision']})" if apart else
             f"on {o['n_gpus']} x {o['hardware']} ({o['precision']})")
    lines = [f"{o['model']} {where}, {o['country']} electricity "
             f"${o['electricity_usd_per_kwh']:.4f}/kWh, scenario {o['scenario']}"
             + ("" if apart else f", context {o['context']}")
             + f" ({o['draws']} draws, seed {o['seed']}; median [90% interval])"]
    fmt = lambda q, f="{:.4f}": f"{f.format(q['median'])} [{f.format(q['low'])}-{f.format(q['high'])}]"  # noqa: E731
    for ph, d in o["phases"].items():
        speed = ""
        if d.get("user_tokens_per_s"):
            drawn = d.get("user_tokens_per_s_drawn")
            speed = (f", {d['user_tokens_per_s']:g} tokens/s per user"
                     + (f" (drawn {drawn[0]:g}-{drawn[2]:g})" if drawn else "") + f", {d['limited_by']}-limited")
        inst = f" on {d['n_gpus']} GPUs, context {d['context']:,}" if apart else ""
        lines.append(f"  {ph} tokens{inst} (batch {d['batch']:,}{speed}, {d['tokens_per_second_per_gpu']:,.0f} tok/s per GPU, "
                     f"{d['gpu_power_w']:.0f} W per GPU, {d['bound']}-bound):")
        lines.append(f"    total        {fmt(d['total_usd_per_mtok'])} USD per M tokens")
        lines.append(f"    capex        {fmt(d['capex_usd_per_mtok'])}")
        lines.append(f"    electricity  {fmt(d['electricity_usd_per_mtok'])}")
        lines.append(f"    other        {fmt(d['other_usd_per_mtok'])}  (facility build + other opex)")
        lines.append(f"    electricity share {fmt(d['electricity_share'], '{:.1%}')}")
        lines.append(f"    energy       {fmt(d['facility_kwh_per_mtok'])} facility kWh per M tokens")
        if d["list_price_usd_per_mtok"]:
            lines.append(f"    list price   {d['list_price_usd_per_mtok']:.4g} USD per M tokens; implied gross margin "
                         f"{fmt(d['gross_margin'], '{:.0%}')}")
        else:
            lines.append("    list price   not in the models table")
    return "\n".join(lines)


def run(args) -> int:
    """Run the subcommand; 0 on success, 2 with a message on stderr for bad input."""
    return cli_options.run_reporting_errors(
        compute, args, lambda o: json.dumps(o, sort_keys=True) if args.format == "json" else _text(o))


def main(argv: list[str] | None = None) -> int:
    return cli_options.standalone_main("tokenecon cost", __doc__, _add_arguments, run, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
