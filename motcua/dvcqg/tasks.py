"""Background tasks of the portal sync (django-tasks; ``motcua db_worker`` runs them).

``push_dossiers`` is enqueued when a transaction that recorded dossier events commits, and
re-enqueues itself for later when dossiers wait for a retry. ``pull_dossiers`` imports online
dossiers filed on the portal; schedule it (or ``motcua dvcqg_pull``) every few minutes, since
staff must be alerted to an online dossier within 2 hours (Decree 118 Art. 17(2)).
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from motcua.dvcqg import services


@task()
def push_dossiers() -> dict:
    report = services.push_due()
    if report.run_again_at is not None:
        _enqueue_push(run_after=report.run_again_at)
    return report.as_dict()


@task()
def pull_dossiers() -> dict:
    return services.pull_online_dossiers().as_dict()


def push_after_commit() -> None:
    """Enqueue ``push_dossiers`` when the current transaction commits: once per transaction,
    however many events it records (the demo generator records hundreds in one), and never if
    it rolls back. A failure to enqueue is logged, not raised: the dossier is already marked not
    synced, and the next push (or ``motcua dvcqg_push``) takes it."""
    pending = transaction.get_connection().run_on_commit
    if any(entry[1] is _enqueue_push for entry in pending):
        return
    transaction.on_commit(_enqueue_push, robust=True)


def _enqueue_push(run_after=None) -> None:
    if run_after is not None and run_after > timezone.now():
        push_dossiers.using(run_after=run_after).enqueue()
    else:
        push_dossiers.enqueue()
