from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.queueing import services


class Command(BaseCommand):
    help = (
        "End the queue's past days: bookings past their slot and grace time lapse, and numbers "
        "still open from earlier days expire at that day's closing time (so yesterday's visitor "
        "left at a counter no longer holds it). Run it hourly from cron or a systemd timer; safe "
        "to run as often as you like."
    )

    def handle(self, *args, **options):
        lapsed = services.lapse_due_bookings_now()
        expired = services.close_past_days()
        self.stdout.write(
            _("Số đặt trước quá giờ hẹn, hết hiệu lực: %(lapsed)d.") % {"lapsed": lapsed}
        )
        self.stdout.write(
            _("Số còn mở của các ngày trước, đã kết thúc: %(expired)d.") % {"expired": expired}
        )
