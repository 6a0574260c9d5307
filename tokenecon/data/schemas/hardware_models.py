"""Hardware, model architectures and measured GPU energy: the inputs of the energy model.

Four derived tables, all built by code from the raw mirror:

* ``hardware`` — accelerator specs (dense bf16/fp8 TFLOPS, HBM, TDP, price range) from
  ``models/hardware_specs.csv`` (itself compiled from NVIDIA's aiconfigurator spec files, InferenceX and
  press reports; conflicts kept in the ``conflicts`` column).
* ``models`` — the leading models in the token tables plus reference models, from
  ``models/model_architectures.csv`` (lab ``config.json`` files), with list prices from the LiteLLM
  price snapshot and the H200 probe's decode proxy shape ``llama-3-8b-proxy``.
* ``energy_measurements`` — ML.ENERGY v3 runs of the models in ``models`` plus the H200 probe's decode
  rows: joules per output token at the GPU board.
* ``gpu_energy_probe`` — the H200 probe's roofline constants (idle W, pJ/FLOP, pJ/byte).

The only hand-made parts are the crosswalks below (raw model name → package key, OpenRouter slug and
LiteLLM price key; ML.ENERGY model id → package key), each a named constant with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tokenecon.data import Column, Source, Table
from tokenecon.data.schemas._helpers import MIRROR_RETRIEVED, read_raw, require_columns

HW_RAW = "models/hardware_specs.csv"
ARCH_RAW = "models/model_architectures.csv"
PRICES_RAW = "tokens/litellm_chat_prices_snapshot.csv"
MLENERGY_RAW = "energy/mlenergy_v3_llm_runs.csv"
PROBE_RAW = "gpu/h200_energy_probe_1.json"

AIC = "ai-dynamo/aiconfigurator"
AIC_COMMIT = "095f58a51c4ca8e61b66ec108d86f223f8d559ce"

SRC_HW = Source(
    title="Accelerator specs and prices, compiled in the raw mirror (models/hardware_specs.csv) from NVIDIA "
    "aiconfigurator system files, SemiAnalysis InferenceX gpu-specs (facts only) and press reports",
    retrieved=MIRROR_RETRIEVED,
    licence="facts with per-row citations; aiconfigurator Apache-2.0",
    repository=AIC,
    path="aic-core/src/aiconfigurator_core/systems/",
    commit=AIC_COMMIT,
)
SRC_ARCH = Source(
    title="Model architectures from the labs' config.json files vendored by NVIDIA aiconfigurator "
    "(compiled in the raw mirror as models/model_architectures.csv)",
    retrieved=MIRROR_RETRIEVED,
    licence="Apache-2.0 (aiconfigurator); facts from model cards",
    repository=AIC,
    path="aic-core/src/aiconfigurator_core/model_configs/",
    commit=AIC_COMMIT,
)
SRC_PRICES = Source(
    title="LiteLLM model price list (hourly mirror RoCry/llm-api-price), snapshot 2026-07-24",
    retrieved=MIRROR_RETRIEVED,
    licence="MIT (LiteLLM)",
    repository="RoCry/llm-api-price",
    path="model_prices_and_context_window.json",
    commit="8442b939a6ead479f7995b5d74d8dce488bd0966",
)
SRC_MLENERGY = Source(
    title="ML.ENERGY Leaderboard v3 LLM runs (Chung et al., The ML.ENERGY Benchmark, NeurIPS D&B 2025)",
    retrieved=MIRROR_RETRIEVED,
    licence="Apache-2.0 (ML.ENERGY Benchmark v3 dataset)",
    repository="ml-energy/leaderboard",
    path="public/data/tasks/{gpqa,lm-arena-chat,sourcegraph-fim}.json",
    commit="0cd52dab897c5d91a45f4d413038f3b8b4251b0f",
)
SRC_PROBE = Source(
    title="H200 energy probe (NVML energy counter; tools/gpu_energy_probe.py --seconds 4), measured 2026-11-28",
    retrieved="2026-11-28",
    licence="CC0 (own measurement)",
    path="shared/sources/gpu/h200_energy_probe_1.json",
)

#: Raw ``chip`` → package key. Cambricon MLU590 is left out: its raw row has no usable figures.
HARDWARE_KEYS = {
    "A100 SXM 80GB": "A100",
    "H100 SXM": "H100",
    "H800 SXM": "H800",
    "H200 SXM": "H200",
    "H20 (96GB)": "H20",
    "B200 (HGX/DGX)": "B200",
    "GB200 (per GPU, NVL72)": "GB200",
    "Ascend 910B": "Ascend 910B",
    "Ascend 910C": "Ascend 910C",
}

#: Raw ``model`` (prefix before any parenthesis) → (key, OpenRouter slug, LiteLLM price key).
#: Slugs follow OpenRouter's naming (without the date suffix); price keys prefer the lab's own API entry
#: in LiteLLM, else OpenRouter's; None where LiteLLM has no entry for that model.
#: ``deepseek/deepseek-chat`` is the alias DeepSeek's API points at its current model (V3.2 since Dec 2025).
MODEL_CROSSWALK = {
    "MiniMax-M2": ("minimax-m2", "minimax/minimax-m2", "minimax/MiniMax-M2"),
    "MiniMax-M2.1": ("minimax-m2.1", "minimax/minimax-m2.1", "minimax/MiniMax-M2.1"),
    "MiniMax-M2.5": ("minimax-m2.5", "minimax/minimax-m2.5", "minimax/MiniMax-M2.5"),
    "MiniMax-M2.7": ("minimax-m2.7", "minimax/minimax-m2.7", None),
    "Kimi-K2": ("kimi-k2", "moonshotai/kimi-k2", "moonshot/kimi-k2-0905-preview"),
    "Kimi-K2.5": ("kimi-k2.5", "moonshotai/kimi-k2.5", "moonshot/kimi-k2.5"),
    "Kimi-K2.6": ("kimi-k2.6", "moonshotai/kimi-k2.6", "moonshot/kimi-k2.6"),
    "GLM-4.5": ("glm-4.5", "z-ai/glm-4.5", "zai/glm-4.5"),
    "GLM-4.6": ("glm-4.6", "z-ai/glm-4.6", "zai/glm-4.6"),
    "GLM-5": ("glm-5", "z-ai/glm-5", "zai/glm-5"),
    "GLM-5.1": ("glm-5.1", "z-ai/glm-5.1", "zai/glm-5.1"),
    "DeepSeek-V3": ("deepseek-v3", "deepseek/deepseek-chat", "deepseek/deepseek-v3"),
    "DeepSeek-V3.1": ("deepseek-v3.1", "deepseek/deepseek-chat-v3.1", "openrouter/deepseek/deepseek-chat-v3.1"),
    "DeepSeek-V3.2": ("deepseek-v3.2", "deepseek/deepseek-v3.2", "deepseek/deepseek-chat"),
    "Qwen3-235B-A22B": ("qwen3-235b-a22b", "qwen/qwen3-235b-a22b", "openrouter/qwen/qwen3-235b-a22b-2507"),
    "Qwen3-Coder-480B-A35B": ("qwen3-coder-480b-a35b", "qwen/qwen3-coder", "openrouter/qwen/qwen3-coder"),
    "Qwen3-30B-A3B": ("qwen3-30b-a3b", "qwen/qwen3-30b-a3b", None),
    "gpt-oss-120b": ("gpt-oss-120b", "openai/gpt-oss-120b", "openrouter/openai/gpt-oss-120b"),
    "gpt-oss-20b": ("gpt-oss-20b", "openai/gpt-oss-20b", "openrouter/openai/gpt-oss-20b"),
    "Llama-3.1-8B": ("llama-3.1-8b", "meta-llama/llama-3.1-8b-instruct", None),
    "Llama-3.1-70B": ("llama-3.1-70b", "meta-llama/llama-3.1-70b-instruct", None),
    "Llama-3.1-405B": ("llama-3.1-405b", "meta-llama/llama-3.1-405b-instruct", None),
    "MiMo-V2-Flash": ("mimo-v2-flash", "xiaomi/mimo-v2-flash", "openrouter/xiaomi/mimo-v2-flash"),
    "Step-3.5-Flash": ("step-3.5-flash", "stepfun/step-3.5-flash", None),
    # One architecture row covers both releases ("Hy3-preview Apr-2026 / Hy3 Jul-2026" in the raw file).
    "Tencent Hy3": ("hy3", "tencent/hy3|tencent/hy3-preview", None),
    "Grok Code Fast 1": ("grok-code-fast-1", "x-ai/grok-code-fast-1", "xai/grok-code-fast-1"),
    # Closed model families: one row each, architecture unknown; no single slug or price applies.
    "Grok 4.x family": ("grok-4-family", None, None),
    "Claude family": ("claude-family", None, None),
    "GPT-5.x family": ("gpt-5-family", None, None),
    "Gemini 2.5/3.x family": ("gemini-family", None, None),
    "Qwen3.x-Max / -Plus": ("qwen3-max-plus-family", None, None),
}

#: The probe's decode proxy (tools/gpu_energy_probe.py, non-tiny shapes): Llama-3-8B layers without
#: embedding or LM head. Parameter count is read from the probe file (``decode_params``).
PROXY_SHAPE = dict(layers=32, d_model=4096, ffn=14336, heads=32, kv_heads=8, head_dim=128)

#: ML.ENERGY ``model_id`` → package key (same architecture; Instruct/Thinking/Coder/FP8 variants share
#: the shape of the base model; Llama-3.3-70B has Llama-3.1-70B's shape). Vision/omni variants are
#: excluded because their image/video tokens are not counted as output tokens the same way.
MLENERGY_MODELS = {
    "meta-llama/Llama-3.1-8B-Instruct": "llama-3.1-8b",
    "meta-llama/Llama-3.1-70B-Instruct": "llama-3.1-70b",
    "meta-llama/Llama-3.3-70B-Instruct": "llama-3.1-70b",
    "meta-llama/Llama-3.1-405B-Instruct": "llama-3.1-405b",
    "meta-llama/Llama-3.1-405B-Instruct-FP8": "llama-3.1-405b",
    "Qwen/Qwen3-235B-A22B-Instruct-2507": "qwen3-235b-a22b",
    "Qwen/Qwen3-235B-A22B-Instruct-2507-FP8": "qwen3-235b-a22b",
    "Qwen/Qwen3-235B-A22B-Thinking-2507": "qwen3-235b-a22b",
    "Qwen/Qwen3-235B-A22B-Thinking-2507-FP8": "qwen3-235b-a22b",
    "Qwen/Qwen3-30B-A3B-Instruct-2507": "qwen3-30b-a3b",
    "Qwen/Qwen3-30B-A3B-Thinking-2507": "qwen3-30b-a3b",
    "Qwen/Qwen3-Coder-30B-A3B-Instruct": "qwen3-30b-a3b",
    "Qwen/Qwen3-Coder-480B-A35B-Instruct": "qwen3-coder-480b-a35b",
    "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8": "qwen3-coder-480b-a35b",
    "deepseek-ai/DeepSeek-V3.1": "deepseek-v3.1",
    "deepseek-ai/DeepSeek-R1-0528": "deepseek-v3",
    "openai/gpt-oss-120b": "gpt-oss-120b",
    "openai/gpt-oss-20b": "gpt-oss-20b",
}
MLENERGY_TASKS = ("lm-arena-chat", "gpqa", "sourcegraph-fim")
MLENERGY_PRECISION = {"bfloat16": "bf16", "fp8": "fp8", "mxfp4": "mxfp4"}

PRECISIONS = ("bf16", "fp8", "int4", "mxfp4")


# --------------------------------------------------------------------------- hardware

def _num(v) -> float:
    """First number in a raw cell (``'64 (full) / 96 (SWA)'`` → 64.0); NaN if none."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return float("nan")
    m = re.search(r"-?\d+(\.\d+)?", str(v))
    return float(m.group(0)) if m else float("nan")


