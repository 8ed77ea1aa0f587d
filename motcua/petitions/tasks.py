"""Background work of reports (django-tasks; ``motcua db_worker`` runs it).

``escalate_overdue_petitions`` applies the escalation rules (``services.escalate_overdue``) and
queues itself again ``INTERVAL`` later, so one enqueue keeps it going. ``keep_running`` starts
the loop when there is work (a hotline call arrives, an officer opens the inbox) unless the cache
key the loop renews on each run says it is alive; a loop that died (a worker killed mid-run) is
started again the same way once the key has run out. ``motcua escalate_petitions`` from cron
is the safety net. ``services`` does not import this module (this module imports it): the
pages above it call ``keep_running``.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from motcua.petitions import services

logger = logging.getLogger(__name__)
INTERVAL = timedelta(minutes=15)
CACHE_KEY = "petitions:escalation:scheduled"
# The loop renews the key on every run, so it stays while the loop lives; twice the interval
# leaves room for a worker a little behind. Were the loops to double up all the same, nothing
# would be sent twice (``Escalation`` is unique): it would only cost a second scan.
ALIVE_SECONDS = int(2 * INTERVAL.total_seconds())


@task()
def escalate_overdue_petitions() -> dict:
    report = services.escalate_overdue()
    _schedule(run_after=timezone.now() + INTERVAL)
    return {"checked": report.checked, "fired": report.fired}


def _schedule(run_after=None) -> None:
    cache.set(CACHE_KEY, True, timeout=ALIVE_SECONDS)
    if run_after is None:
        escalate_overdue_petitions.enqueue()
    else:
        escalate_overdue_petitions.using(run_after=run_after).enqueue()


def keep_running() -> None:
    """Make sure the escalation loop is queued (a no-op when it was queued within ``INTERVAL``)."""
    if not cache.add(CACHE_KEY, True, timeout=ALIVE_SECONDS):
        return
    try:
        escalate_overdue_petitions.enqueue()
    except Exception:  # the page answers anyway; cron runs the command as the safety net
        cache.delete(CACHE_KEY)
        logger.exception("petitions: could not enqueue the escalation worker")
