from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "motcua.audit"
    label = "audit"
    verbose_name = _("Nhật ký thay đổi cấu hình")

    def ready(self) -> None:
        # Gives every SQLite connection the function the append-only triggers ask before a DELETE.
        from motcua.audit import append_only  # noqa: F401
