"""Who is served first depends on a centre's priority groups and queue settings and on the
priority an officer gives a ticket: each change, from the counter page, the API or the admin, leaves
one audit row naming the person; a refused change leaves none. The defaults a new centre starts
with name their source."""

import pytest
from django.urls import reverse

from motcua.accounts.services import create_api_token
from motcua.audit.models import Action, Kind
from motcua.errors import PublicNotFound
from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import PriorityGroup, QueueSettings, Source
from motcua.units.models import ServiceCenter
from tests.audit.support import Trail
from tests.queueing.conftest import pin_clock, vn
from tests.world import PASSWORD

MONDAY_9 = vn(2025, 7, 7, 9)


@pytest.fixture
def clock(monkeypatch):
    return pin_clock(monkeypatch, MONDAY_9)


@pytest.fixture
def officer(client, q, clock):
    assert client.login(username=q.reception.username, password=PASSWORD)
    return client


def at_counter(q, clock, **kwargs):
    """A visitor's ticket, called to counter 1 by the reception officer."""
    ticket = services.issue_ticket(q.center, q.civil, at=clock.at, **kwargs)
    services.call_next(q.counter1, q.reception, at=clock.at)
    return ticket


def set_group(client, q, group) -> None:
    response = client.post(
        reverse("queueing:counter", args=[q.counter1.pk]),
        {"action": "priority", "group": group.pk if group else ""},
    )
    assert response.status_code == 302


# --------------------------------------------------------------------------- a ticket's priority


def test_the_counter_page_records_who_confirmed_corrected_and_cleared_a_priority(officer, q, clock):
    ticket = at_counter(q, clock, priority_group=q.elderly)  # the visitor's word at the kiosk
    officer_id = q.reception.pk

    trail = Trail()
    set_group(officer, q, q.elderly)
    confirmed = trail.one()
    assert (confirmed.kind, confirmed.action, confirmed.actor) == (
        Kind.TICKET_PRIORITY,
        Action.CHANGE,
        q.reception,
    )
    assert (confirmed.object_id, confirmed.commune, confirmed.province) == (
        ticket.pk,
        q.a,
        q.hanoi,
    )
    assert confirmed.before == {"priority_group": "elderly", "confirmed_by": None}
    assert confirmed.after == {"priority_group": "elderly", "confirmed_by": officer_id}
    assert confirmed.at == clock.at

    trail = Trail()
    set_group(officer, q, q.center.priority_groups.get(code="disability"))
    assert trail.one().after == {"priority_group": "disability", "confirmed_by": officer_id}

    trail = Trail()
    set_group(officer, q, None)
    cleared = trail.one()
    assert (cleared.before["priority_group"], cleared.after["priority_group"]) == (
        "disability",
        None,
    )


def test_a_refused_priority_leaves_no_row(q, clock):
    ticket = at_counter(q, clock)
    other_centre = q.b.centers.get().priority_groups.get(code="elderly")
    trail = Trail()
    with pytest.raises(QueueError):
        services.set_priority(ticket, other_centre, q.reception, at=clock.at)
    # Another commune's officer does not see the ticket at all (the access rule's 404).
    with pytest.raises(PublicNotFound):
        services.set_priority(ticket, q.elderly, q.officers_b["reception"], at=clock.at)
    assert trail.new() == []
    ticket.refresh_from_db()
    assert ticket.priority_group is None


def test_a_number_issued_by_an_officer_with_a_priority_is_recorded(officer, q, clock):
    trail = Trail()
    response = officer.post(
        reverse("queueing:overview"), {"field": q.civil.pk, "priority": q.elderly.pk}
    )
    assert response.status_code == 302
    row = trail.one()
    assert (row.kind, row.action, row.actor) == (Kind.TICKET_PRIORITY, Action.CREATE, q.reception)
    assert row.after == {"priority_group": "elderly", "confirmed_by": q.reception.pk}

    trail = Trail()
    services.issue_ticket(q.center, q.civil, source=Source.COUNTER, officer=q.reception)
    services.issue_ticket(q.center, q.civil, priority_group=q.elderly)  # kiosk: unconfirmed
    assert trail.new() == []  # no priority given, and a visitor's own claim is not an officer's


