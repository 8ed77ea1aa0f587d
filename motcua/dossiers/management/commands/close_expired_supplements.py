from django.core.management.base import BaseCommand

from motcua.dossiers.services import close_expired_supplements


class Command(BaseCommand):
    help = (
        "Close dossiers whose supplement request went unanswered for 15 days "
        "(Decree 118/2025 Art. 19(5)). Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        closed = close_expired_supplements()
        self.stdout.write(f"{closed} dossier(s) closed.")
