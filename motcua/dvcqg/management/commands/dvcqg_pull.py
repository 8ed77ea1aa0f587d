from django.core.management.base import BaseCommand, CommandError

from motcua.dvcqg import services
from motcua.dvcqg.adapters import PortalError


class Command(BaseCommand):
    help = (
        "Import the online dossiers filed on the national public-service portal (DVCQG) that are "
        "not here yet. Each is imported once, however often this runs; run it every few minutes."
    )

    def handle(self, *args, **options):
        try:
            report = services.pull_online_dossiers()
        except PortalError as exc:
            raise CommandError(f"The portal did not answer: {exc.message}") from exc
        self.stdout.write(
            f"{report.fetched} online dossier(s) on the portal: {len(report.created)} imported, "
            f"{report.already_pulled} already here, {len(report.failed)} not imported."
        )
        for failure in report.failed:
            self.stderr.write(f"  {failure.portal_id or '?'}: {failure.reason}")
