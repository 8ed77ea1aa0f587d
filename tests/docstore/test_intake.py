"""The officer's intake form offers the applicant's stored documents instead of asking again."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from motcua.docstore import services as docstore_services
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from tests.docstore.conftest import OTHER_ID, store
from tests.world import GOOD_ID, PASSWORD

pytestmark = pytest.mark.django_db

INTAKE = reverse("dossiers:intake")
PARTIAL = reverse("dossiers:intake_stored_documents")


@pytest.fixture
def reception_client(client, world):
    assert client.login(username=world.reception.username, password=PASSWORD)
    return client


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


def test_typing_the_id_number_shows_the_valid_stored_documents(reception_client, stored, caplog):
    caplog.set_level(logging.INFO, logger="motcua.dossiers")
    response = reception_client.post(PARTIAL, intake_data())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dùng lại giấy tờ đã có trong kho dữ liệu" in body
    for doc in (stored["card"], stored["result"]):
        assert str(doc.uuid) in body and doc.name in body and doc.type_code in body
    assert "Số hóa tại quầy" in body  # the source
    assert "Thay cho: Giấy tờ chứng minh nhân thân" in body  # what it replaces in this procedure
    assert "Xác nhận cư trú cũ" not in body and "người khác" not in body
    assert "look-up at intake" in caplog.text and "*********345" in caplog.text
    assert GOOD_ID not in caplog.text


def test_a_half_typed_number_is_not_looked_up(reception_client, stored, caplog):
    caplog.set_level(logging.INFO, logger="motcua.dossiers")
    response = reception_client.post(PARTIAL, intake_data(applicant_id_number="0010850"))
    assert response.status_code == 200
    assert str(stored["card"].uuid) not in response.content.decode()
    assert "look-up" not in caplog.text


def test_only_reception_officers_look_up_and_only_by_post(client, world, stored):
    assert client.login(username=world.specialist.username, password=PASSWORD)
    assert client.post(PARTIAL, intake_data()).status_code == 403
    client.login(username=world.reception.username, password=PASSWORD)
    assert client.get(PARTIAL, intake_data()).status_code == 405


def test_without_javascript_the_look_up_button_shows_them_and_receives_nothing(
    reception_client, stored
):
    response = reception_client.post(INTAKE, intake_data(applicant_name="", lookup="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert stored["card"].name in body and "Có lỗi cần sửa" not in body
    assert f'name="offered_for" value="{GOOD_ID}"' in body
    assert not Dossier.objects.exists()


def test_a_dossier_is_not_received_before_its_stored_documents_were_shown(reception_client, stored):
    response = reception_client.post(INTAKE, intake_data())
    assert response.status_code == 200
    assert "đã có giấy tờ còn hiệu lực trong kho dữ liệu" in response.content.decode()
    assert not Dossier.objects.exists()
    response = reception_client.post(INTAKE, intake_data(offered_for=GOOD_ID))
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_the_intake_reuses_the_chosen_stored_documents(reception_client, stored):
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


def test_an_applicant_without_stored_documents_is_received_at_once(reception_client, world):
    response = reception_client.post(INTAKE, intake_data())
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_reusing_someone_elses_document_is_refused(reception_client, stored):
    response = reception_client.post(
        INTAKE, intake_data(offered_for=GOOD_ID, reuse=[str(stored["other"].uuid)])
    )
    assert response.status_code == 400
    assert "Chỉ dùng lại được giấy tờ còn hiệu lực của chính chủ hồ sơ" in (
        response.content.decode()
    )
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()


def test_reusing_a_revoked_or_expired_document_is_refused(reception_client, stored):
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