def build_hardware(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, HW_RAW)
    need = ["chip", "vendor", "bf16_dense_tflops", "fp8_dense_tflops", "hbm_gb", "hbm_tb_s", "tdp_w",
            "price_usd_low", "price_usd_high", "price_basis", "spec_confidence", "price_confidence",
            "sources", "conflicts_and_notes"]
    require_columns(raw, HW_RAW, need)
    raw = raw[raw["chip"].isin(HARDWARE_KEYS)].copy()
    missing = sorted(set(HARDWARE_KEYS) - set(raw["chip"]))
    if missing:
        raise ValueError(f"raw file {HW_RAW}: expected chip rows {missing}")
    out = pd.DataFrame({
        "hardware": raw["chip"].map(HARDWARE_KEYS),
        "chip_name": raw["chip"],
        "vendor": raw["vendor"],
        "bf16_dense_tflops": raw["bf16_dense_tflops"].astype(float),
        "fp8_dense_tflops": raw["fp8_dense_tflops"].astype(float),
        "hbm_gb": raw["hbm_gb"].astype(float),
        "hbm_tb_s": raw["hbm_tb_s"].astype(float),
        "tdp_w": raw["tdp_w"].astype(float),
        "price_usd_low": raw["price_usd_low"].astype(float),
        "price_usd_central": (raw["price_usd_low"].astype(float) + raw["price_usd_high"].astype(float)) / 2,
        "price_usd_high": raw["price_usd_high"].astype(float),
        "price_basis": raw["price_basis"],
        "spec_confidence": raw["spec_confidence"],
        "price_confidence": raw["price_confidence"],
        "source": raw["sources"],
        "conflicts": raw["conflicts_and_notes"],
    })
    return out.reset_index(drop=True)


