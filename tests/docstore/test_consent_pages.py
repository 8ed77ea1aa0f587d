"""The consent step through the real pages: the officer's intake (HTMX part and the no-JS form),
the resident's code page and store page, and the commune administrator's audit trail (ADR 0024)."""

import pytest
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.docstore.models import AccessEvent, ReuseGrant, StoreAccess
from motcua.dossiers.models import Dossier
from motcua.notify.models import Message
from motcua.residents.models import Resident
from tests.docstore.conftest import OTHER_ID, store
from tests.residents.conftest import signed_in
from tests.world import GOOD_ID, PASSWORD

pytestmark = pytest.mark.django_db

INTAKE = reverse("dossiers:intake")
PARTIAL = reverse("dossiers:intake_stored_documents")
INTAKE_ID = "6f1c1f0e-4b7e-4c55-9d3e-0c5d2a7b9a10"
OTHER_INTAKE_ID = "0b8a4c53-2a4e-4d0e-8d6e-6c7f1d2e3a4b"


@pytest.fixture
def citizen(db, world):
    store(name="Giấy khai sinh bản chính số 5/2020", type_code="KQ.1.001193")
    return Resident.objects.create(
        phone="0987654321", full_name="Lê Văn Hùng", verified_id_number=GOOD_ID, verified_by="vneid"
    )


@pytest.fixture
def officer_client(client, world):
    assert client.login(username=world.reception.username, password=PASSWORD)
    return client


def form(**overrides):
    data = {
        "procedure": "1.004873",
        "intake": INTAKE_ID,
        "applicant_kind": "person",
        "applicant_name": "Lê Văn Hùng",
        "applicant_id_number": GOOD_ID,
        "channel": "1",
        "documents": ["0"],
        "sets_count": "1",
        "return_method": "counter",
    }
    data.update(overrides)
    return data


def last_code(citizen) -> str:
    body = Message.objects.filter(recipient=citizen.phone).latest("id").body
    return next(word for word in body.split() if word.isdigit() and len(word) == 6)


# --------------------------------------------------------------------------- the officer, HTMX


def test_send_then_enter_the_code_and_the_papers_appear(officer_client, citizen):
    sent = officer_client.post(PARTIAL, form(consent="send"))
    body = sent.content.decode()
    assert sent.status_code == 200
    assert "Đã gửi mã đến số điện thoại *******321 của công dân" in body
    assert "Giấy khai sinh" not in body
    code = last_code(citizen)
    shown = officer_client.post(PARTIAL, form(consent="confirm", consent_code=code))
    body = shown.content.decode()
    assert "Công dân đã đồng ý cho lần tiếp nhận này" in body
    assert "Giấy khai sinh bản chính số 5/2020" in body


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Mã gồm đúng 6 chữ số"),
        ("12345", "Mã gồm đúng 6 chữ số"),
        ("𝟙𝟚𝟛𝟜𝟝𝟞𝟟", "Mã gồm đúng 6 chữ số"),
        ("9" * 5000, "Mã gồm đúng 6 chữ số"),
        ("<script>alert(1)</script>", "Mã gồm đúng 6 chữ số"),
    ],
)
def test_a_malformed_code_is_named_on_the_page(officer_client, citizen, code, message):
    officer_client.post(PARTIAL, form(consent="send"))
    response = officer_client.post(PARTIAL, form(consent="confirm", consent_code=code))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and "Giấy khai sinh" not in body
    assert "<script>alert" not in body


def test_a_wrong_code_on_the_page(officer_client, citizen):
    officer_client.post(PARTIAL, form(consent="send"))
    wrong = f"{(int(last_code(citizen)) + 1) % 10**6:06d}"
    body = officer_client.post(PARTIAL, form(consent="confirm", consent_code=wrong)).content
    assert "Mã không đúng" in body.decode() and "Giấy khai sinh" not in body.decode()


def test_a_code_sent_for_another_intake_on_the_page(officer_client, citizen):
    officer_client.post(PARTIAL, form(consent="send", intake=INTAKE_ID))
    code = last_code(citizen)
    body = officer_client.post(
        PARTIAL, form(consent="confirm", consent_code=code, intake=OTHER_INTAKE_ID)
    ).content.decode()
    assert "lần tiếp nhận khác" in body and "Giấy khai sinh" not in body


def test_a_code_sent_for_another_officer_on_the_page(client, officer_client, world, citizen):
    officer_client.post(PARTIAL, form(consent="send"))
    code = last_code(citizen)
    other = world.officers_b[Role.RECEPTION]
    client.logout()
    assert client.login(username=other.username, password=PASSWORD)
    body = client.post(PARTIAL, form(consent="confirm", consent_code=code)).content.decode()
    assert "lần tiếp nhận khác" in body and "Giấy khai sinh" not in body


def test_a_forged_or_missing_intake_grants_nothing(officer_client, citizen):
    body = officer_client.post(
        PARTIAL, form(consent="send", intake="../../etc/passwd")
    ).content.decode()
    assert "Tải lại trang tiếp nhận" in body
    assert not Message.objects.exists()


def test_no_verified_phone_says_what_to_do(officer_client, world):
    store(OTHER_ID, name="Giấy tờ")
    body = officer_client.post(
        PARTIAL, form(consent="send", applicant_id_number=OTHER_ID)
    ).content.decode()
    assert "chưa có tài khoản định danh điện tử có số điện thoại" in body
    assert not Message.objects.exists()


