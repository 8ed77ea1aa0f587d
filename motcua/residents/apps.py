from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "motcua.residents"
    verbose_name = "residents"
