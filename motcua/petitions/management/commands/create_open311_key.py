"""``motcua create_open311_key NAME``: a key for an Open311 client app, printed once.

The key is the last line of the output, alone, so a script can take it with ``tail -n 1``; only
its SHA-256 is stored (``petitions.keys``). Revoke it in the admin.
"""

from django.core.management.base import BaseCommand, CommandError

from motcua.petitions.keys import create_key


class Command(BaseCommand):
    help = (
        "Create an Open311 GeoReport v2 API key for a client application and print it once "
        "(only its hash is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The application the key is for, e.g. 'Ứng dụng Hà Nội'.")

    def handle(self, name, **options):
        try:
            key, raw = create_key(name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Open311 key #{key.pk} for '{key.name}'. It is shown only once: keep it secret and "
            "send it as the api_key field of POST requests.json. Revoke it in the admin."
        )
        self.stdout.write(raw)