HARDWARE = Table(
    name="hardware",
    title="AI accelerators: peak dense compute, HBM, power and price",
    description="One row per accelerator (per GPU/chip): dense (no 2:4 sparsity) bf16 and fp8 tensor "
    "TFLOPS, HBM capacity and bandwidth, board power limit and an indicative purchase price range.",
    columns=(
        Column("hardware", "str", "Package key (case-insensitive lookups via tokenecon.data.lookup)"),
        Column("chip_name", "str", "Chip name as in the raw compilation"),
        Column("vendor", "str", "Vendor"),
        Column("bf16_dense_tflops", "float", "Peak dense bf16 tensor throughput", "TFLOPS", 0, 1e5),
        Column("fp8_dense_tflops", "float", "Peak dense fp8 tensor throughput; empty = no FP8 support", "TFLOPS",
               0, 1e5, nullable=True),
        Column("hbm_gb", "float", "HBM capacity as marketed", "GB", 0, 1e4),
        Column("hbm_tb_s", "float", "Peak HBM bandwidth", "TB/s", 0, 100),
        Column("tdp_w", "float", "Board/module power limit (not measured serving draw); empty = not published",
               "W", 0, 5000, nullable=True),
        Column("price_usd_low", "float", "Indicative purchase price per accelerator, low", "USD", 0, 1e6),
        Column("price_usd_central", "float", "Midpoint of low and high", "USD", 0, 1e6),
        Column("price_usd_high", "float", "Indicative purchase price per accelerator, high", "USD", 0, 1e6),
        Column("price_basis", "str", "What the price includes"),
        Column("spec_confidence", "str", "Confidence of the spec figures"),
        Column("price_confidence", "str", "Confidence of the price range"),
        Column("source", "str", "Sources of the row (repository@commit:path or URL)"),
        Column("conflicts", "str", "Conflicting figures found and how they were resolved", nullable=True),
    ),
    key=("hardware",),
    sources=(SRC_HW,),
    derivation="Rows of models/hardware_specs.csv for the chips in HARDWARE_KEYS, renamed to short keys; "
    "price_usd_central = (low + high) / 2. Cambricon MLU590 is left out (no usable figures).",
    build=build_hardware,
    raw_files=(HW_RAW,),
    caveats="Ascend 910B figures span 256-376 TFLOPS / 0.4-2.0 TB/s / 310-400 W across sources (central values "
    "here); Ascend 910C per-chip TDP is not published. Prices are press/analyst ranges.",
)


# --------------------------------------------------------------------------- models

def _precision(native) -> str | None:
    s = str(native).strip().lower()
    for p in ("mxfp4", "int4", "fp8", "bf16"):
        if s.startswith(p):
            return p
    return None


def _raw_key(name: str) -> str:
    """Raw model names carry notes in parentheses: 'Kimi-K2 (Instruct)' → 'Kimi-K2'."""
    return re.sub(r"\s*\(.*$", "", str(name)).strip().strip('"')


def _prices(raw_dir: Path) -> pd.DataFrame:
    p = read_raw(raw_dir, PRICES_RAW)
    require_columns(p, PRICES_RAW, ["model_key", "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok"])
    return p.drop_duplicates("model_key").set_index("model_key")


def _attn_flop_per_ctx(heads, qk_dim, v_dim, layers):
    """Attention FLOPs per generated token per context token: QK^T and AV, 2 FLOPs per multiply-add."""
    return 2.0 * heads * (qk_dim + v_dim) * layers


