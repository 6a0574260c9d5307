"""World-scale inputs: token volumes, foreign-share proxies, where first-party APIs compute, electricity
comparators and revenue (hand-compiled, one source per row).

These tables feed :mod:`tokenecon.analysis.world`, which scales the OpenRouter slice up to every
Chinese-model token used abroad. They were compiled in 2026-12 from stored copies of public pages
(research note ``shared/research/world_scale.md`` and the pages it names, plus a few found with a
full-text search of stored pages). Nothing was re-measured.

Every row carries the provenance the issue asks for:

* ``stated`` — the figure as the source writes it (translated where the source is Chinese);
* ``flag`` — ``primary`` (the organisation's own page, filing or paper, read directly), ``primary_quoted``
  (a primary statement seen quoted verbatim in a secondary page), ``secondary_quoting_official`` (press
  reporting an official's statement), ``secondary`` (press, blogs, analysts);
* ``published`` — the publication date of the page cited; ``source`` — its URL (or, where only the research
  note holds the page, that note's path and section); ``source_title`` — what the page is.

Token counts are not one unit across sources (the issue's warning, kept in the columns ``modality``,
``channel`` and ``cache_hits_included``): national counts include multimodal and app traffic; DeepSeek
counts cache hits as input; Google counts "all surfaces"; totals overlap (OpenRouter's tokens are inside
the providers' own totals).
"""

from __future__ import annotations

from tokenecon.data import Column, Source, Table

FLAGS = ("primary", "primary_quoted", "secondary_quoting_official", "secondary")
RESEARCH_NOTE = "shared/research/world_scale.md"


def _provenance() -> tuple[Column, ...]:
    return (
        Column("stated", "str", "the figure as the source states it (translated where the source is Chinese)"),
        Column("flag", "str", "primary (own page/filing read directly), primary_quoted (primary statement quoted "
                              "verbatim in a secondary page), secondary_quoting_official, secondary", allowed=FLAGS),
        Column("published", "date", "publication date of the cited page (the last day of the month or year where only that is known)"),
        Column("source", "str", "URL of the cited page, or the research note's path and section where it holds the copy",
               pattern=r"(https?://\S+|shared/research/\S+\.md §\d+.*)"),
        Column("source_title", "str", "what the cited page is (publisher, title or occasion)"),
    )


