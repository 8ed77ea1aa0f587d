"""Officer pages and the public tracking page, driven through Django's test client."""

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import State
from tests.world import GOOD_ID, PASSWORD


@pytest.fixture
def reception_client(client, world):
    assert client.login(username=world.reception.username, password=PASSWORD)
    return client


def intake_data(**overrides):
    data = {
        "procedure": "1.004873",
        "applicant_kind": "person",
        "applicant_name": "Đỗ Minh Quân",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912000111",
        "channel": "1",
        "documents": ["0"],
        "sets_count": "1",
        "return_method": "counter",
    }
    data.update(overrides)
    return data


def test_login_page_and_inbox_require_staff(client, world):
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.get(reverse("dossiers:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_intake_through_the_form(reception_client, world):
    pick = reception_client.get(reverse("dossiers:intake"), {"q": "tinh trang hon nhan"})
    assert "1.004873" in pick.content.decode()
    response = reception_client.post(reverse("dossiers:intake"), intake_data())
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.code])
    assert dossier.documents.get().name.startswith("Tờ khai")
    page = reception_client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Chuyển xử lý" in page


def test_intake_form_shows_a_clear_error_for_a_wrong_id_number(reception_client, world):
    response = reception_client.post(
        reverse("dossiers:intake"), intake_data(applicant_id_number="0010850123")
    )
    assert response.status_code == 400
    assert "12 chữ số" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_action_buttons_move_the_dossier(reception_client, world):
    reception_client.post(reverse("dossiers:intake"), intake_data())
    dossier = Dossier.objects.get()
    response = reception_client.post(reverse("dossiers:action", args=[dossier.code, "forward"]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.AT_SPECIALIST
    # The reception officer may not approve: a clear message, nothing changes.
    response = reception_client.post(
        reverse("dossiers:action", args=[dossier.code, "approve"]), follow=True
    )
    assert "không được" in response.content.decode() or "Không thể" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.AT_SPECIALIST


def test_officer_of_another_commune_gets_404(client, world):
    dossier = world.receive()
    client.login(username=world.officers_b["reception"].username, password=PASSWORD)
    assert client.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 404
    pdf = reverse("dossiers:form_pdf", args=[dossier.code, "receipt"])
    assert client.get(pdf).status_code == 404


def test_receipt_pdf_is_served(reception_client, world):
    dossier = world.receive()
    response = reception_client.get(reverse("dossiers:form_pdf", args=[dossier.code, "receipt"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_public_tracking_page_masks_personal_data(client, world):
    dossier = world.receive()
    response = client.get(reverse("dossiers:track_lookup"), {"code": dossier.code})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Được tiếp nhận" in page
    assert "Trần T. B. N." in page
    assert GOOD_ID not in page and "0912345678" not in page and "Hàng Bạc" not in page
    missing = client.get(reverse("dossiers:track", args=["XYZ-000000-0000"]))
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()


def test_english_is_available(client, world):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    page = client.get(reverse("dossiers:track_lookup")).content.decode()
    assert 'lang="en"' in page and "Track a dossier" in page


def test_vietnamese_is_the_default_whatever_the_browser_says(client, db):
    page = client.get(reverse("dossiers:track_lookup"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode() and "Tra cứu hồ sơ" in page.content.decode()


def test_each_role_sees_its_own_work_in_the_inbox(client, world):
    from motcua.dossiers.queries import inbox
    from motcua.dossiers.services import perform
    from tests.world import vn

    waiting_reception = world.receive(at=vn(2025, 7, 7, 9))
    at_specialist = world.receive(at=vn(2025, 7, 7, 9, 30))
    perform(at_specialist, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    to_sign = world.receive(at=vn(2025, 7, 7, 10))
    perform(to_sign, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(to_sign, "assign", actor=world.leader, at=vn(2025, 7, 7, 10), assignee=world.specialist)
    perform(to_sign, "propose", actor=world.specialist, at=vn(2025, 7, 7, 11))
    other_commune = world.receive(officer=world.officers_b["reception"])

    def codes(user):
        return {d.code for d in inbox(user)}

    assert codes(world.reception) == {waiting_reception.code}
    assert codes(world.specialist) == {at_specialist.code}  # unassigned: anyone may take it
    assert codes(world.leader) == {to_sign.code, at_specialist.code}  # to sign, to assign
    assert codes(world.monitor) == {
        waiting_reception.code,
        at_specialist.code,
        to_sign.code,
        other_commune.code,
    }
    assert codes(world.monitor_hue) == set()
    client.login(username=world.leader.username, password=PASSWORD)
    page = client.get(reverse("dossiers:inbox")).content.decode()
    assert to_sign.code in page and waiting_reception.code not in page
