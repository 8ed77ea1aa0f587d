from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.insights"
    verbose_name = "Thống kê và chỉ số phục vụ"

    def ready(self):
        from motcua.insights import receivers  # noqa: F401  (connects the rollup listener)
