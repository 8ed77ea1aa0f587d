from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "motcua.idempotency"
    verbose_name = "idempotency"
