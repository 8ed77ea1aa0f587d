"""Day overrides and office hours decide deadlines: every change, through a service, an import or
the admin, leaves exactly one audit row naming who made it, with the values before and after. A
change refused for bad input leaves none."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from motcua.audit.models import Action, Kind
from motcua.catalog.services import ensure_service_centers_serving_fields
from motcua.units import services
from motcua.units.models import DayOverride, ServiceCenter
from tests.audit.support import Trail

SATURDAY = datetime.date(2027, 3, 6)
MONDAY = datetime.date(2027, 3, 8)


# --------------------------------------------------------------------------- day overrides


def test_setting_changing_and_removing_an_override_each_leave_one_row(editor):
    trail = Trail()
    services.set_day_override(
        SATURDAY, "working_day", actor=editor, note="Làm bù", reason="Thông báo 123/TB-BNV"
    )
    created = trail.one()
    assert (created.kind, created.action, created.actor) == (
        Kind.DAY_OVERRIDE,
        Action.CREATE,
        editor,
    )
    assert created.before is None
    assert created.after == {
        "date": "2027-03-06",
        "kind": "working_day",
        "note": "Làm bù",
        "status": "",
    }
    assert created.reason == "Thông báo 123/TB-BNV"
    assert created.object_id == DayOverride.objects.get().pk
    assert (created.commune, created.province) == (None, None)  # a national calendar change

    trail = Trail()
    services.set_day_override(SATURDAY, "working_day", actor=editor, note="Làm bù Tết")
    changed = trail.one()
    assert changed.action == Action.CHANGE
    assert (changed.before["note"], changed.after["note"]) == ("Làm bù", "Làm bù Tết")
    assert changed.changed_keys() == ["note"]

    trail = Trail()
    services.remove_day_override(SATURDAY, actor=editor)
    removed = trail.one()
    assert (removed.action, removed.before["note"], removed.after) == (
        Action.DELETE,
        "Làm bù Tết",
        None,
    )
    assert not DayOverride.objects.exists()


def test_a_refused_override_leaves_no_row(editor):
    trail = Trail()
    with pytest.raises(ValidationError, match="ngày thường"):
        services.set_day_override(MONDAY, "working_day", actor=editor)
    assert trail.new() == [] and not DayOverride.objects.exists()


def test_a_change_needs_an_actor(db):
    with pytest.raises(ValueError, match="system source"):
        services.set_day_override(SATURDAY, "working_day", actor=None)
    assert not DayOverride.objects.exists()


def test_the_import_command_is_named_as_the_source(db):
    trail = Trail()
    call_command("import_day_overrides", stdout=io.StringIO(), stderr=io.StringIO())
    rows = trail.new()
    assert len(rows) == DayOverride.objects.count() >= 4
    assert {(r.actor, r.source, r.action) for r in rows} == {
        (None, "import_day_overrides", Action.CREATE)
    }
    assert {r.object_id for r in rows} == set(DayOverride.objects.values_list("pk", flat=True))

    trail = Trail()
    call_command("import_day_overrides", stdout=io.StringIO(), stderr=io.StringIO())
    assert trail.new() == []  # nothing changed, nothing recorded


def test_an_import_that_changes_an_override_records_before_and_after(editor):
    services.set_day_override(
        datetime.date(2025, 4, 26), "working_day", actor=editor, note="nhập tay"
    )
    trail = Trail()
    call_command("import_day_overrides", stdout=io.StringIO(), stderr=io.StringIO())
    [changed] = [r for r in trail.new() if r.action == Action.CHANGE]
    assert changed.before["note"] == "nhập tay" and changed.after["note"] != "nhập tay"
    assert changed.source == "import_day_overrides"


# --------------------------------------------------------------------------- office hours


def test_office_hours_set_by_staff_leave_one_row_scoped_to_the_commune(world, editor):
    center = world.a.centers.get()
    trail = Trail()
    services.set_office_hours(center, "07:30-11:30,13:30-17:00", actor=editor, reason="Mùa hè")
    row = trail.one()
    assert (row.kind, row.action, row.actor, row.reason) == (
        Kind.OFFICE_HOURS,
        Action.CHANGE,
        editor,
        "Mùa hè",
    )
    assert row.before == {"office_hours": "08:00-12:00,13:00-17:00"}
    assert row.after == {"office_hours": "07:30-11:30,13:30-17:00"}
    assert (row.object_id, row.commune, row.province) == (center.pk, world.a, world.hanoi)


def test_bad_office_hours_leave_no_row(world, editor):
    center = world.a.centers.get()
    trail = Trail()
    with pytest.raises(ValidationError):
        services.set_office_hours(center, "17:00-08:00", actor=editor)
    assert trail.new() == []


def test_a_new_centre_records_its_office_hours(world, editor):
    trail = Trail()
    center = services.create_service_center(
        world.a, actor=editor, name="Điểm tiếp nhận Hàng Bạc", office_hours="07:00-11:00"
    )
    [row] = [r for r in trail.new() if r.kind == Kind.OFFICE_HOURS]
    assert (row.action, row.actor, row.object_id) == (Action.CREATE, editor, center.pk)
    assert row.after == {"office_hours": "07:00-11:00"}


def test_centres_made_for_a_first_install_name_their_source(real_units):
    trail = Trail()
    ensure_service_centers_serving_fields(["46"])
    rows = [r for r in trail.new() if r.kind == Kind.OFFICE_HOURS]
    assert len(rows) == ServiceCenter.objects.count() == 40
    assert {(r.actor, r.source) for r in rows} == {(None, "ensure_service_centers")}
    assert all(r.province.code == "46" for r in rows)


# --------------------------------------------------------------------------- the admin


def admin_post(client, url_name, *args, **data):
    response = client.post(reverse(f"admin:units_{url_name}", args=args), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_the_admin_records_the_signed_in_user_for_each_override_change(admin_client, admin_user):
    trail = Trail()
    admin_post(
        admin_client,
        "dayoverride_add",
        date="2027-03-06",
        kind="working_day",
        note="Làm bù",
        status="chính thức",
        audit_reason="Thông báo của Bộ Nội vụ",
    )
    created = trail.one()
    override = DayOverride.objects.get()
    assert (created.actor, created.action, created.object_id) == (
        admin_user,
        Action.CREATE,
        override.pk,
    )
    assert created.reason == "Thông báo của Bộ Nội vụ"

    trail = Trail()
    admin_post(
        admin_client,
        "dayoverride_change",
        override.pk,
        date="2027-03-13",
        kind="working_day",
        note="Làm bù",
        status="chính thức",
    )
    moved = trail.one()
    assert (moved.actor, moved.before["date"], moved.after["date"]) == (
        admin_user,
        "2027-03-06",
        "2027-03-13",
    )

    trail = Trail()
    admin_post(admin_client, "dayoverride_delete", override.pk, post="yes")
    deleted = trail.one()
    assert (deleted.actor, deleted.action) == (admin_user, Action.DELETE)
    assert not DayOverride.objects.exists()


def test_the_admin_bulk_delete_records_each_override(admin_client, admin_user):
    for day in (SATURDAY, SATURDAY + datetime.timedelta(days=7)):
        DayOverride.objects.create(date=day, kind="working_day")
    trail = Trail()
    admin_post(
        admin_client,
        "dayoverride_changelist",
        action="delete_selected",
        _selected_action=list(DayOverride.objects.values_list("pk", flat=True)),
        post="yes",
    )
    rows = trail.new()
    assert [(r.actor, r.action) for r in rows] == [(admin_user, Action.DELETE)] * 2
    assert not DayOverride.objects.exists()


def test_a_refused_admin_form_leaves_no_row(admin_client):
    trail = Trail()
    response = admin_client.post(
        reverse("admin:units_dayoverride_add"),
        {"date": "2027-03-08", "kind": "working_day", "note": "", "status": ""},
    )
    assert response.status_code == 200 and "ngày thường" in response.content.decode()
    assert trail.new() == [] and not DayOverride.objects.exists()


def admin_post_form(client, url_name, pk, data: dict):
    return admin_post(client, url_name, pk, **data)


def centre_form(center, **changes) -> dict:
    data = {
        "commune": center.commune_id,
        "parent": "",
        "name": center.name,
        "address": center.address,
        "phone": center.phone,
        "email": center.email,
        "office_hours": center.office_hours,
        "free_services": "[]",
        "is_active": "on",
        "audit_reason": "",
    }
    for prefix in ("counters", "branches"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | changes


def test_the_admin_records_new_office_hours_and_not_a_new_phone_number(
    admin_client, admin_user, world
):
    center = world.a.centers.get()
    trail = Trail()
    form = centre_form(center, office_hours="07:00-11:30,13:30-17:00", audit_reason="QĐ 45")
    admin_post_form(admin_client, "servicecenter_change", center.pk, form)
    row = trail.one()
    assert (row.kind, row.actor, row.reason, row.commune) == (
        Kind.OFFICE_HOURS,
        admin_user,
        "QĐ 45",
        world.a,
    )
    assert row.after == {"office_hours": "07:00-11:30,13:30-17:00"}

    trail = Trail()
    center.refresh_from_db()
    admin_post_form(admin_client, "servicecenter_change", center.pk, centre_form(center, phone="1"))
    assert trail.new() == []  # a phone number decides no deadline


def test_a_branch_added_inline_is_recorded_with_its_hours(admin_client, admin_user, world):
    center = world.a.centers.get()
    trail = Trail()
    branch_row = {
        "branches-TOTAL_FORMS": "1",
        "branches-0-name": "Điểm tiếp nhận Hàng Bạc",
        "branches-0-address": "5 Hàng Bạc",
        "branches-0-office_hours": "07:00-11:00",
        "branches-0-is_active": "on",
    }
    admin_post_form(
        admin_client, "servicecenter_change", center.pk, centre_form(center, **branch_row)
    )
    branch = center.branches.get()
    rows = [r for r in trail.new() if r.kind == Kind.OFFICE_HOURS]
    assert [(r.object_id, r.actor, r.action, r.after) for r in rows] == [
        (branch.pk, admin_user, Action.CREATE, {"office_hours": "07:00-11:00"})
    ]
    assert branch.commune == world.a
