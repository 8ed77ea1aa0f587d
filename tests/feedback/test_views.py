"""The rating page as a resident meets it: opened from a link, no login, one form, one button."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from motcua.dossiers.services import perform
from motcua.feedback.links import SALT, rating_token
from motcua.feedback.models import Rating, RatingAnswer
from tests.feedback.support import ALL_GOOD
from tests.world import vn


def page(token, kenh=None):
    url = reverse("feedback:rate", args=[token])
    return f"{url}?kenh={kenh}" if kenh else url


def form_data(answers=ALL_GOOD, comment=""):
    return {"comment": comment, **{f"tc_{k}": v for k, v in answers.items()}}


def test_the_page_shows_the_dossier_and_one_radio_group_per_criterion(client, returned, token):
    response = client.get(page(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert returned.code in html and "Cấp Giấy xác nhận tình trạng hôn nhân" in html
    # No personal data: not the name, ID number, phone or address of the applicant.
    for private in ["Trần Thị Bích Ngọc", "001085012345", "0912345678", "Số 5 Hàng Bạc"]:
        assert private not in html
    # a, b, c, d, đ, e, g, i: a fieldset and legend each (no "h" for a counter dossier).
    assert html.count('<fieldset class="mc-fieldset"') == 8
    assert html.count("<legend") == 8
    assert 'name="tc_h"' not in html
    for key in ["a", "b", "c", "d", "đ", "e", "g", "i"]:
        assert html.count(f'name="tc_{key}" type="radio"') == 3
        assert f'aria-describedby="tc_{key}-hint"' in html
    assert html.count("(không bắt buộc)") == 3  # g, i and the comment
    assert "Rất hài lòng" in html and "Không hài lòng" in html
    assert html.count('type="submit"') == 1 + 1  # "Gửi đánh giá", and the language switcher
    assert "Gửi đánh giá" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_posting_stores_the_rating_and_thanks_the_resident(client, returned, token):
    answers = {**ALL_GOOD, "đ": "satisfied", "g": "", "i": "not_satisfied"}
    response = client.post(page(token, "qr"), form_data(answers, "Chỗ ngồi chờ hơi chật."))
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[token])
    rating = Rating.objects.get(dossier=returned)
    assert rating.channel == "receipt_qr"
    assert rating.comment == "Chỗ ngồi chờ hơi chật."
    assert dict(rating.answers.values_list("criterion", "level")) == {
        **ALL_GOOD,
        "đ": "satisfied",
        "i": "not_satisfied",
    }
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert "Cảm ơn ông/bà đã đánh giá" in html and returned.code in html


def test_the_sms_link_is_the_default_channel(client, returned, token):
    client.post(page(token), form_data())
    assert Rating.objects.get().channel == "sms_link"


def test_a_missing_answer_is_shown_beside_its_question_and_nothing_is_stored(client, token):
    answers = {k: v for k, v in ALL_GOOD.items() if k != "đ"}
    response = client.post(page(token), form_data(answers, "Giữ lại ý kiến này"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="mc-error-summary"' in html
    assert 'href="#tc_đ-very_satisfied"' in html
    assert "Hãy chọn một mức cho tiêu chí đ: Thái độ của cán bộ, công chức." in html
    assert 'id="tc_đ-error"' in html and 'aria-describedby="tc_đ-hint tc_đ-error"' in html
    # What the resident chose is kept.
    chosen = 'id="tc_a-very_satisfied" name="tc_a" type="radio" value="very_satisfied" checked'
    assert chosen in html
    assert "Giữ lại ý kiến này" in html
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_gets_a_clear_400_page_and_stores_nothing(client, world, returned, method):
    token = rating_token(returned)
    other = world.receive()
    for forged in [
        token[:-3] + "abc",
        signing.dumps({"d": returned.pk, "c": other.code, "n": "x"}, salt=SALT),
    ]:
        response = getattr(client, method)(page(forged), form_data() if method == "post" else None)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Liên kết đánh giá không hợp lệ" in html
        assert "quét lại mã QR trên giấy tiếp nhận" in html  # what to do instead
        assert returned.code not in html
    assert Rating.objects.count() == 0


def test_a_rated_dossier_says_when_and_changes_nothing(client, returned, token):
    client.post(page(token), form_data())
    answers_before = sorted(RatingAnswer.objects.values_list("criterion", "level"))
    for response in [
        client.get(page(token)),
        client.post(page(token), form_data(dict.fromkeys(ALL_GOOD, "not_satisfied"))),
    ]:
        assert response.status_code == 409
        html = response.content.decode()
        assert "Hồ sơ này đã được đánh giá" in html and "đã được đánh giá lúc" in html
    assert Rating.objects.count() == 1
    assert sorted(RatingAnswer.objects.values_list("criterion", "level")) == answers_before


def test_before_the_result_the_page_says_when_rating_opens(client, world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    token = rating_token(d)
    response = client.get(page(token, "qr"))
    assert response.status_code == 200  # scanning the receipt early is not an error
    html = response.content.decode()
    assert "Chưa đến lúc đánh giá" in html and "Việc đánh giá mở khi ông/bà nhận kết quả" in html
    assert reverse("dossiers:track", args=[d.code]) in html
    assert "Gửi đánh giá" not in html
    assert client.post(page(token, "qr"), form_data()).status_code == 409
    assert Rating.objects.count() == 0


def test_csrf_protection_stays_on(world, returned, token):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(page(token), form_data()).status_code == 403
    assert Rating.objects.count() == 0
    html = browser.get(page(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(page(token), {**form_data(), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert Rating.objects.count() == 1


def test_the_thanks_page_needs_a_rating(client, returned, token):
    response = client.get(reverse("feedback:thanks", args=[token]))
    assert response.status_code == 302 and response["Location"] == page(token)
    assert client.get(reverse("feedback:thanks", args=["giả-mạo"])).status_code == 400


def test_a_withdrawn_dossier(client, world):
    d = perform(world.receive(), "withdraw", actor=world.reception, reason="Công dân rút hồ sơ")
    response = client.get(page(rating_token(d)))
    assert response.status_code == 409
    assert "Hồ sơ này không có phiếu đánh giá" in response.content.decode()
