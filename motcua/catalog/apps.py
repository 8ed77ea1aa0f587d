from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using, **kwargs):
    """SQLite loses the search index's triggers when a migration rebuilds the procedure table;
    put them back (``motcua.catalog.search_index``)."""
    from django.db import connections

    from motcua.catalog.search_index import ensure_index

    ensure_index(connections[using])