def build_models(raw_dir: Path) -> pd.DataFrame:
    a = read_raw(raw_dir, ARCH_RAW)
    require_columns(a, ARCH_RAW, [
        "model", "developer", "hf_repo", "model_class", "total_params_b", "active_params_b",
        "total_params_derived_b", "active_matmul_params_derived_b", "num_hidden_layers", "hidden_size",
        "attention_type", "num_attention_heads", "num_key_value_heads", "head_dim", "v_head_dim", "kv_lora_rank",
        "qk_rope_head_dim", "full_kv_layers", "swa_layers", "sliding_window", "sparse_attention",
        "n_routed_experts", "num_experts_per_tok", "n_shared_experts", "moe_intermediate_size",
        "first_k_dense_replace", "vocab_size", "weight_precision_native", "kv_bytes_per_token_native",
        "kv_extra_bytes_per_token", "swa_kv_bytes_per_seq_cap_bf16", "params_confidence", "params_source",
        "arch_confidence", "arch_source"])
    prices = _prices(raw_dir)
    rows = []
    for _, r in a.iterrows():
        rk = _raw_key(r["model"])
        if rk not in MODEL_CROSSWALK:
            raise ValueError(f"raw file {ARCH_RAW}: model {r['model']!r} has no entry in MODEL_CROSSWALK")
        key, slug, price_key = MODEL_CROSSWALK[rk]
        known = r["model_class"] in ("dense", "moe")
        h = _num(r["hidden_size"])
        heads_full = _num(r["num_attention_heads"])
        heads_txt = str(r["num_attention_heads"])
        m_swa = re.search(r"(\d+)\s*\(SWA\)", heads_txt)
        heads_swa = float(m_swa.group(1)) if m_swa else heads_full
        mla = str(r["attention_type"]).startswith("MLA")
        if mla:  # absorbed MLA decode: scores over the 576-wide latent, values over the 512-wide latent
            qk, vd = _num(r["kv_lora_rank"]) + _num(r["qk_rope_head_dim"]), _num(r["kv_lora_rank"])
        else:
            qk, vd = _num(r["head_dim"]), _num(r["v_head_dim"])
        full_layers = _num(r["full_kv_layers"])
        swa_layers = _num(r["swa_layers"]) if known else float("nan")
        window = _num(r["sliding_window"])
        sparse = str(r["sparse_attention"]) if isinstance(r["sparse_attention"], str) else ""
        topk = _num(re.search(r"topk\s*(\d+)", sparse).group(1)) if "topk" in sparse else float("nan")
        idx_flop = float("nan")
        if sparse:
            m = re.search(r"(\d+)\s*heads\s*x\s*(\d+)\s*dim", sparse)
            idx_flop = 2.0 * float(m.group(1)) * float(m.group(2)) * full_layers
        moe = r["model_class"] == "moe"
        layers = _num(r["num_hidden_layers"])
        n_moe_layers = layers - _num(r["first_k_dense_replace"]) if moe else float("nan")
        expert_params_m = 3 * h * _num(r["moe_intermediate_size"]) / 1e6 if moe else float("nan")
        emb = _num(r["vocab_size"]) * h / 1e9 if known else float("nan")
        price = prices.loc[price_key] if price_key is not None and price_key in prices.index else None
        if price_key is not None and price is None:
            raise ValueError(f"raw file {PRICES_RAW}: price key {price_key!r} for model {key!r} not found")
        swa_cap = r["swa_kv_bytes_per_seq_cap_bf16"]
        rows.append({
            "model": key,
            "display_name": rk,
            "developer": r["developer"],
            "model_class": r["model_class"],
            "openrouter_slug": slug,
            "hf_repo": r["hf_repo"] if isinstance(r["hf_repo"], str) else None,
            "total_params_b": r["total_params_derived_b"] if known else float("nan"),
            "active_params_b": r["active_params_b"],
            "active_matmul_params_b": r["active_matmul_params_derived_b"],
            "embedding_params_b": emb,
            "n_layers": layers,
            "d_model": h,
            "n_heads": heads_full,
            "n_kv_heads": _num(r["num_key_value_heads"]),
            "head_dim": _num(r["head_dim"]),
            "attention_type": r["attention_type"] if known else None,
            "full_kv_layers": full_layers,
            "kv_bytes_per_token": r["kv_bytes_per_token_native"],
            "kv_extra_bytes_per_token": r["kv_extra_bytes_per_token"] if known and not np.isnan(r["kv_extra_bytes_per_token"]) else (0.0 if known else float("nan")),
            "attn_flop_per_ctx_token": _attn_flop_per_ctx(heads_full, qk, vd, full_layers) if known else float("nan"),
            "attention_topk_tokens": topk,
            "indexer_flop_per_ctx_token": idx_flop,
            "swa_layers": swa_layers,
            "sliding_window_tokens": window,
            "swa_kv_bytes_per_token": (swa_cap / window) if known and window == window and swa_cap == swa_cap else float("nan"),
            "swa_attn_flop_per_ctx_token": _attn_flop_per_ctx(heads_swa, qk, vd, swa_layers) if known and swa_layers and swa_layers > 0 else float("nan"),
            "n_experts": _num(r["n_routed_experts"]) if moe else float("nan"),
            "experts_per_token": _num(r["num_experts_per_tok"]) if moe else float("nan"),
            "n_shared_experts": _num(r["n_shared_experts"]) if moe else float("nan"),
            "n_moe_layers": n_moe_layers,
            "expert_params_m": expert_params_m,
            "serving_precision": _precision(r["weight_precision_native"]),
            "input_usd_per_mtok": float(price["input_usd_per_mtok"]) if price is not None else float("nan"),
            "output_usd_per_mtok": float(price["output_usd_per_mtok"]) if price is not None else float("nan"),
            "cached_input_usd_per_mtok": float(price["cache_read_usd_per_mtok"]) if price is not None else float("nan"),
            "price_source": f"LiteLLM snapshot 2026-07-24 key {price_key}" if price is not None else None,
            "params_confidence": r["params_confidence"],
            "arch_confidence": r["arch_confidence"],
            "source": f"{ARCH_RAW} row {rk!r}: {r['arch_source'] if isinstance(r['arch_source'], str) else r['params_source']}",
        })
    probe = json.loads((Path(raw_dir) / PROBE_RAW).read_text())
    s = PROXY_SHAPE
    params = float(probe["decode_params"])
    expect = s["layers"] * (s["d_model"] * (s["d_model"] + 2 * s["kv_heads"] * s["head_dim"]) + s["d_model"] ** 2
                            + 3 * s["d_model"] * s["ffn"])
    if params != expect:
        raise ValueError(f"raw file {PROBE_RAW}: decode_params {params} differs from the proxy shape's {expect}")
    rows.append({
        "model": "llama-3-8b-proxy", "display_name": "Llama-3-8B decode proxy (H200 probe)", "developer": "tokenecon",
        "model_class": "dense", "openrouter_slug": None, "hf_repo": None,
        "total_params_b": params / 1e9, "active_params_b": params / 1e9, "active_matmul_params_b": params / 1e9,
        "embedding_params_b": 0.0, "n_layers": float(s["layers"]), "d_model": float(s["d_model"]),
        "n_heads": float(s["heads"]), "n_kv_heads": float(s["kv_heads"]), "head_dim": float(s["head_dim"]),
        "attention_type": "GQA", "full_kv_layers": float(s["layers"]),
        "kv_bytes_per_token": float(2 * s["layers"] * s["kv_heads"] * s["head_dim"] * 2),
        "kv_extra_bytes_per_token": 0.0,
        "attn_flop_per_ctx_token": _attn_flop_per_ctx(s["heads"], s["head_dim"], s["head_dim"], s["layers"]),
        "attention_topk_tokens": float("nan"), "indexer_flop_per_ctx_token": float("nan"), "swa_layers": 0.0,
        "sliding_window_tokens": float("nan"), "swa_kv_bytes_per_token": float("nan"),
        "swa_attn_flop_per_ctx_token": float("nan"), "n_experts": float("nan"), "experts_per_token": float("nan"),
        "n_shared_experts": float("nan"), "n_moe_layers": float("nan"), "expert_params_m": float("nan"),
        "serving_precision": "bf16", "input_usd_per_mtok": float("nan"), "output_usd_per_mtok": float("nan"),
        "cached_input_usd_per_mtok": float("nan"), "price_source": None,
        "params_confidence": "measured (probe decode_params)", "arch_confidence": "exact (probe script shapes)",
        "source": "shared/tools/gpu_energy_probe.py (non-tiny shapes); gpu/h200_energy_probe_1.json decode_params",
    })
    df = pd.DataFrame(rows)
    df = df.sort_values("model", kind="stable").reset_index(drop=True)
    return df[[c.name for c in MODELS.columns]]


