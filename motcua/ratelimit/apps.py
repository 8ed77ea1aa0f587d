from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RateLimitConfig(AppConfig):
    name = "motcua.ratelimit"
    label = "ratelimit"
    verbose_name = _("Giới hạn truy cập")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(using="default", verbosity=1, **kwargs):
    """The database cache (the default ``CACHES``) needs a table that no migration makes; create
    it whenever ``migrate`` runs, so the demo and production need no extra command. The command
    does nothing when the table exists or no cache is a database cache."""
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
