from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "motcua.security"
    verbose_name = _("An toàn triển khai")

    def ready(self):
        from motcua.security import checks  # noqa: F401 - registers the deployment checks
