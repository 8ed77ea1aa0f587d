"""The residents' report form: the portal, a place's QR page, the kiosk, a visit's and a dossier's
link; every mistake shown at once and nothing stored; the honeypot and the limits per sender."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.notify.models import Message
from motcua.petitions.models import Channel, Petition, PetitionPhoto, Place, Subject
from motcua.queueing import links
from motcua.queueing import services as queue_services
from motcua.residents import sessions
from motcua.residents.models import Resident
from tests.queueing.conftest import open_all_day, q  # noqa: F401
from tests.world import GOOD_ID

URL = reverse("petitions:report")


def png(width=2, height=2) -> bytes:
    """A small, valid PNG (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def photo(name="anh.png", content=None):
    return SimpleUploadedFile(name, content if content is not None else png(), "image/png")


def good(commune, **extra) -> dict:
    data = {
        "xa": commune.code,
        "category": "chieu-sang",
        "description": "Đèn đường trước số 12 Hàng Bạc không sáng ba tối nay.",
        "reporter_phone": "0912345678",
        "reporter_name": "Lê Văn Tám",
    }
    data.update(extra)
    return data


def test_the_portal_asks_for_the_commune_first_then_shows_its_categories(client, world):
    page = client.get(URL)
    assert page.status_code == 200
    assert world.a.code in page.content.decode()
    form = client.get(URL, {"xa": world.a.code})
    html = form.content.decode()
    assert form.status_code == 200 and 'name="category"' in html and "chieu-sang" in html
    # An unknown commune is named as a mistake, not a server error.
    assert client.get(URL, {"xa": "99999"}).status_code == 400


def test_a_report_is_filed_confirmed_and_followed(client, world):
    response = client.post(URL, good(world.a, reporter_email="tam@example.vn"))
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:sent", args=[petition.secret])
    assert petition.channel == Channel.PORTAL and petition.commune == world.a
    assert petition.reporter_phone == "0912345678" and petition.reporter_email == "tam@example.vn"
    page = client.get(response["Location"]).content.decode()
    assert petition.reference in page
    assert reverse("petitions:follow", args=[petition.secret]) in page
    # The deadline is shown as a date: 5 working days for lighting, from Monday → a date.
    assert petition.due_at.astimezone().strftime("%Y") in page
    assert Message.objects.filter(recipient="0912345678").exists()


def test_every_mistake_is_shown_at_once_and_nothing_is_stored(client, world):
    response = client.post(
        URL,
        {
            "xa": world.a.code,
            "category": "khong-co",
            "description": "   ",
            "title": "t" * 201,
            "reporter_phone": "12345",
            "reporter_email": "khong-phai-thu",
            "latitude": "91",
            "longitude": "abc",
            "address": "a" * 301,
            "reporter_name": "n" * 201,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy chọn một lĩnh vực trong danh sách." in html
    assert "Hãy viết nội dung phản ánh" in html
    assert "tối đa 200 ký tự" in html and "tối đa 300 ký tự" in html
    assert "khong-phai-thu" in html  # what was typed is kept (and named in the message)
    assert html.count("Tọa độ") >= 2
    assert 'id="id_reporter_phone_error"' in html
    assert 'id="id_reporter_email_error"' in html
    assert not Petition.objects.exists() and not Message.objects.exists()


def test_an_anonymous_report_needs_a_phone(client, world):
    response = client.post(URL, good(world.a, reporter_phone=""))
    assert response.status_code == 400
    assert "Hãy để lại số điện thoại" in response.content.decode()
    assert not Petition.objects.exists()


def test_half_a_location_is_refused(client, world):
    response = client.post(URL, good(world.a, latitude="21.03"))
    assert response.status_code == 400
    assert "Cần cả vĩ độ và kinh độ" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_location_is_kept_rounded(client, world):
    client.post(URL, good(world.a, latitude="21.0285114", longitude="105.852387"))
    petition = Petition.objects.get()
    assert str(petition.latitude) == "21.028511" and str(petition.longitude) == "105.852387"


def test_photos_are_stored_after_a_content_check(client, world):
    data = good(world.a, photos=[photo("a.png"), photo("b.png")])
    assert client.post(URL, data).status_code == 302
    assert PetitionPhoto.objects.filter(content_type="image/png").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("giay-to.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "không phải ảnh JPEG"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"not really a jpeg", "bị hỏng"),
        ("anh.jpg", b"<script>alert(1)</script>", "không phải PDF, JPEG hoặc PNG"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(client, world, name, content, words):
    response = client.post(URL, good(world.a, photos=[photo(name, content)]))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Petition.objects.exists() and not PetitionPhoto.objects.exists()


def test_more_than_five_photos_are_refused(client, world):
    response = client.post(URL, good(world.a, photos=[photo(f"{i}.png") for i in range(6)]))
    assert response.status_code == 400
    assert "tối đa 5 ảnh" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_form_sent_twice_files_once(client, world):
    page = client.get(URL, {"xa": world.a.code}).content.decode()
    key = page.split('name="submission_key" value="')[1].split('"')[0]
    first = client.post(URL, good(world.a, submission_key=key))
    second = client.post(URL, good(world.a, submission_key=key))
    assert Petition.objects.count() == 1
    assert first["Location"] == second["Location"]


# --------------------------------------------------------------------------- spam


def test_a_robot_filling_the_hidden_box_sees_a_receipt_and_nothing_is_stored(client, world):
    response = client.post(URL, good(world.a, trang_web="http://spam.example"))
    assert response.status_code == 200
    assert "Đã gửi phản ánh" in response.content.decode()
    assert not Petition.objects.exists() and not Message.objects.exists()


@override_settings(MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR=2)
def test_reports_from_one_address_are_limited(client, world):
    for phone in ("0912345678", "0987654321"):
        assert client.post(URL, good(world.a, reporter_phone=phone)).status_code == 302
    refused = client.post(URL, good(world.a, reporter_phone="0977777777"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "quá nhiều phản ánh" in html and "0977777777" in html  # typed text kept
    assert Petition.objects.count() == 2
    # Another address is not affected.
    other = client.post(URL, good(world.a, reporter_phone="0977777777"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@override_settings(MOTCUA_PETITIONS_PER_PHONE_PER_HOUR=2)
def test_reports_from_one_phone_are_limited_however_it_is_written(client, world):
    assert client.post(URL, good(world.a, reporter_phone="0912345678")).status_code == 302
    second = good(world.a, reporter_phone="+84 912 345 678")
    assert client.post(URL, second, REMOTE_ADDR="10.0.0.2").status_code == 302
    third = client.post(URL, good(world.a, reporter_phone="0912.345.678"), REMOTE_ADDR="10.0.0.3")
    assert third.status_code == 429
    assert Petition.objects.count() == 2


@override_settings(MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR=1)
def test_a_form_with_mistakes_costs_nothing_against_the_limit(client, world):
    assert client.post(URL, good(world.a, reporter_phone="")).status_code == 400
    assert client.post(URL, good(world.a)).status_code == 302


# --------------------------------------------------------------------------- signed in


def signed_in(client, resident):
    session = client.session
    session[sessions.SESSION_KEY] = resident.pk
    session.save()
    return client


def test_a_signed_in_resident_finds_their_details_filled_in_and_needs_no_phone(client, world):
    resident = Resident.objects.create(
        phone="0987654321", full_name="Phạm Thị Hoa", email="hoa@example.vn"
    )
    html = signed_in(client, resident).get(URL, {"xa": world.a.code}).content.decode()
    assert 'value="0987654321"' in html and 'value="Phạm Thị Hoa"' in html
    response = client.post(URL, good(world.a, reporter_phone=""))
    assert response.status_code == 302
    assert Petition.objects.get().resident == resident


def test_a_resident_links_only_their_own_dossier(client, world):
    mine = world.receive()
    theirs = world.receive()
    resident = Resident.objects.create(
        phone="0987654321", full_name="Trần Thị Bích Ngọc", verified_id_number=GOOD_ID
    )
    theirs.applicant_id_number = "001085099999"
    theirs.save(update_fields=["applicant_id_number"])
    signed_in(client, resident)
    # ``?ho-so=`` from the dossier page chooses the commune and preselects the dossier.
    html = client.get(URL, {"ho-so": mine.code}).content.decode()
    assert f'value="{mine.code}" selected' in html and theirs.code not in html
    refused = client.post(URL, good(world.a, dossier=theirs.code))
    assert refused.status_code == 400 and not Petition.objects.exists()
    assert client.post(URL, good(world.a, dossier=mine.code)).status_code == 302
    assert Petition.objects.get().dossier == mine


def test_an_anonymous_visitor_cannot_name_a_dossier(client, world):
    dossier = world.receive()
    html = client.get(URL, {"ho-so": dossier.code}).content.decode()
    assert 'name="dossier"' not in html  # asked for the commune; no dossier to choose
    client.post(URL, good(world.a, dossier=dossier.code))
    assert Petition.objects.get().dossier is None


# --------------------------------------------------------------------------- QR, kiosk, visit


def make_place(commune, **fields) -> Place:
    fields.setdefault("name", "Chợ Hàng Da")
    fields.setdefault("address", "Số 1 phố Hàng Da")
    return Place.objects.create(commune=commune, latitude="21.033", longitude="105.846", **fields)


def test_a_place_page_fixes_the_commune_and_place_and_lists_place_categories_first(client, world):
    place = make_place(world.a)
    url = reverse("petitions:place", args=[place.key])
    html = client.get(url).content.decode()
    assert "Chợ Hàng Da" in html and 'name="xa"' not in html
    categories = html.split('data-testid="petition-categories"')[1]
    first = categories.split('value="')[1].split('"')[0]
    from motcua.petitions import queries

    assert queries.category_by_code(world.hanoi, first).subject == Subject.PLACE
    data = good(world.b)  # a commune in the post is ignored: the place's is used
    del data["xa"]
    assert client.post(url, data).status_code == 302
    petition = Petition.objects.get()
    assert petition.place == place and petition.commune == world.a
    assert petition.channel == Channel.QR and petition.address == "Số 1 phố Hàng Da"
    assert str(petition.latitude) == "21.033000"


def test_an_unknown_or_retired_place_is_404(client, world):
    place = make_place(world.a, is_active=False)
    assert client.get(reverse("petitions:place", args=[place.key])).status_code == 404
    assert client.get(reverse("petitions:place", args=["x" * 500])).status_code == 404


def test_the_kiosk_reports_for_the_centres_commune_and_goes_back_to_the_start(client, q):  # noqa: F811
    token = links.kiosk_token(queue_services.settings_for(q.center))
    url = reverse("petitions:kiosk", args=[token])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "mc-kiosk" in html and 'autocomplete="off"' in html
    data = good(q.a)
    del data["xa"]
    response = client.post(url, data)
    petition = Petition.objects.get()
    assert petition.channel == Channel.KIOSK and petition.commune == q.a
    done = client.get(response["Location"]).content.decode()
    assert petition.reference in done and reverse("queueing:kiosk", args=[token]) in done
    assert client.get(reverse("petitions:kiosk", args=["bad-token"])).status_code == 404


@override_settings(MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR=1)
def test_the_kiosk_is_not_limited_by_the_centres_address(client, q):  # noqa: F811
    token = links.kiosk_token(queue_services.settings_for(q.center))
    url = reverse("petitions:kiosk", args=[token])
    for phone in ("0912345678", "0987654321"):
        data = good(q.a, reporter_phone=phone)
        assert client.post(url, data).status_code == 302
    assert Petition.objects.count() == 2


def test_a_visit_links_through_its_ticket_token(client, q):  # noqa: F811
    open_all_day(q.center)
    ticket = queue_services.issue_ticket(q.center, q.civil)
    token = links.ticket_token(ticket)
    html = client.get(URL, {"luot": token}).content.decode()
    assert ticket.display_number in html
    data = good(q.b, luot=token)  # the ticket's centre decides the commune
    assert client.post(URL, data).status_code == 302
    petition = Petition.objects.get()
    assert petition.ticket == ticket and petition.commune == q.a
    assert client.get(URL, {"luot": "forged"}).status_code == 404


# --------------------------------------------------------------------------- odd input


@pytest.mark.parametrize(
    "extra",
    [
        {"description": "x" * 200_000},
        {"description": "Đèn\x00hỏng", "title": "\x00\x01\x02"},
        {"description": "🙂" * 300 + "\u202e\u200b", "reporter_name": "𝕋𝕒𝕞"},
        {"category": ["chieu-sang", "moi-truong"]},
        {"latitude": "1e999", "longitude": "-1e999"},
        {"latitude": "NaN", "longitude": "Infinity"},
        {"reporter_phone": "０９１２３４５６７８"},
        {"reporter_phone": "9" * 5000},
        {"reporter_email": "a@" + "b" * 3000 + ".vn"},
        {"xa": "\x00"},
        {"luot": "x" * 10_000},
        {"ho-so": "\x00" * 50},
        {"submission_key": "'; DROP TABLE x; --"},
        {"photos": "not a file"},
    ],
)
def test_odd_input_never_gives_a_server_error(client, world, extra):
    response = client.post(URL, good(world.a, **extra))
    assert response.status_code < 500


FIELDS = (
    "category",
    "title",
    "description",
    "address",
    "latitude",
    "longitude",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "dossier",
    "luot",
    "submission_key",
    "trang_web",
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=400), max_size=6))
def test_any_unicode_in_any_field_never_gives_a_server_error(client, world, values):
    before = Petition.objects.count()
    response = client.post(URL, good(world.a, **values))
    assert response.status_code < 500
    if response.status_code in (400, 429):  # refused: nothing stored
        assert Petition.objects.count() == before


def test_odd_query_strings_never_give_a_server_error(client, world):
    for query in ({"xa": "x" * 5000}, {"ho-so": "💥"}, {"luot": "%00"}, {"xa": ["1", "2"]}):
        assert client.get(URL, query).status_code < 500


# --------------------------------------------------------------------------- ways in


def test_resident_pages_lead_to_the_form(client, q):  # noqa: F811
    open_all_day(q.center)
    ticket = queue_services.issue_ticket(q.center, q.civil)
    token = links.ticket_token(ticket)
    page = client.get(reverse("queueing:ticket", args=[token])).content.decode()
    link = page.split('data-testid="ticket-petition"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith(f"{URL}?luot=")
    assert ticket.display_number in client.get(link).content.decode()
    kiosk = links.kiosk_token(queue_services.settings_for(q.center))
    page = client.get(reverse("queueing:kiosk", args=[kiosk])).content.decode()
    assert reverse("petitions:kiosk", args=[kiosk]) in page
    assert URL in client.get(reverse("home")).content.decode()
    dossier = q.receive()
    resident = Resident.objects.create(phone="0987654321", verified_id_number=GOOD_ID)
    page = signed_in(client, resident).get(reverse("residents:my_dossier", args=[dossier.code]))
    assert f"{URL}?ho-so={dossier.code}" in page.content.decode()
