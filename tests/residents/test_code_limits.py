"""Sign-in codes by SMS: per phone (1 per 30 s, 3 per 15 min), per network address (20 an hour)
and for the whole site (1,000 an hour); a refusal says when to try again and sends nothing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.notify.models import Message
from motcua.residents import services
from motcua.residents.models import OneTimeCode

pytestmark = pytest.mark.django_db

HOME = "203.0.113.7"


def phones(count: int) -> list[str]:
    return [f"09123{i:05d}" for i in range(count)]


def test_one_phone_gets_a_code_per_30_seconds_and_3_per_15_minutes():
    start = timezone.now()
    services.request_code("0912345678", address=HOME, at=start)
    with pytest.raises(services.SignInError) as wait:
        services.request_code("0912345678", address=HOME, at=start + timedelta(seconds=10))
    assert wait.value.code == "wait" and wait.value.retry_after == 20
    assert wait.value.message == "Mã vừa được gửi. Vui lòng chờ 20 giây rồi yêu cầu lại."
    services.request_code("0912345678", address=HOME, at=start + timedelta(minutes=1))
    services.request_code("0912345678", address=HOME, at=start + timedelta(minutes=2))
    with pytest.raises(services.SignInError) as too_many:
        services.request_code("0912345678", address=HOME, at=start + timedelta(minutes=3))
    assert too_many.value.code == "too_many"
    assert too_many.value.message.endswith("thử lại sau 12 phút.")
    services.request_code("0912345678", address=HOME, at=start + timedelta(minutes=15))
    assert OneTimeCode.objects.count() == 4


@pytest.mark.parametrize("typed", ["+84 912 345 678", "0912.345.678", "84912345678"])
def test_the_phone_is_counted_in_its_normal_form_however_it_is_typed(typed):
    start = timezone.now()
    services.request_code("0912345678", at=start)
    with pytest.raises(services.SignInError) as refused:
        services.request_code(typed, at=start + timedelta(seconds=5))
    assert refused.value.code == "wait"


def test_one_address_gets_20_codes_an_hour_whatever_the_phones():
    start = timezone.now()
    numbers = phones(21)
    for minute, phone in enumerate(numbers[:20]):
        services.request_code(phone, address=HOME, at=start + timedelta(minutes=minute))
    with pytest.raises(services.SignInError) as refused:
        services.request_code(numbers[20], address=HOME, at=start + timedelta(minutes=20))
    assert refused.value.code == "too_many_from_address"
    assert "địa chỉ mạng này" in refused.value.message
    assert refused.value.message.endswith("thử lại sau 40 phút.")
    # Nothing was sent to the refused number, nor counted for it.
    assert OneTimeCode.objects.count() == 20
    assert not Message.objects.filter(recipient=numbers[20]).exists()
    services.request_code(numbers[20], address="198.51.100.20", at=start + timedelta(minutes=20))
    services.request_code(numbers[20], address=HOME, at=start + timedelta(minutes=60))


def test_the_whole_site_sends_at_most_its_hourly_budget(settings):
    settings.MOTCUA_SMS_CODES_PER_HOUR = 5
    start = timezone.now()
    numbers = phones(6)
    for i, phone in enumerate(numbers[:5]):
        services.request_code(phone, address=f"198.51.100.{i}", at=start)
    with pytest.raises(services.SignInError) as refused:
        services.request_code(numbers[5], address="198.51.100.99", at=start)
    assert refused.value.code == "busy" and refused.value.retry_after == 3600
    assert OneTimeCode.objects.count() == 5


def test_the_default_budgets_are_20_per_address_and_1000_for_the_site(settings):
    assert settings.MOTCUA_SMS_CODES_PER_ADDRESS_PER_HOUR == 20
    assert settings.MOTCUA_SMS_CODES_PER_HOUR == 1000


def test_the_portal_api_answers_429_with_retry_after(client):
    url = "/api/v1/portal/sign-in/code"
    for phone in phones(20):
        response = client.post(
            url, json.dumps({"phone": phone}), content_type="application/json", REMOTE_ADDR=HOME
        )
        assert response.status_code == 202
    refused = client.post(
        url, json.dumps({"phone": "0987654321"}), content_type="application/json", REMOTE_ADDR=HOME
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_from_address"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "thử lại sau" in refused.json()["message"]


def test_the_sign_in_page_says_when_to_try_again(client):
    url = reverse("residents:sign_in")
    assert client.post(url, {"phone": "0912345678"}, REMOTE_ADDR=HOME).status_code == 302
    again = client.post(url, {"phone": "0912 345 678"}, REMOTE_ADDR=HOME)
    assert again.status_code == 429 and 1 <= int(again["Retry-After"]) <= 30
    assert (
        "Vui lòng chờ" in again.content.decode()
        and "giây rồi yêu cầu lại" in again.content.decode()
    )
    assert OneTimeCode.objects.count() == 1
