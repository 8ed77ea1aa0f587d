"""Background delivery on the database-backed task queue (``motcua db_worker``).

``services.enqueue`` queues ``deliver_messages`` when the change that wrote a message commits.
A run that scheduled retries queues itself again for the earliest one; a run cut short by its
limit queues itself again at once. A worker that dies mid-run leaves no follow-up task: run
``motcua deliver_notifications`` from cron every few minutes as the safety net.
"""

from django_tasks import task

from motcua.notify.services import deliver_due, new_worker_id


@task()
def deliver_messages() -> dict:
    report = deliver_due(worker_id=new_worker_id("task"))
    if report.more_due:
        deliver_messages.enqueue()
    elif report.next_retry_at is not None:
        deliver_messages.using(run_after=report.next_retry_at).enqueue()
    return report.as_dict()
