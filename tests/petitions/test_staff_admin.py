"""The operator's admin for reports: Open311 keys are listed and revoked, never added there;
reports are read only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from motcua.petitions import keys
from motcua.petitions.models import Open311Key
from tests.petitions.support import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x-123456"))
    return client


def test_open311_keys_are_listed_and_revoked_but_not_added(operator):
    key, raw = keys.create_key("Ứng dụng Hà Nội")
    listing = operator.get(reverse("admin:petitions_open311key_changelist"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Ứng dụng Hà Nội" in body and key.prefix in body and raw not in body
    assert operator.get(reverse("admin:petitions_open311key_add")).status_code == 403
    response = operator.post(
        reverse("admin:petitions_open311key_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    assert Open311Key.objects.get(pk=key.pk).revoked
    assert keys.verify(raw) is None


def test_reports_are_read_only_in_the_admin(operator, world):
    petition = report(world)
    url = reverse("admin:petitions_petition_change", args=[petition.pk])
    page = operator.get(url)
    assert page.status_code == 200 and petition.secret not in page.content.decode()
    assert operator.get(reverse("admin:petitions_petition_add")).status_code == 403
    response = operator.post(url, {"title": "Đổi"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "model", ["category", "escalationrule", "department", "place", "petition", "open311key"]
)
def test_every_list_opens(operator, world, model):
    report(world)
    assert operator.get(reverse(f"admin:petitions_{model}_changelist")).status_code == 200


def test_a_change_of_a_categorys_answering_time_is_in_the_audit_trail(operator, world):
    from motcua.audit.models import AuditEntry, Kind
    from motcua.petitions.models import Category

    category = Category.objects.get(province=None, code="chieu-sang")
    url = reverse("admin:petitions_category_change", args=[category.pk])
    form = operator.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        response_days=3,
        province="",
        attributes="[]",
        audit_reason="Quyết định của UBND tỉnh",
        is_active="on",
    )
    response = operator.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Category.objects.get(pk=category.pk).response_days == 3
    entry = AuditEntry.objects.get(kind=Kind.PETITION_CATEGORY)
    assert entry.before["response_days"] == 5 and entry.after["response_days"] == 3
    assert entry.reason == "Quyết định của UBND tỉnh" and entry.actor.username == "root"


def test_an_escalation_rule_added_in_the_admin_is_audited(operator, world):
    from motcua.audit.models import AuditEntry, Kind
    from motcua.petitions.models import EscalationRule

    response = operator.post(
        reverse("admin:petitions_escalationrule_add"),
        {
            "province": world.hanoi.pk,
            "status": "received",
            "overdue_hours": 8,
            "action": "raise_to_leader",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = EscalationRule.objects.get(province=world.hanoi)
    entry = AuditEntry.objects.get(kind=Kind.ESCALATION_RULE)
    assert entry.before is None and entry.object_id == rule.pk
    assert entry.province_id == world.hanoi.pk
