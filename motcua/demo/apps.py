from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """``motcua demo``: the one command that sets up and serves the demonstration system.

    It stands above every domain app because it replays their demo data through their services
    (dossiers, residents, the queue, the portal sync, statistics) in one run.
    """

    name = "motcua.demo"
    verbose_name = _("Bản trình diễn")
