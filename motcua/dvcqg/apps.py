from django.apps import AppConfig


class DvcqgConfig(AppConfig):
    name = "motcua.dvcqg"
    verbose_name = "national public-service portal"

    def ready(self):
        from motcua.dvcqg import receivers  # noqa: F401 - connects to dossier events
