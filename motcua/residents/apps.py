from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "motcua.residents"
    verbose_name = "residents"

    def ready(self):
        from motcua.residents import checks  # noqa: F401 - registers the system checks
