"""Taking a rating, told as stories: what is stored, and what is refused with nothing changed."""

import pytest
from django.core import signing
from django.db import IntegrityError, transaction

from motcua.dossiers import services as dossier_services
from motcua.dossiers.services import perform
from motcua.feedback import errors, queries
from motcua.feedback.errors import RatingError
from motcua.feedback.links import SALT, open_link, rating_token
from motcua.feedback.models import Rating, RatingAnswer
from motcua.feedback.services import submit_rating
from tests.feedback.support import ALL_GOOD, return_at_counter
from tests.world import GOOD_ID, vn


def stored():
    """Every rating and answer in the database, to prove a refusal changed nothing."""
    return (
        list(Rating.objects.values_list("dossier_id", "submitted_at", "channel", "comment")),
        sorted(RatingAnswer.objects.values_list("rating_id", "criterion", "level")),
    )


def refusal(token, answers=ALL_GOOD, **kwargs) -> RatingError:
    before = stored()
    kwargs.setdefault("channel", "sms_link")
    with pytest.raises(RatingError) as exc:
        submit_rating(token, answers, **kwargs)
    assert stored() == before, "a refused rating must change nothing"
    return exc.value


def test_a_rating_is_stored_with_its_raw_answers(returned, token):
    answers = {**ALL_GOOD, "c": "satisfied", "đ": "not_satisfied", "g": "satisfied", "i": ""}
    rating = submit_rating(
        token, answers, channel="receipt_qr", comment="  Cán bộ tận tình.  ", at=vn(2025, 7, 10, 8)
    )
    rating.refresh_from_db()
    assert rating.dossier == returned
    assert rating.submitted_at == vn(2025, 7, 10, 8)
    assert rating.channel == "receipt_qr"
    assert rating.comment == "Cán bộ tận tình."
    assert rating.token_nonce == open_link(token).nonce
    # Raw levels, one row per answered criterion; the blank optional "i" has no row.
    assert dict(rating.answers.values_list("criterion", "level")) == {
        "a": "very_satisfied",
        "b": "very_satisfied",
        "c": "satisfied",
        "d": "very_satisfied",
        "đ": "not_satisfied",
        "e": "very_satisfied",
        "g": "satisfied",
    }


def test_a_replayed_token_is_refused_and_the_first_rating_stands(returned, token):
    submit_rating(token, ALL_GOOD, channel="sms_link", at=vn(2025, 7, 10, 8, 15))
    worse = dict.fromkeys(ALL_GOOD, "not_satisfied")
    error = refusal(token, worse, comment="Thay đổi ý kiến")
    assert error.code == errors.ALREADY_RATED and error.status == 409
    assert "đã được đánh giá lúc 08:15 ngày 10/07/2025" in error.message
    assert error.rated_at == vn(2025, 7, 10, 8, 15)
    # A fresh link for the same dossier is refused the same way: once per dossier, not per link.
    assert refusal(rating_token(returned), worse).code == errors.ALREADY_RATED
    assert set(RatingAnswer.objects.values_list("level", flat=True)) == {"very_satisfied"}


def test_forged_tokens_store_nothing(world, returned, token):
    tampered = token[:-2] + ("xy" if not token.endswith("xy") else "zz")
    assert refusal(tampered).code == errors.INVALID_TOKEN
    other = return_at_counter(world, world.receive(at=vn(2025, 7, 7, 9, 30)))
    crossed = signing.dumps({"d": returned.pk, "c": other.code, "n": "x"}, salt=SALT)
    error = refusal(crossed)
    assert error.code == errors.INVALID_TOKEN and error.status == 400
    assert Rating.objects.count() == 0


def test_not_before_the_result_is_received(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    error = refusal(rating_token(d))
    assert error.code == errors.NOT_RETURNED and error.status == 409
    assert "Việc đánh giá mở khi ông/bà nhận kết quả" in error.message
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(d, "assign", actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist)
    d = perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 9))
    d = perform(d, "approve", actor=world.leader, at=vn(2025, 7, 8, 14), result_summary="Xong")
    # Signed and ready, but not yet handed over: still closed.
    assert refusal(rating_token(d)).code == errors.NOT_RETURNED
    d = perform(d, "return_by_post", actor=world.reception, waybill_number="EB123456789VN")
    assert submit_rating(rating_token(d), ALL_GOOD, channel="sms_link").dossier == d