def _f(name, desc, unit=None, lo=0, hi=None, nullable=True):
    return Column(name, "float", desc, unit, lo, hi, nullable=nullable)


MODELS = Table(
    name="models",
    title="Language models: size, architecture, serving precision and list prices",
    description="Leading models of the OpenRouter token tables and reference models, with what the energy "
    "model needs (active matmul parameters, layers, KV-cache bytes, attention FLOPs per context token, MoE "
    "experts) and list prices per million tokens. Closed models have their architecture left empty.",
    columns=(
        Column("model", "str", "Package key (lower-case short name)", pattern=r"[a-z0-9][a-z0-9.\-]*"),
        Column("display_name", "str", "Name as in the raw compilation"),
        Column("developer", "str", "Lab"),
        Column("model_class", "str", "dense, moe or unknown", allowed=("dense", "moe", "unknown")),
        Column("openrouter_slug", "str", "OpenRouter slug(s) without date suffix; '|' separates releases that share the architecture", nullable=True),
        Column("hf_repo", "str", "Hugging Face repository of the reference checkpoint", nullable=True),
        _f("total_params_b", "All weights from config (embeddings, lm_head, attention, FFN, experts)", "billion"),
        _f("active_params_b", "Activated parameters per token as stated by the lab", "billion"),
        _f("active_matmul_params_b", "Active parameters excluding the input embedding: 2x this = matmul FLOPs "
           "per token", "billion"),
        _f("embedding_params_b", "Input embedding (vocab x d_model): a lookup, not read in full per step", "billion"),
        _f("n_layers", "Decoder layers (MTP excluded)", "layers", 1, 1000),
        _f("d_model", "Hidden size", "dimensions", 1, 1e5),
        _f("n_heads", "Query heads (full-attention layers)", "heads", 1, 1000),
        _f("n_kv_heads", "KV heads (for MLA, the config's head count; the cache holds one latent)", "heads", 1, 1000),
        _f("head_dim", "Q/K head dimension", "dimensions", 1, 1000),
        Column("attention_type", "str", "MHA/GQA/MLA/MLA+DSA/hybrid", nullable=True),
        _f("full_kv_layers", "Layers whose KV cache grows with the whole context", "layers", 0, 1000),
        _f("kv_bytes_per_token", "KV-cache bytes per token of context over full layers, native cache dtype "
           "(MLA: one 576-value latent per layer)", "bytes", 0, 1e7),
        _f("kv_extra_bytes_per_token", "Extra per-token cache (DSA indexer keys)", "bytes", 0, 1e7),
        _f("attn_flop_per_ctx_token", "Attention FLOPs per generated token per context token over full layers "
           "(2*heads*(d_qk+d_v)*layers; absorbed MLA uses the latent widths)", "FLOP", 0, 1e9),
        _f("attention_topk_tokens", "DSA sparse attention: tokens attended per layer (empty = dense)", "tokens", 1),
        _f("indexer_flop_per_ctx_token", "DSA indexer FLOPs per generated token per context token", "FLOP", 0, 1e9),
        _f("swa_layers", "Sliding-window layers", "layers", 0, 1000),
        _f("sliding_window_tokens", "Sliding window length", "tokens", 1),
        _f("swa_kv_bytes_per_token", "KV bytes per token over sliding-window layers (up to the window)", "bytes",
           0, 1e8),
        _f("swa_attn_flop_per_ctx_token", "Attention FLOPs per context token over sliding-window layers", "FLOP",
           0, 1e9),
        _f("n_experts", "Routed experts per MoE layer", "experts", 1, 10000),
        _f("experts_per_token", "Routed experts active per token", "experts", 1, 1000),
        _f("n_shared_experts", "Shared experts per MoE layer (always read; counted in the dense part)", "experts", 0, 100),
        _f("n_moe_layers", "Layers with routed experts (layers - first_k_dense_replace)", "layers", 0, 1000),
        _f("expert_params_m", "Parameters of one routed expert in one layer (SwiGLU: 3*d_model*moe_ffn)",
           "million", 0, 1e5),
        Column("serving_precision", "str", "Weight format of the released checkpoint", nullable=True,
               allowed=PRECISIONS),
        _f("input_usd_per_mtok", "List price per million input tokens", "USD per M tokens", 0, 1000),
        _f("output_usd_per_mtok", "List price per million output tokens", "USD per M tokens", 0, 1000),
        _f("cached_input_usd_per_mtok", "List price per million cached input tokens", "USD per M tokens", 0, 1000),
        Column("price_source", "str", "LiteLLM key the prices come from", nullable=True),
        Column("params_confidence", "str", "Confidence of the parameter counts (see SOURCES.md vocabulary)"),
        Column("arch_confidence", "str", "Confidence of the architecture fields"),
        Column("source", "str", "Raw row and its upstream source"),
    ),
    key=("model",),
    sources=(SRC_ARCH, SRC_PRICES, SRC_PROBE),
    derivation="One row per row of models/model_architectures.csv (renamed by MODEL_CROSSWALK) plus the probe "
    "proxy llama-3-8b-proxy (shape from tools/gpu_energy_probe.py, parameters from the probe file, checked "
    "against each other). Attention FLOPs, expert sizes and embedding size are computed from config fields; "
    "prices are the LiteLLM entry named in price_source.",
    build=build_models,
    raw_files=(ARCH_RAW, PRICES_RAW, PROBE_RAW),
    caveats="Closed models (Claude, GPT-5, Gemini, Grok) have no public architecture: left empty, never imputed. "
    "serving_precision is the released checkpoint's format; providers may re-quantise.",
)


