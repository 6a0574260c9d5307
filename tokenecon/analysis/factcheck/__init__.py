"""The article, claim by claim: the verdict engine (:mod:`.engine`), the claim computations (:mod:`.claims`)
and the sections they are explained in (:mod:`.links`)."""

from __future__ import annotations

from tokenecon.analysis.factcheck.engine import (  # noqa: F401
    Check, Context, DEFAULT_TOLERANCE, DIRECTIONS, Finding, MAJORITY, ORDER_OF_MAGNITUDE_DECADES, REPORT_HTML,
    SCALES, UNIT_WORDS, VERDICTS, Verdict, check_claim, checks_frame, claimed_text, format_estimate, judge,
    not_checkable, not_computed, require_computed, stated_precision,
)
from tokenecon.analysis.factcheck.links import (  # noqa: F401
    L_ARTICLE_WEEK, L_BTC_MAP, L_BTC_REVENUE, L_PLACE, L_ORIGIN, L_TOKEN_COST, L_WORLD, OTHER_REPORT_HEADINGS, SECTIONS, S_BITCOIN,
    S_ELECTRICITY, S_HARDWARE, S_NOT, S_NOT_COMPUTED, S_PRICES, S_THESIS, S_TOKENS, heading_anchor,
    heading_link, section_of,
)
from tokenecon.analysis.factcheck.claims import (  # noqa: F401
    CHECKS, THESIS_READING, bill_cut_order_of_magnitude, bill_ratio_at_list_prices, btc_china_hashrate_share,
    btc_crackdown_year, btc_migration_destinations, chat_tokens_per_conversation, china_top10_share,
    china_weekly_tokens, chinese_labs_in_token_tables, cn_ai_competitors, cn_electricity_discount,
    dc_electricity_bill_annual, deepseek_v3_vs_gpt4o_cost_ratio, electricity_discount_pct, evaluate,
    glm5_rank_third, gpu_power_full_load, h100_price, headline_findings, input_price_ratio,
    kimi_k25_rank_second, m25_active_params, m25_input_price, m25_rank_first, m25_total_params,
    m25_weekly_tokens, opus46_input_price, pricing_below_cost, requests_from_abroad, requests_served_in_china, swe_scores, thesis_electricity_export,
    thesis_numbers, token_cost_two_components, tokens_vs_bitcoin_value, vast_compute_electricity_export, top10_weekly_tokens, top3_all_china,
    verdict_counts,
)
