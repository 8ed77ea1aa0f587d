"""Background work of insights (django-tasks; ``motcua db_worker`` runs it).

A page that finds a month's rollups dirty or stale enqueues their refresh instead of recomputing
while the reader waits; a cache key keeps it to one enqueue per province-month per minute.
"""

import logging

from django.core.cache import cache
from django_tasks import task

from motcua.insights import rollups
from motcua.insights.periods import Period, parse_month

logger = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 60


@task()
def refresh_province_month(province_id: int, month: str) -> int:
    return rollups.refresh_province_month(province_id, parse_month(month))


def refresh_later(province_id: int, period: Period) -> None:
    key = f"insights:refresh:{province_id}:{period.key}"
    if not cache.add(key, True, timeout=DEBOUNCE_SECONDS):
        return  # already asked for within the window
    try:
        refresh_province_month.enqueue(province_id, period.key)
    except Exception:  # the page still answers with the values it has
        cache.delete(key)
        logger.exception(
            "insights: could not enqueue the refresh of %s %s", province_id, period.key
        )
