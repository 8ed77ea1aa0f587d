"""The audit trail in the admin: a list to read and filter (kind, commune, actor, date), nothing
to add, edit or delete; and every admin that edits an audited kind saves through the services."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from motcua.admin_readonly import ReadOnlyAdmin
from motcua.audit.admin import AuditedAdmin
from motcua.audit.models import AuditEntry
from motcua.catalog import services as catalog_services
from motcua.catalog.models import CommuneProcedure
from motcua.queueing.models import PriorityGroup, QueueSettings, Ticket
from motcua.units import services as units_services
from motcua.units.models import DayOverride, ServiceCenter

# Every model whose changes decide deadlines or who is served first (the audited kinds).
AUDITED_MODELS = (DayOverride, ServiceCenter, CommuneProcedure, PriorityGroup, QueueSettings)


@pytest.fixture
def trail(world, editor):
    """Three rows: a national day override, office hours in commune a, a list in commune b."""
    units_services.set_day_override(
        datetime.date(2027, 3, 6), "working_day", actor=editor, note="Làm bù"
    )
    units_services.set_office_hours(
        world.a.centers.get(), "07:00-11:00", actor=world.officers_a["commune_admin"]
    )
    catalog_services.standardize_procedures(
        world.b, [world.procedure], actor=world.officers_b["commune_admin"], reason="QĐ 7"
    )
    return AuditEntry.objects.exclude(source="queue_defaults")


def listing(client, **params) -> set[str]:
    """The kinds of the rows the admin list shows with these filters."""
    response = client.get(reverse("admin:audit_auditentry_changelist"), params)
    assert response.status_code == 200
    return {row.kind for row in response.context["cl"].result_list}


def test_the_list_shows_who_changed_what_where(admin_client, world, trail):
    response = admin_client.get(reverse("admin:audit_auditentry_changelist"))
    html = response.content.decode()
    for text in ("06/03/2027", "Phường Hoàn Kiếm", "Phường Cửa Nam", "a.commune_admin"):
        assert text in html, text
    assert "hệ thống (queue_defaults)" in html  # the defaults of the test world's centres


def test_the_list_filters_by_kind_commune_actor_and_date(admin_client, world, trail):
    mine = {"source": ""}  # leave out the defaults the test world's centres were made with
    assert listing(admin_client, **mine) == {
        "day_override",
        "office_hours",
        "commune_procedures",
    }
    assert listing(admin_client, kind__exact="office_hours") == {"office_hours"}
    assert listing(admin_client, commune__id__exact=world.b.pk, **mine) == {"commune_procedures"}
    actor = world.officers_a["commune_admin"]
    assert listing(admin_client, actor__id__exact=actor.pk) == {"office_hours"}
    today = timezone.localdate(trail.first().at)  # the admin's dates are local days
    day = {"at__year": today.year, "at__month": today.month, "at__day": today.day}
    assert "day_override" in listing(admin_client, **day)
    assert listing(admin_client, at__year=2099) == set()


def test_a_row_reads_in_full_and_cannot_be_changed(admin_client, trail):
    row = trail.get(kind="commune_procedures")
    url = reverse("admin:audit_auditentry_change", args=[row.pk])
    page = admin_client.get(url).content.decode()
    assert "QĐ 7" in page and "1.004873" in page and "b.commune_admin" in page
    assert admin_client.post(url, {"reason": "sửa"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert AuditEntry.objects.get(pk=row.pk).reason == "QĐ 7"


def test_every_admin_of_an_audited_kind_saves_through_the_services(rf, admin_user):
    """No admin page or inline writes an audited model directly: its admin is an AuditedAdmin
    (saves, deletes, bulk deletes and inline rows of the model go through the services) or is
    read-only (tickets)."""
    registry = admin.site._registry
    request = rf.get("/")
    request.user = admin_user
    for model in AUDITED_MODELS:
        model_admin = registry[model]
        assert isinstance(model_admin, AuditedAdmin), model
        assert model_admin.save_service is not None, model
        if model_admin.has_delete_permission(request):
            assert model_admin.delete_service is not None, model
    assert isinstance(registry[Ticket], ReadOnlyAdmin)
    for model_admin in registry.values():
        for inline in model_admin.inlines:
            if inline.model in AUDITED_MODELS:
                # AuditedAdmin.save_formset routes inline rows of its own model only.
                assert isinstance(model_admin, AuditedAdmin), (model_admin, inline)
                assert inline.model is model_admin.model, (model_admin, inline)
