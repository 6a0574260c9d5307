"""``tokenecon cost``: JSON stack consistent with the library, case-insensitive names, clear errors."""

import json

import pytest

from tokenecon import cli
from tokenecon.model import serving


def _run(capsys, *argv):
    rc = cli.main(["cost", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_json_stack_matches_the_library(capsys):
    rc, out, _ = _run(capsys, "--model", "DeepSeek-V3", "--hardware", "h100", "--country", "us", "--format", "json",
                      "--draws", "500", "--seed", "3")
    assert rc == 0
    o = json.loads(out)
    assert o["model"] == "deepseek-v3" and o["hardware"] == "H100" and o["country"] == "US"
    assert set(o["phases"]) == {"input", "output"}
    d = o["phases"]["output"]
    # Same case and seed through the library gives the same median.
    case = serving.build_case("deepseek-v3", phase="output", country="US", hardware="H100")
    res = serving.simulate(case, draws=500, seed=3)
    assert d["total_usd_per_mtok"]["median"] == pytest.approx(res.estimate("total_usd_per_mtok").central)
    # The US industrial price from the table (EIA 2024).
    assert o["electricity_usd_per_kwh"] == pytest.approx(0.0813)
    # Gross margin at the median cost = 1 - cost / list price.
    price = d["list_price_usd_per_mtok"]
    assert d["gross_margin"]["median"] == pytest.approx(1 - d["total_usd_per_mtok"]["median"] / price)
    assert d["total_usd_per_mtok"]["low"] <= d["total_usd_per_mtok"]["median"] <= d["total_usd_per_mtok"]["high"]


def test_overrides_fix_inputs(capsys):
    # With every cost input fixed, the electricity component is deterministic except for the energy residuals;
    # doubling the price doubles the electricity cost draw by draw (same seed).
    base = ["--model", "llama-3.1-70b", "--phase", "output", "--format", "json", "--draws", "300",
            "--utilisation", "0.8", "--pue", "1.2", "--gpu-price-usd", "25000", "--life-years", "4"]
    _, a, _ = _run(capsys, *base, "--electricity-usd-per-kwh", "0.05")
    _, b, _ = _run(capsys, *base, "--electricity-usd-per-kwh", "0.10")
    ea = json.loads(a)["phases"]["output"]["electricity_usd_per_mtok"]
    eb = json.loads(b)["phases"]["output"]["electricity_usd_per_mtok"]
    assert eb["median"] == pytest.approx(2 * ea["median"])
    assert json.loads(a)["electricity_usd_per_kwh"] == pytest.approx(0.05)


def test_text_output(capsys):
    rc, out, _ = _run(capsys, "--model", "minimax-m2.5", "--draws", "200")
    assert rc == 0
    assert "electricity share" in out and "USD per M tokens" in out


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--pue", "0.9"], "--pue"),
        (["--electricity-usd-per-kwh", "-0.01"], "--electricity-usd-per-kwh"),
        (["--gpu-price-usd", "-5"], "--gpu-price-usd"),
        (["--batch", "0"], "--batch"),
        (["--context", "-1"], "--context"),
        (["--utilisation", "1.5"], "--utilisation"),
        (["--life-years", "0"], "--life-years"),
        (["--hardware", "tpu-v9"], "known: A100"),
        (["--country", "atlantis"], "known: "),
        (["--scenario", "cheap"], "known: reference"),
        (["--phase", "thinking"], "known: output"),
        (["--user-tokens-per-s", "0"], "--user-tokens-per-s: expected a per-user speed > 0"),
        (["--user-tokens-per-s", "-4"], "--user-tokens-per-s: expected a per-user speed > 0"),
        (["--user-tokens-per-s", "5000"], "--user-tokens-per-s: 5000 is above what a batch of one reaches"),
        (["--user-tokens-per-s", "21", "--batch", "64"], "--batch, --user-tokens-per-s: give one"),
        (["--n-gpus", "1"], "--n-gpus: deepseek-v3 (fp8) on 1 x H100"),
        (["--batch", "100000"], "--batch: 100,000 sequences of 2,048 tokens need"),
        (["--mtp-acceptance", "2"], "--mtp-acceptance"),
    ],
)
def test_bad_options_name_the_option(capsys, args, needle):
    rc, _, err = _run(capsys, "--model", "deepseek-v3", "--draws", "50", *args)
    assert rc == 2
    assert needle in err


def test_unknown_model_lists_known_names(capsys):
    rc, _, err = _run(capsys, "--model", "gpt-9000")
    assert rc == 2 and "deepseek-v3" in err


def test_user_speed_sets_the_batch_and_the_scenario_draws_it(capsys):
    rc, out, _ = _run(capsys, "--model", "deepseek-v3", "--hardware", "H800", "--phase", "output", "--draws", "300",
                      "--user-tokens-per-s", "30", "--format", "json")
    fixed = json.loads(out)["phases"]["output"]
    assert rc == 0 and fixed["user_tokens_per_s"] == 30 and fixed["user_tokens_per_s_drawn"] is None
    case = serving.build_case("deepseek-v3", phase="output", hardware="H800", user_tokens_per_s=30)
    assert fixed["batch"] == case.batch and fixed["limited_by"] in ("latency", "memory")
    _, out, _ = _run(capsys, "--model", "deepseek-v3", "--hardware", "H800", "--phase", "output", "--draws", "300",
                     "--format", "json")
    drawn = json.loads(out)["phases"]["output"]
    assert drawn["user_tokens_per_s"] == 21 and drawn["user_tokens_per_s_drawn"] == list(serving.USER_TOKENS_PER_S)
    # a faster per-user speed means a smaller batch and more energy per token
    assert fixed["batch"] < drawn["batch"]
    assert fixed["gpu_j_per_token"]["median"] > drawn["gpu_j_per_token"]["median"]


def test_a_deployment_names_each_phase_instance(capsys):
    """DeepSeek's deployment sizes prefill and decode apart: the text says each phase's GPUs and context, the
    JSON carries them per phase; a dense model is refused in one line naming the option."""
    rc, out, _ = _run(capsys, "--model", "deepseek-v3", "--scenario", "deepseek-deployment", "--draws", "200")
    assert rc == 0
    assert "deepseek-v3 on H800 (fp8)" in out.splitlines()[0]
    assert "input tokens on 32 GPUs, context 2,048 (" in out and "output tokens on 144 GPUs, context 4,989 (" in out
    rc, out, _ = _run(capsys, "--model", "deepseek-v3", "--scenario", "deepseek-deployment", "--draws", "200",
                      "--format", "json")
    o = json.loads(out)
    assert {ph: (d["n_gpus"], d["context"]) for ph, d in o["phases"].items()} == {"input": (32, 2048),
                                                                               "output": (144, 4989)}
    rc, out, err = _run(capsys, "--model", "llama-3.1-8b", "--scenario", "deepseek-deployment")
    assert rc == 2 and err.count("\n") == 1 and "scenario: 'deepseek-deployment'" in err and "Traceback" not in err
