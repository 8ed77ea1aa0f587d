from django.utils.translation import gettext as _

from motcua.units import services
from motcua.units.importers import DAY_OVERRIDES_FILE, DataFileError, read_day_overrides
from motcua.units.management.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        "Nhập các ngày nghỉ bù / thứ Bảy làm bù chính thức từ CSV (date,kind,note,status). "
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì. Chạy lại nhiều lần không sao."
    )
    bundled_file = DAY_OVERRIDES_FILE

    def handle(self, *args, **options):
        path = self.data_path(options)
        try:
            rows = read_day_overrides(path)
        except DataFileError as error:
            raise self.fail(path, error) from error
        with self.progress(len(rows), _("Ghi ngày làm việc/nghỉ điều chỉnh")) as bar:
            # A command has no signed-in user: the audit rows name the command as their source.
            tally = services.import_day_overrides(rows, actor=None, on_progress=bar.advance)
        self.report(_("Ngày điều chỉnh"), tally)
