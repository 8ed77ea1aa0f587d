"""A commune's list of procedures decides what it may receive: each change, from the commune
admin's page, a service or the admin, leaves one audit row with the list before and after and the
person who changed it. A refused change leaves none."""

import pytest
from django.urls import reverse

from motcua.audit.models import Action, Kind
from motcua.catalog import services
from motcua.catalog.models import CommuneProcedure, Procedure
from tests.audit.support import Trail
from tests.world import PASSWORD, make_procedure

NOT_STANDARDISED = {"standardized": False, "procedures": []}


@pytest.fixture
def two_procedures(world):
    return world.procedure, make_procedure(code="1.001193")


def test_the_commune_admins_page_records_who_changed_the_list(client, world, two_procedures):
    admin = world.officers_a["commune_admin"]
    client.login(username=admin.username, password=PASSWORD)
    trail = Trail()
    response = client.post(
        reverse("catalog:commune_procedures"),
        {"codes": ["1.004873"], "reason": "Quyết định 12/QĐ-UBND công bố danh mục"},
    )
    assert response.status_code == 302
    row = trail.one()
    assert (row.kind, row.action, row.actor) == (Kind.COMMUNE_PROCEDURES, Action.CHANGE, admin)
    assert (row.object_id, row.commune, row.province) == (world.a.pk, world.a, world.hanoi)
    assert row.before == NOT_STANDARDISED
    assert row.after == {"standardized": True, "procedures": ["1.004873"]}
    assert row.reason == "Quyết định 12/QĐ-UBND công bố danh mục"

    trail = Trail()
    client.post(reverse("catalog:commune_procedures"), {"codes": ["1.004873", "1.001193"]})
    assert trail.one().after["procedures"] == ["1.001193", "1.004873"]


def test_refused_choices_leave_no_row(client, world, two_procedures):
    admin = world.officers_a["commune_admin"]
    client.login(username=admin.username, password=PASSWORD)
    trail = Trail()
    nothing = client.post(reverse("catalog:commune_procedures"), {"reason": "x"})
    too_long = client.post(
        reverse("catalog:commune_procedures"), {"codes": ["1.004873"], "reason": "Đ" * 501}
    )
    nul = client.post(
        reverse("catalog:commune_procedures"), {"codes": ["1.004873"], "reason": "a\x00b"}
    )
    assert [r.status_code for r in (nothing, too_long, nul)] == [400, 400, 400]
    page = too_long.content.decode()
    assert "Lý do thay đổi" in page and 'href="#reason"' in page
    assert 'value="1.004873" checked' in page  # the choice is shown again, not lost
    assert trail.new() == [] and not CommuneProcedure.objects.exists()


def test_saving_the_same_list_again_records_nothing(world, two_procedures):
    admin = world.officers_a["commune_admin"]
    chosen = Procedure.objects.filter(code="1.004873")
    services.standardize_procedures(world.a, chosen, actor=admin)
    trail = Trail()
    services.standardize_procedures(world.a, chosen, actor=admin)
    assert trail.new() == []


def test_a_first_install_names_its_source(world, two_procedures):
    trail = Trail()
    services.standardize_all_commune_level([world.a, world.b])
    rows = trail.new()
    assert [(r.commune, r.actor, r.source) for r in rows] == [
        (world.a, None, "standardize_all_commune_level"),
        (world.b, None, "standardize_all_commune_level"),
    ]


def test_the_admin_records_each_line_added_switched_off_and_deleted(
    admin_client, admin_user, world, two_procedures
):
    procedure, other = two_procedures
    trail = Trail()
    response = admin_client.post(
        reverse("admin:catalog_communeprocedure_add"),
        {"commune": world.a.pk, "procedure": procedure.pk, "is_active": "on", "audit_reason": "QĐ"},
    )
    assert response.status_code == 302
    added = trail.one()
    assert (added.actor, added.commune, added.reason) == (admin_user, world.a, "QĐ")
    assert (added.before, added.after["procedures"]) == (NOT_STANDARDISED, ["1.004873"])

    link = CommuneProcedure.objects.get()
    trail = Trail()
    response = admin_client.post(
        reverse("admin:catalog_communeprocedure_change", args=[link.pk]), {}
    )  # "đang áp dụng" unticked
    assert response.status_code == 302
    switched = trail.one()
    assert (switched.actor, switched.before["procedures"], switched.after) == (
        admin_user,
        ["1.004873"],
        NOT_STANDARDISED,
    )

    CommuneProcedure.objects.filter(pk=link.pk).update(is_active=True)
    trail = Trail()
    response = admin_client.post(
        reverse("admin:catalog_communeprocedure_delete", args=[link.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = trail.one()
    assert (deleted.actor, deleted.after) == (admin_user, NOT_STANDARDISED)
    assert not CommuneProcedure.objects.exists()


def test_the_admin_bulk_delete_records_each_communes_list(
    admin_client, admin_user, world, two_procedures
):
    services.standardize_procedures(world.a, two_procedures, actor=admin_user)
    services.standardize_procedures(world.b, two_procedures[:1], actor=admin_user)
    trail = Trail()
    response = admin_client.post(
        reverse("admin:catalog_communeprocedure_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(CommuneProcedure.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    rows = trail.new()
    assert len(rows) == 3 and {r.actor for r in rows} == {admin_user}
    assert [r.after for r in rows if r.commune == world.b] == [NOT_STANDARDISED]
