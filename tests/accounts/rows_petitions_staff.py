"""Persona-table rows of the reports' staff routes (see test_access_table).

The report is ``w.petition_a`` (commune a, a draft awaiting the leader's approval). Step pages
(GET) check the step's action; a step that its status does not allow sends a permitted person
back to the report (302). POST rows are the steps that succeed from that status, each run in a
transaction rolled back after every persona.
"""

from django.core.files.base import ContentFile

from motcua.petitions.models import PetitionPhoto, Place
from tests.accounts.table import (  # noqa: F401 - the vocabulary rows are written in
    A_OFFICERS,
    EVERY_OFFICER,
    FORBIDDEN,
    PROVINCE,
    Row,
    _q,
    _r,
)

SEES_A = A_OFFICERS | PROVINCE | {"hotline"}
HANDLERS = A_OFFICERS | {"superuser"}
APPROVERS = frozenset({"a.leader", "superuser"})
ASSIGNERS = frozenset({"a.reception", "a.leader", "a.commune_admin", "superuser"})
MODERATORS = frozenset({"a.leader", "a.commune_admin", "superuser"})
PETITION_VIEWERS = A_OFFICERS | {"b.reception", "b.leader", "monitor", "monitor_other"}
PETITION_VIEWERS |= {"hotline", "superuser"}
A_ADMIN = frozenset({"a.commune_admin"})


def _pa(w):
    return w.petition_a.pk


def _place_a(w):
    place, _ = Place.objects.get_or_create(commune=w.a, name="Chợ Hàng Bè")
    return place.pk


def _photo_a(w):
    photo = w.petition_a.photos.first()
    if photo is None:
        photo = PetitionPhoto(
            petition=w.petition_a, content_type="image/png", extension="png", size=4, sha256="0"
        )
        photo.file.save("anh.png", ContentFile(b"\x89PNG"), save=False)
        photo.save()
    return photo.pk


def _step(name, what, ok, forbidden=frozenset(), method="get", data=None):
    return Row(
        "petitions:staff_step",
        what,
        _r("petitions:staff_step", _pa, name),
        ok=ok,
        forbidden=forbidden,
        method=method,
        data=data,
    )


# Staff routes: one Row per route and action.
ROWS: list[Row] = [
    Row(
        "petitions:staff_inbox",
        "petition/view (scoped list)",
        _r("petitions:staff_inbox"),
        ok=PETITION_VIEWERS,
        forbidden={"volunteer", "colleague_volunteer"},
    ),
    Row(
        "petitions:staff_detail",
        "petition/view",
        _r("petitions:staff_detail", _pa),
        ok=SEES_A,
    ),
    Row(
        "petitions:staff_photo",
        "petition/view (a photo)",
        _r("petitions:staff_photo", _pa, _photo_a),
        ok=SEES_A,
    ),
    # Steps of the handling officers (not from "awaiting approval": back to the report).
    _step("accept", "petition/handle (accept)", HANDLERS, {"monitor", "hotline"}),
    _step("request_info", "petition/handle (ask for more)", HANDLERS, {"monitor", "hotline"}),
    _step("draft_answer", "petition/handle (draft)", HANDLERS, {"monitor", "hotline"}),
    _step("reject", "petition/handle (reject)", HANDLERS, {"monitor", "hotline"}),
    # The leader's.
    _step("publish", "petition/approve (publish form)", APPROVERS, SEES_A - APPROVERS),
    _step(
        "publish",
        "petition/approve (publish)",
        APPROVERS,
        SEES_A - APPROVERS,
        method="post",
        data=lambda w: {"answer": "Đã thay bóng đèn ngày 8/7."},
    ),
    _step("return_answer", "petition/approve (return form)", APPROVERS, SEES_A - APPROVERS),
    _step(
        "return_answer",
        "petition/approve (return the draft)",
        APPROVERS,
        SEES_A - APPROVERS,
        method="post",
        data=lambda w: {"reason": "Ghi rõ ngày thay."},
    ),
    # Passing on and merging.
    _step("reassign", "petition/assign (form)", ASSIGNERS, SEES_A - ASSIGNERS),
    _step(
        "reassign",
        "petition/assign (to commune b)",
        ASSIGNERS,
        SEES_A - ASSIGNERS,
        method="post",
        data=lambda w: {"commune": w.b.code, "reason": "Sự việc ở phường bên cạnh."},
    ),
    _step("merge", "petition/assign (merge form)", ASSIGNERS, SEES_A - ASSIGNERS),
    # Moderation.
    _step("moderate", "petition/moderate (form)", MODERATORS, SEES_A - MODERATORS),
    _step(
        "moderate",
        "petition/moderate (hide)",
        MODERATORS,
        SEES_A - MODERATORS,
        method="post",
        data=lambda w: {"public_text": "", "hidden": "on", "reason": "Có lời lẽ xúc phạm."},
    ),
    # The hotline operator's screen.
    Row(
        "petitions:hotline",
        "commune/take_call (the screen)",
        _r("petitions:hotline"),
        ok={"hotline", "superuser"},
        forbidden=EVERY_OFFICER - {"hotline", "superuser"},
    ),
    Row(
        "petitions:hotline",
        "commune/take_call (a call for commune a)",
        _r("petitions:hotline"),
        method="post",
        data=lambda w: {
            "reporter_phone": "0987654321",
            "commune": w.a.code,
            "category": "chieu-sang",
            "description": "Cột đèn số 5 phố Hàng Bè bị nghiêng.",
        },
        ok={"hotline", "superuser"},
        forbidden=EVERY_OFFICER - {"hotline", "superuser"},
    ),
    # The commune admin's departments and places (pages about one's own commune: 403).
    Row(
        "petitions:departments",
        "commune/configure (own commune)",
        _r("petitions:departments"),
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:departments",
        "commune/configure (add a department)",
        _r("petitions:departments"),
        method="post",
        data=lambda w: {"name": "Tổ công tác đô thị", "kind": "other", "is_active": "on"},
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:department",
        "commune/configure (rename a department)",
        _r("petitions:department", lambda w: w.petition_a.department_id),
        method="post",
        data=lambda w: {"name": "Phòng Kinh tế, Hạ tầng và Đô thị", "kind": "economy_infra"},
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:department",
        "commune/configure (a department)",
        _r("petitions:department", lambda w: w.petition_a.department_id),
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:places",
        "commune/configure (places)",
        _r("petitions:places"),
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:places",
        "commune/configure (add a place)",
        _r("petitions:places"),
        method="post",
        data=lambda w: {
            "name": "Công viên Lý Thái Tổ",
            "latitude": "21.0285",
            "longitude": "105.8542",
        },
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:place_edit",
        "commune/configure (a place)",
        _r("petitions:place_edit", _place_a),
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:place_edit",
        "commune/configure (edit a place)",
        _r("petitions:place_edit", _place_a),
        method="post",
        data=lambda w: {"name": "Chợ Hàng Bè (cổng chính)", "is_active": "on"},
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
    Row(
        "petitions:placard",
        "commune/configure (print a placard)",
        _r("petitions:placard", _place_a),
        ok=A_ADMIN,
        forbidden=EVERY_OFFICER - A_ADMIN,
    ),
]
# URL names anyone may open (public pages).
PUBLIC: set[str] = set()
