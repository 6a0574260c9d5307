"""``tokenecon energy``: joules per token for a model on a GPU, from the calibrated roofline model.

    tokenecon energy --model minimax-m2.5 --hardware h100 --batch 256 --context 4000 --precision fp8
    tokenecon energy --model llama-3.1-70b --hardware H200 --batch 64 --context 2000 --pue 1.2 --format json
    tokenecon energy --model deepseek-v3 --hardware H800 --user-tokens-per-s 21 --context 2048
    tokenecon energy --model deepseek-v3 --hardware H800 --n-gpus 144 --data-parallel 144 --user-tokens-per-s 21 --context 4989

Prints GPU-board joules per token, and facility-level energy when ``--pue`` is given (GPU energy ×
(1 + server overhead) × PUE). The serving point is either a ``--batch`` or a per-user speed
(``--user-tokens-per-s``: the largest batch whose step meets it); it must fit in memory (weights + KV cache
+ an activation reserve within 90% of the HBM), else it is refused with the largest feasible batch or the
fewest GPUs that hold it. ``register(subparsers)`` adds the subcommand to the main CLI; ``main()``
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
    p.add_argument("--batch", type=int, default=None,
                   help="concurrent sequences in a step (>= 1); give this or --user-tokens-per-s (default: the "
                        "largest batch meeting 21 tokens/s per user)")
    p.add_argument("--user-tokens-per-s", type=float, default=None,
                   help="decode: per-user output speed (tokens/s per user, > 0); the batch is the largest feasible "
                        "one meeting it")
    p.add_argument("--data-parallel", type=int, default=None,
                   help="attention data-parallel replicas in the instance (1..n-gpus; default 1)")
    p.add_argument("--mtp-acceptance", type=float, default=None,
                   help="multi-token prediction: acceptance of one draft token per step, in [0, 1] (default 0: off)")
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
                        "'probe' (ideal CUDA-graph kernels fitted on the H200 probe, applied to any chip with its own "
                        "peaks, bandwidth, idle and TDP: an assumption the output states)")
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


#: Per-user speed used when neither --batch nor --user-tokens-per-s is given (the reference scenario's).
DEFAULT_USER_TOKENS_PER_S = 21.0


def compute(args) -> dict:
    """The result of ``tokenecon energy`` as a dict (what ``--format json`` prints)."""
    from tokenecon.model import energy as en
    from tokenecon.data.lookup import hardware_name, model_name

    _validate(args)
    model, hw = model_name(args.model), hardware_name(args.hardware)
    regime = getattr(args, "regime", "serving")
    eff = efficiency.calibrated(hw, regime=regime)
    shape = en.model_shape(model, args.precision)
    hwe = en.hardware_energy(hw)
    user = getattr(args, "user_tokens_per_s", None)
    dp = getattr(args, "data_parallel", None) or 1
    mtp = getattr(args, "mtp_acceptance", None) or 0.0
    if args.batch is None and user is None:
        if args.phase != "decode":
            raise ValueError(f"--batch: expected concurrent prompts >= 1 for phase {args.phase}")
        user = DEFAULT_USER_TOKENS_PER_S
    if user is not None and args.phase != "decode":
        raise ValueError(f"--user-tokens-per-s: a per-user speed sets the decode batch; phase {args.phase} has none")
    try:
        n = args.n_gpus if args.n_gpus is not None else en.default_n_gpus(shape, hwe, batch=args.batch or 1,
                                                                            context=args.context)
        if dp > n:
            raise ValueError(f"--data-parallel: expected an integer in 1..--n-gpus ({n}), got {dp}")
        if user is not None:
            op = en.latency_operating_point(shape, hwe, user_tokens_per_s=user, context=args.context, n_gpus=n,
                                            efficiency=eff, data_parallel=dp, mtp_acceptance=mtp)
            r, batch = op.result, op.batch
        else:
            batch = args.batch
            en.check_memory(shape, hwe, n_gpus=n, batch=batch, context=args.context, data_parallel=dp, phase=args.phase)
            r = en.roofline(shape, hwe, batch=batch, context=args.context, phase=args.phase, n_gpus=n,
                            data_parallel=dp, efficiency=eff, mtp_acceptance=mtp if args.phase == "decode" else 0.0)
        mem = en.memory_fit(shape, hwe, n_gpus=n, batch=batch, context=args.context, data_parallel=dp)
    except en.EnergyInputError as exc:
        raise ValueError(str(exc)) from None
    tok_step = 1.0 + mtp if args.phase == "decode" else 1.0
    out = {
        "model": model,
        "hardware": hw,
        "precision": shape.precision,
        "phase": args.phase,
        "batch": int(batch),
        "context": args.context,
        "n_gpus": r.n_gpus,
        "data_parallel": dp,
        "mtp_acceptance": mtp,
        "boundary": "gpu_board",
        "j_per_token": float(r.j_per_token),
        "tokens_per_s_per_gpu": float(r.tokens_per_s_per_gpu),
        "user_tokens_per_s": float(en.user_tokens_per_second(r.step_time_s, tok_step)) if args.phase == "decode" else None,
        "user_tokens_per_s_target": user,
        "limited_by": (op.limited_by if user is not None else "batch"),
        "power_w_per_gpu": float(r.power_w_per_gpu),
        "step_time_s": float(r.step_time_s),
        "bound": en.bound_of(r, hwe.tdp_w),
        "memory": {"weights_gb": mem.weight_bytes / 1e9, "kv_cache_gb": mem.kv_bytes / 1e9,
                   "activation_reserve_gb": mem.reserve_bytes / 1e9, "usable_gb": mem.usable_bytes / 1e9,
                   "gpu_memory_utilization": en.GPU_MEMORY_UTILIZATION, "max_feasible_batch": mem.max_batch},
        "regime": regime,
        "efficiency": {k: float(v) for k, v in eff.__dict__.items()},
        "efficiency_basis": efficiency.calibration_basis(hw, regime),
        "hardware_energy_basis": hwe.basis,
    }
    if args.pue is not None:
        so = en.default_server_overhead() if args.server_overhead is None else args.server_overhead
        kwh = float(en.facility_kwh_per_mtok_while_serving(r.j_per_token, so, args.pue))
        out.update({"pue": args.pue, "server_overhead": so,
                    "facility_j_per_token": kwh * en.J_PER_KWH / 1e6, "facility_kwh_per_mtok": kwh})
    return out


def _text(o: dict) -> str:
    unit = {"decode": "output token", "prefill": "input token", "cached_input": "cached input token"}[o["phase"]]
    dp = f", {o['data_parallel']} attention replicas" if o["data_parallel"] > 1 else ""
    mtp = f", multi-token prediction (acceptance {o['mtp_acceptance']:g})" if o["mtp_acceptance"] else ""
    lines = [
        f"{o['model']} on {o['n_gpus']} x {o['hardware']} ({o['precision']}{dp}{mtp}), {o['phase']}, batch {o['batch']:,}, "
        f"context {o['context']:,} tokens",
    ]
    if o["user_tokens_per_s_target"] is not None:
        why = ("the largest batch meeting it" if o["limited_by"] == "latency"
               else "the largest batch that fits in memory, faster than the target")
        lines.append(f"  operating point: {o['user_tokens_per_s_target']:g} tokens/s per user target -> batch "
                     f"{o['batch']:,} ({why}; {o['user_tokens_per_s']:.3g} tokens/s per user)")
    elif o["user_tokens_per_s"] is not None:
        lines.append(f"  per-user speed: {o['user_tokens_per_s']:.3g} output tokens/s per user")
    m = o["memory"]
    lines += [
        f"  GPU board:  {o['j_per_token']:.4g} J per {unit}  ({o['tokens_per_s_per_gpu']:.4g} tokens/s per GPU, "
        f"{o['power_w_per_gpu']:.0f} W per GPU, {o['bound']}-bound)",
        f"  memory:     weights {m['weights_gb']:,.0f} GB + KV cache {m['kv_cache_gb']:,.1f} GB + reserve "
        f"{m['activation_reserve_gb']:,.0f} GB of {m['usable_gb']:,.0f} GB usable "
        f"({m['gpu_memory_utilization']:.0%} of HBM); largest feasible batch {m['max_feasible_batch']:,}",
        f"  factors:    {o['efficiency_basis']}",
        f"  chip:       {o['hardware_energy_basis']}",
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
