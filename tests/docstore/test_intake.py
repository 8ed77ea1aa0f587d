"""The officer's intake form offers the applicant's stored documents instead of asking again, once
the citizen has agreed for this intake (ADR 0013, 0024)."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from motcua.docstore import consent
from motcua.docstore import services as docstore_services
from motcua.docstore.models import AccessEvent, ReuseGrant, StoreAccess
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from tests.docstore.conftest import OTHER_ID, store
from tests.world import GOOD_ID, PASSWORD

pytestmark = pytest.mark.django_db

INTAKE = reverse("dossiers:intake")
PARTIAL = reverse("dossiers:intake_stored_documents")
INTAKE_ID = "6f1c1f0e-4b7e-4c55-9d3e-0c5d2a7b9a10"


@pytest.fixture
def reception_client(client, world):
    assert client.login(username=world.reception.username, password=PASSWORD)
    client.officer = world.reception
    return client


def grant_consent(officer, intake=INTAKE_ID):
    """The citizen agreed: their share code, entered by this officer at this intake."""
    _grant, code = consent.issue_share_code(owner=GOOD_ID)
    return consent.redeem(owner=GOOD_ID, code=code, officer=officer, intake=intake)


@pytest.fixture
def stored(world):
    """Two valid documents of the applicant, an expired one, and one of somebody else."""
    return {
        "card": store(type_code="GT.CN", name="Giấy tờ chứng minh nhân thân"),
        "result": store(type_code="KQ.1.001193", name="Giấy khai sinh bản chính số 5/2020"),
        "expired": store(type_code="XN.CT", name="Xác nhận cư trú cũ", valid_until="2025-01-01"),
        "other": store(OTHER_ID, type_code="GT.CN", name="Căn cước của người khác"),
    }


def intake_data(**overrides):
    data = {
        "procedure": "1.004873",
        "intake": INTAKE_ID,
        "applicant_kind": "person",
        "applicant_name": "Đỗ Minh Quân",
        "applicant_id_number": GOOD_ID,
        "channel": "1",
        "documents": ["0"],
        "sets_count": "1",
        "return_method": "counter",
    }
    data.update(overrides)
    return data


def test_the_form_waits_for_the_id_number(reception_client, stored):
    page = reception_client.get(INTAKE, {"procedure": "1.004873"}).content.decode()
    assert 'id="stored-documents"' in page and f'hx-post="{PARTIAL}"' in page
    assert str(stored["card"].uuid) not in page


def test_without_consent_the_officer_sees_only_that_there_are_papers(
    reception_client, stored, caplog
):
    """Issue 14, finding 3: on the base commit any reception officer saw the papers of any number
    typed here."""
    caplog.set_level(logging.INFO, logger="motcua.docstore")
    response = reception_client.post(PARTIAL, intake_data())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Công dân có giấy tờ trong kho dữ liệu" in body
    assert "Gửi mã cho công dân" in body and "Nhập mã công dân đọc cho bạn" in body
    for doc in stored.values():
        assert str(doc.uuid) not in body and doc.name not in body
    assert "GT.CN" not in body and "Số hóa tại quầy" not in body
    entry = StoreAccess.objects.get()
    assert (entry.event, entry.officer, entry.owner_masked) == (
        AccessEvent.NO_CONSENT,
        reception_client.officer,
        "*********345",
    )
    assert "no_consent" in caplog.text and "*********345" in caplog.text
    assert GOOD_ID not in caplog.text


def test_with_consent_typing_the_id_number_shows_the_valid_stored_documents(
    reception_client, stored, caplog
):
    caplog.set_level(logging.INFO, logger="motcua.docstore")
    grant_consent(reception_client.officer)
    response = reception_client.post(PARTIAL, intake_data())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Công dân đã đồng ý cho lần tiếp nhận này" in body
    assert "Dùng lại giấy tờ đã có trong kho dữ liệu" in body
    for doc in (stored["card"], stored["result"]):
        assert str(doc.uuid) in body and doc.name in body and doc.type_code in body
    assert "Số hóa tại quầy" in body  # the source
    assert "Thay cho: Giấy tờ chứng minh nhân thân" in body  # what it replaces in this procedure
    assert "Xác nhận cư trú cũ" not in body and "người khác" not in body
    assert StoreAccess.objects.filter(event=AccessEvent.LOOKED_UP, detail="2").exists()
    assert "looked_up" in caplog.text and "*********345" in caplog.text
    assert GOOD_ID not in caplog.text


def test_a_half_typed_number_is_not_looked_up(reception_client, stored, caplog):
    caplog.set_level(logging.INFO, logger="motcua.docstore")
    response = reception_client.post(PARTIAL, intake_data(applicant_id_number="0010850"))
    assert response.status_code == 200
    assert str(stored["card"].uuid) not in response.content.decode()
    assert "consent" not in caplog.text and not StoreAccess.objects.exists()


def test_only_reception_officers_look_up_and_only_by_post(client, world, stored):
    assert client.login(username=world.specialist.username, password=PASSWORD)
    assert client.post(PARTIAL, intake_data()).status_code == 403
    client.login(username=world.reception.username, password=PASSWORD)
    assert client.get(PARTIAL, intake_data()).status_code == 405


def test_without_javascript_the_look_up_button_shows_the_consent_step_and_receives_nothing(
    reception_client, stored
):
    response = reception_client.post(INTAKE, intake_data(applicant_name="", lookup="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Công dân có giấy tờ trong kho dữ liệu" in body and "Có lỗi cần sửa" not in body
    assert str(stored["card"].uuid) not in body and stored["result"].name not in body
    assert f'name="offered_for" value="{GOOD_ID}"' in body
    assert f'name="intake" value="{INTAKE_ID}"' in body  # the same intake, kept across posts
    assert not Dossier.objects.exists()


def test_a_dossier_is_not_received_before_the_consent_step_was_shown(reception_client, stored):
    response = reception_client.post(INTAKE, intake_data())
    assert response.status_code == 200
    assert "Chủ hồ sơ có giấy tờ trong kho dữ liệu" in response.content.decode()
    assert not Dossier.objects.exists()
    # Shown once; the citizen did not agree: received with the paper copies.
    response = reception_client.post(INTAKE, intake_data(offered_for=GOOD_ID))
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_with_consent_a_dossier_is_not_received_before_its_papers_were_shown(
    reception_client, stored
):
    grant_consent(reception_client.officer)
    response = reception_client.post(INTAKE, intake_data())
    assert response.status_code == 200
    assert "đã có giấy tờ còn hiệu lực trong kho dữ liệu" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_intake_reuses_the_chosen_stored_documents(reception_client, stored):
    grant_consent(reception_client.officer)
    chosen = stored["result"]
    response = reception_client.post(
        INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(chosen.uuid)])
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    paper, reused = dossier.documents.all()
    assert not paper.reused and paper.stored_document is None
    assert reused.reused and reused.stored_document == chosen and reused.digitized
    assert reused.name == chosen.name
    page = reception_client.get(response["Location"]).content.decode()
    assert "dùng lại từ kho dữ liệu" in page
    # The grant served this intake and ends with it.
    assert ReuseGrant.objects.get().expires_at == dossier.submitted_at
    body = reception_client.post(PARTIAL, intake_data()).content.decode()
    assert chosen.name not in body and "Gửi mã cho công dân" in body


def test_an_applicant_without_stored_documents_is_received_at_once(reception_client, world):
    response = reception_client.post(INTAKE, intake_data())
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_reusing_without_consent_is_refused(reception_client, stored):
    response = reception_client.post(
        INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(stored["card"].uuid)])
    )
    assert response.status_code == 400
    assert "Chưa có sự đồng ý của công dân cho lần tiếp nhận này" in response.content.decode()
    assert not Dossier.objects.exists()


def test_reusing_after_the_grant_ran_out_is_refused(reception_client, stored):
    grant = grant_consent(reception_client.officer)
    ReuseGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())  # its time is up
    response = reception_client.post(
        INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(stored["card"].uuid)])
    )
    assert response.status_code == 400
    assert "đã hết hạn" in response.content.decode()
    assert not Dossier.objects.exists()


def test_reusing_someone_elses_document_is_refused(reception_client, stored):
    grant_consent(reception_client.officer)
    response = reception_client.post(
        INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(stored["other"].uuid)])
    )
    assert response.status_code == 400
    assert "Chỉ dùng lại được giấy tờ còn hiệu lực của chính chủ hồ sơ" in (
        response.content.decode()
    )
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()


def test_reusing_a_revoked_or_expired_document_is_refused(reception_client, stored):
    grant_consent(reception_client.officer)
    docstore_services.revoke(stored["card"])
    for document in (stored["card"], stored["expired"]):
        response = reception_client.post(
            INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(document.uuid)])
        )
        assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_the_service_refuses_someone_elses_document_too(world, stored):
    document = services.DocumentIn(
        stored["other"].name, stored_document=stored["other"], reused=True
    )
    with pytest.raises(ValidationError):
        world.receive(documents=[document])
    assert not Dossier.objects.exists()
