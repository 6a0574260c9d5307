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
        if not math.isfinite(float(value)) or not ok(value):
            raise ValueError(f"{option}: expected {expected}, got {value}")


def serving_point_checks(args) -> list[tuple]:
    """The checks both subcommands make on the serving point: --batch, --context, --n-gpus, --pue."""
    return [
        ("--batch", args.batch, lambda v: v >= 1, "an integer >= 1"),
        ("--context", args.context, lambda v: v >= 0, "an integer >= 0"),
        ("--n-gpus", args.n_gpus, lambda v: v >= 1, "an integer >= 1"),
        ("--pue", args.pue, lambda v: v >= 1, "a number >= 1"),
    ]


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
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render(out))
    return 0


def standalone_main(prog: str, doc: str | None, add_arguments: Callable[[argparse.ArgumentParser], None],
                    run: Callable, argv: list[str] | None = None) -> int:
    """Parse ``argv`` for a subcommand run on its own (``python -m tokenecon.<x>_cli ...``) and run it."""
    parser = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))
