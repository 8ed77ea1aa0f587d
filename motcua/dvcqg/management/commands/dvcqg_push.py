from django.core.management.base import BaseCommand

from motcua.dvcqg import services


class Command(BaseCommand):
    help = (
        "Push every due dossier and status change to the national public-service portal (DVCQG). "
        "Safe to run as often as you like, also next to running workers; run it every few minutes "
        "from cron as a backstop to the background queue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="dossiers per batch")
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="first give dossiers recorded before the sync existed a sync state",
        )

    def handle(self, *args, limit, backfill, **options):
        if backfill:
            added = services.track_untracked_dossiers()
            self.stdout.write(f"{added} dossier(s) added to the sync.")
        claimed = synced = failed = progress = 0
        while True:
            report = services.push_due(limit=limit)
            claimed += report.claimed
            synced += report.synced
            failed += report.failed
            progress += report.progress_pushed
            # A full batch means more may be due; a short one means this pass is done.
            if report.claimed < limit:
                break
        self.stdout.write(
            f"{claimed} dossier(s) pushed: {synced} synced, {failed} failed "
            f"(retried later); {progress} progress record(s) sent."
        )
