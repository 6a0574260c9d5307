"""Both ends of a token export: where OpenRouter's requests enter, who hosts each model, at what precision.

Derived from the raw mirror ``tokens/`` (section E of its SOURCES.md: ``pacell/openrouter-stats``), plus one
small hand-compiled table (edge data-centre code -> city, country, region).

Tables
------
``edge_colo_locations``          hand-compiled: edge data-centre (colo) code -> city, ISO country, region
``openrouter_request_origin``    the ranked edge locations each model's requests arrive from (ranks, no volumes)
``openrouter_provider_locations`` every OpenRouter provider's headquarters and datacentre countries (105 providers)
``openrouter_endpoints``         provider x model offers: quantization, region, posted prices, throughput/latency
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tokenecon.data import Column, Source, Table
from tokenecon.data.schemas._helpers import MIRROR_RETRIEVED, read_raw, require_columns
from tokenecon.data.schemas.tokens import ISO2, NONE_STATED, RAW, SLUG, SRC_PROV_CATALOGUE

F_COLOS = f"{RAW}/openrouter_top_colos_by_model_pacell.csv"
F_CATALOGUE = f"{RAW}/openrouter_provider_catalogue_pacell.csv"
F_ENDPOINTS = f"{RAW}/openrouter_endpoint_catalogue_pacell.csv"

#: Cloudflare's regions, as its speed-test location list names them.
REGIONS = ("North America", "South America", "Europe", "Middle East", "Africa", "Asia Pacific", "Oceania")
VARIANTS = ("standard", "free", "batch")
QUANTIZATIONS = ("bf16", "fp16", "fp8", "fp4", "mxfp4", "nvfp4", "int4", "unknown")
#: Quantization as published -> precision family used by the analysis: the 16-bit formats together (fp16 and
#: bf16 store 2 bytes per weight), the 4-bit float formats together (fp4, OCP mxfp4, NVIDIA nvfp4), int4 alone.
PRECISION_FAMILY = {"bf16": "bf16", "fp16": "bf16", "fp8": "fp8", "fp4": "fp4", "mxfp4": "fp4", "nvfp4": "fp4",
                    "int4": "int4", "unknown": "unknown"}
PRECISION_FAMILIES = ("bf16", "fp8", "fp4", "int4", "unknown")
#: OpenRouter's alias models (``~anthropic/claude-opus-latest``) repeat their target's rows.
ALIAS_PREFIX = "~"
MODEL_ID = r"[a-z0-9][a-z0-9._-]*/[^\s~]+"

SRC_COLOS = Source(
    title="openrouter-stats: top_colos_by_model (ranked edge locations of each model's requests, ~2026-09-01)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED + "; upstream is OpenRouter's undocumented front-end /stats endpoints",
    repository="https://github.com/pacell/openrouter-stats",
    path="data/openrouter/top_colos_by_model.csv",
    commit="ccdd83ea47bb35a80f3ef5c9a5067d8ee0efa8e1",
)
SRC_ENDPOINTS = Source(
    title="openrouter-stats: endpoint catalogue (one row per model x provider endpoint, ~2026-09-01)",
    retrieved=MIRROR_RETRIEVED,
    licence=NONE_STATED + "; upstream is OpenRouter's /api/v1 model endpoints listing and front-end stats",
    repository="https://github.com/pacell/openrouter-stats",
    path="data/openrouter/endpoint_catalogue.csv",
    commit="0ce070afd50a8c1414593c98b3246e0ef2d125e0",
)
SRC_CLOUDFLARE = Source(
    title="Cloudflare data-centre list: status-page components (name, colo code) and the speed-test location list "
          "(ISO country, region), as mirrored daily by cloudflare-colo-list",
    retrieved="2026-12-01",
    licence="facts from Cloudflare's public pages; mirror repository MIT",
    url="https://www.cloudflarestatus.com/api/v2/components.json ; https://speed.cloudflare.com/locations",
    repository="https://github.com/Netrvin/cloudflare-colo-list",
    path="DC-Colos.json",
    commit="1917c9e2b2a1f0bb06b68002b07d3a6404471340",
)

# --------------------------------------------------------------------------- colo -> place (hand-compiled)

COLOS = Table(
    name="edge_colo_locations",
    title="Edge data-centre codes (colos) -> city, country and region",
    description=(
        "One row per three-letter edge data-centre code that appears in OpenRouter's request-origin lists (a test "
        "checks the coverage). The codes are IATA airport codes of the metro the data centre serves; every one of "
        "them is a Cloudflare data-centre code, so city, ISO country and region are Cloudflare's own: the name on its "
        "status page and the country and region of its speed-test location list. The San Francisco Bay Area's "
        "data centre in these lists is SJC (San Jose); Berlin's keeps the code of its old airport, TXL."
    ),
    columns=(
        Column("colo", "str", "edge data-centre code (IATA airport code)", pattern=r"[A-Z]{3}"),
        Column("city", "str", "city the data centre serves (Cloudflare's name)"),
        Column("country", "str", "country, ISO 3166-1 alpha-2 (TW = Taiwan, not mainland China)", pattern=ISO2),
        Column("region", "str", "Cloudflare's region", allowed=REGIONS),
        Column("cloudflare_name", "str", "the data centre as named on Cloudflare's status page"),
        Column("source", "str", "where the row comes from"),
    ),
    key=("colo",),
    sources=(SRC_CLOUDFLARE,),
    derivation=(
        "Compiled from Cloudflare's status-page component name of each code (city, country) and its speed-test "
        "location list (ISO country, region); KIV (Chisinau) is on the status page only, its country read from the name."
    ),
    kind="hand-compiled",
    caveats=(
        "Regions are Cloudflare's (it counts Kazakhstan as Europe, Armenia as Middle East, Mexico and Guatemala as "
        "North America). A colo is where a request entered the edge network, not the user's country."
    ),
)

# --------------------------------------------------------------------------- request origin by model


def _author(model_id: pd.Series) -> pd.Series:
    """The labs.author of each model: its id prefix when the labs table lists it, else empty (not guessed)."""
    from tokenecon import data

    prefix = model_id.str.split("/").str[0]
    return prefix.where(prefix.isin(set(data.load("labs")["author"])), None)


def build_request_origin(raw_dir: Path) -> pd.DataFrame:
    from tokenecon import data

    raw = read_raw(raw_dir, F_COLOS, dtype=str, keep_default_na=False)
    require_columns(raw, F_COLOS, ["model_id", "permaslug", "variant", "rank", "colo"])
    raw = raw[~raw["model_id"].str.startswith(ALIAS_PREFIX)]
    places = data.load("edge_colo_locations").set_index("colo")
    unknown = sorted(set(raw["colo"]) - set(places.index))
    if unknown:
        raise ValueError(
            f"raw file {F_COLOS}: colo(s) {unknown} are not in data/edge_colo_locations.csv; add a row (with its source) for each"
        )
    out = pd.DataFrame(
        {
            "model_id": raw["model_id"],
            "permaslug": raw["permaslug"],
            "variant": raw["variant"],
            "author": _author(raw["model_id"]),
            "rank": raw["rank"].astype("Int64"),
            "colo": raw["colo"],
        }
    )
    out["list_length"] = out.groupby(["model_id", "variant"])["rank"].transform("max").astype("Int64")
    out["city"] = out["colo"].map(places["city"])
    out["country"] = out["colo"].map(places["country"])
    out["region"] = out["colo"].map(places["region"])
    return out.sort_values(["model_id", "variant", "rank"]).reset_index(drop=True)


REQUEST_ORIGIN = Table(
    name="openrouter_request_origin",
    title="Where each OpenRouter model's requests enter the edge network: ranked colos with country and region (~2026-09-01)",
    description=(
        "One row per model, variant and rank: the edge data centres (colos) from which the model's requests arrive, "
        "in OpenRouter's own order (rank 1 = most traffic), at most 25 per model and variant, mapped to city, country "
        "and region through edge_colo_locations. Ranks only: the upstream gives no request or token counts, so a "
        "rank cannot be turned into a share without an assumption."
    ),
    columns=(
        Column("model_id", "str", "OpenRouter model id (a ':free' or ':batch' suffix marks the variant)", pattern=MODEL_ID),
        Column("permaslug", "str", "OpenRouter permaslug", pattern=MODEL_ID),
        Column("variant", "str", "offer variant", allowed=VARIANTS),
        Column("author", "str", "labs.author of the model (its id prefix); empty when the labs table does not list the prefix",
               pattern=SLUG, nullable=True),
        Column("rank", "int", "rank of the colo in the model's list", min=1, max=25, unit="rank (1 = most traffic)"),
        Column("colo", "str", "edge data-centre code", pattern=r"[A-Z]{3}"),
        Column("list_length", "int", "number of colos listed for the model and variant", min=1, max=25, unit="colos"),
        Column("city", "str", "city of the colo"),
        Column("country", "str", "country of the colo (ISO2)", pattern=ISO2),
        Column("region", "str", "Cloudflare region of the colo", allowed=REGIONS),
    ),
    key=("model_id", "variant", "rank"),
    sources=(SRC_COLOS, SRC_CLOUDFLARE),
    derivation=(
        "Rows of the ~...-latest alias models dropped (they repeat their target's list); author = model id prefix where "
        "labs lists it; "
        "list_length = the largest rank of the model and variant; city, country and region joined from "
        "edge_colo_locations (a colo missing there fails the build)."
    ),
    build=build_request_origin,
    raw_files=(F_COLOS,),
    caveats=(
        "Ranks, not volumes. A colo is where a request entered the edge network, not where the user is (VPNs, "
        "cloud-hosted agents and corporate gateways move it). One snapshot (~2026-09-01). author is empty for model "
        "prefixes the labs table does not list (e.g. ibm-granite, nousresearch, sakana, dots-studio): the analysis "
        "counts them as not Chinese labs."
    ),
)

# --------------------------------------------------------------------------- provider locations (fuller catalogue)


def build_provider_locations(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_CATALOGUE, dtype=str, keep_default_na=False)
    require_columns(raw, F_CATALOGUE, ["provider_name", "provider_slug", "headquarters", "datacenters",
                                       "privacy_policy_url", "terms_of_service_url", "status_page_url"])
    if raw["provider_slug"].duplicated().any():
        dup = sorted(raw.loc[raw["provider_slug"].duplicated(), "provider_slug"])
        raise ValueError(f"raw file {F_CATALOGUE}: duplicated provider_slug {dup}")

    def opt(col):
        return raw[col].where(raw[col] != "", None)

    dcs = raw["datacenters"]
    out = pd.DataFrame(
        {
            "provider_slug": raw["provider_slug"],
            "provider_name": raw["provider_name"],
            "hq_country": opt("headquarters"),
            "datacentre_countries": opt("datacenters"),
            "n_datacentre_countries": dcs.map(lambda s: len(s.split("|")) if s else 0).astype("Int64"),
            "lists_cn_datacentre": dcs.map(lambda s: "CN" in s.split("|")),
            "privacy_policy_url": opt("privacy_policy_url"),
            "terms_of_service_url": opt("terms_of_service_url"),
            "status_page_url": opt("status_page_url"),
        }
    )
    return out.sort_values("provider_slug").reset_index(drop=True)


PROVIDER_LOCATIONS = Table(
    name="openrouter_provider_locations",
    title="Every OpenRouter inference provider's headquarters and datacentre countries (fuller catalogue, ~2026-09-01)",
    description=(
        "One row per provider in OpenRouter's provider catalogue: headquarters country and the datacentre countries "
        "OpenRouter publishes for it (self-declared), with its policy and status pages. This is the full catalogue "
        "(105 providers) of which the provider table of the token day used a trimmed extract."
    ),
    columns=(
        Column("provider_slug", "str", "OpenRouter provider slug", pattern=SLUG),
        Column("provider_name", "str", "provider display name"),
        Column("hq_country", "str", "headquarters country (ISO2); empty if none published", nullable=True, pattern=ISO2),
        Column("datacentre_countries", "str", "datacentre countries as published (ISO2, '|'-separated); empty if none",
               nullable=True, pattern=r"[A-Z]{2}(\|[A-Z]{2})*"),
        Column("n_datacentre_countries", "int", "number of datacentre countries published", min=0, unit="countries"),
        Column("lists_cn_datacentre", "bool", "true if CN is among the published datacentre countries"),
        Column("privacy_policy_url", "str", "privacy policy", nullable=True),
        Column("terms_of_service_url", "str", "terms of service", nullable=True),
        Column("status_page_url", "str", "status page", nullable=True),
    ),
    key=("provider_slug",),
    sources=(SRC_PROV_CATALOGUE,),
    derivation="Copied from the catalogue; empty strings -> empty; n_datacentre_countries and lists_cn_datacentre counted from the list.",
    build=build_provider_locations,
    raw_files=(F_CATALOGUE,),
    caveats=(
        "Datacentre lists are self-declared by the providers and most (79 of 105) are empty; headquarters is not "
        "where inference runs. Compared with the trimmed extract used before, it adds 32 providers (none with a "
        "published location that changes the token day's classification) and changes no headquarters or datacentre list."
    ),
)

# --------------------------------------------------------------------------- endpoints


def build_endpoints(raw_dir: Path) -> pd.DataFrame:
    raw = read_raw(raw_dir, F_ENDPOINTS, dtype=str, keep_default_na=False)
    need = ["model_id", "permaslug", "variant", "endpoint_id", "provider_name", "provider_slug", "provider_region",
            "quantization", "context_length", "max_completion_tokens", "status", "is_free", "listed_input_usd_per_mtok",
            "listed_output_usd_per_mtok", "listed_cache_read_usd_per_mtok", "discount", "stats_request_count",
            "stats_window_minutes", "created_at"]
    pct = ("p50", "p75", "p90", "p95", "p99")
    need += [f"{p}_throughput_tok_s" for p in pct] + [f"{p}_latency_ms" for p in pct]
    require_columns(raw, F_ENDPOINTS, need)
    raw = raw[~raw["model_id"].str.startswith(ALIAS_PREFIX)]
    bad = sorted(set(raw["quantization"]) - set(QUANTIZATIONS))
    if bad:
        raise ValueError(f"raw file {F_ENDPOINTS}: column 'quantization' has values {bad}; expected {list(QUANTIZATIONS)}")

    def num(col, nd=None):
        v = pd.to_numeric(raw[col].where(raw[col] != "", None), errors="raise")
        return v.round(nd) if nd is not None else v

    def integer(col):
        return pd.to_numeric(raw[col].where(raw[col] != "", None), errors="raise").astype("Int64")

    out = pd.DataFrame(
        {
            "model_id": raw["model_id"],
            "permaslug": raw["permaslug"],
            "variant": raw["variant"],
            "author": _author(raw["model_id"]),
            "endpoint_id": raw["endpoint_id"],
            "provider_slug": raw["provider_slug"].str.split("/").str[0],
            "provider_offer": raw["provider_slug"],
            "provider_name": raw["provider_name"],
            "provider_region": raw["provider_region"].where(raw["provider_region"] != "", None),
            "quantization": raw["quantization"],
            "precision_family": raw["quantization"].map(PRECISION_FAMILY),
            "context_length_tokens": integer("context_length"),
            "max_completion_tokens": integer("max_completion_tokens"),
            "status": integer("status"),
            "is_free": raw["is_free"].str.lower().map({"true": True, "false": False}),
            "listed_input_usd_per_mtok": num("listed_input_usd_per_mtok", 6),
            "listed_output_usd_per_mtok": num("listed_output_usd_per_mtok", 6),
            "listed_cache_read_usd_per_mtok": num("listed_cache_read_usd_per_mtok", 6),
            "discount_share": num("discount", 6),
        }
    )
    for p in pct:
        out[f"{p}_throughput_tok_s"] = num(f"{p}_throughput_tok_s", 3)
    for p in pct:
        out[f"{p}_latency_ms"] = num(f"{p}_latency_ms", 3)
    out["stats_requests"] = integer("stats_request_count")
    out["stats_window_minutes"] = integer("stats_window_minutes")
    out["created_date"] = pd.to_datetime(raw["created_at"].str[:10], format="%Y-%m-%d")
    return out.sort_values(["model_id", "provider_offer", "endpoint_id"]).reset_index(drop=True)


_PCT_COLS = tuple(
    [Column(f"{p}_throughput_tok_s", "float", f"{p[1:]}th percentile output throughput, last 30 minutes; empty if not measured",
            unit="tokens per second", min=0, nullable=True) for p in ("p50", "p75", "p90", "p95", "p99")]
    + [Column(f"{p}_latency_ms", "float", f"{p[1:]}th percentile time to first token, last 30 minutes; empty if not measured",
              unit="ms", min=0, nullable=True) for p in ("p50", "p75", "p90", "p95", "p99")]
)

ENDPOINTS = Table(
    name="openrouter_endpoints",
    title="OpenRouter endpoints: provider x model offers with quantization, region, posted prices and performance (~2026-09-01)",
    description=(
        "One row per endpoint (one provider's offer of one model): the quantization the host declares (the only data "
        "here on the precision at which hosts actually serve each model), its precision family, the provider's region "
        "where published, posted prices (net of any discount), and throughput and latency percentiles over a rolling "
        "30-minute window with the number of requests in it."
    ),
    columns=(
        Column("model_id", "str", "OpenRouter model id (':free'/':batch' suffix = variant)", pattern=MODEL_ID),
        Column("permaslug", "str", "OpenRouter permaslug", pattern=MODEL_ID),
        Column("variant", "str", "offer variant", allowed=VARIANTS),
        Column("author", "str", "labs.author of the model (its id prefix); empty when the labs table does not list the prefix",
               pattern=SLUG, nullable=True),
        Column("endpoint_id", "str", "OpenRouter endpoint id", pattern=r"[0-9a-f-]{36}"),
        Column("provider_slug", "str", "provider slug (maps to openrouter_provider_locations)", pattern=SLUG),
        Column("provider_offer", "str", "provider slug with the offer's region or tier tag (e.g. google-vertex/europe)"),
        Column("provider_name", "str", "provider display name"),
        Column("provider_region", "str", "cloud region of the offer where published (e.g. eu-west-1)", nullable=True),
        Column("quantization", "str", "quantization as the host declares it", allowed=QUANTIZATIONS),
        Column("precision_family", "str", "bf16 (incl. fp16), fp8, fp4 (fp4, mxfp4, nvfp4), int4, unknown", allowed=PRECISION_FAMILIES),
        Column("context_length_tokens", "int", "context window", unit="tokens", min=0),
        Column("max_completion_tokens", "int", "maximum completion length; empty if none", unit="tokens", min=0, nullable=True),
        Column("status", "int", "OpenRouter endpoint status (0 = normal; negative = degraded)", unit="status code", max=0),
        Column("is_free", "bool", "a free offer"),
        Column("listed_input_usd_per_mtok", "float", "posted input price, net of discount", unit="USD per million tokens", min=0),
        Column("listed_output_usd_per_mtok", "float", "posted output price, net of discount", unit="USD per million tokens", min=0),
        Column("listed_cache_read_usd_per_mtok", "float", "posted cached-input price; empty if none", unit="USD per million tokens",
               min=0, nullable=True),
        Column("discount_share", "float", "discount already applied to the posted prices (negative = a surcharge)", unit="fraction", min=-1, max=1),
        *_PCT_COLS,
        Column("stats_requests", "int", "requests in the 30-minute statistics window; empty if none", unit="requests", min=0, nullable=True),
        Column("stats_window_minutes", "int", "length of the statistics window; empty if none", unit="minutes", min=0, nullable=True),
        Column("created_date", "date", "date the endpoint was created"),
    ),
    key=("endpoint_id",),
    sources=(SRC_ENDPOINTS,),
    derivation=(
        "Rows of the ~...-latest alias models dropped (129 endpoints listed twice); author = model id prefix where labs "
        "lists it; provider_slug = the part of the "
        "upstream provider slug before '/', provider_offer = the whole; precision_family from quantization "
        "(tokenecon/data/schemas/origin.py PRECISION_FAMILY); prices rounded to 1e-6 USD, percentiles to 1e-3; "
        "created_date = the date of created_at; limits, routing flags, tiers and data-policy columns not copied."
    ),
    build=build_endpoints,
    raw_files=(F_ENDPOINTS,),
    date_column="created_date",
    caveats=(
        "A snapshot: posted prices and 30-minute performance, not history. 'unknown' quantization is the largest "
        "group (hosts that declare none). stats_requests counts requests in half an hour, not tokens, and is empty "
        "for endpoints with no recent traffic. author is empty for model prefixes the labs table does not list."
    ),
)

TABLES = [COLOS, REQUEST_ORIGIN, PROVIDER_LOCATIONS, ENDPOINTS]
