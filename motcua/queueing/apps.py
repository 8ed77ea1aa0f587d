from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "motcua.queueing"
    verbose_name = _("Xếp hàng, lấy số thứ tự")

    def ready(self) -> None:
        from motcua.queueing import receivers  # noqa: F401  (connects the signal handlers)
