"""The hardware, models, energy_measurements, gpu_energy_probe and energy_calibration tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tokenecon import cli, data, paths

RAW = paths.raw_dir()
HAVE_RAW = RAW.is_dir()
MINE = ["hardware", "models", "energy_measurements", "gpu_energy_probe", "energy_calibration"]


@pytest.mark.skipif(not HAVE_RAW, reason="raw mirror not available")
def test_rebuild_is_byte_identical(tmp_path):
    cli.build_data(out_dir=tmp_path, names=MINE)
    for n in MINE:
        assert (tmp_path / f"{n}.csv").read_bytes() == (paths.DATA_DIR / f"{n}.csv").read_bytes(), n


def test_hardware_covers_the_chips_of_issue_3():
    hw = data.load("hardware").set_index("hardware")
    for chip in ["A100", "H100", "H800", "H200", "H20", "B200", "Ascend 910B", "Ascend 910C"]:
        assert chip in hw.index
    assert hw.loc["H100", "bf16_dense_tflops"] == 989 and hw.loc["H100", "fp8_dense_tflops"] == 1979
    assert hw.loc["H20", "bf16_dense_tflops"] == 148 and hw.loc["H20", "hbm_tb_s"] == 4.0
    assert (hw["price_usd_low"] <= hw["price_usd_central"]).all() and (hw["price_usd_central"] <= hw["price_usd_high"]).all()
    assert hw["source"].str.len().gt(10).all()
    assert "sparsity" in hw.loc["H100", "conflicts"]


@pytest.mark.skipif(not HAVE_RAW, reason="raw mirror not available")
def test_hardware_matches_raw():
    raw = pd.read_csv(RAW / "models" / "hardware_specs.csv").set_index("chip")
    hw = data.load("hardware").set_index("chip_name")
    for chip, r in hw.iterrows():
        assert r["hbm_tb_s"] == raw.loc[chip, "hbm_tb_s"]
        assert r["price_usd_central"] == (raw.loc[chip, "price_usd_low"] + raw.loc[chip, "price_usd_high"]) / 2


def test_models_have_the_required_rows():
    m = data.load("models").set_index("model")
    for k in ["minimax-m2.5", "kimi-k2.5", "glm-5", "deepseek-v3.2", "qwen3-235b-a22b", "qwen3-30b-a3b",
              "gpt-oss-120b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "deepseek-v3", "llama-3-8b-proxy",
              "grok-code-fast-1", "claude-family"]:
        assert k in m.index, k
    assert m.loc["minimax-m2.5", "openrouter_slug"] == "minimax/minimax-m2.5"
    closed = m.loc[["grok-code-fast-1", "claude-family", "gpt-5-family", "gemini-family"]]
    assert closed["active_matmul_params_b"].isna().all() and closed["n_layers"].isna().all()
    assert (closed["model_class"] == "unknown").all()


def test_architecture_columns_by_hand():
    m = data.load("models").set_index("model")
    # GQA: 2 (K,V) x 8 KV heads x 128 x 80 layers x 2 bytes
    assert m.loc["llama-3.1-70b", "kv_bytes_per_token"] == 2 * 8 * 128 * 80 * 2
    # MLA: one 576-value latent per layer, 61 layers, bf16
    assert m.loc["deepseek-v3", "kv_bytes_per_token"] == 576 * 61 * 2
    # attention FLOPs per context token: 2 x heads x (d_k + d_v) x layers
    assert m.loc["llama-3.1-70b", "attn_flop_per_ctx_token"] == 2 * 64 * 256 * 80
    assert m.loc["deepseek-v3", "attn_flop_per_ctx_token"] == 2 * 128 * (576 + 512) * 61
    # one routed expert in one layer: SwiGLU 3 x d_model x moe_ffn
    assert m.loc["deepseek-v3", "expert_params_m"] == pytest.approx(3 * 7168 * 2048 / 1e6)
    assert m.loc["deepseek-v3", "n_moe_layers"] == 61 - 3
    assert m.loc["deepseek-v3.2", "attention_topk_tokens"] == 2048
    assert m.loc["minimax-m2.5", "serving_precision"] == "fp8"


def test_proxy_row_is_the_probe_shape():
    p = data.load("models").set_index("model").loc["llama-3-8b-proxy"]
    assert (p["n_layers"], p["d_model"], p["n_heads"], p["n_kv_heads"], p["head_dim"]) == (32, 4096, 32, 8, 128)
    per_layer = 4096 * (4096 + 2 * 8 * 128) + 4096 * 4096 + 3 * 4096 * 14336  # qkv, o, gate/up, down
    assert p["total_params_b"] * 1e9 == pytest.approx(32 * per_layer) == pytest.approx(6.98e9, rel=1e-3)
    assert p["embedding_params_b"] == 0


@pytest.mark.skipif(not HAVE_RAW, reason="raw mirror not available")
def test_list_prices_match_the_litellm_snapshot():
    m = data.load("models").set_index("model")
    raw = pd.read_csv(RAW / "tokens" / "litellm_chat_prices_snapshot.csv").drop_duplicates("model_key")
    raw = raw.set_index("model_key")
    r = raw.loc["minimax/MiniMax-M2.5"]
    assert m.loc["minimax-m2.5", "input_usd_per_mtok"] == r["input_usd_per_mtok"]
    assert m.loc["minimax-m2.5", "output_usd_per_mtok"] == r["output_usd_per_mtok"]
    assert m.loc["minimax-m2.5", "cached_input_usd_per_mtok"] == r["cache_read_usd_per_mtok"]


def test_energy_measurements():
    e = data.load("energy_measurements")
    models = set(data.load("models")["model"])
    hw = set(data.load("hardware")["hardware"])
    assert set(e["model"]) <= models and set(e["hardware"]) <= hw
    assert (e["boundary"] == "gpu_board").all()
    assert (e["dataset"] == "h200_probe").sum() == 11
    ml = e[e["dataset"] == "mlenergy_v3"]
    assert set(ml["hardware"]) == {"H100", "B200"} and ml["num_gpus"].between(1, 8).all()
    # the source's own definition: J/token = average power / output throughput
    np.testing.assert_allclose(ml["j_per_token"], ml["power_w"] / ml["tokens_per_s"], rtol=1e-6)
    pr = e[e["dataset"] == "h200_probe"]
    np.testing.assert_allclose(pr["j_per_token"], pr["power_w"] / pr["tokens_per_s"], rtol=1e-6)


@pytest.mark.skipif(not HAVE_RAW, reason="raw mirror not available")
def test_probe_table_matches_the_probe_file():
    p = json.loads((RAW / "gpu" / "h200_energy_probe_1.json").read_text())
    t = data.load("gpu_energy_probe").iloc[0]
    assert t["idle_w"] == p["idle_w"] and t["gemm_pj_per_flop"] == p["gemm"]["pj_per_flop"]
    assert t["copy_pj_per_byte"] == p["copy"]["pj_per_byte"]
    e = data.load("energy_measurements")
    pr = e[e["dataset"] == "h200_probe"].set_index(["batch", "context_tokens"])
    for row in p["decode"]:
        assert pr.loc[(row["batch"], row["context"]), "j_per_token"] == row["j_per_token"]
