from django.utils.translation import gettext as _

from motcua.catalog import services
from motcua.catalog.importers import PROCEDURES_FILE, read_procedures
from motcua.catalog.models import Field, Procedure, ProcessStep
from motcua.units.importers import DataFileError
from motcua.units.management.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        'Nhập danh mục thủ tục hành chính từ JSON ({"meta": …, "procedures": […]}). '
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì. Chạy lại nhiều lần không sao."
    )
    bundled_file = PROCEDURES_FILE

    def handle(self, *args, **options):
        path = self.data_path(options)
        try:
            catalogue = read_procedures(path)
        except DataFileError as error:
            raise self.fail(path, error) from error
        for warning in catalogue.warnings:
            self.stderr.write(self.style.WARNING(warning))
        records = catalogue.records
        with self.progress(len(records), _("Ghi thủ tục")) as bar:
            result = services.import_procedures(records, on_progress=bar.advance)
        self.analyze(Field, Procedure, ProcessStep)
        self.report(_("Lĩnh vực"), result["fields"])
        self.report(_("Thủ tục"), result["procedures"])
        self.stdout.write(
            _(
                "Bước xử lý đã ghi: %(steps)d. Thủ tục có điểm cần rà soát: %(flagged)d "
                "(lọc “cần rà soát” trong trang quản trị)."
            )
            % {"steps": result["steps_written"], "flagged": result["flagged"]}
        )
