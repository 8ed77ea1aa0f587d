from django.utils.translation import gettext as _

from motcua.units import services
from motcua.units.importers import UNITS_FILE, DataFileError, read_units
from motcua.units.management.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        "Nhập tỉnh/thành phố và xã/phường/đặc khu từ CSV (vn_admin_units_2025.csv). "
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì. Chạy lại nhiều lần không sao."
    )
    bundled_file = UNITS_FILE

    def handle(self, *args, **options):
        path = self.data_path(options)
        try:
            rows = read_units(path)
        except DataFileError as error:
            raise self.fail(path, error) from error
        with self.progress(len(rows), _("Ghi đơn vị hành chính")) as bar:
            result = services.import_units(rows, on_progress=bar.advance)
        self.report(_("Tỉnh/thành phố"), result["provinces"])
        self.report(_("Xã/phường/đặc khu"), result["communes"])
