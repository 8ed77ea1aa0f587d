"""The hotline operator's screen: a call typed in becomes a report of the chosen commune of the
operator's province; the operator finds it again by reference or phone and reads the published
answer back, and sees whether the answer went out by SMS."""

import pytest
from django.test import Client
from django.urls import reverse

from motcua.notify.models import Message
from motcua.petitions import services
from motcua.petitions.models import Channel, Petition
from tests.petitions.support import report

pytestmark = pytest.mark.django_db

URL = "/can-bo/tong-dai/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(world, **fields):
    data = {
        "reporter_phone": "0987 654 321",
        "reporter_name": "Nguyễn Thị Hoa",
        "commune": world.a.code,
        "category": "chieu-sang",
        "description": "Đèn đường ngõ 5 Hàng Bè tắt cả tuần.",
        "address": "Ngõ 5 Hàng Bè",
    }
    data.update(fields)
    return data


def test_the_url_is_the_hotline_screen():
    assert reverse("petitions:hotline") == URL


def test_a_call_becomes_a_report_entered_by_the_operator(world, hotline):
    client = client_of(hotline)
    response = client.post(URL, call(world), follow=True)
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.channel == Channel.HOTLINE and petition.entered_by == hotline
    assert petition.commune == world.a and petition.reporter_phone == "0987654321"
    assert petition.reference in response.content.decode()
    # The caller is told the reference by SMS.
    assert Message.objects.filter(dedupe_key=f"petition:{petition.pk}:received:sms").exists()
    # The call is listed below the form.
    assert [r["petition"] for r in response.context["calls"]] == [petition]


def test_the_callers_phone_is_required_and_nothing_is_stored_without_it(world, hotline):
    response = client_of(hotline).post(URL, call(world, reporter_phone=""))
    assert response.status_code == 400
    assert response.context["form"].errors["reporter_phone"]
    response = client_of(hotline).post(URL, call(world, reporter_phone="12ab"))
    assert response.status_code == 400 and response.context["form"].errors["reporter_phone"]
    response = client_of(hotline).post(URL, call(world, description="  "))
    assert response.status_code == 400 and response.context["form"].errors["description"]
    assert not Petition.objects.exists()


def test_only_communes_of_the_operators_province(world, hotline):
    page = client_of(hotline).get(URL)
    codes = {c.code for c in page.context["communes"]}
    assert codes == {world.a.code, world.b.code}
    response = client_of(hotline).post(URL, call(world, commune=world.h.code))
    assert response.status_code == 400 and response.context["form"].errors["commune"]
    assert not Petition.objects.exists()


def test_officers_and_monitors_do_not_take_calls(world):
    for user in (world.specialist, world.leader, world.monitor):
        assert client_of(user).get(URL).status_code == 403
        assert client_of(user).post(URL, call(world)).status_code == 403
    assert not Petition.objects.exists()


def test_find_a_call_by_reference_or_phone_and_read_the_answer_back(world, hotline):
    client = client_of(hotline)
    client.post(URL, call(world))
    petition = Petition.objects.get()
    services.accept(petition, world.specialist)
    services.draft_answer(petition, world.specialist, "Đã thay bóng đèn ngõ 5 ngày 9/7.")
    services.publish(petition, world.leader)
    other = report(world)  # someone else's report, through the portal
    for q in (petition.reference, f"pa-{petition.pk}", "0987654321", "+84 987 654 321"):
        response = client.get(URL, {"q": q})
        assert [r["petition"] for r in response.context["calls"]] == [petition], q
    body = client.get(URL, {"q": petition.reference}).content.decode()
    assert "Đã thay bóng đèn ngõ 5 ngày 9/7." in body
    row = client.get(URL).context["calls"][0]
    assert row["sms"]["message"].dedupe_key == f"petition:{petition.pk}:published:sms"
    # The portal report of the province is found by its reference too (the caller quotes it).
    assert client.get(URL, {"q": other.reference}).context["calls"][0]["petition"] == other
    assert client.get(URL, {"q": "PA-0"}).context["calls"] == []


def test_the_operator_sees_the_phone_they_typed_and_masked_others(world, hotline):
    client = client_of(hotline)
    client.post(URL, call(world))
    mine = Petition.objects.get()
    theirs = report(world)
    page = client.get(reverse("petitions:staff_detail", args=[mine.pk])).content.decode()
    assert "0987654321" in page
    page = client.get(reverse("petitions:staff_detail", args=[theirs.pk])).content.decode()
    assert "0912345678" not in page


def test_odd_input_never_breaks_the_screen(world, hotline):
    client = client_of(hotline)
    for value in ("<script>alert(1)</script>", "\x00", "x" * 50000, "😀" * 2000):
        data = call(world, reporter_name=value, description=value, address=value)
        assert client.post(URL, data).status_code < 500
        assert client.post(URL, call(world, commune=value, category=value)).status_code == 400
        assert client.get(URL, {"q": value}).status_code < 500
    for petition in Petition.objects.all():
        assert "<script>" not in client.get(
            reverse("petitions:staff_detail", args=[petition.pk])
        ).content.decode().split("<body", 1)[1].replace('<script src="', "")
