from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.services import DEFAULT_STEPS, split_budget, total_budget_hours


@pytest.mark.parametrize(
    ("amount", "unit", "hours"),
    [
        (Decimal(1), "working_day", Decimal(8)),
        (Decimal(5), "working_day", Decimal(40)),
        (Decimal("0.5"), "working_day", Decimal(4)),
        (Decimal(1), "hour", Decimal(1)),
        (Decimal(0), "same_day", Decimal(2)),
        (None, "same_day", Decimal(2)),
        (Decimal(30), "calendar_day", Decimal("171.5")),  # 30 × 5/7 × 8 = 171.43 → quarter hours
        (None, "working_day", Decimal(8)),  # unknown: one working day
    ],
)
def test_total_budget_hours(amount, unit, hours):
    assert total_budget_hours(amount, unit) == hours


def test_split_of_one_working_day():
    assert split_budget(Decimal(8)) == [Decimal("0.75"), Decimal("4.75"), Decimal("2.5"), 0]


def test_a_tiny_total_still_gives_each_counted_step_a_quarter_hour():
    assert split_budget(Decimal("0.25")) == [Decimal("0.25"), Decimal("0.25"), Decimal("0.25"), 0]


def test_shares_are_data_in_one_place():
    assert [s.share for s in DEFAULT_STEPS] == [Decimal("0.1"), Decimal("0.6"), Decimal("0.3"), 0]


@given(st.integers(min_value=3, max_value=400_000))
def test_split_adds_up_in_quarter_hours_close_to_the_shares(quarters):
    total = Decimal(quarters) / 4
    parts = split_budget(total)
    assert sum(parts) == total
    assert all(p % Decimal("0.25") == 0 for p in parts)
    assert all(p >= Decimal("0.25") for p in parts[:3]) and parts[3] == 0
    for part, step in zip(parts, DEFAULT_STEPS, strict=True):
        # Never more than one quarter hour (plus the minimum) away from the exact share.
        assert abs(part - total * step.share) <= Decimal("0.5")
