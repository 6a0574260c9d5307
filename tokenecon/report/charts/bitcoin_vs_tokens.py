"""Charts of the Bitcoin-against-tokens report: each function draws one finished figure from the outputs of
:mod:`tokenecon.analysis.bitcoin_vs_tokens` (title, labelled axes, legend, takeaway, data for the CSV link)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tokenecon.report import plotting
from tokenecon.report.notebook import fmt_pct

_RED, _GREY, _BLUE = plotting.BLOC_COLORS["china"], plotting.BLOC_COLORS["other"], plotting.BLOC_COLORS["us"]
_COUNTRY_COLORS = {"Mainland China": _RED, "United States": _BLUE, "Kazakhstan": "#9467bd",
                   "Russian Federation": "#8c564b"}
_STACK_COLORS = {"electricity": "#ff7f0e", "hardware": "#1f77b4", "other cost": "#8c8c8c",
                 "rest (margin, unmodelled)": "#2ca02c"}


def _months(ds) -> str:
    return ", ".join(f"{d:%Y-%m}" for d in ds)


def hashrate_share(shares: pd.DataFrame, summary: dict, threshold_pct: float = 70.0, china: str = "Mainland China"):
    """China's (and other countries') share of the hash rate by month, with the article's threshold."""
    fig, ax = plt.subplots()
    for name in shares.columns:
        ax.plot(shares.index, shares[name], label=name, color=_COUNTRY_COLORS.get(name),
                lw=2.2 if name == china else 1.4)
    ax.axhline(threshold_pct, color=_GREY, ls=":", lw=1)
    ax.text(shares.index[max(len(shares) - 9, 0)], threshold_pct - 4, f"{threshold_pct:g}% (the article's figure)",
            color=_GREY, fontsize=8)
    ax.legend(loc="upper right", fontsize=8)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    s = summary
    plotting.finish(ax, title="China's share of the Bitcoin hash rate over the crackdown",
                    xlabel="Month (CBECI Mining Map)", ylabel="Share of global hash rate (%)",
                    takeaway=(f"China fell from {s['first_pct']:.1f}% in {s['first']:%Y-%m} to 0% in "
                              f"{_months(s['zero'])} and was back at {s['last_pct']:.1f}% by {s['last']:%Y-%m}."),
                    data=shares.rename_axis("month").reset_index())
    plt.show()
    return fig


def network_energy(annual: pd.DataFrame, price: float):
    """The network's yearly electricity: the rebuild's bounds and best guess against CBECI's published figures."""
    fig, ax = plt.subplots()
    x = annual.index.values
    ax.fill_between(x, annual["twh_lower"], annual["twh_upper"], color=_RED, alpha=0.15,
                    label="this model: lower–upper bound")
    ax.plot(x, annual["twh_best"], color=_RED, marker="o", label="this model: best guess")
    ax.plot(x, annual["cbeci_twh_best"], color="black", ls="--", marker="x",
            label="CBECI best guess (published, 0.05 USD/kWh)")
    ax.plot(x, annual["cbeci_twh_lower"], color="black", ls=":", lw=1, label="CBECI lower / upper")
    ax.plot(x, annual["cbeci_twh_upper"], color="black", ls=":", lw=1)
    ax.set_yscale("log")
    ax.legend(fontsize=8, loc="upper left")
    last = annual.iloc[-1]
    plotting.finish(ax, title="Bitcoin network electricity use, with bounds",
                    xlabel="Year", ylabel="Electricity (TWh per year, log scale)",
                    takeaway=(f"In {annual.index[-1]} the network used {last['twh_best']:.0f} TWh "
                              f"({last['twh_lower']:.0f}–{last['twh_upper']:.0f}) at {price} USD/kWh; CBECI "
                              f"published {last['cbeci_twh_best']:.0f}."),
                    data=annual[["twh_lower", "twh_best", "twh_upper", "cbeci_twh_lower", "cbeci_twh_best",
                                 "cbeci_twh_upper"]].rename_axis("year").reset_index())
    plt.show()
    return fig


