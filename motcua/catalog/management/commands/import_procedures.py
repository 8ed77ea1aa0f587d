import time
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import services
from motcua.catalog.importers import PROCEDURES_FILE
from motcua.catalog.models import Field, Procedure, ProcessStep
from motcua.catalog.portal import PORTAL_BUNDLE, read_catalogue
from motcua.units.importers import DataFileError, bundled
from motcua.units.management.importing import ImportCommand

STAGE_LABELS = {
    "project": gettext_lazy("Thủ tục (JSON của dự án)"),
    "names": gettext_lazy("Danh mục tên (Cổng DVCQG)"),
    "records": gettext_lazy("Hồ sơ thủ tục đầy đủ (Cổng DVCQG)"),
}


class Command(ImportCommand):
    help = _(
        'Nhập danh mục thủ tục hành chính: JSON của dự án ({"meta": …, "procedures": […]}), '
        "hồ sơ thủ tục của Cổng DVCQG (<mã>.json), danh mục tên (catalog.jsonl) hoặc một thư mục "
        "chứa chúng. Không có đường dẫn: 40 thủ tục mẫu rồi dữ liệu Cổng DVCQG đi kèm. Chạy lại "
        "nhiều lần không sao."
    )
    bundled_file = PORTAL_BUNDLE

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=_(
                "Tệp hoặc thư mục cần nhập. Bỏ trống để dùng dữ liệu đi kèm: motcua/data/"
                "%(sample)s rồi motcua/data/%(bundle)s."
            )
            % {"sample": PROCEDURES_FILE, "bundle": PORTAL_BUNDLE},
        )
        parser.add_argument(
            "--bundled",
            action="store_true",
            help=_("Dùng bản dữ liệu đi kèm gói phần mềm (như khi bỏ trống đường dẫn)."),
        )
        parser.add_argument(
            "--portal-bundle",
            action="store_true",
            help=_("Chỉ nhập dữ liệu Cổng DVCQG đi kèm (motcua/data/%(name)s).")
            % {"name": PORTAL_BUNDLE},
        )

    def handle(self, *args, **options):
        if options["portal_bundle"] and (options["path"] or options["bundled"]):
            raise CommandError(_("Chỉ dùng một trong: đường dẫn, --bundled, --portal-bundle."))
        if options["path"]:
            paths = [Path(options["path"])]
        elif options["portal_bundle"]:
            paths = [bundled(PORTAL_BUNDLE)]
        else:
            # The project's sample first, the portal on top: the portal's wording wins where it
            # has the procedure; the sample's details stay where it has only the name.
            paths = [bundled(PROCEDURES_FILE), bundled(PORTAL_BUNDLE)]
        started = time.monotonic()
        try:
            catalogue = read_catalogue(paths)
        except DataFileError as error:
            raise self.fail(", ".join(map(str, paths)), error) from error
        for warning in catalogue.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not len(catalogue) and catalogue.unreadable:
            self.report_unreadable(catalogue.unreadable)
            raise CommandError(_("Không đọc được thủ tục nào; chưa có gì được ghi."))

        results = {}
        with transaction.atomic(), self.progress(len(catalogue), _("Ghi thủ tục")) as bar:
            for stage, records in catalogue.stages:
                if records:
                    results[stage] = services.import_procedures(records, on_progress=bar.advance)
        self.analyze(Field, Procedure, ProcessStep)

        self.stdout.write(
            _(
                "Đã đọc: %(project)d thủ tục JSON của dự án, %(names)d tên trong danh mục, "
                "%(records)d hồ sơ đầy đủ; %(bad)d không đọc được."
            )
            % {
                "project": len(catalogue.project),
                "names": len(catalogue.names),
                "records": len(catalogue.records),
                "bad": len(catalogue.unreadable),
            }
        )
        for stage, result in results.items():
            self.report(str(STAGE_LABELS[stage]), result["procedures"])
        fields = [r["fields"] for r in results.values()]
        if fields:
            self.stdout.write(
                _("Lĩnh vực: %(created)d tạo mới.") % {"created": sum(f.created for f in fields)}
            )
        self.stdout.write(
            _(
                "Trong cơ sở dữ liệu: %(total)d thủ tục, %(full)d có hồ sơ đầy đủ, "
                "%(flagged)d cần rà soát (lọc “cần rà soát” trong trang quản trị). "
                "Thời gian: %(seconds).1f giây."
            )
            % {
                "total": Procedure.objects.count(),
                "full": Procedure.objects.filter(has_full_record=True).count(),
                "flagged": Procedure.objects.filter(needs_review=True).count(),
                "seconds": time.monotonic() - started,
            }
        )
        self.report_unreadable(catalogue.unreadable)

    def report_unreadable(self, unreadable) -> None:
        if not unreadable:
            return
        self.stderr.write(
            self.style.WARNING(
                _("Không đọc được %(n)d thủ tục (đã bỏ qua, phần còn lại vẫn được nhập):")
                % {"n": len(unreadable)}
            )
        )
        for item in unreadable:
            self.stderr.write(f"  {item}")
