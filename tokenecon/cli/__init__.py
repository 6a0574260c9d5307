"""Command line: ``tokenecon data build|check``, ``tokenecon reports``, ``tokenecon energy``, ``tokenecon cost``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from tokenecon import __version__

#: Modules that add a subcommand through ``register(subparsers)``; each sets ``func`` on its parser.
SUBCOMMAND_MODULES = ("tokenecon.cli.energy", "tokenecon.cli.cost")


def build_data(**kw) -> dict:
    """:func:`tokenecon.data.build` with the model layer's fits for the fitted tables (the CLI wires the layers)."""
    from tokenecon import data
    from tokenecon.model import calibration

    return data.build(fitters={"energy_calibration": calibration.calibration_table,
                               "energy_calibration_bootstrap": calibration.bootstrap_table}, **kw)


def _cmd_data(args) -> int:
    from tokenecon import data, paths

    if args.action == "fetch":
        return _cmd_fetch(args)
    if args.action == "build":
        raw = Path(args.raw) if args.raw else paths.raw_dir()
        written = build_data(out_dir=Path(args.out) if args.out else None, raw=raw, names=args.tables or None,
                             accept_new_raw=args.accept_new_raw or (), notify=lambda line: print(line, file=sys.stderr))
        for name, p in sorted(written.items()):
            print(f"wrote {p}")
        return 0
    try:
        summaries = data.check(Path(args.out) if args.out else None)
    except data.CheckFailed as exc:  # every broken table, one line each, then fail
        for summary in exc.summaries:
            print(summary.line())
        for line in exc.lines():
            print(f"tokenecon data check: {line}", file=sys.stderr)
        return 1
    for summary in summaries:
        print(summary.line())
    return 0


def _cmd_fetch(args) -> int:
    """``tokenecon data fetch``: extend the rankings-daily table from OpenRouter's Data API (tokenecon/data/fetch.py)."""
    import datetime as dt

    from tokenecon.data import fetch

    def day(name, value):
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            raise ValueError(f"--{name} {value!r}: expected a date YYYY-MM-DD") from None

    if args.tables:
        raise ValueError(f"data fetch takes no table names (got {args.tables}); it extends {fetch.TABLE}")
    rep = fetch.fetch(day("since", args.since), day("until", args.until), dry_run=args.dry_run, refresh=args.refresh,
                      data_dir=Path(args.out) if args.out else None)
    print("\n".join(rep.lines()))
    return 0


def _parse_params(pairs: list[list[str]] | None) -> dict:
    return {k: v for k, v in (pairs or [])}


#: Most notebooks run at once (each is a kernel process of a few hundred MB).
MAX_JOBS = 64


def _read_scenario(path: Path) -> dict:
    """The ``-f`` scenario file as {notebook: {parameter: value}}; one line naming the file for anything else."""
    import yaml

    from tokenecon.report.runner import ReportError

    if not path.exists():
        raise ReportError(f"scenario file {path} does not exist")
    if path.is_dir():
        raise ReportError(f"scenario file {path} is a folder, expected a YAML file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ReportError(f"scenario file {path} is not UTF-8 text, expected a YAML file") from None
    except OSError as exc:
        raise ReportError(f"scenario file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        scenario = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ReportError(f"scenario file {path}: not valid YAML{where}: {what}") from None
    if scenario is None:
        return {}
    if not isinstance(scenario, dict):
        raise ReportError(f"scenario file {path}: expected a mapping of notebook name -> parameters, "
                          f"got a {type(scenario).__name__}")
    return scenario


def _cmd_reports(args) -> int:
    from tokenecon.report import runner as report

    if args.list:
        print(report.describe())
        return 0
    scenario = _read_scenario(Path(args.file)) if args.file else None
    if args.jobs is not None and args.jobs > MAX_JOBS:
        raise report.ReportError(f"-j/--jobs: expected an integer in [1, {MAX_JOBS}], got {args.jobs}")
    try:
        results = report.run(
            names=args.names or None,
            parameters=_parse_params(args.param),
            scenario=scenario,
            out_dir=Path(args.out) if args.out else None,
            jobs=args.jobs,
            force=args.force,
            with_code=args.with_code,
        )
    except report.Interrupted as exc:
        print(f"tokenecon reports: {exc}", file=sys.stderr)
        return exc.exit_code
    failed = [r for r in results if r.status == "failed"]
    ok = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{ok} built, {skipped} up to date, {len(failed)} failed")
    for r in failed:
        print(f"error: notebook {r.name!r} failed: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def build_parser(subcommand_modules: tuple[str, ...] = SUBCOMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tokenecon", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tokenecon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="rebuild or check the curated tables in data/")
    p.add_argument("action", choices=["build", "check", "fetch"])
    p.add_argument("tables", nargs="*", help="tables to build (default: all)")
    p.add_argument("--raw", help="raw-source mirror (default: $TOKENECON_RAW or ../shared/sources)")
    p.add_argument("--out", help="write/check tables in this folder instead of data/")
    p.add_argument("--accept-new-raw", action="append", metavar="PATH",
                   help="build: accept PATH (inside the raw mirror) as a new version of a raw input, rebuild the "
                        "tables read from it and pin its new sha256 in the catalogue (repeatable)")
    p.add_argument("--since", help="fetch: first day (YYYY-MM-DD; default: the day after the table ends)")
    p.add_argument("--until", help="fetch: last day (YYYY-MM-DD; default: yesterday, UTC)")
    p.add_argument("--dry-run", action="store_true", help="fetch: show the requests, send none, write nothing")
    p.add_argument("--refresh", action="store_true", help="fetch: request days already held again (restatements are reported)")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("reports", help="execute notebooks into self-contained HTML reports")
    p.add_argument("names", nargs="*", help="notebooks to build (default: all in notebooks/)")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="override a parameter (repeatable); typed by the notebook's declaration")
    p.add_argument("-f", "--file", help="YAML scenario: {notebook: {parameter: value}}")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    p.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    p.add_argument("--with-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--out", help="output folder (default: reports/)")
    p.add_argument("--list", action="store_true", help="list notebooks and their parameters, then exit")
    p.set_defaults(func=_cmd_reports)

    for modname in subcommand_modules:
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name == modname:  # subcommand not part of this checkout
                continue
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `tokenecon reports` needs none of the model-backed subcommands: not importing them keeps a no-op build fast
    parser = build_parser(() if argv[:1] == ["reports"] else SUBCOMMAND_MODULES)
    args = parser.parse_args(argv)
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        parser.error("argument -j/--jobs: must be at least 1")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:  # Ctrl-C outside a build (a build stops itself and returns 130)
        print(f"tokenecon {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except (ValueError, KeyError, FileNotFoundError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"tokenecon {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the command could not read or write
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"tokenecon {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