# --------------------------------------------------------------------------- measurements

def build_energy_measurements(raw_dir: Path) -> pd.DataFrame:
    ml = read_raw(raw_dir, MLENERGY_RAW)
    require_columns(ml, MLENERGY_RAW, [
        "task", "model_id", "weight_precision", "gpu_model", "num_gpus", "tensor_parallel", "expert_parallel",
        "data_parallel", "max_num_seqs", "avg_batch_size", "avg_output_len", "output_throughput_tokens_per_sec",
        "avg_power_watts", "energy_per_token_joules", "median_itl_ms", "p90_itl_ms"])
    ml = ml[ml["model_id"].isin(MLENERGY_MODELS) & ml["task"].isin(MLENERGY_TASKS)].copy()
    # A few configurations were run twice: number the repeats in file order (":r2").
    rep = ml.groupby(["task", "model_id", "gpu_model", "tensor_parallel", "expert_parallel", "data_parallel",
                      "max_num_seqs"], sort=False).cumcount()
    suffix = np.where(rep > 0, ":r" + (rep + 1).astype(str), "")
    rows = pd.DataFrame({
        "measurement_id": ("mlenergy:" + ml["task"] + ":" + ml["model_id"] + ":" + ml["gpu_model"] + ":tp"
                           + ml["tensor_parallel"].astype(str) + "ep" + ml["expert_parallel"].astype(str)
                           + "dp" + ml["data_parallel"].astype(str) + ":seqs" + ml["max_num_seqs"].astype(str) + suffix),
        "dataset": "mlenergy_v3",
        "model": ml["model_id"].map(MLENERGY_MODELS),
        "model_variant": ml["model_id"],
        "hardware": ml["gpu_model"],
        "precision": ml["weight_precision"].map(MLENERGY_PRECISION),
        "task": ml["task"],
        "num_gpus": ml["num_gpus"].astype(int),
        "tensor_parallel": ml["tensor_parallel"].astype(int),
        "expert_parallel": ml["expert_parallel"].astype(int),
        "data_parallel": ml["data_parallel"].astype(int),
        "max_num_seqs": ml["max_num_seqs"].astype(float),
        "batch": ml["avg_batch_size"].astype(float),
        "context_tokens": float("nan"),
        "avg_output_tokens": ml["avg_output_len"].astype(float),
        "tokens_per_s": ml["output_throughput_tokens_per_sec"].astype(float),
        "power_w": ml["avg_power_watts"].astype(float),
        "j_per_token": ml["energy_per_token_joules"].astype(float),
        "median_itl_ms": ml["median_itl_ms"].astype(float),
        "p90_itl_ms": ml["p90_itl_ms"].astype(float),
        "boundary": "gpu_board",
        "source": "ml-energy/leaderboard@0cd52dab public/data/tasks/" + ml["task"] + ".json",
    })
    if rows["precision"].isna().any():
        raise ValueError(f"raw file {MLENERGY_RAW}: unknown weight_precision in {sorted(set(ml['weight_precision']))}")
    probe = json.loads((Path(raw_dir) / PROBE_RAW).read_text())
    if "decode" not in probe:
        raise ValueError(f"raw file {PROBE_RAW}: expected a 'decode' list")
    pr = pd.DataFrame(probe["decode"])
    prow = pd.DataFrame({
        "measurement_id": "h200_probe:b" + pr["batch"].astype(str) + ":c" + pr["context"].astype(str),
        "dataset": "h200_probe",
        "model": "llama-3-8b-proxy",
        "model_variant": "Llama-3-8B shapes, random bf16 weights, no embedding/LM head",
        "hardware": "H200",
        "precision": "bf16",
        "task": "decode_proxy",
        "num_gpus": 1, "tensor_parallel": 1, "expert_parallel": 1, "data_parallel": 1,
        "max_num_seqs": pr["batch"].astype(float),
        "batch": pr["batch"].astype(float),
        "context_tokens": pr["context"].astype(float),
        "avg_output_tokens": float("nan"),
        "tokens_per_s": pr["tokens_per_s"].astype(float),
        "power_w": pr["watts"].astype(float),
        "j_per_token": pr["j_per_token"].astype(float),
        "median_itl_ms": float("nan"),
        "p90_itl_ms": float("nan"),
        "boundary": "gpu_board",
        "source": "shared/sources/gpu/h200_energy_probe_1.json (decode)",
    })
    out = pd.concat([prow, rows], ignore_index=True)
    out = out.sort_values(["dataset", "model", "hardware", "measurement_id"], kind="stable").reset_index(drop=True)
    return out[[c.name for c in ENERGY_MEASUREMENTS.columns]]


