"""The admin shows the store with owners masked and revokes only through the service."""

import pytest
from django.urls import reverse

from motcua.accounts.models import User
from tests.docstore.conftest import store
from tests.world import GOOD_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    User.objects.create_superuser("quantri", password="quantri-pass-123")
    client.login(username="quantri", password="quantri-pass-123")
    return client


def test_the_list_and_the_detail_page_mask_the_owner(admin_client):
    document = store()
    listing = admin_client.get(reverse("admin:docstore_storeddocument_changelist")).content
    detail = admin_client.get(
        reverse("admin:docstore_storeddocument_change", args=[document.pk])
    ).content
    for page in (listing.decode(), detail.decode()):
        assert "*********345" in page and GOOD_ID not in page


def test_an_administrator_finds_an_owner_by_the_exact_number(admin_client):
    store()
    url = reverse("admin:docstore_storeddocument_changelist")
    assert "*********345" in admin_client.get(url, {"q": GOOD_ID}).content.decode()
    assert "*********345" not in admin_client.get(url, {"q": "0010850"}).content.decode()


@pytest.mark.parametrize(
    "typed", ["001.085.012.345", "００１０８５０１２３４５", "001 085 012 345"]
)
def test_an_administrator_finds_an_owner_however_the_number_is_typed(admin_client, typed):
    store()
    url = reverse("admin:docstore_storeddocument_changelist")
    assert "*********345" in admin_client.get(url, {"q": typed}).content.decode()


def test_the_revoke_action(admin_client):
    document = store()
    admin_client.post(
        reverse("admin:docstore_storeddocument_changelist"),
        {"action": "revoke_selected", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.revoked_at is not None


def test_the_consent_trail_is_read_only_masked_and_found_by_the_exact_number(admin_client, world):
    import uuid

    from motcua.docstore import consent
    from motcua.docstore.models import ReuseGrant, StoreAccess
    from tests.docstore.conftest import OTHER_ID

    store()
    intake = uuid.uuid4()
    _grant, code = consent.issue_share_code(owner=GOOD_ID)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=intake)
    consent.look_up(owner=GOOD_ID, officer=world.reception, intake=intake)
    consent.look_up(owner=OTHER_ID, officer=world.reception, intake=intake)
    for model in ("storeaccess", "reusegrant"):
        listing = admin_client.get(reverse(f"admin:docstore_{model}_changelist"))
        assert listing.status_code == 200 and GOOD_ID not in listing.content.decode()
        found = admin_client.get(reverse(f"admin:docstore_{model}_changelist"), {"q": GOOD_ID})
        assert "*********345" in found.content.decode()
        assert "*********123" not in found.content.decode()
        assert admin_client.get(reverse(f"admin:docstore_{model}_add")).status_code == 403
    entry = StoreAccess.objects.first()
    detail = admin_client.get(reverse("admin:docstore_storeaccess_change", args=[entry.pk]))
    assert detail.status_code == 200 and entry.owner_digest not in detail.content.decode()
    grant = ReuseGrant.objects.get()
    detail = admin_client.get(reverse("admin:docstore_reusegrant_change", args=[grant.pk]))
    assert grant.code_hash not in detail.content.decode()
