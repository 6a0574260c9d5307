"""units: one value per unit and convention, and the one numeric input check."""

from __future__ import annotations

import numpy as np
import pytest

from tokenecon import units


def test_conversions_by_hand():
    assert units.J_PER_KWH == 1000 * 3600
    assert units.HOURS_PER_YEAR == 8760 and units.CBECI_HOURS_PER_YEAR == 8766
    assert units.twh_per_year_from_mwh_per_week(7.0) == pytest.approx(365 / 1e6)
    assert units.twh_per_year_from_mwh_per_day(1.0) == pytest.approx(365 / 1e6)
    assert units.phase("output") == "decode" and not units.is_set(None) and units.is_set(0.0)
    with pytest.raises(ValueError, match="phase: 'thinking'"):
        units.phase("thinking")


def test_check_number_names_the_parameter_and_range_with_plain_numbers():
    assert units.check_number("pue", 1.2, lo=1.0).item() == 1.2
    np.testing.assert_array_equal(units.check_number("x", [1, 2], lo=0), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^pue: expected a finite number >= 1, got 0.9$"):
        units.check_number("pue", np.float64(0.9), lo=1.0)
    with pytest.raises(ValueError, match=r"^p: expected a finite number > 0 and <= 1 USD/kWh, got 5$"):
        units.check_number("p", 5, lo=0, lo_open=True, hi=1, unit="USD/kWh")
    with pytest.raises(ValueError, match=r"^life: expected a finite number > 0, got inf$"):
        units.check_number("life", float("inf"), lo=0, lo_open=True)
    with pytest.raises(KeyError, match="expected a number"):
        units.check_number("n", "many", error=KeyError)
