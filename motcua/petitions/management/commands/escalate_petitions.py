from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.petitions import services


class Command(BaseCommand):
    help = _(
        "Áp dụng quy tắc nhắc việc cho các phản ánh quá hạn: nhắc cán bộ, báo lãnh đạo xã, báo "
        "cáo tỉnh, mỗi quy tắc một lần cho mỗi phản ánh. Chạy từ cron mỗi 15 phút làm dự phòng "
        "cho tác vụ nền; chạy nhiều lần hay chạy song song đều không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=500,
            help=_("Số phản ánh quá hạn xét tối đa trong một lần chạy (mặc định 500)."),
        )

    def handle(self, *args, **options):
        limit = options["limit"]
        if limit < 1:
            self.stderr.write(_("--limit phải là số dương."))
            raise SystemExit(2)
        self.stdout.write(_("Đang xét các phản ánh quá hạn…"))
        report = services.escalate_overdue(limit=limit)
        self.stdout.write(
            _("Đã xét %(checked)s phản ánh quá hạn, thực hiện %(fired)s lần nhắc việc, báo cáo.")
            % {"checked": report.checked, "fired": report.fired}
        )
