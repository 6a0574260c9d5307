"""`tokenecon energy`: argparse registration, text and JSON output, and clear errors naming the option."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from tokenecon.model import energy as en
from tokenecon import paths
from tokenecon.cli import energy as energy_cli


def _parser():
    p = argparse.ArgumentParser(prog="tokenecon")
    sub = p.add_subparsers(dest="command", required=True)
    energy_cli.register(sub)
    return p


def _run(argv, capsys):
    args = _parser().parse_args(["energy", *argv])
    rc = args.func(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


BASE = ["--model", "llama-3.1-70b", "--hardware", "H100", "--batch", "64", "--context", "2000"]


def test_json_has_gpu_joules_per_token_equal_to_the_library(capsys):
    rc, out, _ = _run(BASE + ["--precision", "bf16", "--format", "json"], capsys)
    assert rc == 0
    o = json.loads(out)
    expect = float(en.joules_per_token("llama-3.1-70b", "H100", batch=64, context=2000, precision="bf16"))
    assert o["j_per_token"] == pytest.approx(expect)
    assert o["boundary"] == "gpu_board" and o["phase"] == "decode" and o["precision"] == "bf16"
    assert "facility_kwh_per_mtok" not in o


def test_pue_adds_facility_figures(capsys):
    rc, out, _ = _run(BASE + ["--pue", "1.25", "--server-overhead", "0.3", "--format", "json"], capsys)
    o = json.loads(out)
    assert rc == 0
    assert o["facility_j_per_token"] == pytest.approx(o["j_per_token"] * 1.3 * 1.25)
    assert o["facility_kwh_per_mtok"] == pytest.approx(o["j_per_token"] * 1.3 * 1.25 / 3.6)


def test_text_output_and_prefill(capsys):
    rc, out, _ = _run(BASE + ["--phase", "prefill", "--pue", "1.2"], capsys)
    assert rc == 0
    assert "J per input token" in out and "kWh per million" in out


def test_names_are_case_insensitive(capsys):
    a = _run(["--model", "MiniMax-M2.5", "--hardware", "h200", "--batch", "32", "--context", "100", "--format",
              "json"], capsys)[1]
    b = _run(["--model", "minimax-m2.5", "--hardware", "H200", "--batch", "32", "--context", "100", "--format",
              "json"], capsys)[1]
    assert json.loads(a) == json.loads(b)


@pytest.mark.parametrize("override, needle", [
    (["--batch", "0"], "--batch"),
    (["--context", "-5"], "--context"),
    (["--pue", "0.8"], "--pue"),
    (["--server-overhead", "-1", "--pue", "1.2"], "--server-overhead"),
    (["--hardware", "TPU"], "known: A100, H100"),
    (["--model", "gpt-7"], "known: claude-family"),
])
def test_bad_input_is_refused_with_a_clear_message(override, needle, capsys):
    argv = list(BASE)
    for i in range(0, len(override), 2):
        if override[i] in argv:
            argv[argv.index(override[i]) + 1] = override[i + 1]
        else:
            argv += override[i:i + 2]
    rc, out, err = _run(argv, capsys)
    assert rc == 2 and out == ""
    assert needle in err


def test_module_entry_point_prints_json():
    env = {**os.environ, "PYTHONPATH": str(paths.PROJ_ROOT)}
    res = subprocess.run([sys.executable, "-m", "tokenecon.cli.energy", *BASE, "--format", "json"],
                         capture_output=True, text=True, env=env, cwd=paths.PROJ_ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["j_per_token"] > 0


def test_unknown_serving_precision_needs_an_explicit_precision(capsys):
    # kimi-k2.6: architecture public, serving precision unknown -> refused unless --precision states one.
    argv = ["--model", "Kimi-K2.6", "--hardware", "h200", "--batch", "64", "--context", "1024"]
    rc, out, err = _run(argv, capsys)
    assert rc == 2 and out == "" and "serving_precision" in err and "kimi-k2.6" in err
    rc, out, _ = _run(argv + ["--precision", "int4", "--format", "json"], capsys)
    got = json.loads(out)
    assert rc == 0 and got["precision"] == "int4"
    # Same shape and weight format as kimi-k2.5 (int4 in the table): the same joules per token.
    rc, out2, _ = _run(["--model", "kimi-k2.5", "--hardware", "h200", "--batch", "64", "--context", "1024", "--format", "json"], capsys)
    assert got["j_per_token"] == pytest.approx(json.loads(out2)["j_per_token"], rel=1e-12)


def test_option_checks_name_the_option_and_expectation():
    from tokenecon.cli import options as cli_options

    cli_options.check_options([("--pue", None, lambda v: v >= 1, "a number >= 1")])  # absent: not checked
    with pytest.raises(ValueError, match=r"^--pue: expected a number >= 1, got 0.9$"):
        cli_options.check_options([("--pue", 0.9, lambda v: v >= 1, "a number >= 1")])
    with pytest.raises(ValueError, match="--draws"):
        cli_options.check_options([("--draws", float("nan"), lambda v: v >= 1, "an integer >= 1")])


@pytest.mark.parametrize("batch, context", [(1, 0), (128, 4096)])
def test_probe_regime_reproduces_the_measured_h200_points(capsys, batch, context):
    from tokenecon import data

    m = data.load("energy_measurements")
    row = m[(m.dataset == "h200_probe") & (m.batch == batch) & (m.context_tokens == context)].iloc[0]
    rc, out, _ = _run(["--model", "LLAMA-3-8B-PROXY", "--hardware", "h200", "--batch", str(batch), "--context",
                       str(context), "--precision", "bf16", "--regime", "probe", "--format", "json"], capsys)
    o = json.loads(out)
    assert rc == 0 and o["regime"] == "probe"
    assert o["j_per_token"] == pytest.approx(row.j_per_token, rel=0.25)  # the probe target


def test_probe_regime_on_a_chip_never_probed_states_the_assumption(capsys):
    from tokenecon.model import efficiency

    rc, out, _ = _run(["--model", "llama-3.1-8b", "--hardware", "H100", "--batch", "64", "--context", "1024",
                       "--regime", "probe", "--format", "json"], capsys)
    o = json.loads(out)
    probe = efficiency.calibrated("H200", regime="probe")
    assert rc == 0 and o["regime"] == "probe" and "never probed" in o["efficiency_basis"]
    assert o["efficiency"]["flop_util"] == probe.flop_util and o["efficiency"]["bw_util"] == probe.bw_util


def test_user_speed_gives_the_largest_batch_meeting_it(capsys):
    from tokenecon.model import energy as en

    rc, out, _ = _run(["--model", "deepseek-v3", "--hardware", "H800", "--context", "2048", "--user-tokens-per-s",
                       "30", "--format", "json"], capsys)
    o = json.loads(out)
    op = en.operating_point("deepseek-v3", "H800", user_tokens_per_s=30, context=2048)
    assert rc == 0 and o["batch"] == op.batch and o["user_tokens_per_s"] >= 30
    assert o["memory"]["max_feasible_batch"] >= o["batch"]


@pytest.mark.parametrize("argv,needle", [
    (["--model", "deepseek-v3", "--hardware", "H100", "--n-gpus", "1", "--batch", "8", "--context", "2048"],
     "--n-gpus: deepseek-v3 (fp8) on 1 x H100 (80 GB each, 90% usable = 72 GB) cannot hold the weights"),
    (["--model", "deepseek-v3", "--hardware", "H100", "--batch", "10000000", "--context", "1000000000"],
     "--context: one sequence of 1,000,000,000 tokens"),
    (["--model", "deepseek-v3", "--hardware", "H100", "--n-gpus", "16", "--batch", "100000", "--context", "2048"],
     "largest feasible batch is"),
    (["--model", "deepseek-v3", "--hardware", "H800", "--context", "2048", "--user-tokens-per-s", "0"],
     "--user-tokens-per-s: expected a per-user speed > 0"),
    (["--model", "deepseek-v3", "--hardware", "H800", "--context", "2048", "--user-tokens-per-s", "-1"],
     "--user-tokens-per-s: expected a per-user speed > 0"),
    (["--model", "deepseek-v3", "--hardware", "H800", "--context", "2048", "--user-tokens-per-s", "1000"],
     "--user-tokens-per-s: 1000 is above what a batch of one reaches"),
    (["--model", "deepseek-v3", "--hardware", "H800", "--context", "2048", "--n-gpus", "16", "--data-parallel", "32"],
     "--data-parallel"),
])
def test_infeasible_points_are_refused_naming_the_option(capsys, argv, needle):
    rc, out, err = _run(argv, capsys)
    assert rc == 2 and out == "" and needle in err and "Traceback" not in err
