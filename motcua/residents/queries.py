"""Reads for the residents' portal. A resident sees the dossiers their account filed and, once an
identity provider verified their ID number, the dossiers filed for that number anywhere."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.errors import PublicNotFound
from motcua.residents.models import Resident


def own_dossiers_scope(resident: Resident) -> Q:
    scope = Q(resident=resident)
    if resident.verified_id_number:
        scope |= Q(applicant_id_number=resident.verified_id_number)
    return scope


def my_dossiers(resident: Resident) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(own_dossiers_scope(resident))
        .select_related("procedure", "competent_commune")
        .order_by("-submitted_at")
    )


def my_dossier(resident: Resident, code: str) -> Dossier:
    """The resident's own dossier; another person's answers 404 (its existence not revealed)."""
    dossier = my_dossiers(resident).filter(code=code).first()
    if dossier is None:
        raise PublicNotFound(
            _("Không tìm thấy hồ sơ %(code)s trong tài khoản của bạn.") % {"code": code[:64]}
        )
    return dossier
