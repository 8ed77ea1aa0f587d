from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The officers' desk: pages that put several apps on one screen.

    The inbox ordered by overdue risk (dossiers + insights), intake at the counter with the
    applicant's stored papers (dossiers + docstore + the queue visit), and the dossier page (its
    workflow, papers, portal sync state, queue visit and printed forms with the rating QR). They
    live above the domain apps so that those import downward only (ADR 0022).
    """

    name = "motcua.desk"
    verbose_name = _("Bàn làm việc của cán bộ")
