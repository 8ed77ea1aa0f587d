"""The reporter's private page: status in plain words, the public steps only, the information
asked for, one rating, and reporting again."""

import pytest
from django.test import override_settings
from django.urls import reverse

from motcua.petitions import services
from motcua.petitions.models import EventKind, Petition, PetitionEvent, Satisfaction, Status
from tests.petitions.support import report
from tests.world import vn


def follow_url(petition) -> str:
    return reverse("petitions:follow", args=[petition.secret])


def published(world, **fields):
    petition = report(world, **fields)
    officer, leader = world.specialist, world.leader
    petition = services.accept(petition, officer, at=vn(2025, 7, 7, 10))
    petition = services.draft_answer(
        petition, officer, "Đã thay bóng đèn ngày 8/7.", at=vn(2025, 7, 8, 9)
    )
    return services.publish(petition, leader, at=vn(2025, 7, 8, 10))


def test_a_new_report_reads_in_plain_words(client, world):
    petition = report(world)
    response = client.get(follow_url(petition))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã tiếp nhận" in html and "đang phân loại" in html
    assert petition.reference in html and "Hạn trả lời" in html
    assert 'name="buoc"' not in html  # nothing to do yet


def test_an_unknown_link_is_404(client, world):
    assert client.get(reverse("petitions:follow", args=["khong-co"])).status_code == 404
    assert client.get(reverse("petitions:follow", args=["x" * 300])).status_code == 404


def test_officers_notes_and_names_are_never_shown(client, world):
    petition = report(world)
    officer = world.specialist
    petition = services.accept(petition, officer, at=vn(2025, 7, 7, 10))
    petition = services.draft_answer(petition, officer, "DỰ THẢO NỘI BỘ", at=vn(2025, 7, 8, 9))
    services.return_answer(petition, world.leader, "GHI CHÚ CỦA LÃNH ĐẠO", at=vn(2025, 7, 8, 10))
    html = client.get(follow_url(petition)).content.decode()
    assert "DỰ THẢO NỘI BỘ" not in html and "GHI CHÚ CỦA LÃNH ĐẠO" not in html
    assert officer.last_name not in html and world.leader.last_name not in html
    assert "Tiếp nhận" in html


def test_the_reporter_adds_the_information_asked_for(client, world):
    petition = report(world)
    services.request_info(petition, world.specialist, "Cột đèn số mấy?", at=vn(2025, 7, 7, 10))
    url = follow_url(petition)
    html = client.get(url).content.decode()
    assert "Cột đèn số mấy?" in html and 'value="bo-sung"' in html
    empty = client.post(url, {"buoc": "bo-sung", "text": "  "})
    assert empty.status_code == 400 and "Hãy viết thông tin bổ sung." in empty.content.decode()
    assert Petition.objects.get().status == Status.NEEDS_INFO
    done = client.post(url, {"buoc": "bo-sung", "text": "Cột số HB-12"})
    assert done.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.IN_PROGRESS
    assert petition.events.filter(kind=EventKind.INFO_PROVIDED, note="Cột số HB-12").exists()
    # Sending it again is refused in words: nothing is asked any more.
    again = client.post(url, {"buoc": "bo-sung", "text": "Thêm nữa"})
    assert again.status_code == 400
    assert "không chờ bổ sung" in again.content.decode()


def test_the_answer_is_shown_and_rated_once(client, world):
    petition = published(world)
    url = follow_url(petition)
    html = client.get(url).content.decode()
    assert "Đã thay bóng đèn ngày 8/7." in html and 'value="danh-gia"' in html
    assert client.post(url, {"buoc": "danh-gia", "level": "xuat-sac"}).status_code == 400
    assert client.post(url, {"buoc": "danh-gia", "level": "satisfied"}).status_code == 302
    second = client.post(url, {"buoc": "danh-gia", "level": "not_satisfied"})
    assert second.status_code == 400
    petition.refresh_from_db()
    assert petition.satisfaction == Satisfaction.SATISFIED
    assert PetitionEvent.objects.filter(petition=petition, kind=EventKind.RATED).count() == 1
    assert "Bạn đã đánh giá" in client.get(url).content.decode()


def test_rating_before_the_answer_is_refused(client, world):
    petition = report(world)
    response = client.post(follow_url(petition), {"buoc": "danh-gia", "level": "satisfied"})
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.satisfaction == ""


def test_not_satisfied_the_reporter_reports_again(client, world):
    petition = published(world)
    url = follow_url(petition)
    empty = client.post(url, {"buoc": "phan-anh-lai", "description": ""})
    assert empty.status_code == 400 and Petition.objects.count() == 1
    response = client.post(url, {"buoc": "phan-anh-lai", "description": "Đèn lại tắt từ hôm qua."})
    again = Petition.objects.exclude(pk=petition.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:sent", args=[again.secret])
    assert again.repeat_of == petition and again.reporter_phone == petition.reporter_phone


@override_settings(MOTCUA_PETITIONS_PER_PHONE_PER_HOUR=1)
def test_reporting_again_counts_against_the_phones_limit(client, world):
    petition = published(world)
    url = follow_url(petition)
    assert client.post(url, {"buoc": "phan-anh-lai", "description": "Lần 1"}).status_code == 302
    refused = client.post(url, {"buoc": "phan-anh-lai", "description": "Lần 2"})
    assert refused.status_code == 429
    assert Petition.objects.count() == 2


def test_a_rejected_report_shows_its_reason(client, world):
    petition = report(world)
    services.reject(petition, world.reception, "Không thuộc thẩm quyền của phường.")
    html = client.get(follow_url(petition)).content.decode()
    assert "Không thuộc thẩm quyền của phường." in html and "Không tiếp nhận" in html


def test_a_script_in_the_report_shows_as_text(client, world):
    petition = report(world, description="<script>alert('x')</script> đèn hỏng")
    html = client.get(follow_url(petition)).content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html


@pytest.mark.parametrize(
    "data",
    [
        {"buoc": "???"},
        {"buoc": ["danh-gia", "bo-sung"], "level": "satisfied"},
        {"buoc": "bo-sung", "text": "x" * 100_000},
        {"buoc": "bo-sung", "text": "\x00\x00", "photos": "x"},
        {"buoc": "phan-anh-lai", "description": "💥" * 6000},
        {"buoc": "danh-gia", "level": "\x00"},
    ],
)
def test_odd_posts_never_give_a_server_error(client, world, data):
    petition = published(world)
    assert client.post(follow_url(petition), data).status_code < 500