_NOTE_SOURCE = Source(
    title="World scale: sourced inputs (research note compiled from stored copies of public pages); rows found "
          "beyond the note cite their own page's URL in the source column",
    retrieved="2026-12-01", licence="facts quoted from public pages for research; copyright of each publisher",
    path=RESEARCH_NOTE,
)
TOKEN_VOLUMES = Table(
    name="world_token_volumes",
    title="Disclosed token volumes: Chinese providers, China-wide counts, Western providers and OpenRouter",
    description=(
        "One row per disclosed token volume, as stated, with the period it is counted over (day, week, month, "
        "minute, quarter, half-year) so the code normalises it to tokens per day. China-wide rows are the "
        "National Data Administration's counts of daily token calls; the provider rows bound the world total "
        "and OpenRouter's share of it."
    ),
    kind="hand-compiled",
    columns=(
        Column("figure_id", "str", "stable slug of the figure", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("entity", "str", "who served the tokens (provider, product or country)"),
        Column("group", "str", "china_wide (national count), chinese_provider, western_provider, openrouter",
               allowed=("china_wide", "chinese_provider", "western_provider", "openrouter")),
        Column("as_of", "date", "date the volume refers to (end of the period; the 1st of a month for 'beginning of')"),
        Column("tokens", "float", "the volume as stated, in tokens per `period`", unit="tokens", min=0),
        Column("period", "str", "the period the volume is counted over",
               allowed=("minute", "day", "week", "month", "quarter", "half_year")),
        Column("qualifier", "str", "how the source hedges it: stated, over (a floor), about, estimate (not a company figure)",
               allowed=("stated", "over", "about", "estimate")),
        Column("modality", "str", "what tokens are counted: text, multimodal, unknown", allowed=("text", "multimodal", "unknown")),
        Column("channel", "str", "which traffic: api, app_and_api, all_surfaces (every product), router, unknown",
               allowed=("api", "app_and_api", "all_surfaces", "router", "unknown")),
        Column("cache_hits_included", "str", "whether cached prompt tokens are counted: yes, no, unknown",
               allowed=("yes", "no", "unknown")),
        *_provenance(),
    ),
    key=("figure_id",),
    sources=(_NOTE_SOURCE,),
    derivation="Hand-compiled from the pages named per row; volumes typed as stated, in the stated period, no conversion.",
    date_column="as_of",
    caveats=("No definition was found of whether the national count includes tokens served abroad by Chinese firms; "
             "the National Data Administration describes tokens as units of text, code, images, audio and video, so "
             "the count is multimodal. Moonshot/Kimi and Tencent publish no absolute volumes."),
)

FOREIGN_SHARES = Table(
    name="world_foreign_shares",
    title="How much of Chinese labs' traffic comes from abroad: the proxies that exist",
    description=(
        "Published shares that stand in for the foreign share of Chinese-model tokens: revenue earned outside "
        "mainland China, app downloads outside China, and China's share of world visits to chatbot websites. "
        "None is a token share; `measures` says what each one measures."
    ),
    kind="hand-compiled",
    columns=(
        Column("figure_id", "str", "stable slug of the figure", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("entity", "str", "whose share it is"),
        Column("as_of", "date", "end of the period the share refers to"),
        Column("share", "float", "the share as a fraction (0..1)", unit="fraction", min=0, max=1),
        Column("measures", "str", "what the share is a share of",
               allowed=("revenue_outside_mainland", "app_downloads_outside_china", "china_share_of_world_chatbot_visits")),
        Column("qualifier", "str", "stated, over (a floor), about", allowed=("stated", "over", "about")),
        *_provenance(),
    ),
    key=("figure_id",),
    sources=(_NOTE_SOURCE,),
    derivation="Hand-compiled from the pages named per row; percentages typed as fractions.",
    date_column="as_of",
    caveats=("No foreign share was found for Doubao, Qwen, Kimi, Zhipu or DeepSeek's API. The RAND share is China's "
             "share of world traffic, not the foreign share of Chinese traffic."),
)

COMPUTE_LOCATIONS = Table(
    name="world_compute_locations",
    title="Where first-party Chinese APIs compute (or keep data)",
    description=(
        "Statements by Chinese labs and clouds on where their international services run: the inference region "
        "where stated, else the data-residency or server location. `basis` says which one the statement gives; "
        "data residency is not necessarily where inference runs."
    ),
    kind="hand-compiled",
    columns=(
        Column("figure_id", "str", "stable slug of the statement", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("provider", "str", "lab or cloud"),
        Column("service", "str", "the service the statement covers"),
        Column("location", "str", "the place stated"),
        Column("mainland_china", "str", "whether that place is in mainland China: yes, no, partly (several regions incl. the mainland)",
               allowed=("yes", "no", "partly")),
        Column("basis", "str", "inference_location (stated), servers, data_residency, contracting_entity",
               allowed=("inference_location", "servers", "data_residency", "contracting_entity")),
        *_provenance(),
    ),
    key=("figure_id",),
    sources=(_NOTE_SOURCE,),
    derivation="Hand-compiled from the pages named per row.",
    caveats="Only Alibaba's and BytePlus's pages state the inference region; the others state servers, residency or entities.",
)

ELECTRICITY_COMPARATORS = Table(
    name="world_electricity_comparators",
    title="Electricity comparators: China's consumption, data centres, and electricity supplied across its borders",
    description=(
        "Annual (or part-year) electricity figures against which the electricity of Chinese-model tokens used "
        "abroad is set: China's total consumption, its and the world's data centres (IEA), the mainland's supply "
        "to Macau and Yunnan's cross-border trade with Vietnam, Laos and Myanmar. China's national electricity "
        "exports have no recent published total (the latest found is for 2012)."
    ),
    kind="hand-compiled",
    columns=(
        Column("figure_id", "str", "stable slug of the figure", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("quantity", "str", "what is measured",
               allowed=("china_consumption", "china_data_centres", "world_data_centres", "macau_supply_from_mainland",
                        "yunnan_cross_border_export", "yunnan_cross_border_import", "china_national_export",
                        "china_national_import")),
        Column("period_start", "date", "first day of the period the figure covers"),
        Column("period_end", "date", "last day of the period the figure covers"),
        Column("twh", "float", "electricity over the period", unit="TWh", min=0),
        *_provenance(),
    ),
    key=("figure_id",),
    sources=(_NOTE_SOURCE,),
    derivation="Hand-compiled from the pages named per row; kWh figures typed in TWh (1 TWh = 1e9 kWh).",
    date_column="period_end",
    caveats="Part-year figures keep their own period; the analysis annualises them only where it says so.",
)

REVENUE = Table(
    name="world_revenue",
    title="Revenue of Chinese model labs (for the revenue route and cross-checks)",
    description=(
        "Disclosed revenue of Chinese labs over a stated period, with the part that is API (open platform) "
        "revenue where stated, in the reporting currency."
    ),
    kind="hand-compiled",
    columns=(
        Column("figure_id", "str", "stable slug of the figure", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("entity", "str", "the company"),
        Column("item", "str", "total_revenue, api_and_enterprise_revenue (open platform and enterprise services), "
                              "api_share_of_revenue (a fraction, currency empty), theoretical_list_revenue (at list prices, not earned)",
               allowed=("total_revenue", "api_and_enterprise_revenue", "api_share_of_revenue", "theoretical_list_revenue")),
        Column("period_start", "date", "first day of the period"),
        Column("period_end", "date", "last day of the period"),
        Column("amount", "float", "the amount as stated (a fraction for api_share_of_revenue)", unit="per row, in `currency`", min=0),
        Column("currency", "str", "USD, CNY, or empty for a share", allowed=("USD", "CNY"), nullable=True),
        *_provenance(),
    ),
    key=("figure_id",),
    sources=(_NOTE_SOURCE,),
    derivation="Hand-compiled from the pages named per row; amounts as stated, in the reporting currency.",
    date_column="period_end",
)

TABLES = [TOKEN_VOLUMES, FOREIGN_SHARES, COMPUTE_LOCATIONS, ELECTRICITY_COMPARATORS, REVENUE]
