"""Reads for the residents' portal. A resident sees the dossiers their account filed and, once an
identity provider verified their ID number, the dossiers filed for that number anywhere."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.dossiers.workflow import State
from motcua.errors import PublicNotFound
from motcua.residents.models import AssistedSubmission, Resident
from motcua.ui.templatetags.ui import vnd


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


def what_is_asked(dossier: Dossier) -> str:
    """What the resident must do next, in a few words ("" when nothing): send a supplement, or
    collect the result (and pay the fee at the counter, when the procedure has one)."""
    if dossier.state == State.AWAITING_SUPPLEMENT:
        return _("Cần bổ sung giấy tờ")
    if dossier.state in (State.RESULT_READY, State.REFUSED_AFTER_APPRAISAL):
        fee = dossier.procedure.fee_vnd
        if dossier.return_method == ReturnMethod.COUNTER and fee:
            return _("Đến nhận kết quả, nộp lệ phí %(fee)s") % {"fee": vnd(fee)}
        return _("Kết quả đã sẵn sàng")
    return ""


def assistance_of(dossier: Dossier) -> AssistedSubmission | None:
    """Who filed the dossier for the resident, with the consent shown (None if nobody did)."""
    return AssistedSubmission.objects.select_related("assisted_by").filter(dossier=dossier).first()
