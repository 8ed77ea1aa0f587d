"""The officers' pages for reports, through the real pages and database: who sees what, each
step through its form, errors that change nothing, and odd input that never answers 5xx."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.notify.models import Message
from motcua.petitions import services
from motcua.petitions.models import Department, Petition, PetitionEvent, Status
from tests.petitions.support import PHONE, report
from tests.world import vn

pytestmark = pytest.mark.django_db

HTML = '<script>alert("x")</script><b>đậm</b>'


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def inbox(user, **query):
    return client_of(user).get(reverse("petitions:staff_inbox"), query)


def detail_url(petition):
    return reverse("petitions:staff_detail", args=[petition.pk])


def step_url(petition, step):
    return reverse("petitions:staff_step", args=[petition.pk, step])


def refs(response) -> set[str]:
    return {row["petition"].reference for row in response.context["rows"]}


# --------------------------------------------------------------------------- inbox


def test_the_inbox_shows_the_reports_of_the_commune_only(world):
    mine, theirs = report(world), report(world, commune=world.b)
    response = inbox(world.specialist)
    assert response.status_code == 200
    assert refs(response) == {mine.reference}
    assert theirs.reference not in response.content.decode()


def test_a_monitor_sees_the_province_read_only(world):
    a, b, h = report(world), report(world, commune=world.b), report(world, commune=world.h)
    response = inbox(world.monitor)
    assert refs(response) == {a.reference, b.reference}
    assert h.reference not in response.content.decode()
    page = client_of(world.monitor).get(detail_url(a))
    assert page.status_code == 200 and not page.context["steps"]
    assert client_of(world.monitor).post(step_url(a, "accept")).status_code == 403
    assert Petition.objects.get(pk=a.pk).status == Status.RECEIVED


def test_volunteers_have_no_reports_inbox(world):
    from motcua.accounts.models import User

    volunteer = User.objects.create_user("a.vol", role=Role.VOLUNTEER, commune=world.a)
    assert inbox(volunteer).status_code == 403


def test_open_reports_come_first_by_the_limit_they_run_against(world):
    # Street lights: answer within 5 working days (Mon 14 July); classify within 2 (Thu 10 July).
    late = services.accept(report(world, at=vn(2025, 7, 7, 9)), world.specialist)
    fresh = report(world, at=vn(2025, 7, 8, 9))
    closed = services.reject(report(world, at=vn(2025, 7, 2, 9)), world.specialist, "Trùng lặp")
    rows = inbox(world.specialist, status="all").context["rows"]
    order = [r["petition"].reference for r in rows]
    assert order == [fresh.reference, late.reference, closed.reference]
    # July 2025 is long past: every open report is overdue, shown in words as well as colour.
    assert [r["light"]["code"] for r in rows] == ["red", "red", "none"]
    assert "Quá hạn" in inbox(world.specialist).content.decode()


def test_filters_and_counts(world):
    received = report(world)
    drafted = services.draft_answer(report(world), world.specialist, "Đã sửa.")
    rejected = services.reject(report(world), world.specialist, "Không thuộc thẩm quyền")
    other = report(world, code="moi-truong")
    response = inbox(world.specialist)
    assert response.context["counts"] == {
        "open": 3,
        "awaiting": 1,
        "closed": 1,
        "all": 4,
        "overdue": 2,  # the draft was handed in today: two days left to publish it
    }
    assert refs(inbox(world.specialist, status="awaiting")) == {drafted.reference}
    assert refs(inbox(world.specialist, status="closed")) == {rejected.reference}
    assert refs(inbox(world.specialist, category=other.category_id)) == {other.reference}
    department = received.department_id
    expected = {p.reference for p in (received, drafted, other) if p.department_id == department}
    assert refs(inbox(world.specialist, department=department)) == expected
    assert refs(inbox(world.specialist, overdue="on")) == {received.reference, other.reference}


def test_a_report_due_tomorrow_is_green_and_one_due_within_a_day_amber(world):
    now = timezone.now()
    soon = report(world, at=now)
    rows = inbox(world.specialist).context["rows"]
    assert rows[0]["light"]["code"] in ("green", "amber")
    Petition.objects.filter(pk=soon.pk).update(accept_due_at=now + timezone.timedelta(hours=1))
    assert inbox(world.specialist).context["rows"][0]["light"]["code"] == "amber"


def test_odd_filters_are_refused_without_an_error_page(world):
    report(world)
    for query in (
        {"department": "x"},
        {"category": "9" * 30},
        {"status": "<script>"},
        {"page": "-1"},
        {"page": "\x00"},
    ):
        response = inbox(world.specialist, **query)
        assert response.status_code in (200, 400), query


def test_the_inbox_reads_a_page_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(3):
        report(world)
    client = client_of(world.monitor)
    client.get(reverse("petitions:staff_inbox"))
    for _ in range(20):
        report(world, commune=world.b)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("petitions:staff_inbox"))
    assert len(response.context["rows"]) == 23


# --------------------------------------------------------------------------- one report


def test_officers_see_the_reporter_monitors_see_it_masked(world):
    petition = report(world, reporter_email="tam@example.vn")
    mine = client_of(world.specialist).get(detail_url(petition)).content.decode()
    assert PHONE in mine and "Lê Văn Tám" in mine and "tam@example.vn" in mine
    watched = client_of(world.monitor).get(detail_url(petition)).content.decode()
    assert PHONE not in watched and "Lê Văn Tám" not in watched
    assert "tam@example.vn" not in watched and "*******678" in watched


def test_another_communes_report_is_not_found(world):
    petition = report(world, commune=world.b)
    assert client_of(world.specialist).get(detail_url(petition)).status_code == 404
    assert client_of(world.specialist).get(step_url(petition, "accept")).status_code == 404
    assert client_of(world.specialist).get(reverse("petitions:staff_detail", args=[99999]))
    assert client_of(world.specialist).get(step_url(report(world), "nonsense")).status_code == 404


def test_html_in_a_report_shows_as_text(world):
    petition = report(world, description=HTML, address=HTML)
    body = client_of(world.specialist).get(detail_url(petition)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_the_page_offers_the_steps_the_person_may_take(world):
    petition = report(world)
    steps = client_of(world.specialist).get(detail_url(petition)).context["steps"]
    assert [s.key for s in steps][0] == "accept"
    assert {s.key for s in steps} == {"accept", "request_info", "draft_answer", "reject"}
    leader = {s.key for s in client_of(world.leader).get(detail_url(petition)).context["steps"]}
    assert {"reassign", "merge", "moderate"} <= leader


def test_a_location_links_to_openstreetmap(world):
    petition = report(world, latitude="21.028511", longitude="105.854165")
    response = client_of(world.specialist).get(detail_url(petition))
    assert "openstreetmap.org/?mlat=21.028511&amp;mlon=105.854165" in response.content.decode()


# --------------------------------------------------------------------------- steps


def test_the_whole_way_through_the_pages(world):
    petition = report(world)
    specialist, leader = client_of(world.specialist), client_of(world.leader)

    response = specialist.post(step_url(petition, "accept"))
    assert response.status_code == 302 and response["Location"] == detail_url(petition)
    assert Petition.objects.get(pk=petition.pk).status == Status.IN_PROGRESS

    response = specialist.post(step_url(petition, "draft_answer"), {"answer": "Đã thay bóng."})
    assert response.status_code == 302
    assert Petition.objects.get(pk=petition.pk).status == Status.AWAITING_APPROVAL

    response = leader.post(step_url(petition, "return_answer"), {"reason": "Ghi rõ ngày."})
    assert Petition.objects.get(pk=petition.pk).status == Status.IN_PROGRESS
    specialist.post(step_url(petition, "draft_answer"), {"answer": "Đã thay bóng ngày 8/7."})

    assert specialist.post(step_url(petition, "publish"), {"answer": "x"}).status_code == 403
    response = leader.post(
        step_url(petition, "publish"), {"answer": "Đã thay bóng đèn ngày 8/7/2025."}, follow=True
    )
    assert "Đã công khai câu trả lời" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.PUBLISHED and petition.answer.endswith("8/7/2025.")
    sms = Message.objects.get(dedupe_key=f"petition:{petition.pk}:published:sms")
    assert sms.recipient == PHONE
    assert response.context["published_sms"]["message"] == sms


def test_a_step_without_its_text_changes_nothing(world):
    petition = services.accept(report(world), world.specialist)
    client = client_of(world.specialist)
    events = PetitionEvent.objects.filter(petition=petition).count()
    for step, data, field in (
        ("draft_answer", {"answer": "   "}, "answer"),
        ("request_info", {"question": ""}, "question"),
        ("reassign", {"reason": ""}, "reason"),
        ("draft_answer", {"answer": "x" * 9000}, "answer"),
    ):
        response = client.post(step_url(petition, step), data)
        if step == "reassign":
            client_of(world.reception).post(step_url(petition, step), data)
            response = client_of(world.reception).post(step_url(petition, step), data)
        assert response.status_code == 400, step
        assert response.context["form"].errors.get(field), (step, response.context["form"].errors)
    assert Petition.objects.get(pk=petition.pk).status == Status.IN_PROGRESS
    assert PetitionEvent.objects.filter(petition=petition).count() == events


def test_a_step_its_status_does_not_allow_sends_the_person_back(world):
    petition = report(world)
    client = client_of(world.leader)
    response = client.get(step_url(petition, "publish"))
    assert response.status_code == 302 and response["Location"] == detail_url(petition)
    response = client.post(step_url(petition, "publish"), {"answer": "Trả lời"})
    assert response.status_code == 400
    assert "Không thể" in response.content.decode()
    assert Petition.objects.get(pk=petition.pk).status == Status.RECEIVED


def test_request_info_and_reject_through_the_pages(world):
    asked, refused = report(world), report(world)
    client = client_of(world.specialist)
    client.post(step_url(asked, "request_info"), {"question": "Cột đèn số mấy?"})
    assert Petition.objects.get(pk=asked.pk).status == Status.NEEDS_INFO
    client.post(step_url(refused, "reject"), {"reason": "Tin nhắn quảng cáo"})
    refused.refresh_from_db()
    assert refused.status == Status.REJECTED and refused.rejection_reason == "Tin nhắn quảng cáo"


def test_reassign_to_a_department_or_another_commune(world):
    petition = report(world)
    other = Department.objects.filter(commune=world.a).exclude(pk=petition.department_id).first()
    client = client_of(world.reception)
    response = client.post(
        step_url(petition, "reassign"), {"department": other.pk, "reason": "Đúng chuyên môn"}
    )
    assert response.status_code == 302
    assert Petition.objects.get(pk=petition.pk).department == other
    response = client.post(
        step_url(petition, "reassign"), {"commune": world.h.code, "reason": "Sai tỉnh"}
    )
    assert response.status_code == 400  # Huế is not in the choices of a Hà Nội commune
    response = client.post(
        step_url(petition, "reassign"), {"commune": world.b.code, "reason": "Địa bàn phường b"}
    )
    assert response.status_code == 302
    assert Petition.objects.get(pk=petition.pk).commune == world.b
    # It is b's now: a's officers no longer see it.
    assert client.get(detail_url(petition)).status_code == 404


def test_merge_by_reference(world):
    first, duplicate = report(world), report(world)
    client = client_of(world.reception)
    response = client.post(step_url(duplicate, "merge"), {"into": "PA-999999", "reason": "Trùng"})
    assert response.status_code == 400 and response.context["form"].errors["into"]
    response = client.post(
        step_url(duplicate, "merge"), {"into": f" pa-{first.pk} ", "reason": "Trùng"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == first


def test_moderation_shows_the_original_and_hides(world):
    petition = report(world, description="Ông Nguyễn Văn B ở số 3 gọi 0987654321 nói bậy.")
    client = client_of(world.leader)
    page = client.get(step_url(petition, "moderate")).content.decode()
    assert "0987654321" in page  # the original, beside the form
    response = client.post(
        step_url(petition, "moderate"),
        {"public_text": "Phản ánh về trật tự khu phố.", "reason": "Bỏ tên người khác"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.public_text == "Phản ánh về trật tự khu phố." and not petition.is_hidden
    assert (
        client_of(world.specialist)
        .post(step_url(petition, "moderate"), {"hidden": "on", "reason": "x"})
        .status_code
        == 403
    )


def test_odd_input_to_every_step_never_breaks_the_page(world):
    petition = report(world)
    client = client_of(world.leader)
    for step in ("request_info", "draft_answer", "reject", "reassign", "merge", "moderate"):
        for value in (HTML, "\x00", "x" * 20000, "😀" * 300, ""):
            data = {k: value for k in ("question", "answer", "reason", "into", "public_text")}
            data.update(department=value, commune=value)
            response = client.post(step_url(petition, step), data)
            assert response.status_code < 500, (step, value[:10])


# --------------------------------------------------------------------------- photos


def test_a_photo_is_served_to_those_who_see_the_report(world, settings, tmp_path):
    from motcua.docstore.uploads import check_upload
    from tests.docstore.conftest import png_bytes, upload

    settings.MEDIA_ROOT = tmp_path
    petition = report(world, photos=[check_upload(upload("den.png", png_bytes()))])
    photo = petition.photos.get()
    url = reverse("petitions:staff_photo", args=[petition.pk, photo.pk])
    response = client_of(world.specialist).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_of(world.officers_b[Role.RECEPTION]).get(url).status_code == 404
    other = reverse("petitions:staff_photo", args=[petition.pk, photo.pk + 1])
    assert client_of(world.specialist).get(other).status_code == 404


def test_a_phone_in_the_text_is_masked_for_monitors_everywhere(world):
    petition = report(world, description="Gọi 0987654321 khi đèn tắt.")
    for url in (reverse("petitions:staff_inbox"), detail_url(petition)):
        assert "0987654321" in client_of(world.specialist).get(url).content.decode()
        assert "0987654321" not in client_of(world.monitor).get(url).content.decode()


def test_photos_of_the_work_go_with_the_answer_and_are_public_once_published(world):
    from motcua.petitions import queries
    from tests.petitions.test_public_form import photo

    petition = services.accept(report(world, code="thai-do-can-bo"), world.specialist)
    specialist = client_of(world.specialist)
    refused = specialist.post(
        step_url(petition, "draft_answer"),
        {"answer": "Đã làm việc với cán bộ.", "photos": [photo("bien-ban.pdf", b"%PDF-1.4")]},
    )
    assert refused.status_code == 400 and not petition.photos.exists()
    response = specialist.post(
        step_url(petition, "draft_answer"),
        {"answer": "Đã làm việc với cán bộ.", "photos": [photo("bien-ban.png")]},
    )
    assert response.status_code == 302
    (answer_photo,) = petition.photos.all()
    assert answer_photo.with_answer and not queries.photo_is_public(answer_photo)
    services.publish(Petition.objects.get(pk=petition.pk), world.leader)
    answer_photo.refresh_from_db()
    # A report about an official shows no photos of its reporter, but the answer's are public.
    assert queries.photo_is_public(answer_photo)
