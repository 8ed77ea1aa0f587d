from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.notify.services import deliver_due, new_worker_id


class Command(BaseCommand):
    help = (
        "Send the notifications that are due, once, and print what happened. The task queue "
        "normally does this; run it from cron every few minutes as a safety net. Safe to run "
        "beside the workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="At most this many messages (default 500)."
        )

    def handle(self, *args, limit, **options):
        report = deliver_due(worker_id=new_worker_id("command"), limit=limit)
        self.stdout.write(
            _(
                "Đã gửi: %(sent)d; hẹn gửi lại: %(retrying)d; không gửi được: %(failed)d; "
                "do tiến trình khác gửi: %(skipped)d."
            )
            % report.as_dict()
        )
        if report.more_due:
            self.stdout.write(_("Còn tin đến hạn gửi; hãy chạy lại lệnh."))
