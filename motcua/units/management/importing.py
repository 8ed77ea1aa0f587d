"""What every data-import command shares: the file argument, ``--bundled``, the progress bar and
the way problems and counts are reported."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from motcua.progress import progress
from motcua.units.importers import DataFileError, Tally, bundled


class ImportCommand(BaseCommand):
    #: Name of the copy shipped in motcua/data/, used with --bundled or without a path.
    bundled_file: str = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=_("Tệp cần nhập. Bỏ trống để dùng bản đi kèm (motcua/data/%(name)s).")
            % {"name": self.bundled_file},
        )
        parser.add_argument(
            "--bundled",
            action="store_true",
            help=_("Dùng bản dữ liệu đi kèm gói phần mềm."),
        )

    def data_path(self, options) -> Path:
        if options["bundled"] and options["path"]:
            raise CommandError(_("Chỉ dùng một trong hai: đường dẫn tệp hoặc --bundled."))
        return Path(options["path"]) if options["path"] else bundled(self.bundled_file)

    def analyze(self, *models) -> None:
        """Refresh the planner's statistics of the tables just written. A small table (40
        procedures) never reaches autovacuum's threshold, and without statistics PostgreSQL
        plans the service index's grouped query as a nested loop that rescans the month's
        dossiers once per procedure (docs/performance.md). SQLite keeps no such statistics."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')

    def progress(self, total: int, label: str):
        return progress(total, label, stream=self.stderr, enabled=self.verbosity > 0)

    def fail(self, path: Path, error: DataFileError) -> CommandError:
        return CommandError(
            _("Không nhập tệp %(path)s; chưa có gì được ghi vào cơ sở dữ liệu.\n%(problems)s")
            % {"path": path, "problems": error.render()}
        )

    def report(self, label: str, tally: Tally) -> None:
        self.stdout.write(f"{label}: {tally}")

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
