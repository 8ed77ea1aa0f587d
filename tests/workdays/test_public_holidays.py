"""What the ``holidays`` package (0.109) gives for Vietnam, pinned so that an upgrade that changes
a date shows up here first. Checked against the Labour Code 2019 Art. 112 list in domain.md §8.1.
"""

from datetime import date

import pytest

from motcua.workdays import WorkCalendar
from motcua.workdays.public_holidays import holidays_of_year

from .support import PLAIN, WITH_SWAPS

HOLIDAYS_2025 = {
    date(2025, 1, 1): "Tết Dương lịch",
    # Tết At Ty: 29 Tết (Mon 27/1) to 4th day (Sat 1/2). The package moves the 5 days so that
    # they are all weekdays; Saturday 1/2 is listed but is a weekend day anyway.
    date(2025, 1, 27): "29 Tết",
    date(2025, 1, 28): "Giao thừa Tết Nguyên Đán",
    date(2025, 1, 29): "Tết Nguyên Đán",
    date(2025, 1, 30): "Mùng hai Tết Nguyên Đán",
    date(2025, 1, 31): "Mùng ba Tết Nguyên Đán",
    date(2025, 2, 1): "Mùng bốn Tết Nguyên Đán",
    date(2025, 4, 7): "Ngày Giỗ Tổ Hùng Vương",  # 10/3 lunar, a Monday
    date(2025, 4, 30): "Ngày Chiến thắng",
    date(2025, 5, 1): "Ngày Quốc tế Lao động",
    # The day-off half of the official swap; Saturday 26/4 worked is NOT in the package.
    date(2025, 5, 2): "Ngày nghỉ (thay cho ngày 26/04/2025)",
    date(2025, 9, 1): "Quốc khánh",  # the day before 2/9 (a Tuesday)
    date(2025, 9, 2): "Quốc khánh",
}

HOLIDAYS_2026 = {
    date(2026, 1, 1): "Tết Dương lịch",  # Friday 2/1 off is an override, not in the package
    # Tết Bính Ngọ: Monday 16 to Friday 20 February, a nine-day break with the weekends.
    date(2026, 2, 16): "Giao thừa Tết Nguyên Đán",
    date(2026, 2, 17): "Tết Nguyên Đán",
    date(2026, 2, 18): "Mùng hai Tết Nguyên Đán",
    date(2026, 2, 19): "Mùng ba Tết Nguyên Đán",
    date(2026, 2, 20): "Mùng bốn Tết Nguyên Đán",
    # 10/3 lunar is a Sunday; the Monday after is off in lieu.
    date(2026, 4, 26): "Ngày Giỗ Tổ Hùng Vương",
    date(2026, 4, 27): "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)",
    date(2026, 4, 30): "Ngày Chiến thắng",
    date(2026, 5, 1): "Ngày Quốc tế Lao động",
    # Day off for Saturday 22/8 worked (the Saturday again must come from the overrides).
    date(2026, 8, 31): "Ngày nghỉ (thay cho ngày 22/08/2026)",
    date(2026, 9, 1): "Quốc khánh",
    date(2026, 9, 2): "Quốc khánh",
    # Vietnam Cultural Day (Resolution 80-NQ/TW), a paid day off from 2026.
    date(2026, 11, 24): "Ngày Văn hóa Việt Nam",
}


@pytest.mark.parametrize(("year", "expected"), [(2025, HOLIDAYS_2025), (2026, HOLIDAYS_2026)])
def test_the_package_gives_these_vietnamese_holidays(year, expected):
    assert dict(holidays_of_year(year)) == expected


def test_the_calendar_reports_holidays_and_their_names():
    assert PLAIN.is_holiday(date(2026, 2, 17))
    assert PLAIN.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert not PLAIN.is_holiday(date(2026, 2, 23))
    assert PLAIN.holiday_name(date(2026, 2, 23)) is None


def test_tet_2026_break_runs_saturday_14_to_sunday_22_february():
    off = [date(2026, 2, day) for day in range(14, 23)]
    assert not any(PLAIN.is_working_day(d) for d in off)
    assert PLAIN.is_working_day(date(2026, 2, 13))
    assert PLAIN.is_working_day(date(2026, 2, 23))


def test_official_swaps_come_from_the_overrides():
    # Worked Saturdays count only when the override table says so.
    for saturday in (date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)):
        assert not PLAIN.is_working_day(saturday)
        assert WITH_SWAPS.is_working_day(saturday)
    # 2 January 2026 is off only by override; 2 May 2025 is off either way.
    assert PLAIN.is_working_day(date(2026, 1, 2))
    assert not WITH_SWAPS.is_working_day(date(2026, 1, 2))
    assert not PLAIN.is_working_day(date(2025, 5, 2))


def test_an_extra_working_day_wins_over_a_holiday_and_a_day_off():
    # Should a notice ever make a listed holiday worked, the notice is the more specific rule.
    day = date(2025, 9, 1)
    calendar = WorkCalendar(extra_days_off=frozenset({day}), extra_working_days=frozenset({day}))
    assert calendar.is_working_day(day)


def test_a_yearly_holiday_table_is_cached_and_read_only():
    assert holidays_of_year(2025) is holidays_of_year(2025)
    with pytest.raises(TypeError):
        holidays_of_year(2025)[date(2025, 7, 7)] = "not a holiday"  # type: ignore[index]
