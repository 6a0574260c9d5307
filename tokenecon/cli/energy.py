"""``tokenecon energy``: joules per token for a model on a GPU, from the calibrated roofline model.

    tokenecon energy --model minimax-m2.5 --hardware h100 --batch 256 --context 4000 --precision fp8
    tokenecon energy --model llama-3.1-70b --hardware H200 --batch 64 --context 2000 --pue 1.2 --format json

Prints GPU-board joules per token, and facility-level energy when ``--pue`` is given (GPU energy ×
(1 + server overhead) × PUE). ``register(subparsers)`` adds the subcommand to the main CLI; ``main()``
runs it standalone (``python -m tokenecon.cli.energy ...``).
"""

from __future__ import annotations

from tokenecon.model import efficiency

import argparse
import json
import sys

from tokenecon.cli import options as cli_options

PHASE_CHOICES = ("decode", "prefill", "cached_input")


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="model name from the models table (case-insensitive)")
    p.add_argument("--hardware", required=True, help="accelerator from the hardware table (case-insensitive)")
    p.add_argument("--batch", required=True, type=int, help="concurrent sequences in a step (>= 1)")
    p.add_argument("--context", required=True, type=int,
                   help="tokens of context per sequence (decode: KV length; prefill: prompt length) (>= 0)")
    p.add_argument("--precision", choices=("bf16", "fp8", "int4", "mxfp4"), default=None,
                   help="weight precision (default: the model's serving precision)")
    p.add_argument("--phase", choices=PHASE_CHOICES, default="decode",
                   help="decode (output tokens), prefill (input tokens) or cached_input")
    p.add_argument("--n-gpus", type=int, default=None, help="GPUs per model instance (default: fewest that hold the weights)")
    p.add_argument("--pue", type=float, default=None, help="facility PUE (>= 1); adds facility-level figures")
    p.add_argument("--server-overhead", type=float, default=None,
                   help="host CPU/DRAM/network energy as a fraction of GPU energy (default 0.4)")
    p.add_argument("--regime", choices=("serving", "probe"), default="serving",
                   help="calibrated efficiency: 'serving' (vLLM-like serving, fitted on ML.ENERGY runs) or "
                        "'probe' (ideal CUDA-graph kernels, fitted on the H200 probe; for point-by-point checks)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``energy`` subcommand to an argparse subparsers object; sets ``func=run``."""
    return cli_options.register(subparsers, "energy", help="joules per token for a model on a GPU (roofline model)",
                                doc=__doc__, add_arguments=_add_arguments, run=run)


def _validate(args) -> None:
    cli_options.check_options(cli_options.serving_point_checks(args) + [
        ("--context", args.context if args.phase == "prefill" else None, lambda v: v >= 1,
         "a prompt of >= 1 token for prefill"),
        ("--server-overhead", args.server_overhead, lambda v: v >= 0, "a number >= 0"),
    ])


def compute(args) -> dict:
    """The result of ``tokenecon energy`` as a dict (what ``--format json`` prints)."""
    from tokenecon.model import energy as en
    from tokenecon.data.lookup import hardware_name, model_name

    _validate(args)
    from tokenecon.model import calibration

    model, hw = model_name(args.model), hardware_name(args.hardware)
    regime = getattr(args, "regime", "serving")
    if regime == "probe" and hw != "H200":
        raise ValueError(f"--regime probe: the probe was measured on the H200 only, not on {hw}")
    eff = efficiency.calibrated(hw, regime=regime)
    r = en.token_energy(model, hw, batch=args.batch, context=args.context, phase=args.phase,
                        precision=args.precision, n_gpus=args.n_gpus, efficiency=eff)
    shape = en.model_shape(model, args.precision)
    out = {
        "model": model,
        "hardware": hw,
        "precision": shape.precision,
        "phase": args.phase,
        "batch": args.batch,
        "context": args.context,
        "n_gpus": r.n_gpus,
        "boundary": "gpu_board",
        "j_per_token": float(r.j_per_token),
        "tokens_per_s_per_gpu": float(r.tokens_per_s_per_gpu),
        "power_w_per_gpu": float(r.power_w_per_gpu),
        "step_time_s": float(r.step_time_s),
        "bound": "compute" if float(r.compute_time_s) >= float(r.memory_time_s) else "memory",
        "regime": regime,
        "efficiency": {k: float(v) for k, v in eff.__dict__.items()},
        "hardware_energy_basis": en.hardware_energy(hw).basis,
    }
    if args.pue is not None:
        so = en.DEFAULT_SERVER_OVERHEAD if args.server_overhead is None else args.server_overhead
        kwh = float(en.facility_kwh_per_mtok(r.j_per_token, so, args.pue))
        out.update({"pue": args.pue, "server_overhead": so,
                    "facility_j_per_token": kwh * en.J_PER_KWH / 1e6, "facility_kwh_per_mtok": kwh})
    return out


def _text(o: dict) -> str:
    unit = {"decode": "output token", "prefill": "input token", "cached_input": "cached input token"}[o["phase"]]
    lines = [
        f"{o['model']} on {o['n_gpus']} x {o['hardware']} ({o['precision']}), {o['phase']}, batch {o['batch']}, "
        f"context {o['context']} tokens",
        f"  GPU board:  {o['j_per_token']:.4g} J per {unit}  ({o['tokens_per_s_per_gpu']:.4g} tokens/s per GPU, "
        f"{o['power_w_per_gpu']:.0f} W per GPU, {o['bound']}-bound)",
    ]
    if "pue" in o:
        lines.append(f"  facility:   {o['facility_j_per_token']:.4g} J per {unit} = {o['facility_kwh_per_mtok']:.4g} kWh "
                     f"per million (server overhead {o['server_overhead']:g}, PUE {o['pue']:g})")
    return "\n".join(lines)


def run(args) -> int:
    """Run the subcommand; 0 on success, 2 with a message on stderr for bad input."""
    return cli_options.run_reporting_errors(
        compute, args, lambda out: json.dumps(out, sort_keys=True) if args.format == "json" else _text(out))


def main(argv: list[str] | None = None) -> int:
    return cli_options.standalone_main("tokenecon energy", __doc__, _add_arguments, run, argv)


if __name__ == "__main__":
    sys.exit(main())
