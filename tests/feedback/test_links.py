"""Rating links: signed, tied to one dossier and its code, refused when forged."""

import pytest
from django.core import signing

from motcua.feedback import errors
from motcua.feedback.errors import RatingError
from motcua.feedback.links import SALT, channel_from_param, open_link, rating_token, rating_url


def test_rating_url_for_sms_and_receipt(settings, world):
    settings.PUBLIC_BASE_URL = "https://motcua.example.vn"
    d = world.receive()
    sms = rating_url(d)
    assert sms.startswith("https://motcua.example.vn/danh-gia/") and sms.endswith("/")
    qr = rating_url(d, channel="receipt_qr")
    assert qr.startswith("https://motcua.example.vn/danh-gia/") and qr.endswith("/?kenh=qr")
    token = qr.removeprefix("https://motcua.example.vn/danh-gia/").removesuffix("/?kenh=qr")
    assert open_link(token).dossier == d
    assert channel_from_param("qr") == "receipt_qr"
    assert channel_from_param(None) == channel_from_param("lạ") == "sms_link"


def test_each_link_has_its_own_nonce(world):
    d = world.receive()
    first, second = rating_token(d), rating_token(d)
    assert first != second
    assert open_link(first).nonce != open_link(second).nonce
    assert open_link(first).dossier == open_link(second).dossier == d


def refused(token) -> RatingError:
    with pytest.raises(RatingError) as exc:
        open_link(token)
    return exc.value


def test_forged_tokens_are_refused(world):
    d = world.receive()
    other = world.receive()
    token = rating_token(d)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for forged in [
        tampered,
        "not-a-token",
        "",
        # A genuine signature, but the code of another dossier.
        signing.dumps({"d": d.pk, "c": other.code, "n": "x"}, salt=SALT),
        # Signed for another purpose (no salt): signatures are not interchangeable.
        signing.dumps({"d": d.pk, "c": d.code, "n": "x"}),
        # A genuine signature over a payload of the wrong shape.
        signing.dumps({"d": "một"}, salt=SALT),
    ]:
        error = refused(forged)
        assert error.code == errors.INVALID_TOKEN and error.status == 400, forged
        assert "Liên kết đánh giá không hợp lệ" in error.message


def test_a_genuine_link_to_a_dossier_that_is_gone(world):
    error = refused(signing.dumps({"d": 987654, "c": "01.00070-250707-0009", "n": "x"}, salt=SALT))
    assert error.code == errors.UNKNOWN_DOSSIER and error.status == 404