ENERGY_MEASUREMENTS = Table(
    name="energy_measurements",
    title="Measured GPU energy per output token (ML.ENERGY v3 runs and the H200 probe)",
    description="Joules per generated token at the GPU board, with batch, parallelism and precision: the "
    "ML.ENERGY v3 text runs of models in `models` (H100, B200; vLLM, 1-8 GPUs) and the H200 probe's dense "
    "decode proxy by batch and context.",
    columns=(
        Column("measurement_id", "str", "Unique id: dataset, task, model, GPU, parallelism, batch cap"),
        Column("dataset", "str", "mlenergy_v3 or h200_probe", allowed=("mlenergy_v3", "h200_probe")),
        Column("model", "str", "Key into `models`"),
        Column("model_variant", "str", "Checkpoint measured"),
        Column("hardware", "str", "Key into `hardware`"),
        Column("precision", "str", "Weight precision served", allowed=PRECISIONS),
        Column("task", "str", "Workload (ML.ENERGY task) or decode_proxy"),
        Column("num_gpus", "int", "GPUs in the instance", "GPUs", 1, 64),
        Column("tensor_parallel", "int", "Tensor-parallel degree", "GPUs", 1, 64),
        Column("expert_parallel", "int", "Expert-parallel degree", "GPUs", 1, 64),
        Column("data_parallel", "int", "Data-parallel degree", "replicas", 1, 64),
        Column("max_num_seqs", "float", "Batch cap", "sequences", 1),
        Column("batch", "float", "Average concurrent sequences over the instance", "sequences", 0),
        Column("context_tokens", "float", "KV-cache length per sequence (probe); empty for ML.ENERGY", "tokens", 0,
               nullable=True),
        Column("avg_output_tokens", "float", "Average output length per request (ML.ENERGY)", "tokens", 0,
               nullable=True),
        Column("tokens_per_s", "float", "Output tokens per second over the instance", "tokens/s", 0),
        Column("power_w", "float", "Average GPU power summed over the instance's GPUs", "W", 0),
        Column("j_per_token", "float", "GPU board joules per output token (ML.ENERGY: prefill energy included)",
               "J/token", 0),
        Column("median_itl_ms", "float", "Median inter-token latency of a request (ML.ENERGY): the time of a "
               "typical decode step", "ms", 0, nullable=True),
        Column("p90_itl_ms", "float", "90th-percentile inter-token latency (ML.ENERGY)", "ms", 0, nullable=True),
        Column("boundary", "str", "Energy boundary", allowed=("gpu_board",)),
        Column("source", "str", "File the row comes from"),
    ),
    key=("measurement_id",),
    sources=(SRC_MLENERGY, SRC_PROBE),
    derivation="ML.ENERGY rows: runs of MLENERGY_MODELS on the text tasks lm-arena-chat, gpqa and "
    "sourcegraph-fim, columns renamed, no values changed. Probe rows: the probe JSON's decode list.",
    build=build_energy_measurements,
    raw_files=(MLENERGY_RAW, PROBE_RAW),
    caveats="GPU board energy only: no host CPU, DRAM, network or facility overhead. ML.ENERGY does not publish "
    "input lengths, so the context per run is an assumption of the calibration (tokenecon.model.calibration).",
)


def build_gpu_energy_probe(raw_dir: Path) -> pd.DataFrame:
    p = json.loads((Path(raw_dir) / PROBE_RAW).read_text())
    for k in ("idle_w", "gemm", "copy", "power_limit_w"):
        if k not in p:
            raise ValueError(f"raw file {PROBE_RAW}: expected field {k!r}")
    return pd.DataFrame([{
        "hardware": "H200",
        "power_limit_w": float(p["power_limit_w"]),
        "idle_w": float(p["idle_w"]),
        "gemm_tflops": float(p["gemm"]["tflops"]),
        "gemm_w": float(p["gemm"]["watts"]),
        "gemm_pj_per_flop": float(p["gemm"]["pj_per_flop"]),
        "copy_tb_s": float(p["copy"]["tb_per_s"]),
        "copy_w": float(p["copy"]["watts"]),
        "copy_pj_per_byte": float(p["copy"]["pj_per_byte"]),
        "source": "shared/sources/gpu/h200_energy_probe_1.json",
    }])


GPU_ENERGY_PROBE = Table(
    name="gpu_energy_probe",
    title="Measured roofline energy constants of one H200",
    description="Idle board power, and power and energy per unit of work for a bf16 GEMM (8192^3) and an "
    "8 GiB device-to-device copy, from NVML's energy counter.",
    columns=(
        Column("hardware", "str", "Key into `hardware`"),
        _f("power_limit_w", "Enforced power limit", "W", 0, 5000, nullable=False),
        _f("idle_w", "Board power with nothing running", "W", 0, 5000, nullable=False),
        _f("gemm_tflops", "Achieved bf16 GEMM throughput", "TFLOPS", 0, 1e5, nullable=False),
        _f("gemm_w", "Board power during the GEMM loop", "W", 0, 5000, nullable=False),
        _f("gemm_pj_per_flop", "Total board energy per FLOP during the GEMM (idle included)", "pJ/FLOP", 0, 100,
           nullable=False),
        _f("copy_tb_s", "Achieved copy rate counting bytes read + written", "TB/s", 0, 100, nullable=False),
        _f("copy_w", "Board power during the copy loop", "W", 0, 5000, nullable=False),
        _f("copy_pj_per_byte", "Total board energy per byte moved (idle included)", "pJ/byte", 0, 1e4,
           nullable=False),
        Column("source", "str", "Raw file"),
    ),
    key=("hardware",),
    sources=(SRC_PROBE,),
    derivation="Fields idle_w, gemm.* and copy.* of the probe JSON, renamed.",
    build=build_gpu_energy_probe,
    raw_files=(PROBE_RAW,),
    caveats="One GPU, one run of 4 s per measurement; GPU board only.",
)

TABLES = [HARDWARE, MODELS, ENERGY_MEASUREMENTS, GPU_ENERGY_PROBE]


# --------------------------------------------------------------------------- calibration

