"""The queue in the admin: settings and priority groups editable, with the kiosk address and the
legal basis in view; tickets and visit ratings readable only, phone numbers masked."""

import re

import pytest
from django.urls import reverse

from motcua.queueing import links, services, visit_rating
from motcua.queueing.errors import QueueError
from motcua.queueing.models import QueueSettings, Ticket
from motcua.queueing.workflow import Action
from tests.queueing.conftest import vn

MONDAY_9 = vn(2025, 7, 7, 9)


def page(client, name, *args, **params) -> str:
    response = client.get(reverse(f"admin:queueing_{name}", args=args), params)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def kiosk_token_in(html: str) -> str:
    """The token of the kiosk address the page shows (signed anew, with a timestamp, each time)."""
    found = re.search(r'href="http[^"]*/kiosk/([^/"]+)/"', html)
    assert found, "no kiosk address on the page"
    return found.group(1)


def served_ticket(q, phone="0912345678"):
    ticket = services.issue_ticket(q.center, q.civil, phone=phone, at=MONDAY_9)
    officer = q.reception
    services.call_next(q.counter1, officer, at=vn(2025, 7, 7, 9, 5))
    services.counter_action(q.counter1, Action.START, officer, at=vn(2025, 7, 7, 9, 6))
    services.counter_action(q.counter1, Action.FINISH, officer, at=vn(2025, 7, 7, 9, 16))
    ticket.refresh_from_db()
    return ticket


def test_every_queue_admin_page_renders_for_a_superuser(admin_client, q):
    ticket = served_ticket(q)
    rating = visit_rating.submit(
        ticket, {"wait": "satisfied", "courtesy": "very_satisfied"}, at=vn(2025, 7, 7, 9, 20)
    )
    settings = QueueSettings.objects.get(center=q.center)
    for name, args in [
        ("queuesettings_changelist", ()),
        ("queuesettings_change", (settings.pk,)),
        ("prioritygroup_changelist", ()),
        ("prioritygroup_change", (q.elderly.pk,)),
        ("prioritygroup_add", ()),
        ("ticket_changelist", ()),
        ("ticket_change", (ticket.pk,)),
        ("visitrating_changelist", ()),
        ("visitrating_change", (rating.pk,)),
    ]:
        page(admin_client, name, *args)
    detail = page(admin_client, "visitrating_change", rating.pk)
    assert "Rất hài lòng" in detail and "Thời gian chờ đến lượt" in detail


def test_the_legal_basis_shows_in_the_list_and_the_form(admin_client, q):
    listing = page(admin_client, "prioritygroup_changelist")
    assert "Luật Người cao tuổi 2009" in listing
    assert "Người đi cùng con nhỏ" in listing and "Không có quy định chung" in listing
    form = page(admin_client, "prioritygroup_change", q.elderly.pk)
    assert "Luật Người cao tuổi 2009" in form and "Nghị định 118/2025/NĐ-CP" in form
    # The strength filter narrows the list to the groups resting on practice only.
    practice = page(admin_client, "prioritygroup_changelist", strength__exact="practice")
    assert "Người đi cùng con nhỏ" in practice and "Người khuyết tật" not in practice


def test_the_kiosk_address_shows_and_a_new_key_revokes_the_old_one(admin_client, q):
    settings = QueueSettings.objects.get(center=q.center)
    form = page(admin_client, "queuesettings_change", settings.pk)
    old_token = kiosk_token_in(form)
    assert links.open_kiosk(old_token) == settings and "thu hồi" in form

    response = admin_client.post(
        reverse("admin:queueing_queuesettings_change", args=[settings.pk]),
        {
            "booking_enabled": "on",
            "slot_minutes": 30,
            "bookings_per_counter_slot": 2,
            "booking_days_ahead": 14,
            "early_check_in_minutes": 60,
            "grace_minutes": 15,
            "remind_places": 3,
            "default_service_minutes": 10,
            "kiosk_key": "khoa-moi-2025",
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.kiosk_key == "khoa-moi-2025"
    with pytest.raises(QueueError):
        links.open_kiosk(old_token)
    new_token = kiosk_token_in(page(admin_client, "queuesettings_change", settings.pk))
    assert links.open_kiosk(new_token) == settings
    # Settings come with the centre: none to add, none to delete.
    assert admin_client.get(reverse("admin:queueing_queuesettings_add")).status_code == 403


def test_tickets_are_read_only_with_the_phone_masked(admin_client, q):
    ticket = served_ticket(q)
    listing = page(admin_client, "ticket_changelist")
    detail = page(admin_client, "ticket_change", ticket.pk)
    for html in (listing, detail):
        assert "*******678" in html and "0912345678" not in html
    # The periods of the visit, one row each: waiting, called, serving.
    assert detail.count("Đang chờ") >= 1 and "Đang được phục vụ" in detail
    # Found by the exact number only.
    assert "*******678" in page(admin_client, "ticket_changelist", q="0912345678")
    assert "*******678" not in page(admin_client, "ticket_changelist", q="091234")
    # Filters by state, source and day.
    assert "0001" in page(admin_client, "ticket_changelist", state__exact="done")
    assert "0001" not in page(admin_client, "ticket_changelist", state__exact="waiting")
    assert "0001" in page(admin_client, "ticket_changelist", source__exact="kiosk")
    assert "0001" in page(admin_client, "ticket_changelist", service_day="2025-07-07")

    assert admin_client.get(reverse("admin:queueing_ticket_add")).status_code == 403
    admin_client.post(reverse("admin:queueing_ticket_delete", args=[ticket.pk]), {"post": "yes"})
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_staff_account_with_model_permissions_may_not_configure_a_centre(client, q):
    """Django's permissions open the admin page; the access rule decides for each centre's queue
    configuration (``CONFIGURE``: the operator's)."""
    from django.contrib.auth.models import Permission

    from motcua.accounts.models import User

    staff = User.objects.create_user(
        "a.admin.staff", password="x", role="commune_admin", commune=q.a, is_staff=True
    )
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="queueing"))
    client.force_login(staff)
    settings_row = QueueSettings.objects.get(center=q.center)
    change = reverse("admin:queueing_queuesettings_change", args=[settings_row.pk])
    assert client.get(change).status_code == 200  # read only: the view permission
    response = client.post(change, {"booking_enabled": "on", "slot_minutes": 5})
    assert response.status_code == 403
    group = q.elderly
    delete = reverse("admin:queueing_prioritygroup_delete", args=[group.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert QueueSettings.objects.get(center=q.center).slot_minutes != 5
    group.refresh_from_db()
