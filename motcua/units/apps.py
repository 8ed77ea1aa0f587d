from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "motcua.units"
    label = "units"
    verbose_name = _("Đơn vị hành chính và trung tâm")

    def ready(self) -> None:
        # Connects the signals that refresh cached calendars when a DayOverride changes.
        from motcua.units import calendars  # noqa: F401
