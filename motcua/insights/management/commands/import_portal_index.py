from django.utils.translation import gettext as _

from motcua.insights.index.published import PORTAL_FILE, import_published, read_portal_file
from motcua.units.importers import DataFileError
from motcua.units.management.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        "Nhập chỉ số phục vụ (Quyết định 766) do Cổng DVCQG công bố cho các xã/phường của một "
        "tỉnh, từ JSON dạng hanoi_service_index_2026-10.json. Kiểm tra toàn bộ tệp và tìm đủ "
        "các xã trước; có lỗi thì không ghi gì. Chạy lại nhiều lần không sao."
    )
    bundled_file = PORTAL_FILE

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--province",
            metavar="MÃ",
            help=_(
                "Mã tỉnh/thành phố (ví dụ 01) của các xã trong tệp. Bỏ trống để tìm theo tên "
                "trong meta.snapshot.province.name."
            ),
        )

    def handle(self, *args, **options):
        path = self.data_path(options)
        try:
            portal_file = read_portal_file(path, province_code=options["province"])
        except DataFileError as error:
            raise self.fail(path, error) from error
        with self.progress(len(portal_file.rows), _("Ghi chỉ số công bố")) as bar:
            tally = import_published(portal_file, on_progress=bar.advance)
        self.report(
            _("Chỉ số công bố (%(province)s, %(period)s)")
            % {"province": portal_file.province, "period": portal_file.period.label},
            tally,
        )
