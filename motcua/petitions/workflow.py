"""The steps of a report, as a table: from which statuses each step may be taken, where it leads,
and which access-rule action it needs (``motcua.accounts.access``). ``services`` reads nothing
else to decide whether a step is allowed.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.access import Action
from motcua.petitions.models import OPEN_STATUSES, Status


@dataclass(frozen=True)
class Step:
    label: Promise
    sources: tuple[str, ...]
    target: str | None  # None: the status stays as it was
    action: Action


STEPS: dict[str, Step] = {
    "accept": Step(_("Nhận xử lý"), (Status.RECEIVED,), Status.IN_PROGRESS, Action.HANDLE),
    "request_info": Step(
        _("Đề nghị bổ sung thông tin"),
        (Status.RECEIVED, Status.IN_PROGRESS),
        Status.NEEDS_INFO,
        Action.HANDLE,
    ),
    "draft_answer": Step(
        _("Trình dự thảo trả lời"),
        (Status.RECEIVED, Status.IN_PROGRESS),
        Status.AWAITING_APPROVAL,
        Action.HANDLE,
    ),
    "reject": Step(_("Không tiếp nhận"), (Status.RECEIVED,), Status.REJECTED, Action.HANDLE),
    "return_answer": Step(
        _("Trả lại dự thảo"), (Status.AWAITING_APPROVAL,), Status.IN_PROGRESS, Action.APPROVE
    ),
    "publish": Step(
        _("Duyệt và công khai trả lời"),
        (Status.AWAITING_APPROVAL,),
        Status.PUBLISHED,
        Action.APPROVE,
    ),
    "reassign": Step(_("Chuyển xử lý"), OPEN_STATUSES, None, Action.ASSIGN),
    "merge": Step(_("Gộp vào phản ánh khác"), OPEN_STATUSES, Status.MERGED, Action.ASSIGN),
}


def allowed_from(step: str, status: str) -> bool:
    return status in STEPS[step].sources
