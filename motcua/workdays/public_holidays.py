"""Vietnam's public holidays, from the maintained ``holidays`` package, cached per year.

Tết and Hùng Kings day follow the lunar calendar, and the Prime Minister's yearly arrangements move
days around; a hand-written table would be wrong within a year, so we never keep one.

What the package gives (checked with holidays 0.109; ``tests/workdays/test_public_holidays.py``
pins 2025 and 2026): the Labour Code 2019 Art. 112 days; Tết as five weekdays off (a Tết day that
falls at the weekend is moved to a neighbouring weekday); Hùng Kings day 10/3 lunar; New Year,
30 April, 1 May and Hùng Kings day get the next weekday in lieu when they fall at the weekend;
2 September plus the day before or after; Vietnam Cultural Day 24/11 from 2026. It also knows the
*day off* half of some official swaps (2025-05-02, 2026-08-31), but never the Saturday worked in
exchange: the caller supplies those, and the swaps the package does not know (2026-01-02), from
the override table.
"""

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

COUNTRY = "VN"


@lru_cache(maxsize=128)
def holidays_of_year(year: int) -> Mapping[date, str]:
    """``{date: Vietnamese name}`` of the public holidays of ``year``.

    Cached per process (building one year costs about a millisecond; a deadline looks up a
    date for every day it crosses). Read-only because the cached mapping is shared.
    """
    table = holidays.country_holidays(COUNTRY, years=year, language="vi")
    return MappingProxyType(dict(table))
