"""Residents sign in with a one-time code sent by SMS, or through an identity provider."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from motcua.notify.models import Message
from motcua.residents import services
from motcua.residents.models import OneTimeCode, Resident
from motcua.residents.phones import normalize_phone
from tests.world import GOOD_ID

pytestmark = pytest.mark.django_db


def sent_code(phone="0912345678") -> str:
    body = Message.objects.filter(recipient=phone).order_by("-id").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
    ],
)
def test_phone_numbers_in_every_usual_form(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "09123456789", "abc"])
def test_wrong_phone_numbers_say_what_is_expected(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert "0912 345 678" in exc.value.messages[0]


def test_the_code_goes_out_through_the_outbox_and_signs_in():
    otp = services.request_code("0912 345 678")
    message = Message.objects.get(dedupe_key=f"otp:{otp.pk}")
    assert message.channel == "sms" and message.recipient == "0912345678"
    assert sent_code() not in otp.code_hash  # only the hash is stored
    resident = services.verify_code("0912345678", sent_code())
    assert resident.phone == "0912345678"
    assert Resident.objects.count() == 1


def test_a_code_works_once():
    services.request_code("0912345678")
    code = sent_code()
    services.verify_code("0912345678", code)
    with pytest.raises(services.SignInError) as exc:
        services.verify_code("0912345678", code)
    assert exc.value.code == "expired"  # no unused code is left


def test_five_wrong_tries_lock_the_code():
    services.request_code("0912345678")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(services.SignInError) as exc:
            services.verify_code("0912345678", wrong)
        assert exc.value.code == "wrong"
    with pytest.raises(services.SignInError) as exc:
        services.verify_code("0912345678", code)
    assert exc.value.code == "locked"


def test_an_expired_code_is_refused():
    start = timezone.now()
    services.request_code("0912345678", at=start)
    with pytest.raises(services.SignInError) as exc:
        services.verify_code("0912345678", sent_code(), at=start + timedelta(minutes=6))
    assert exc.value.code == "expired"


def test_codes_are_rate_limited_per_phone():
    start = timezone.now()
    services.request_code("0912345678", at=start)
    with pytest.raises(services.SignInError) as exc:
        services.request_code("0912345678", at=start + timedelta(seconds=10))
    assert exc.value.code == "wait"
    services.request_code("0912345678", at=start + timedelta(minutes=1))
    services.request_code("0912345678", at=start + timedelta(minutes=2))
    with pytest.raises(services.SignInError) as exc:
        services.request_code("0912345678", at=start + timedelta(minutes=3))
    assert exc.value.code == "too_many"
    assert OneTimeCode.objects.count() == 3


def test_sign_in_pages_end_on_my_dossiers(client):
    response = client.post(reverse("residents:sign_in"), {"phone": "0912345678"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": sent_code()})
    assert response.status_code == 302 and response["Location"] == reverse("residents:my_dossiers")
    assert client.get(reverse("residents:my_dossiers")).status_code == 200


def test_a_wrong_code_on_the_page_says_so(client):
    client.post(reverse("residents:sign_in"), {"phone": "0912345678"})
    wrong = "000000" if sent_code() != "000000" else "111111"
    response = client.post(reverse("residents:sign_in_code"), {"code": wrong})
    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode()


def test_next_must_stay_on_this_site(client):
    client.post(reverse("residents:sign_in"), {"phone": "0912345678"})
    response = client.post(
        reverse("residents:sign_in_code") + "?next=https://evil.example/",
        {"code": sent_code()},
    )
    assert response["Location"] == reverse("residents:my_dossiers")


def _fake_vneid_sign_in(client, **identity):
    start = client.get(reverse("residents:sso_start", args=["fake"]))
    assert start.status_code == 302
    page = client.post(start["Location"], identity)
    assert page.status_code == 302
    return client.get(page["Location"])


def test_the_identity_provider_verifies_the_id_number(client):
    response = _fake_vneid_sign_in(
        client, id_number=GOOD_ID, full_name="Lê Văn Hùng", phone="0987654321"
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert resident.verified_id_number == GOOD_ID and resident.verified_by == "fake"
    assert resident.phone == "0987654321"


def test_a_forged_assertion_signs_nobody_in(client):
    start = client.get(reverse("residents:sso_start", args=["fake"]))
    page = client.post(start["Location"], {"id_number": GOOD_ID, "full_name": "A"})
    query = parse_qs(urlparse(page["Location"]).query)
    forged = query["assertion"][0][:-3] + "abc"
    url = reverse("residents:sso_callback", args=["fake"])
    response = client.get(url, {"assertion": forged})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert not Resident.objects.exists()


def test_a_callback_without_a_started_sign_in_is_refused(client):
    response = client.get(reverse("residents:sso_callback", args=["fake"]), {"assertion": "x"})
    assert response.status_code == 400
    assert not Resident.objects.exists()


def test_phone_account_and_identity_become_one(client):
    services.request_code("0987654321")
    services.verify_code("0987654321", sent_code("0987654321"))
    _fake_vneid_sign_in(client, id_number=GOOD_ID, full_name="Lê Văn Hùng", phone="0987654321")
    resident = Resident.objects.get()
    assert resident.verified_id_number == GOOD_ID