def test_a_number_issued_through_the_api_with_a_priority_is_recorded(client, q, clock):
    token = create_api_token(q.reception.username)
    trail = Trail()
    response = client.post(
        "/api/v1/queue/tickets",
        {"center_id": q.center.pk, "field_id": q.civil.pk, "priority_group_id": q.elderly.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 201), response.content
    row = trail.one()
    assert (row.actor, row.after["priority_group"]) == (q.reception, "elderly")


def test_tickets_have_no_admin_path_that_writes(admin_client, q, clock):
    ticket = at_counter(q, clock, priority_group=q.elderly)
    trail = Trail()
    response = admin_client.post(
        reverse("admin:queueing_ticket_change", args=[ticket.pk]), {"priority_group": ""}
    )
    assert response.status_code == 403
    assert trail.new() == []


# --------------------------------------------------------------------------- defaults


def test_a_new_centre_gets_its_defaults_with_their_source(q):
    trail = Trail()
    center = ServiceCenter.objects.create(commune=q.b, name="Điểm tiếp nhận số 2")
    rows = trail.new()
    assert {(r.kind, r.action, r.actor, r.source) for r in rows} == {
        (Kind.QUEUE_SETTINGS, Action.CREATE, None, "queue_defaults"),
        (Kind.PRIORITY_GROUP, Action.CREATE, None, "queue_defaults"),
    }
    assert len(rows) == 1 + center.priority_groups.count()
    assert {r.commune for r in rows} == {q.b}
    settings_row = next(r for r in rows if r.kind == Kind.QUEUE_SETTINGS)
    # The kiosk key is a secret: the trail keeps only its fingerprint.
    kiosk_key = QueueSettings.objects.get(center=center).kiosk_key
    assert settings_row.after["kiosk_key"].startswith("sha256:")
    assert kiosk_key not in str(settings_row.after)


# --------------------------------------------------------------------------- the admin


def group_form(group=None, **changes) -> dict:
    data = {
        "center": group.center_id if group else "",
        "code": group.code if group else "",
        "name_vi": group.name_vi if group else "",
        "name_en": group.name_en if group else "",
        "position": group.position if group else 0,
        "is_active": "on" if (group is None or group.is_active) else "",
        "head_start_minutes": group.head_start_minutes if group else 10,
        "strength": group.strength if group else "practice",
        "legal_basis": group.legal_basis if group else "",
        "audit_reason": "",
    }
    return data | changes


def admin_post(client, url_name, data, *args):
    response = client.post(reverse(f"admin:queueing_{url_name}", args=args), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_admin_records_each_priority_group_change(admin_client, admin_user, q):
    trail = Trail()
    admin_post(
        admin_client,
        "prioritygroup_add",
        group_form(
            center=q.center.pk,
            code="veterans",
            name_vi="Người có công với cách mạng",
            head_start_minutes=20,
            audit_reason="Nội quy trung tâm 2025",
        ),
    )
    added = trail.one()
    group = PriorityGroup.objects.get(code="veterans")
    assert (added.kind, added.action, added.actor, added.object_id, added.commune) == (
        Kind.PRIORITY_GROUP,
        Action.CREATE,
        admin_user,
        group.pk,
        q.a,
    )
    assert added.after["head_start_minutes"] == 20 and added.reason == "Nội quy trung tâm 2025"

    trail = Trail()
    admin_post(
        admin_client,
        "prioritygroup_change",
        group_form(q.elderly, head_start_minutes=45),
        q.elderly.pk,
    )
    changed = trail.one()
    assert (changed.actor, changed.changed_keys()) == (admin_user, ["head_start_minutes"])
    assert (changed.before["head_start_minutes"], changed.after["head_start_minutes"]) == (30, 45)

    trail = Trail()
    admin_post(admin_client, "prioritygroup_delete", {"post": "yes"}, group.pk)
    deleted = trail.one()
    assert (deleted.actor, deleted.action, deleted.before["code"]) == (
        admin_user,
        Action.DELETE,
        "veterans",
    )


def test_the_admin_bulk_delete_records_each_group(admin_client, admin_user, q):
    unused = list(q.center.priority_groups.filter(is_active=False))
    trail = Trail()
    admin_post(
        admin_client,
        "prioritygroup_changelist",
        {"action": "delete_selected", "_selected_action": [g.pk for g in unused], "post": "yes"},
    )
    rows = trail.new()
    assert sorted(r.object_id for r in rows) == sorted(g.pk for g in unused) and unused
    assert {(r.actor, r.action) for r in rows} == {(admin_user, Action.DELETE)}


def test_a_refused_admin_group_leaves_no_row(admin_client, q):
    trail = Trail()
    response = admin_client.post(
        reverse("admin:queueing_prioritygroup_change", args=[q.elderly.pk]),
        group_form(q.elderly, head_start_minutes=0),
    )
    assert response.status_code == 200  # the form shows the error
    assert trail.new() == []
    q.elderly.refresh_from_db()
    assert q.elderly.head_start_minutes == 30


def test_the_admin_records_queue_settings_and_a_new_kiosk_key(admin_client, admin_user, q):
    settings = QueueSettings.objects.get(center=q.center)
    old_key = settings.kiosk_key
    trail = Trail()
    admin_post(
        admin_client,
        "queuesettings_change",
        {
            "booking_enabled": "on",
            "slot_minutes": 20,
            "bookings_per_counter_slot": 2,
            "booking_days_ahead": 14,
            "early_check_in_minutes": 60,
            "grace_minutes": 15,
            "remind_places": 3,
            "default_service_minutes": 10,
            "kiosk_key": "khoa-moi-2025",
            "audit_reason": "Đổi khóa sau khi mất máy tính bảng",
        },
        settings.pk,
    )
    row = trail.one()
    assert (row.kind, row.actor, row.commune) == (Kind.QUEUE_SETTINGS, admin_user, q.a)
    assert sorted(row.changed_keys()) == ["kiosk_key", "slot_minutes"]
    assert (row.before["slot_minutes"], row.after["slot_minutes"]) == (30, 20)
    assert "khoa-moi-2025" not in str(row.after) and old_key not in str(row.before)