def revenue_per_kwh(points: pd.DataFrame, price: float, takeaway: str, week: str, scenario: str):
    """Revenue per kWh on a log scale: all miners and China's miners by year, then each token model and the mix.

    ``points``: :func:`tokenecon.analysis.bitcoin_vs_tokens.revenue_per_kwh_points`."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    miners = points[points["group"] == "all miners"].reset_index(drop=True)
    pos = {lab: i for i, lab in enumerate(miners["label"])}
    tokens = points[points["group"].isin(["token model", "token mix"])].reset_index(drop=True)
    tpos = np.arange(len(miners), len(miners) + len(tokens)) + 0.5
    n_models = int((points["group"] == "token model").sum())
    styles = {"all miners": ("o", _GREY, "Bitcoin, all miners (best guess; bars: upper-lower energy)", 6),
              "China's miners": ("s", _RED, "Bitcoin, China's miners (map months only)", 6),
              "token model": ("D", _BLUE, f"tokens at list price, per model (real token mix, {scenario}; 90% interval)", 6),
              "token mix": ("*", _BLUE, f"tokens, all {n_models} weighted by their tokens", 12)}
    for group, (marker, color, label, ms) in styles.items():
        g = points[points["group"] == group]
        if g.empty:
            continue
        if group == "all miners":
            x = np.arange(len(g))
        elif group == "China's miners":
            x = np.array([pos[lab] for lab in g["label"]]) + 0.2
        else:
            x = tpos[tokens.index[tokens["group"] == group]]
        v = g["usd_per_kwh"].to_numpy()
        ax.errorbar(x, v, yerr=[v - g["low"].to_numpy(), g["high"].to_numpy() - v], fmt=marker, ms=ms, color=color,
                    capsize=3, label=label)
    ax.set_xticks(list(range(len(miners))) + list(tpos))
    ax.set_xticklabels(list(miners["label"]) + list(tokens["label"]), rotation=45, ha="right")
    ax.axhline(price, color="black", ls=":", lw=1)
    ax.text(0, price * 0.8, f"electricity price {price} USD/kWh", fontsize=8)
    ax.set_yscale("log")
    ax.legend(fontsize=8, loc="upper left")
    plotting.finish(ax, title="Revenue per kWh of electricity: Bitcoin mining against serving tokens",
                    xlabel=f"Bitcoin by year | Chinese models of the week of {week}",
                    ylabel="Revenue (USD per kWh, log scale)", takeaway=takeaway,
                    data=points.rename(columns={"usd_per_kwh": "revenue_usd_per_kwh"}))
    plt.show()
    return fig


def cost_stacks(stacks: pd.DataFrame):
    """Stacked shares of revenue (electricity, hardware, other cost, rest) for mining years and token models.

    ``stacks``: :func:`tokenecon.analysis.bitcoin_vs_tokens.cost_stacks_share_of_revenue`."""
    from tokenecon.report.glossary import model_name

    # token rows are named by model key, mining rows in words ("mining 2024")
    words = [model_name(a) if k == "tokens" else a for a, k in zip(stacks["activity"], stacks["kind"])]
    st = stacks.assign(activity=words).set_index("activity").drop(columns="kind")
    fig, ax = plt.subplots(figsize=(9, 4.8))
    up, down = np.zeros(len(st)), np.zeros(len(st))
    for col in st.columns:
        v = 100 * st[col].to_numpy()
        ax.bar(st.index, v, bottom=np.where(v >= 0, up, down), color=_STACK_COLORS.get(col), label=col)
        up, down = up + np.where(v >= 0, v, 0), down + np.where(v < 0, v, 0)
    ax.axhline(100, color="black", lw=0.8)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylim(min(0.0, down.min() - 5), max(100.0, up.max()) + 22)
    ax.legend(fontsize=8, loc="upper center", ncol=4)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    mine = stacks[stacks["kind"] == "mining"]
    tok = stacks[stacks["kind"] == "tokens"]
    if len(mine):
        ms = mine["electricity"]
        tk = (f"Electricity takes {fmt_pct(ms.min(), 0)}–{fmt_pct(ms.max(), 0)} of mining revenue "
              f"({mine['activity'].iloc[0].split()[-1]}–{mine['activity'].iloc[-1].split()[-1]})")
    else:
        tk = "No ASIC price point falls in the chosen years, so no mining stack is drawn"
    tk += f"; for tokens it is {fmt_pct(tok['electricity'].max(), 1)} or less of the list price." if len(tok) else "."
    plotting.finish(ax, title="Cost stacks as shares of revenue: mining against serving tokens",
                    xlabel="Activity", ylabel="Share of revenue (%; a negative rest is a loss)", takeaway=tk,
                    data=stacks)
    plt.show()
    return fig
