"""The chart contract: title, axis labels with units and a takeaway, or no chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tokenecon.report import plotting  # noqa: E402


@pytest.mark.parametrize("missing", ["title", "xlabel", "ylabel", "takeaway"])
def test_finish_refuses_a_chart_without_title_labels_or_takeaway(missing):
    fig, ax = plt.subplots()
    kw = {"title": "T", "xlabel": "Batch (sequences)", "ylabel": "Energy (J per token)", "takeaway": "It falls."}
    kw[missing] = "  "
    with pytest.raises(ValueError, match=f"non-empty {missing}"):
        plotting.finish(ax, **kw)
    plt.close(fig)


def test_finish_labels_the_chart_and_keeps_its_alt_text():
    fig, ax = plt.subplots()
    plotting.finish(ax, title="Energy per token", xlabel="Batch (sequences)", ylabel="Energy (J per token)",
                    takeaway="Energy per token falls with batch.")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Energy per token", "Batch (sequences)", "Energy (J per token)")
    assert any(t.get_text() == "Takeaway: Energy per token falls with batch." for t in fig.texts)
    assert fig.tokenecon_alt == "Chart: Energy per token. Takeaway: Energy per token falls with batch."
    plt.close(fig)


def _kw(**over):
    kw = {"title": "Energy per token", "xlabel": "Batch (sequences)", "ylabel": "Energy (J per token)",
          "takeaway": "It falls."}
    kw.update(over)
    return kw


def test_finish_refuses_several_labelled_series_without_a_legend():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4], label="China")
    ax.plot([1, 2], [4, 3], label="US")
    with pytest.raises(ValueError, match=r"2 labelled series \('China', 'US'\) but no legend"):
        plotting.finish(ax, **_kw())
    ax.legend()
    plotting.finish(ax, **_kw())  # with the legend it passes
    plt.close(fig)
    # one series needs no legend; a figure legend covering a twin axes counts
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4], label="only one")
    ax2 = ax.twinx()
    ax2.plot([1, 2], [1, 2], label="a")
    ax2.plot([1, 2], [2, 1], label="b")
    fig.legend()
    plotting.finish(ax, **_kw())
    plt.close(fig)


@pytest.mark.parametrize("label", ["Verdict (category)", "Estimator or source (label)"])
def test_finish_refuses_placeholder_axis_labels(label):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="names the kind of axis"):
        plotting.finish(ax, **_kw(ylabel=label))
    plt.close(fig)


def test_one_bloc_palette():
    assert list(plotting.bloc_palette()) == ["china", "us", "europe", "other", "unknown"]
    assert list(plotting.bloc_palette(names=True)) == ["China", "US", "Europe", "Other", "Unknown origin"]
    # spellings kept as keys (for seaborn's hue values), ordered by bloc, colours the same everywhere
    assert plotting.bloc_palette(["US", "unknown", "China"]) == {
        "China": plotting.BLOC_COLORS["china"], "US": plotting.BLOC_COLORS["us"], "unknown": plotting.BLOC_COLORS["unknown"]}
    assert plotting.bloc_color("China") == plotting.bloc_color("china") == "#d62728"
    with pytest.raises(ValueError, match="unknown bloc 'Mars'"):
        plotting.bloc_color("Mars")


def _chart(data=None):
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 2, 1], label="China", color=plotting.bloc_color("china"))
    ax.plot([1, 2, 3], [1, 2, 3], label="US", color=plotting.bloc_color("us"))
    ax.legend()
    plotting.finish(ax, **_kw(), data=data)
    out = plotting.figure_html(fig)
    plt.close(fig)
    return out


def test_figure_html_is_a_reproducible_svg_with_its_csv():
    import base64
    import io

    import pandas as pd

    df = pd.DataFrame({"batch": [1, 2, 3], "china_j_per_token": [3.0, 2.0, 1.0], "us_j_per_token": [1.0, 2.0, 3.0]})
    a, b = _chart(df), _chart(df)
    assert a == b  # byte-identical across two renders (fixed hash salt, no date)
    src = a.split('src="', 1)[1].split('"', 1)[0]
    assert src.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    assert 'alt="Chart: Energy per token. Takeaway: It falls."' in a
    assert 'style="max-width:100%;height:auto"' in a  # scaled to the page width
    csv = a.split('download="energy-per-token.csv" href="', 1)[1].split('"', 1)[0]
    back = pd.read_csv(io.BytesIO(base64.b64decode(csv.split(",", 1)[1])))
    assert back.equals(df)
    # no data given: the points are read back from the chart itself
    auto = _chart()
    csv = auto.split('download="energy-per-token.csv" href="', 1)[1].split('"', 1)[0]
    back = pd.read_csv(io.BytesIO(base64.b64decode(csv.split(",", 1)[1])))
    assert list(back.columns) == ["series", "Batch (sequences)", "Energy (J per token)"]
    assert back.values.tolist() == [["China", 1, 3], ["China", 2, 2], ["China", 3, 1], ["US", 1, 1], ["US", 2, 2], ["US", 3, 3]]


def test_finish_refuses_data_that_is_not_a_frame():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        plotting.finish(ax, **_kw(), data=[1, 2])
    plt.close(fig)


def test_unfinished_figure_keeps_the_default_display():
    fig, _ = plt.subplots()
    assert plotting.figure_html(fig) is None
    plt.close(fig)


def test_finish_refuses_unlabelled_series_in_several_colours_without_a_legend():
    fig, ax = plt.subplots()
    for bloc, ys in (("china", [1, 2, 3]), ("us", [3, 2, 1])):
        ax.plot([0, 1, 2], ys, color=plotting.bloc_color(bloc))
    ax.axhline(0, color="black")  # a reference line is not a series
    with pytest.raises(ValueError, match="unlabelled series in 2 colours but no legend"):
        plotting.finish(ax, **_kw())
    leg = plotting.bloc_legend(ax, ["us", "china"])
    assert [t.get_text() for t in leg.get_texts()] == ["China", "US"]
    plotting.finish(ax, **_kw())
    plt.close(fig)


def test_chart_data_reads_bars_by_their_category_names():
    fig, ax = plt.subplots()
    ax.barh(["supported", "roughly", "contradicted"], [11, 4, 2], label="claims")
    ax.set_xlabel("Claims (count)")
    ax.set_ylabel("Verdict")
    df = plotting.chart_data(fig)
    assert df.values.tolist() == [["claims", 11, "supported"], ["claims", 4, "roughly"], ["claims", 2, "contradicted"]]
    plt.close(fig)


def test_default_colours_never_look_like_a_bloc():
    from matplotlib.colors import to_hex

    plotting.use_style()
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1, 2], [i, i, i])[0] for i in range(len(plotting.SERIES_COLORS))]
    used = {to_hex(line.get_color()) for line in lines}
    assert used == set(plotting.SERIES_COLORS)
    assert not used & {to_hex(c) for c in plotting.BLOC_COLORS.values()}
    plt.close(fig)


def test_bloc_shades_keep_each_series_in_its_bloc_colour_family():
    from matplotlib.colors import to_rgb

    shades = plotting.bloc_shades([("DeepSeek", "china"), ("Anthropic", "US"), ("MiniMax", "china"),
                                   ("Moonshot AI", "china"), ("Mistral", "europe")])
    assert list(shades) == ["DeepSeek", "Anthropic", "MiniMax", "Moonshot AI", "Mistral"]
    assert len(set(shades.values())) == 5
    assert shades["Anthropic"] == plotting.BLOC_COLORS["us"] and shades["Mistral"] == plotting.BLOC_COLORS["europe"]
    for name in ("DeepSeek", "MiniMax", "Moonshot AI"):  # reds: the red channel dominates
        r, g, b = to_rgb(shades[name])
        assert r > g and r > b


def test_finish_refuses_category_axes_named_by_code():
    fig, ax = plt.subplots()
    ax.barh(["glm-5.1", "deepseek-v3.2", "Kimi K2.5"], [1, 2, 3])
    with pytest.raises(ValueError, match=r"y axis .* by code \(glm-5.1, deepseek-v3.2\)"):
        plotting.finish(ax, title="T", xlabel="Hosts (count)", ylabel="Model", takeaway="t")
    fig2, ax2 = plt.subplots()
    ax2.barh(["GLM-5.1", "DeepSeek-V3.2"], [1, 2])
    plotting.finish(ax2, title="T", xlabel="Hosts (count)", ylabel="Model", takeaway="t")  # words pass
    plt.close("all")