# --------------------------------------------------------------------------- the officer, no JS


def test_without_javascript_the_same_steps_work_on_the_full_form(officer_client, citizen):
    page = officer_client.post(INTAKE, form(consent="send", applicant_name=""))
    body = page.content.decode()
    assert page.status_code == 200 and "Có lỗi cần sửa" not in body
    assert "Đã gửi mã đến số điện thoại" in body
    # Enter in the code field submits with the look-up button, which confirms the typed code.
    shown = officer_client.post(INTAKE, form(lookup="1", consent_code=last_code(citizen)))
    body = shown.content.decode()
    assert "Giấy khai sinh bản chính số 5/2020" in body and not Dossier.objects.exists()
    assert 'name="applicant_name" value="Lê Văn Hùng"' in body  # what was typed is kept


def test_enter_without_a_code_only_refreshes(officer_client, citizen):
    body = officer_client.post(PARTIAL, form(lookup="1")).content.decode()
    assert "Công dân có giấy tờ trong kho dữ liệu" in body and "mc-error-message" not in body


def test_the_intake_page_has_one_id_per_visit(officer_client, world):
    first = officer_client.get(INTAKE, {"procedure": "1.004873"}).content.decode()
    second = officer_client.get(INTAKE, {"procedure": "1.004873"}).content.decode()
    marker = 'name="intake" value="'
    ids = [page.split(marker, 1)[1].split('"', 1)[0] for page in (first, second)]
    assert ids[0] != ids[1] and all(len(i) == 36 for i in ids)


# --------------------------------------------------------------------------- the resident


def test_the_resident_makes_a_code_and_the_officer_enters_it(client, world, citizen):
    signed_in(client, citizen)
    url = reverse("residents:share_code")
    assert "Tạo mã" in client.get(url).content.decode()
    page = client.post(url).content.decode()
    assert 'data-testid="share-code"' in page
    shown = page.split('data-testid="share-code">', 1)[1].split("<", 1)[0]
    assert len(shown) == 7 and shown[3] == " "  # "123 456", easy to read out
    client.logout()
    assert client.login(username=world.reception.username, password=PASSWORD)
    body = client.post(PARTIAL, form(consent="confirm", consent_code=shown)).content.decode()
    assert "Giấy khai sinh bản chính số 5/2020" in body
    # The citizen sees who looked, by commune and time.
    client.logout()
    signed_in(client, citizen)
    store_page = client.get(reverse("residents:my_documents")).content.decode()
    assert world.a.name in store_page and "Công dân đồng ý (mã đúng)" in store_page


def test_a_phone_only_resident_has_no_code_to_make(client, world):
    phone_only = Resident.objects.create(phone="0912345678")
    signed_in(client, phone_only)
    response = client.post(reverse("residents:share_code"))
    assert response.status_code == 302 and response["Location"] == reverse("residents:my_documents")
    assert not ReuseGrant.objects.exists()


# --------------------------------------------------------------------------- the trail


def test_the_commune_administrator_reads_the_trail_masked(client, officer_client, world, citizen):
    officer_client.post(PARTIAL, form())
    officer_client.post(PARTIAL, form(consent="send"))
    officer_client.post(PARTIAL, form(consent="confirm", consent_code="000000"))
    client.logout()
    admin = world.officers_a[Role.COMMUNE_ADMIN]
    assert client.login(username=admin.username, password=PASSWORD)
    page = client.get(reverse("docstore:access_log"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "*********345" in body and GOOD_ID not in body
    for label in ("Tra cứu khi chưa có sự đồng ý", "Gửi mã cho công dân qua SMS", "Mã bị từ chối"):
        assert label in body
    assert world.reception.username in body or world.reception.get_full_name() in body
    # Searched by the exact number (a POST): the rows of that number only.
    store(OTHER_ID, name="Giấy tờ")
    client.logout()
    officer_client.login(username=world.reception.username, password=PASSWORD)
    officer_client.post(PARTIAL, form(applicant_id_number=OTHER_ID))
    officer_client.logout()
    client.login(username=admin.username, password=PASSWORD)
    found = client.post(reverse("docstore:access_log"), {"so_dinh_danh": OTHER_ID}).content
    assert "*********123" in found.decode() and "*********345" not in found.decode()
    for typed in ("𝟘" * 3000, "001²85012345"):
        bad = client.post(reverse("docstore:access_log"), {"so_dinh_danh": typed})
        assert bad.status_code == 400 and "12 chữ số" in bad.content.decode()
    # A NUL character is refused at the door, for every request (security.middleware).
    nul = client.post(reverse("docstore:access_log"), {"so_dinh_danh": "\x00"})
    assert nul.status_code == 400 and "U+0000" in nul.content.decode()


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LEADER, Role.SPECIALIST])
def test_only_the_commune_administrator_reads_the_trail(client, world, role):
    assert client.login(username=world.officers_a[role].username, password=PASSWORD)
    assert client.get(reverse("docstore:access_log")).status_code == 403


def test_another_communes_administrator_sees_none_of_it(client, officer_client, world, citizen):
    officer_client.post(PARTIAL, form())
    assert StoreAccess.objects.filter(event=AccessEvent.NO_CONSENT).count() == 1
    client.logout()
    assert client.login(username=world.officers_b[Role.COMMUNE_ADMIN].username, password=PASSWORD)
    body = client.get(reverse("docstore:access_log")).content.decode()
    assert "*********345" not in body and "Chưa có lần tra cứu nào" in body
