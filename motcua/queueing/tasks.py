"""Background tasks of the queue (django-tasks; ``motcua db_worker`` runs them)."""

from django_tasks import task

from motcua.queueing import services


@task()
def lapse_due_bookings() -> int:
    """Enqueued for the end of each booking's grace time; lapses every booking that is due."""
    return services.lapse_due_bookings_now()
