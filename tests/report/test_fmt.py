"""The one number formatter: figures that fit the uncertainty, never scientific notation, dates in words."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from tokenecon.estimate import Estimate
from tokenecon.report import fmt


@pytest.mark.parametrize("x, sig, expected", [
    (8.743e12, 3, "8.74 trillion"),
    (5_158_000_000_000, 2, "5.2 trillion"),
    (1234.4, 3, "1,230"),
    (6353.2, 2, "6,400"),
    (2.05e3, 3, "2,050"),
    (1.48e4, 3, "14,800"),
    (0.0123456, 3, "0.0123"),
    (0.000123456, 3, "0.000123"),
    (9.96, 2, "10"),  # rounding moves up a decade: no "10.0"
    (105.0, 2, "110"),  # halves round away from zero, as people round
    (-2.5, 1, "-3"),
    (12345, None, "12,345"),  # a count below a million stays exact by default
    (12345, 2, "12,000"),  # ... and is rounded when asked
    (np.int64(7), None, "7"),
    (1234.4, None, "1,230"),
    (999_999.0, 3, "1 million"),
    (float("nan"), 3, "n/a"),
    (None, 3, "n/a"),
])
def test_number(x, sig, expected):
    assert fmt.number(x, sig) == expected


def test_no_scientific_notation_anywhere():
    for x in (1.5e-9, 2.05e3, 1.48e4, 8.7e21, -3.3e-7, 123456789.123):
        for sig in (1, 2, 3):
            for text in (fmt.number(x, sig), fmt.number(x, sig, words=False), fmt.cell(x, sig)):
                assert not re.search(r"\d[eE][+-]?\d", text), text


def test_sig_for_follows_the_interval_width():
    # half-width 283 -> last digit worth showing is the hundreds, but never fewer than 2 figures
    assert fmt.sig_for(24, 105, 591) == 2
    # half-width 2.6 -> units: 12.8% in [10.7%, 16.0%] is "13%"
    assert fmt.sig_for(10.7, 12.8, 16.0) == 2
    # a price gap 2.83% between -1.1% and 6.9%: half-width 4 -> units, floor of 2 figures ("2.8%", not "2.83%")
    assert fmt.sig_for(-1.1, 2.83, 6.9) == 2
    # a narrow interval keeps 3: 4.93 in [4.91, 4.95]
    assert fmt.sig_for(4.91, 4.93, 4.95) == 3
    # a point value keeps the maximum
    assert fmt.sig_for(5.0, 5.0, 5.0) == fmt.MAX_SIG
    # ratio 6,353 in [2,000, 20,000]: half-width 9,000 -> hundreds: "6,400", never "6,353"
    assert fmt.number(6353, fmt.sig_for(2000, 6353, 20000)) == "6,400"


def test_estimate_text():
    assert fmt.estimate(Estimate(24.2, 105.0, 591.0, "x")) == "110\u00d7 (24\u00d7 to 590\u00d7)"
    assert fmt.estimate(Estimate(0.035, 0.049, 0.068, "share")) == "4.9% (3.5% to 6.8%)"
    assert fmt.estimate(Estimate(2.0, 6.5, 19.0, "USD per kWh")) == "6.5 (2.0 to 19) USD per kWh"
    assert fmt.estimate(Estimate(0.107, 0.128, 0.160, "share")) == "13% (11% to 16%)"
    assert fmt.estimate(Estimate(0.0107, 0.0128, 0.0160, "share")) == "1.3% (1.1% to 1.6%)"  # zeros kept
    assert fmt.estimate(Estimate.point(0.0739, "USD per kWh")) == "0.0739 USD per kWh"
    assert fmt.estimate_parts(Estimate(0.0384, 0.0989, 0.243, "kWh per USD"), bare=True) == ("0.099", "0.038 to 0.24")


def test_percent_and_multiplier():
    assert fmt.pct(0.5897, 1) == "59.0%"
    assert fmt.pct(0.0283) == "2.83%" and fmt.pct(0.0283, sig=2) == "2.8%"
    assert fmt.times(17.3) == "17\u00d7" and fmt.times(6353) == "6,400\u00d7"
    assert fmt.value(-0.0164, "elasticity") == "-0.02"
    assert fmt.value(0.071, "share") == "7.1%"


def test_dates_in_words():
    assert fmt.day("2026-08-28") == "28 August 2026"
    assert fmt.day(pd.Timestamp("2026-02-01")) == "1 February 2026"
    assert fmt.date_range("2026-02-16", dt.date(2026, 2, 22)) == "16\u201322 February 2026"
    assert fmt.date_range("2026-02-28", "2026-03-06") == "28 February \u2013 6 March 2026"
    assert fmt.date_range("2025-12-29", "2026-01-04") == "29 December 2025 \u2013 4 January 2026"
    assert fmt.week_of("2026-02-16") == "week of 16\u201322 February 2026"
    with pytest.raises(ValueError, match="before start"):
        fmt.date_range("2026-02-22", "2026-02-16")
    with pytest.raises(ValueError, match="expected a date"):
        fmt.day(3.5)


def test_table_formatters_cover_numeric_columns():
    df = pd.DataFrame({"j_per_token": [2050.0, 14800.0, 0.000123], "n": [1, 2000, 3], "name": ["a", "b", "c"]})
    f = fmt.table_formatters(df)
    assert set(f) == {"j_per_token", "n"}
    assert [f["j_per_token"](v) for v in df["j_per_token"]] == ["2,050", "14,800", "0.000123"]
    assert [f["n"](v) for v in df["n"]] == ["1", "2,000", "3"]
    assert fmt.cell(float("nan")) == ""
