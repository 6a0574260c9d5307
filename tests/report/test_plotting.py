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
