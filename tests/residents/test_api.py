"""The residents' portal through the JSON API, as a mobile app or a kiosk uses it: an SMS code for
a bearer token, file online with a PDF, follow one's dossiers, answer a supplement request."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.models import CommuneProcedure
from motcua.docstore.models import StoredDocument
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action, State
from motcua.notify.models import Message
from motcua.residents import services
from motcua.residents.models import Resident, ResidentToken
from tests.residents.conftest import pdf
from tests.world import GOOD_ID, make_procedure

pytestmark = pytest.mark.django_db

API = "/api/v1/portal"
PHONE = "0912345678"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client, path, body, **headers):
    return client.post(f"{API}{path}", body, content_type="application/json", **headers)


def sent_code(phone=PHONE) -> str:
    body = Message.objects.filter(recipient=phone).order_by("-id").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def sign_in(client, phone=PHONE) -> str:
    assert post_json(client, "/sign-in/code", {"phone": phone}).status_code == 202
    response = post_json(client, "/sign-in/token", {"phone": phone, "code": sent_code(phone)})
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture
def token(resident):
    return services.issue_token(resident)


def filing_form(world, **overrides):
    data = {
        "procedure_code": world.procedure.code,
        "commune_code": world.a.code,
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912 345 678",
        "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
        "return_method": "online",
        "summary": "Xác nhận tình trạng hôn nhân để đăng ký kết hôn",
        "declaration": "true",
        "file_0": pdf(),
    }
    data.update(overrides)
    return data


def file_dossier(client, token, data):
    return client.post(f"{API}/dossiers", data, **bearer(token))


def ask_for_a_supplement(world, dossier):
    dossier_services.perform(dossier, Action.ACCEPT_ONLINE, actor=world.reception)
    dossier_services.perform(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=world.reception,
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu bản sao giấy khai sinh",
    )


def file_for(world, resident):
    return dossier_services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=dossier_services.Applicant(
            name="Trần Thị Bích Ngọc", id_number=GOOD_ID, phone=PHONE
        ),
        resident=resident,
    )


# --------------------------------------------------------------------------- the whole journey


def test_sign_in_file_follow_and_answer_a_supplement(client, world):
    token = sign_in(client)
    resident = Resident.objects.get(phone=PHONE)

    filed = file_dossier(client, token, filing_form(world))
    assert filed.status_code == 201, filed.content
    code = filed.json()["code"]
    assert filed.json()["state"] == State.SUBMITTED_ONLINE
    dossier = Dossier.objects.get(code=code)
    assert dossier.resident == resident and dossier.applicant_phone == PHONE
    component = dossier.documents.get()
    assert component.name == world.procedure.documents[0]
    assert component.stored_document.owner_id_number == GOOD_ID
    assert component.stored_document.content_type == "application/pdf"

    listed = client.get(f"{API}/dossiers", **bearer(token)).json()
    assert listed["count"] == 1
    assert listed["items"][0]["code"] == code and listed["items"][0]["supplement"] is None

    ask_for_a_supplement(world, dossier)
    item = client.get(f"{API}/dossiers", **bearer(token)).json()["items"][0]
    assert item["state"] == State.AWAITING_SUPPLEMENT
    assert item["supplement"]["items"] == ["Bản sao giấy khai sinh"]
    assert item["supplement"]["answer_by"].endswith("+07:00")

    detail = client.get(f"{API}/dossiers/{code}", **bearer(token)).json()
    assert detail["procedure_code"] == world.procedure.code
    assert detail["supplement"]["reason"] == "Thiếu bản sao giấy khai sinh"
    assert [d["name"] for d in detail["documents"]] == [world.procedure.documents[0]]
    assert len(detail["timeline"]) == 3  # submitted, accepted, supplement asked

    answered = client.post(
        f"{API}/dossiers/{code}/supplement",
        {"note": "Gửi bản sao giấy khai sinh", "file_1": pdf("khai-sinh.pdf")},
        **bearer(token),
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == State.SUPPLEMENT_SUBMITTED
    assert answered.json()["supplement"] is None
    assert "Giấy tờ bổ sung" in [d["name"] for d in answered.json()["documents"]]
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_SUBMITTED

    assert client.post(f"{API}/sign-out", **bearer(token)).status_code == 204
    assert client.get(f"{API}/dossiers", **bearer(token)).status_code == 401


def test_the_token_is_stored_only_as_its_hash(client, world):
    token = sign_in(client)
    row = ResidentToken.objects.get()
    assert token not in row.key_hash and len(row.key_hash) == 64
    assert row.expires_at - row.created_at == timedelta(days=30)
    client.get(f"{API}/dossiers", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_token_response_names_the_resident(client, world):
    response = post_json(client, "/sign-in/code", {"phone": "+84 912 345 678"})
    assert response.status_code == 202
    assert response.json()["sent_to"] == "*******678"
    data = post_json(client, "/sign-in/token", {"phone": PHONE, "code": sent_code()}).json()
    assert data["token_type"] == "Bearer" and data["expires_at"].endswith("+07:00")
    assert data["resident"] == {
        "full_name": "",
        "phone": PHONE,
        "email": "",
        "identity_verified": False,
    }


# --------------------------------------------------------------------------- signing in, refused


def test_a_malformed_phone_is_named(client, db):
    response = post_json(client, "/sign-in/code", {"phone": "0212345678"})
    assert response.status_code == 422
    assert "03, 05, 07, 08 hoặc 09" in response.json()["fields"]["phone"][0]
    assert not Message.objects.exists()


def test_codes_asked_for_too_often_are_429(client, db):
    assert post_json(client, "/sign-in/code", {"phone": PHONE}).status_code == 202
    again = post_json(client, "/sign-in/code", {"phone": PHONE})
    assert again.status_code == 429
    assert again.json()["code"] == "wait" and "giây" in again.json()["message"]


def test_a_wrong_code_is_400_with_its_reason(client, db):
    post_json(client, "/sign-in/code", {"phone": PHONE})
    wrong = "000000" if sent_code() != "000000" else "111111"
    response = post_json(client, "/sign-in/token", {"phone": PHONE, "code": wrong})
    assert response.status_code == 400
    assert response.json()["code"] == "wrong" and "Mã không đúng" in response.json()["message"]
    assert not ResidentToken.objects.exists()


def test_a_code_never_sent_is_400(client, db):
    response = post_json(client, "/sign-in/token", {"phone": PHONE, "code": "123456"})
    assert response.status_code == 400 and response.json()["code"] == "expired"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer mcr_forged"},
        {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
    ],
    ids=["missing", "forged", "not-bearer"],
)
def test_without_a_valid_token_the_answer_says_how_to_get_one(client, db, headers):
    response = client.get(f"{API}/dossiers", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "/api/v1/portal/sign-in/code" in body["message"]


def test_a_revoked_token_is_refused(client, resident, token):
    assert services.revoke_token(token)
    assert client.get(f"{API}/dossiers", **bearer(token)).status_code == 401
    assert client.post(f"{API}/sign-out", **bearer(token)).status_code == 401


def test_an_expired_token_is_refused(client, resident):
    old = services.issue_token(resident, at=timezone.now() - timedelta(days=31))
    assert client.get(f"{API}/dossiers", **bearer(old)).status_code == 401


def test_a_staff_token_does_not_open_the_portal(client, world):
    from motcua.accounts.services import create_api_token

    staff = create_api_token(world.reception.username)
    assert client.get(f"{API}/dossiers", **bearer(staff)).status_code == 401


# --------------------------------------------------------------------------- filing, refused


def test_an_upload_that_lies_about_its_type_is_refused_and_nothing_stored(client, world, token):
    fake = SimpleUploadedFile("giay-to.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = file_dossier(client, token, filing_form(world, file_0=fake))
    assert response.status_code == 422
    body = response.json()
    assert "giay-to.pdf" in body["fields"]["file_0"][0] and "giay-to.pdf" in body["message"]
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_an_oversize_upload_is_refused(client, world, token, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 50
    response = file_dossier(client, token, filing_form(world))
    assert response.status_code == 422
    assert "to-khai.pdf" in response.json()["fields"]["file_0"][0]
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_every_problem_is_named_at_once(client, world, token):
    fake = SimpleUploadedFile("anh.jpg", b"<html>not a photo</html>", "image/jpeg")
    data = filing_form(
        world,
        applicant_id_number="12345",
        applicant_phone="12",
        applicant_address=" ",
        declaration="false",
        file_0=pdf(),
        file_1=fake,
    )
    response = file_dossier(client, token, data)
    assert response.status_code == 422
    errors = response.json()["fields"]
    assert set(errors) == {
        "applicant_id_number",
        "applicant_phone",
        "applicant_address",
        "declaration",
        "file_1",
    }
    assert "12 chữ số" in errors["applicant_id_number"][0]
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_a_file_for_no_paper_is_refused(client, world, token):
    response = file_dossier(client, token, filing_form(world, file_7=pdf()))
    assert response.status_code == 422
    assert "file_0, file_1" in response.json()["fields"]["file_7"][0]
    assert not Dossier.objects.exists()


def test_filing_without_any_file_is_refused(client, world, token):
    data = filing_form(world)
    del data["file_0"]
    response = file_dossier(client, token, data)
    assert response.status_code == 422
    assert "ít nhất một giấy tờ" in response.json()["fields"]["file_0"][0]


def test_a_missing_field_is_named(client, world, token):
    data = filing_form(world)
    del data["applicant_address"]
    response = file_dossier(client, token, data)
    assert response.status_code == 422
    assert "applicant_address" in response.json()["fields"]


def test_a_procedure_without_online_filing_is_409(client, world, token):
    world.procedure.online_level = "none"
    world.procedure.save()
    response = file_dossier(client, token, filing_form(world))
    assert response.status_code == 409
    assert "chỉ nộp trực tiếp" in response.json()["message"]
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_a_procedure_the_commune_does_not_handle_is_409(client, world, token):
    other = make_procedure(code="1.000001")
    CommuneProcedure.objects.create(commune=world.a, procedure=other)
    response = file_dossier(client, token, filing_form(world))
    assert response.status_code == 409
    assert world.a.name in response.json()["message"]
    assert not Dossier.objects.exists()


def test_an_unknown_procedure_or_commune_is_404(client, world, token):
    unknown = file_dossier(client, token, filing_form(world, procedure_code="9.999999"))
    assert unknown.status_code == 404 and "9.999999" in unknown.json()["message"]
    nowhere = file_dossier(client, token, filing_form(world, commune_code="99999"))
    assert nowhere.status_code == 404 and "99999" in nowhere.json()["message"]


# ------------------------------------------------------------------------ other people's dossiers


def test_my_dossiers_lists_mine_only(client, world, resident, token):
    mine = file_for(world, resident)
    theirs = file_for(world, Resident.objects.create(phone="0977000111"))
    codes = [d["code"] for d in client.get(f"{API}/dossiers", **bearer(token)).json()["items"]]
    assert codes == [mine.code] and theirs.code not in codes


def test_another_residents_dossier_is_404_and_unchanged(client, world, token):
    theirs = file_for(world, Resident.objects.create(phone="0977000111"))
    ask_for_a_supplement(world, theirs)
    page = client.get(f"{API}/dossiers/{theirs.code}", **bearer(token))
    assert page.status_code == 404
    assert "trong tài khoản của bạn" in page.json()["message"]
    answer = client.post(
        f"{API}/dossiers/{theirs.code}/supplement",
        {"note": "x", "file_1": pdf()},
        **bearer(token),
    )
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.AWAITING_SUPPLEMENT and theirs.documents.count() == 0


def test_answering_when_nothing_is_asked_is_409(client, world, resident, token):
    dossier = file_for(world, resident)
    response = client.post(
        f"{API}/dossiers/{dossier.code}/supplement",
        {"note": "x", "file_1": pdf()},
        **bearer(token),
    )
    assert response.status_code == 409
    assert "không ở trạng thái chờ bổ sung" in response.json()["message"]
    assert dossier.documents.count() == 0 and not StoredDocument.objects.exists()


def test_a_lying_supplement_file_is_refused(client, world, resident, token):
    dossier = file_for(world, resident)
    ask_for_a_supplement(world, dossier)
    fake = SimpleUploadedFile("khai-sinh.pdf", b"PK\x03\x04 a zip", "application/pdf")
    response = client.post(
        f"{API}/dossiers/{dossier.code}/supplement", {"file_2": fake}, **bearer(token)
    )
    assert response.status_code == 422
    assert "khai-sinh.pdf" in response.json()["fields"]["file_2"][0]
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_SUPPLEMENT and not StoredDocument.objects.exists()


# --------------------------------------------------------------------------- the contract


def test_openapi_lists_the_portal(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in [
        ("/sign-in/code", "post"),
        ("/sign-in/token", "post"),
        ("/sign-out", "post"),
        ("/dossiers", "get"),
        ("/dossiers", "post"),
        ("/dossiers/{code}", "get"),
        ("/dossiers/{code}/supplement", "post"),
    ]:
        operation = paths[f"{API}{path}"][method]
        assert operation["tags"] == ["portal"]
        assert "422" in operation["responses"] or "401" in operation["responses"]
    body = paths[f"{API}/dossiers"]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    assert {"file_0", "file_1", "declaration"} <= set(
        body["multipart/form-data"]["schema"]["properties"]
    )
