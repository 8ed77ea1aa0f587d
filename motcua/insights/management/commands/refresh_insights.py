"""``motcua refresh_insights``: bring the statistics rollups up to date and freeze due months.

Run it every few minutes from cron or a systemd timer, beside ``db_worker``. Pages refresh what
they show on their own; this keeps province pages fast and freezes each month's index on the
province's cut-off day even when nobody opens a page that day.
"""

from django.core.management.base import BaseCommand, CommandError

from motcua.insights import rollups, snapshots
from motcua.insights.periods import PeriodError, parse_month
from motcua.progress import progress
from motcua.units.models import Province


class Command(BaseCommand):
    help = "Recompute dirty statistics rollups and freeze the index of months past their cut-off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", help="Recompute every commune of this province code (e.g. 01)."
        )
        parser.add_argument("--month", help="With --province: the month to recompute (2026-10).")

    def handle(self, *args, province=None, month=None, **options):
        if province:
            self.recompute(province, month)
        else:
            dirty = rollups.dirty_province_months()
            with progress(len(dirty), "Tháng cần tính lại", self.stderr) as bar:
                written = rollups.refresh_dirty(progress=lambda done, total: bar.advance())
            self.stdout.write(f"{written} dòng số liệu tháng đã được tính lại.")
        frozen = snapshots.freeze_due()
        for code, count in frozen.items():
            self.stdout.write(f"Tỉnh {code}: đã chốt chỉ số tháng trước cho {count} xã, phường.")

    def recompute(self, code: str, month: str | None) -> None:
        found = Province.objects.current().filter(code=code).first()
        if found is None:
            raise CommandError(f"Không có tỉnh mã {code}. Xem mã tỉnh trong trang quản trị.")
        try:
            period = parse_month(month) if month else None
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if period is None:
            raise CommandError("Cho biết tháng cần tính lại, ví dụ --month 2026-10.")
        written = rollups.refresh_province_month(found.pk, period)
        self.stdout.write(f"{written} xã, phường của {found.name} đã tính lại ({period.label}).")
