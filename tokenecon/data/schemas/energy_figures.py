"""Outside figures of energy per token or per query, to set beside the package's own estimates.

Hand-compiled: one row per published figure, each with its source and URL, the boundary it is drawn at, the
batch or per-user speed at which it holds, and a label saying how it was obtained (measured, disclosed,
estimated, derived). ``tokenecon.analysis.energy_frontier.outside_figures_comparison`` computes the
package's figure for the same model, workload and boundary beside each.
"""

from __future__ import annotations

from tokenecon.data import Column, Source, Table

SRC_RESEARCH = Source(
    title="Energy anchors compiled for tokenecon (research/energy.md section 1a, research/serving_frontier.md "
    "section 4), each figure from the publisher's own page, paper or repository",
    retrieved="2026-12-01",
    licence="facts, each row citing its source",
    path="shared/research/energy.md; shared/research/serving_frontier.md",
)

ENERGY_OUTSIDE_FIGURES = Table(
    name="energy_outside_figures",
    title="Published energy figures per token or per query (measured, disclosed, estimated or derived)",
    description="Outside figures the package's energy model is compared with: Epoch AI's GPT-4o query, Google's "
    "median Gemini prompt (and its accelerator-only share), DeepSeek's production day, EcoLogits' formula, the "
    "llm-carbon-index bands, InferenceX's DeepSeek-R1 on B200 and ML.ENERGY measurements. Each row says its "
    "boundary (GPU board, IT, facility, provisioned) and the batch or per-user speed at which it holds.",
    columns=(
        Column("figure_id", "str", "Row key", pattern=r"[a-z0-9_]+"),
        Column("publisher", "str", "Who published (or whose formula was applied)"),
        Column("figure", "str", "What the figure is, in words"),
        Column("value", "float", "The figure as published (or as derived, see label)", unit="the row's `unit`", min=0.0),
        Column("unit", "str", "Unit of value"),
        Column("j_per_token", "float", "The figure in joules per token on its own boundary (empty where tokens are "
               "not disclosed)", unit="J per token", min=0.0, nullable=True),
        Column("j_per_token_basis", "str", "How j_per_token follows from the figure"),
        Column("model_described", "str", "The model the figure is about, as its publisher describes it"),
        Column("package_model", "str", "models-table key the package models for the comparison (a stand-in where "
               "the model is closed; empty where no comparison is possible)", nullable=True),
        Column("hardware", "str", "Accelerator of the figure", nullable=True),
        Column("n_gpus", "float", "GPUs per instance where stated", unit="GPUs", min=1, nullable=True),
        Column("boundary", "str", "Energy boundary: accelerator board, IT (node), facility (IT x PUE), or "
               "provisioned (all-in power per GPU)", allowed=("gpu_board", "it", "facility", "provisioned")),
        Column("operating_point", "str", "Batch, per-user speed or workload at which the figure holds, in words"),
        Column("batch", "float", "Concurrent sequences where stated", unit="sequences", min=1, nullable=True),
        Column("user_tokens_per_s", "float", "Per-user output speed where stated", unit="tokens/s per user", min=0,
               nullable=True),
        Column("output_tokens", "float", "Output tokens per query where stated", unit="tokens", min=0, nullable=True),
        Column("input_tokens", "float", "Input tokens per query where stated", unit="tokens", min=0, nullable=True),
        Column("measurement_id", "str", "energy_measurements row the figure is (ML.ENERGY rows)", nullable=True),
        Column("label", "str", "How the figure was obtained", allowed=("measured", "disclosed", "estimated", "derived")),
        Column("year", "int", "Year of the figure", unit="year", min=2020, max=2030),
        Column("source", "str", "Source of the row"),
        Column("url", "str", "Where to read it"),
    ),
    key=("figure_id",),
    sources=(SRC_RESEARCH,),
    derivation="Hand-compiled from research/energy.md section 1a and research/serving_frontier.md section 4; the "
    "J-per-token conversions are stated per row (j_per_token_basis); ML.ENERGY rows repeat energy_measurements "
    "rows (a test checks they agree).",
    kind="hand-compiled",
    caveats="Boundaries differ by row and must not be mixed: ML.ENERGY and EcoLogits are GPU-only, DeepSeek's "
    "derived figure is IT power from an assumed nameplate, Epoch and Google are facility-level, InferenceX is "
    "all-in provisioned power. Google discloses no tokens per prompt.",
)

TABLES = [ENERGY_OUTSIDE_FIGURES]
