from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a bearer token for the staff API and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'kiosk 1'.")

    def handle(self, username, name, **options):
        try:
            raw = create_api_token(username, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
        self.stderr.write(
            "Keep this token secret; it is shown only once. Use it as "
            "'Authorization: Bearer <token>'."
        )