def test_a_withdrawn_dossier_has_nothing_to_rate(world):
    d = perform(world.receive(), "withdraw", actor=world.reception, reason="Công dân rút hồ sơ")
    error = refusal(rating_token(d))
    assert error.code == errors.NOT_RATEABLE and "đã dừng xử lý" in error.message


def test_a_refusal_at_reception_may_be_rated(world):
    d = dossier_services.refuse_at_counter(
        officer=world.reception,
        procedure=world.procedure,
        applicant=dossier_services.Applicant(name="Vũ Thị Lan", id_number=GOOD_ID),
        reason="Thiếu tờ khai",
    )
    rating = submit_rating(rating_token(d), {**ALL_GOOD, "e": "not_satisfied"}, channel="kiosk")
    assert rating.answers.get(criterion="e").level == "not_satisfied"


def test_every_missing_or_wrong_answer_is_named(token):
    answers = {**ALL_GOOD, "b": "", "z": "satisfied", "c": "rất hài lòng"}
    del answers["đ"]
    error = refusal(token, answers, comment="x" * 2001)
    assert error.status == 422
    assert error.code == errors.UNKNOWN_CRITERION  # the gravest of the four problems
    assert set(error.errors) == {"b", "đ", "z", "c", "comment"}
    assert "tiêu chí đ: Thái độ của cán bộ, công chức" in error.errors["đ"][0]
    assert "tiêu chí b: Số nơi phải đến liên hệ" in error.errors["b"][0]
    assert "“z”" in error.errors["z"][0]
    assert "“rất hài lòng” không phải một mức" in error.errors["c"][0]
    assert "2000 ký tự" in error.errors["comment"][0]
    for messages in error.errors.values():
        assert messages[0] in error.message


def test_a_missing_criterion_alone(token):
    answers = {k: v for k, v in ALL_GOOD.items() if k != "a"}
    error = refusal(token, answers)
    assert error.code == errors.MISSING_ANSWER and list(error.errors) == ["a"]
    assert "Thời gian giải quyết hồ sơ" in error.message


def test_online_service_is_not_asked_at_the_counter_but_required_online(world, token):
    error = refusal(token, {**ALL_GOOD, "h": "satisfied"})
    assert error.code == errors.UNKNOWN_CRITERION
    assert error.errors["h"] == ["Tiêu chí h không áp dụng cho hồ sơ này."]

    d = world.receive(at=vn(2025, 7, 7, 9), return_method="online")
    d = return_at_counter(world, d)
    online_token = rating_token(d)
    assert refusal(online_token).errors.keys() == {"h"}
    rating = submit_rating(online_token, {**ALL_GOOD, "h": "satisfied"}, channel="portal")
    assert rating.answers.count() == 7


def test_once_per_dossier_is_a_database_fact(returned, token, monkeypatch):
    submit_rating(token, ALL_GOOD, channel="sms_link")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=returned, submitted_at=vn(2025, 7, 11, 8), channel="kiosk")
    # Two submissions racing past the check: the database refuses the second, and the service
    # answers "already rated" as if the check had caught it.
    monkeypatch.setattr(queries, "check_open", lambda dossier: None)
    error = refusal(token)
    assert error.code == errors.ALREADY_RATED
    assert Rating.objects.count() == 1


def test_levels_and_criteria_are_checked_by_the_database_too(returned, token):
    rating = submit_rating(token, ALL_GOOD, channel="sms_link")
    for criterion, level in [("g", "tuyệt vời"), ("x", "satisfied")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            RatingAnswer.objects.create(rating=rating, criterion=criterion, level=level)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingAnswer.objects.create(rating=rating, criterion="a", level="satisfied")


def test_an_unknown_channel_is_a_programming_error(token):
    with pytest.raises(ValueError):
        submit_rating(token, ALL_GOOD, channel="carrier_pigeon")
    assert Rating.objects.count() == 0
