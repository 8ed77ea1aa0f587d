from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.services import ensure_service_centers_serving_fields
from motcua.progress import progress
from motcua.units.models import Commune


# In the catalogue app, not units: the standard counters serve catalogue fields.
class Command(BaseCommand):
    help = _(
        "Tạo một trung tâm phục vụ hành chính công (kèm các quầy chuẩn) cho mỗi xã của các tỉnh "
        "đã chọn; mặc định Hà Nội (01) và Huế (46). Xã đã có trung tâm được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help=_("Mã tỉnh (2 chữ số); lặp lại để chọn nhiều tỉnh. Mặc định: 01 và 46."),
        )
        parser.add_argument(
            "--demo-contacts",
            action="store_true",
            help=_(
                "Chỉ dùng cho bản trình diễn: gán số điện thoại và đường dây nóng minh họa cho "
                "các trung tâm chưa có số."
            ),
        )

    def handle(self, *args, **options):
        codes = options["provinces"] or ["01", "46"]
        bad = [c for c in codes if not (len(c) == 2 and c.isdigit())]
        if bad:
            raise CommandError(
                _("Mã tỉnh không hợp lệ: %(codes)s; dùng 2 chữ số, ví dụ --province 01.")
                % {"codes": ", ".join(bad)}
            )
        communes = Commune.objects.current().filter(province__code__in=codes).count()
        if communes == 0:
            raise CommandError(
                _("Chưa có xã nào của tỉnh %(codes)s; chạy “motcua import_units” trước.")
                % {"codes": ", ".join(codes)}
            )
        with progress(
            communes, _("Tạo trung tâm"), stream=self.stderr, enabled=options["verbosity"] > 0
        ) as bar:
            result = ensure_service_centers_serving_fields(
                codes, on_progress=bar.advance, demo_contacts=options["demo_contacts"]
            )
        self.stdout.write(_("Trung tâm: %(tally)s") % {"tally": result["centers"]})
        self.stdout.write(_("Quầy: %(tally)s") % {"tally": result["counters"]})