ENERGY_CALIBRATION = Table(
    name="energy_calibration",
    title="Fitted efficiency factors of the GPU energy model, with their errors",
    description="Factors fitted by tokenecon.model.calibration: on the H200 probe (regime 'probe', five factors) and "
    "on the ML.ENERGY v3 vLLM runs per GPU type (regime 'serving': of flop_util, busy_power_w, "
    "moe_layer_overhead_s and seq_overhead_s, those the runs identify, i.e. tying one to the probe's value worsens the fit by more than "
    "0.01%; bw_util, step_overhead_s, the energy per FLOP/byte factors and any unidentified factor are tied to the "
    "probe fit, and the columns fitted_parameters and tied_parameters say which). Fitted jointly on "
    "log J/token and log tokens/s with a robust (soft-L1) loss, so a few runs far from any roofline do not pull "
    "the others. Errors in-sample and out of sample (leave-one-model-out; leave-one-point-out for the probe).",
    columns=(
        Column("regime", "str", "probe or serving", allowed=("probe", "serving")),
        Column("hardware", "str", "GPU type the factors were fitted on"),
        _f("flop_util", "Achieved fraction of peak FLOP/s", "fraction", 0, 1, nullable=False),
        _f("bw_util", "Achieved fraction of peak HBM bandwidth", "fraction", 0, 1, nullable=False),
        _f("step_overhead_s", "Fixed time per step", "s", 0, 1, nullable=False),
        _f("flop_energy_factor", "Energy per FLOP relative to the probe's GEMM", "ratio", 0, 10, nullable=False),
        _f("byte_energy_factor", "Energy per byte relative to the probe's copy", "ratio", 0, 10, nullable=False),
        _f("busy_power_w", "Power per GPU above idle while steps run, independent of FLOPs and bytes", "W", 0,
           2000, nullable=False),
        _f("moe_layer_overhead_s", "Extra time per MoE layer per step (routing, permutation, grouped GEMMs)", "s", 0,
           1, nullable=False),
        _f("seq_overhead_s", "Time per sequence per step (the engine's per-request scheduling, input preparation, "
           "sampling); makes throughput saturate at large batch", "s", 0, 1, nullable=False),
        Column("fitted_parameters", "str", "Factors fitted in this regime (identified by the data)"),
        Column("tied_parameters", "str", "Factors not identified by these data, carried over from the named fit",
               nullable=True),
        Column("n_measurements", "int", "Measurements fitted", "rows", 1),
        Column("n_models", "int", "Distinct models among them", "models", 1),
        _f("median_abs_error_pct", "In-sample median |pred/meas - 1|", "%", 0, nullable=False),
        _f("median_ratio_error", "In-sample median max(pred/meas, meas/pred)", "ratio", 1, nullable=False),
        _f("median_abs_error_pct_out_of_sample", "Out-of-sample median |pred/meas - 1|", "%", 0, nullable=False),
        _f("median_ratio_error_out_of_sample", "Out-of-sample median ratio error", "ratio", 1, nullable=False),
        _f("throughput_median_ratio_error", "In-sample median ratio error of output tokens/s", "ratio", 1,
           nullable=False),
        _f("throughput_median_ratio_error_out_of_sample", "Out-of-sample median ratio error of tokens/s", "ratio", 1,
           nullable=False),
        Column("out_of_sample_method", "str", "How out-of-sample predictions were made"),
        Column("applies_to", "str", "Hardware that uses these factors by default (an assumption for unmeasured chips)"),
    ),
    key=("regime", "hardware"),
    sources=(SRC_MLENERGY, SRC_PROBE),
    derivation="tokenecon.model.calibration.calibrate on the energy_measurements, models, hardware and gpu_energy_probe "
    "tables; bounded robust (soft-L1, scale 0.2 in log units) least squares on log errors from a fixed start; "
    "factors and errors "
    "stored at 3 significant digits (the fit moves only in the 8th digit between BLAS kernels).",
    kind="fitted",
    inputs=("energy_measurements", "models", "hardware", "gpu_energy_probe"),
    caveats="ML.ENERGY input lengths are assumed per task (calibration.TASK_INPUT_TOKENS). Chips without "
    "measurements borrow the H100 or B200 serving factors.",
)

TABLES.append(ENERGY_CALIBRATION)

ENERGY_CALIBRATION_BOOTSTRAP = Table(
    name="energy_calibration_bootstrap",
    title="Bootstrap refits of the serving-regime efficiency factors (uncertainty of the fit)",
    description="Per GPU type with serving measurements, refits of the identified serving factors on resamples of "
    "the measured models (whole models drawn with replacement, each model's runs kept together), started at the "
    "central fit. Tied factors repeat the central fit's values. The Monte Carlo draws one replicate per draw, so "
    "the fit's uncertainty is inside every energy and cost interval.",
    columns=(
        Column("hardware", "str", "GPU type the factors were fitted on"),
        Column("replicate", "int", "Bootstrap replicate number", "replicate", 0),
        _f("flop_util", "Achieved fraction of peak FLOP/s", "fraction", 0, 1, nullable=False),
        _f("bw_util", "Achieved fraction of peak HBM bandwidth", "fraction", 0, 1, nullable=False),
        _f("step_overhead_s", "Fixed time per step", "s", 0, 1, nullable=False),
        _f("flop_energy_factor", "Energy per FLOP relative to the probe's GEMM", "ratio", 0, 10, nullable=False),
        _f("byte_energy_factor", "Energy per byte relative to the probe's copy", "ratio", 0, 10, nullable=False),
        _f("busy_power_w", "Power per GPU above idle while steps run", "W", 0, 2000, nullable=False),
        _f("moe_layer_overhead_s", "Extra time per MoE layer per step", "s", 0, 1, nullable=False),
        _f("seq_overhead_s", "Time per sequence per step", "s", 0, 1, nullable=False),
        Column("fitted_parameters", "str", "Factors refitted in each replicate (the central fit's identified ones)"),
    ),
    key=("hardware", "replicate"),
    sources=(SRC_MLENERGY, SRC_PROBE),
    derivation="tokenecon.model.calibration.bootstrap_table: 20 replicates per GPU type, seeded resampling of "
    "models, bounded robust (soft-L1) least squares on log J/token and log tokens/s started at the stored fit; "
    "refitted factors "
    "stored at 2 significant digits.",
    kind="fitted",
    inputs=("energy_measurements", "models", "hardware", "gpu_energy_probe", "energy_calibration"),
    caveats="Resampling models (7 on H100, 10 on B200) gives a coarse picture of the fit's uncertainty; it does "
    "not cover the assumed task input lengths.",
)

TABLES.append(ENERGY_CALIBRATION_BOOTSTRAP)
