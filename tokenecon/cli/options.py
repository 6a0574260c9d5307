"""What the ``energy`` and ``cost`` subcommands share: registration, option range checks, standalone runs.

A check is ``(option, value, ok, expected)``: a value that is given (not None) must be finite and pass
``ok``, else a ValueError names the option and what was expected (``--pue: expected a number >= 1, got
0.9``).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable


def check_options(checks: Iterable[tuple[str, object, Callable[[float], bool], str]]) -> None:
    """Raise ValueError for the first given option that is not finite or fails its predicate."""
    for option, value, ok, expected in checks:
        if value is None:
            continue
        try:
            finite = math.isfinite(float(value))
        except (OverflowError, TypeError, ValueError):  # e.g. an integer too large for a float
            finite = False
        if not finite or not ok(value):
            shown = str(value) if len(str(value)) <= 30 else str(value)[:27] + "..."
            raise ValueError(f"{option}: expected {expected}, got {shown}")


def serving_point_checks(args) -> list[tuple]:
    """The checks both subcommands make on the serving point: --batch, --context, --n-gpus, --pue,
    --user-tokens-per-s, --data-parallel, --mtp-acceptance (the last three only where the parser has them)."""
    extra = [
        ("--user-tokens-per-s", getattr(args, "user_tokens_per_s", None), lambda v: v > 0,
         "a per-user speed > 0 (output tokens per second per user)"),
        ("--data-parallel", getattr(args, "data_parallel", None), lambda v: v >= 1, "an integer >= 1"),
        ("--mtp-acceptance", getattr(args, "mtp_acceptance", None), lambda v: 0 <= v <= 1, "a fraction in [0, 1]"),
    ]
    if getattr(args, "user_tokens_per_s", None) is not None and getattr(args, "batch", None) is not None:
        raise ValueError("--batch, --user-tokens-per-s: give one (the per-user speed chooses the batch)")
    return extra + [
        ("--batch", args.batch, lambda v: v >= 1, "an integer >= 1"),
        ("--context", args.context, lambda v: v >= 0, "an integer >= 0"),
        ("--n-gpus", args.n_gpus, lambda v: v >= 1, "an integer >= 1"),
        ("--pue", args.pue, lambda v: v >= 1, "a number >= 1"),
    ]


#: Library parameter names and the command-line options that set them (for error messages).
PARAMETER_OPTIONS = {"user_tokens_per_s": "--user-tokens-per-s", "batch": "--batch", "n_gpus": "--n-gpus",
                     "context": "--context", "data_parallel": "--data-parallel", "mtp_acceptance": "--mtp-acceptance",
                     "precision": "--precision", "batch, user_tokens_per_s": "--batch, --user-tokens-per-s"}


def as_option_message(message: str) -> str:
    """A library error ``"n_gpus: ..."`` said with the option that sets it (``"--n-gpus: ..."``)."""
    head, sep, rest = str(message).partition(": ")
    return f"{PARAMETER_OPTIONS[head]}: {rest}" if sep and head in PARAMETER_OPTIONS else str(message)


def register(subparsers, name: str, *, help: str, doc: str | None,
             add_arguments: Callable[[argparse.ArgumentParser], None], run: Callable) -> argparse.ArgumentParser:
    """Add subcommand ``name`` to an argparse subparsers object with ``func=run``."""
    p = subparsers.add_parser(name, help=help, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def run_reporting_errors(compute: Callable, args, render: Callable[[dict], str]) -> int:
    """Print ``render(compute(args))``; 0 on success, 2 with ``error: <message>`` on stderr for bad input."""
    try:
        out = compute(args)
    except ValueError as exc:
        print(f"error: {as_option_message(str(exc))}", file=sys.stderr)
        return 2
    print(render(out))
    return 0


def standalone_main(prog: str, doc: str | None, add_arguments: Callable[[argparse.ArgumentParser], None],
                    run: Callable, argv: list[str] | None = None) -> int:
    """Parse ``argv`` for a subcommand run on its own (``python -m tokenecon.<x>_cli ...``) and run it."""
    parser = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))
