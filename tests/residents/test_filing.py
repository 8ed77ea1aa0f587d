"""Filing online, following one's dossiers, answering a supplement request, assisted filing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.models import Role, User
from motcua.docstore.models import StoredDocument
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action, State
from motcua.residents.models import AssistedSubmission, Resident
from tests.residents.conftest import pdf, signed_in
from tests.world import GOOD_ID, PASSWORD, vn

pytestmark = pytest.mark.django_db


def filing_data(world, **overrides):
    data = {
        "xa": world.a.code,
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
        "return_method": "online",
        "declaration": "on",
        "file_0": pdf(),
    }
    data.update(overrides)
    return data


def submit_url(world):
    return reverse("residents:submit", args=[world.procedure.code])


def test_filing_needs_a_signed_in_resident(client, world):
    response = client.get(submit_url(world) + f"?xa={world.a.code}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("residents:sign_in"))


def test_without_a_commune_the_resident_picks_one(resident_client, world):
    response = resident_client.get(submit_url(world), {"tinh": world.hanoi.code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hoàn Kiếm (phường)" in body and world.h.short_name not in body


def test_file_online_with_an_upload(resident_client, resident, world):
    response = resident_client.post(submit_url(world), filing_data(world))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("residents:submitted", args=[dossier.code])
    assert dossier.state == State.SUBMITTED_ONLINE and dossier.resident == resident
    component = dossier.documents.get()
    assert component.stored_document.owner_id_number == GOOD_ID
    assert component.stored_document.content_type == "application/pdf"
    assert component.digitized and not component.reused
    page = resident_client.get(response["Location"])
    assert dossier.code in page.content.decode()


def test_an_upload_that_lies_about_its_type_is_refused(resident_client, world):
    fake = SimpleUploadedFile(
        "giay-to.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = resident_client.post(submit_url(world), filing_data(world, file_0=fake))
    assert response.status_code == 400
    assert "giay-to.pdf" in response.content.decode()
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_an_oversize_upload_is_refused(resident_client, world, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 50
    response = resident_client.post(submit_url(world), filing_data(world))
    assert response.status_code == 400
    assert "MB" in response.content.decode() or "lớn" in response.content.decode()
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_a_wrong_id_number_is_named(resident_client, world):
    response = resident_client.post(
        submit_url(world), filing_data(world, applicant_id_number="12345")
    )
    assert response.status_code == 400
    assert "12 chữ số" in response.content.decode()
    assert not Dossier.objects.exists()


def test_filing_without_any_document_is_refused(resident_client, world):
    data = filing_data(world)
    del data["file_0"]
    response = resident_client.post(submit_url(world), data)
    assert response.status_code == 400
    assert "ít nhất một giấy tờ" in response.content.decode()


def test_a_procedure_without_online_filing_is_refused(resident_client, world):
    world.procedure.online_level = "none"
    world.procedure.save()
    response = resident_client.post(submit_url(world), filing_data(world))
    assert response.status_code == 409
    assert not Dossier.objects.exists()


def file_online(world, resident, at=None):
    return services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=services.Applicant(
            name="Trần Thị Bích Ngọc", id_number=GOOD_ID, phone="0912345678"
        ),
        resident=resident,
        at=at or vn(2025, 7, 7, 9),
    )


def accept_and_ask_for_a_supplement(world, dossier, reason="Thiếu giấy tờ"):
    """The one-stop accepts the online dossier, then asks for a copy of the birth certificate."""
    services.perform(dossier, Action.ACCEPT_ONLINE, actor=world.reception, at=vn(2025, 7, 7, 10))
    services.perform(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=world.reception,
        at=vn(2025, 7, 7, 11),
        items=["Bản sao giấy khai sinh"],
        reason=reason,
    )


def test_my_dossiers_lists_mine_only(resident_client, resident, world):
    mine = file_online(world, resident)
    other = Resident.objects.create(phone="0977000111")
    theirs = file_online(world, other)
    body = resident_client.get(reverse("residents:my_dossiers")).content.decode()
    assert mine.code in body and theirs.code not in body


def test_another_residents_dossier_is_refused_and_unchanged(resident_client, world):
    other = Resident.objects.create(phone="0977000111")
    theirs = file_online(world, other)
    accept_and_ask_for_a_supplement(world, theirs)
    page = resident_client.get(reverse("residents:my_dossier", args=[theirs.code]))
    assert page.status_code == 404
    assert "không tìm thấy" in page.content.decode().lower()
    answer = resident_client.post(
        reverse("residents:answer_supplement", args=[theirs.code]), {"note": "x", "file_1": pdf()}
    )
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.AWAITING_SUPPLEMENT and theirs.documents.count() == 0


def test_a_verified_resident_sees_dossiers_filed_for_their_id_anywhere(
    client, verified_resident, world
):
    at_counter = world.receive()
    body = signed_in(client, verified_resident).get(reverse("residents:my_dossiers"))
    assert at_counter.code in body.content.decode()


def test_answer_a_supplement_request_online(resident_client, resident, world):
    dossier = file_online(world, resident)
    accept_and_ask_for_a_supplement(world, dossier, reason="Thiếu bản sao giấy khai sinh")
    page = resident_client.get(reverse("residents:my_dossier", args=[dossier.code]))
    assert "Bản sao giấy khai sinh" in page.content.decode()
    response = resident_client.post(
        reverse("residents:answer_supplement", args=[dossier.code]),
        {"note": "Gửi bản sao", "file_1": pdf("khai-sinh.pdf")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_SUBMITTED
    assert dossier.documents.filter(name="Giấy tờ bổ sung").exists()
    # The one-stop checks it; the clock restarts then (Art. 19(5)).
    services.perform(
        dossier, Action.RECEIVE_SUPPLEMENT, actor=world.reception, at=vn(2025, 7, 8, 9)
    )
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    assert dossier.clock_started_at == vn(2025, 7, 8, 9)


def test_answering_when_nothing_is_asked_is_refused(resident_client, resident, world):
    dossier = file_online(world, resident)
    response = resident_client.post(
        reverse("residents:answer_supplement", args=[dossier.code]), {"note": "x", "file_1": pdf()}
    )
    assert response.status_code == 400
    assert "không ở trạng thái chờ bổ sung" in response.content.decode()
    assert dossier.documents.count() == 0


def test_an_online_dossier_returned_for_correction_goes_back_to_acceptance(resident, world):
    dossier = file_online(world, resident)
    services.perform(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=world.reception,
        at=vn(2025, 7, 7, 10),
        items=["Ảnh chụp rõ hơn"],
        reason="Ảnh mờ",
    )
    dossier.refresh_from_db()
    assert dossier.supplement_count == 0  # before acceptance it is a correction, not a supplement
    services.answer_supplement_online(
        dossier, resident=resident, note="Ảnh mới", at=vn(2025, 7, 7, 14)
    )
    services.perform(
        dossier, Action.RECEIVE_SUPPLEMENT, actor=world.reception, at=vn(2025, 7, 7, 15)
    )
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED_ONLINE and dossier.clock_started_at is None


def test_the_inbox_shows_the_online_acceptance_deadline(client, resident, world):
    file_online(world, resident, at=vn(2025, 7, 7, 9))
    assert client.login(username=world.reception.username, password=PASSWORD)
    body = client.get(reverse("dossiers:inbox")).content.decode()
    assert 'data-testid="online-alert"' in body
    # 8 working hours from Monday 09:00: 7 that day (08:00–12:00, 13:00–17:00), 1 on Tuesday.
    assert "Tiếp nhận trước 09:00 ngày 08/07/2025" in body


def test_a_volunteer_files_with_the_residents_consent(client, world):
    volunteer = User.objects.create_user(
        "tnv.a", password=PASSWORD, role=Role.VOLUNTEER, commune=world.a
    )
    assert client.login(username="tnv.a", password=PASSWORD)
    url = reverse("residents:assisted_submit", args=[world.procedure.code])
    page = client.get(url)
    assert 'data-testid="consent-text"' in page.content.decode()
    refused = client.post(url, filing_data(world))
    assert refused.status_code == 400 and not Dossier.objects.exists()
    response = client.post(
        url, filing_data(world, consent="on", consent_given_by="Trần Thị Bích Ngọc")
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assisted = AssistedSubmission.objects.get(dossier=dossier)
    assert assisted.assisted_by == volunteer and "đồng ý" in assisted.consent_text
    assert dossier.events.get(action="submit_online").actor == volunteer
    # The volunteer sees this dossier and nothing else of the commune.
    other = world.receive()
    inbox = client.get(reverse("dossiers:inbox")).content.decode()
    assert dossier.code in inbox and other.code not in inbox
    assert client.get(reverse("dossiers:detail", args=[other.code])).status_code == 404


def test_residents_cannot_use_assisted_filing(resident_client, world):
    url = reverse("residents:assisted_submit", args=[world.procedure.code])
    assert resident_client.get(url).status_code == 302  # to the staff login


def test_a_verified_resident_reuses_a_stored_document(client, verified_resident, world):
    from motcua.docstore.services import OwnerProof, store_upload
    from motcua.docstore.uploads import check_upload

    stored = store_upload(
        owner_id_number=GOOD_ID,
        checked=check_upload(pdf()),
        type_code="to-khai",
        name=world.procedure.documents[0],
        proof=OwnerProof.by_identity_provider("fake", at=vn(2025, 7, 1, 9)),
    )
    signed_in(client, verified_resident)
    page = client.get(submit_url(world) + f"?xa={world.a.code}").content.decode()
    # The matching stored paper is offered, and chosen already.
    assert f'value="{stored.uuid}" selected' in page
    data = filing_data(world, reuse_0=str(stored.uuid))
    del data["file_0"]
    response = client.post(submit_url(world), data)
    assert response.status_code == 302
    component = Dossier.objects.get().documents.get()
    assert component.reused and component.stored_document == stored


def test_a_phone_only_resident_is_not_offered_stored_documents(resident_client, world):
    from motcua.docstore.services import OwnerProof, store_upload
    from motcua.docstore.uploads import check_upload

    store_upload(
        owner_id_number=GOOD_ID,
        checked=check_upload(pdf()),
        type_code="x",
        name="Tờ khai",
        proof=OwnerProof.by_identity_provider("fake", at=vn(2025, 7, 1, 9)),
    )
    page = resident_client.get(submit_url(world) + f"?xa={world.a.code}").content.decode()
    assert "kho dữ liệu" not in page
    forged = filing_data(world, reuse_0="00000000-0000-0000-0000-000000000000")
    del forged["file_0"]
    assert resident_client.post(submit_url(world), forged).status_code == 400
    assert not Dossier.objects.exists()


def test_an_expired_stored_document_cannot_be_reused(resident, world):
    from datetime import date

    from django.core.exceptions import ValidationError

    from motcua.docstore.services import OwnerProof, store_upload
    from motcua.docstore.uploads import check_upload

    old = store_upload(
        owner_id_number=GOOD_ID,
        checked=check_upload(pdf()),
        type_code="to-khai",
        name="Tờ khai",
        valid_until=date(2025, 1, 1),
        proof=OwnerProof.by_identity_provider("fake", at=vn(2024, 7, 1, 9)),
    )
    with pytest.raises(ValidationError) as exc:
        services.submit_online(
            procedure=world.procedure,
            commune=world.a,
            applicant=services.Applicant(name="Trần Thị Bích Ngọc", id_number=GOOD_ID),
            documents=[services.DocumentIn("Tờ khai", stored_document=old, reused=True)],
            resident=resident,
            at=vn(2025, 7, 7, 9),
        )
    assert "hết hiệu lực" in str(exc.value)
    assert not Dossier.objects.exists()


def test_files_download_only_to_their_owner_and_the_officers_in_scope(
    client, resident_client, resident, world
):
    resident_client.post(submit_url(world), filing_data(world))
    dossier = Dossier.objects.get()
    stored = dossier.documents.get().stored_document
    url = reverse("residents:document_file", args=[dossier.code, stored.uuid])
    response = resident_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    stranger = signed_in(client, Resident.objects.create(phone="0977000111"))
    assert stranger.get(url).status_code == 404
    stranger.logout()
    officer_b = world.officers_b[Role.RECEPTION]
    assert client.login(username=officer_b.username, password=PASSWORD)
    officer_url = reverse("dossiers:document_file", args=[dossier.code, stored.uuid])
    assert client.get(officer_url).status_code == 404
    assert client.login(username=world.reception.username, password=PASSWORD)
    assert client.get(officer_url).status_code == 200


def test_my_dossiers_say_what_is_asked(resident_client, resident, world):
    world.procedure.fee_vnd = 8000
    world.procedure.save()
    waiting = file_online(world, resident)
    accept_and_ask_for_a_supplement(world, waiting)
    ready = file_online(world, resident, at=vn(2025, 7, 7, 9, 30))
    ready.return_method = "counter"
    ready.save(update_fields=["return_method"])
    for action, actor, inputs in [
        (Action.ACCEPT_ONLINE, world.reception, {}),
        (Action.FORWARD, world.reception, {}),
        (Action.ASSIGN, world.leader, {"assignee": world.specialist}),
        (Action.PROPOSE, world.specialist, {}),
        (Action.APPROVE, world.leader, {"result_summary": "Giấy xác nhận"}),
    ]:
        services.perform(ready, action, actor=actor, at=vn(2025, 7, 8, 10), **inputs)
    body = resident_client.get(reverse("residents:my_dossiers")).content.decode()
    assert "Cần bổ sung giấy tờ" in body
    assert "Đến nhận kết quả, nộp lệ phí 8.000 ₫" in body


def test_the_volunteers_page_finds_procedures(client, world):
    User.objects.create_user("tnv.b", password=PASSWORD, role=Role.VOLUNTEER, commune=world.a)
    assert client.login(username="tnv.b", password=PASSWORD)
    page = client.get(reverse("residents:assisted_start"), {"q": "tinh trang hon nhan"})
    assert page.status_code == 200
    assert (
        reverse("residents:assisted_submit", args=[world.procedure.code]) in page.content.decode()
    )
