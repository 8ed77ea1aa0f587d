from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.idempotency import services


class Command(BaseCommand):
    help = (
        "Delete the stored answers to requests sent with an Idempotency-Key once they are older "
        "than MOTCUA_IDEMPOTENCY_KEY_HOURS (24 by default). Run it hourly from cron or a "
        "systemd timer; safe to run as often as you like."
    )

    def handle(self, *args, **options):
        deleted = services.sweep()
        self.stdout.write(_("Đã xóa %(n)d khóa Idempotency-Key quá hạn lưu giữ.") % {"n": deleted})
