"""POST requests: a form-encoded report from an app, authenticated by its key, checked like any
other, becomes the same report as the portal's. A refusal stores nothing."""

import pytest
from django.test import Client

from motcua import ratelimit
from motcua.petitions import keys
from motcua.petitions.models import Category, Channel, Petition, Place, Status
from tests.open311.support import BASE, body, get, post

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


def form(world, api_key, **fields):
    base = {
        "api_key": api_key,
        "jurisdiction_id": world.a.code,
        "service_code": "chieu-sang",
        "lat": "21.028511",
        "long": "105.852020",
        "description": "Đèn đường trước số 12 Hàng Bạc không sáng ba tối nay.",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def refused(response, status: int, *words: str):
    assert response.status_code == status, response.content
    (error,) = body(response)
    assert set(error) == {"code", "description"}
    assert str(error["code"]) == str(status)
    for word in words:
        assert word in error["description"], (word, error)
    return error


@pytest.fixture
def trees(world):
    """A Hà Nội category whose definition has every kind of attribute."""
    return Category.objects.create(
        province=world.hanoi,
        code="cay-xanh",
        name="Cây xanh",
        subject="place",
        department_kind="economy_infra",
        attributes=[
            {
                "code": "muc-do",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "Mức độ nguy hiểm",
                "order": 1,
                "values": [{"key": "thap", "name": "Thấp"}, {"key": "cao", "name": "Cao"}],
            },
            {
                "code": "loai",
                "datatype": "multivaluelist",
                "required": False,
                "description": "Sự việc",
                "order": 2,
                "values": [
                    {"key": "gay-canh", "name": "Gãy cành"},
                    {"key": "nghieng", "name": "Cây nghiêng"},
                ],
            },
            {"code": "so-cay", "datatype": "number", "required": False, "description": "Số cây"},
            {"code": "tu-khi", "datatype": "datetime", "required": False, "description": "Từ khi"},
            {"code": "ghi-chu", "datatype": "text", "required": False, "description": "Ghi chú"},
        ],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_files_the_same_report_as_the_portal(client, world, api_key, fmt):
    response = post(
        client,
        fmt,
        **form(
            world,
            api_key,
            first_name="Tám",
            last_name="Lê Văn",
            phone="0912 345 678",
            email="tam@example.com",
            device_id="abc",
            account_id="42",
            address_string="Trước số 12 Hàng Bạc",
            media_url="https://example.com/anh/den.jpg",
            **{"attribute[so-cot-den]": "HB-12"},
        ),
    )
    assert response.status_code == 200, response.content
    (receipt,) = body(response)
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    assert receipt["account_id"] in (None, "")
    petition = Petition.objects.get(pk=receipt["service_request_id"])
    assert f"PA-{petition.pk}" in receipt["service_notice"]
    assert petition.channel == Channel.OPEN311
    assert petition.api_key.name == "Ứng dụng thử"
    assert petition.commune == world.a and petition.category.code == "chieu-sang"
    assert petition.status == Status.RECEIVED
    assert petition.department.name == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert petition.reporter_name == "Lê Văn Tám"
    assert petition.reporter_phone == "0912345678"
    assert petition.reporter_email == "tam@example.com"
    assert str(petition.latitude) == "21.028511" and str(petition.longitude) == "105.852020"
    assert petition.address == "Trước số 12 Hàng Bạc"
    assert petition.media_url == "https://example.com/anh/den.jpg"
    assert petition.attributes == {"so-cot-den": "HB-12"}
    assert petition.events.filter(kind="received").exists()
    # The new report is there to read at once.
    (found,) = body(get(client, f"requests/{petition.pk}"))
    assert found["status"] == "open"
    assert found["media_url"] == "https://example.com/anh/den.jpg"


def test_a_post_needs_no_csrf_token(world, api_key):
    browserless = Client(enforce_csrf_checks=True)
    response = browserless.post(f"{BASE}requests.json", form(world, api_key))
    assert response.status_code == 200


def test_an_address_alone_or_a_placard_place_is_a_location(client, world, api_key):
    response = post(client, **form(world, api_key, lat=None, long=None, address_string="Chợ Hôm"))
    assert response.status_code == 200
    place = Place.objects.create(
        commune=world.a, name="Chợ Hàng Da", address="Chợ Hàng Da", latitude=21.03, longitude=105.84
    )
    response = post(client, **form(world, api_key, lat=None, long=None, address_id=place.key))
    assert response.status_code == 200
    petition = Petition.objects.get(pk=body(response)[0]["service_request_id"])
    assert petition.place == place and petition.address == "Chợ Hàng Da"
    (found,) = body(get(client, f"requests/{petition.pk}"))
    assert found["address_id"] == place.key


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_forged_or_revoked_key_stores_nothing(client, world, api_key, fmt):
    before = Petition.objects.count()
    refused(post(client, fmt, **form(world, None)), 400, "api_key")
    refused(post(client, fmt, **form(world, "")), 400, "api_key")
    refused(post(client, fmt, **form(world, "o311_" + "x" * 32)), 403, "api_key")
    refused(post(client, fmt, **form(world, api_key + "x")), 403, "api_key")
    refused(post(client, fmt, **form(world, "<script>" * 50)), 403, "api_key")
    key, raw = keys.create_key("Ứng dụng cũ")
    keys.revoke(key)
    refused(post(client, fmt, **form(world, raw)), 403, "api_key")
    assert Petition.objects.count() == before


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"jurisdiction_id": None}, 400, ["jurisdiction_id"]),
        ({"jurisdiction_id": ""}, 400, ["jurisdiction_id"]),
        ({"jurisdiction_id": "99999"}, 404, ["jurisdiction_id", "99999"]),
        ({"service_code": None}, 400, ["service_code"]),
        ({"service_code": "khong-co"}, 400, ["service_code", "khong-co"]),
        ({"lat": None, "long": None}, 400, ["lat", "address_string"]),
        ({"lat": "91", "long": "105"}, 400, ["lat", "91"]),
        ({"long": "abc"}, 400, ["long"]),
        ({"long": ""}, 400, ["lat"]),
        ({"description": ""}, 400, ["description"]),
        ({"description": "x" * 5001}, 400, ["description", "5000"]),
        ({"phone": "123"}, 400, ["phone"]),
        ({"email": "không-phải-thư"}, 400, ["email"]),
        ({"media_url": "javascript:alert(1)"}, 400, ["media_url"]),
        ({"media_url": "https://example.com/" + "a" * 600}, 400, ["media_url"]),
        ({"address_id": "khong-co"}, 400, ["address_id"]),
        ({"attribute[khong-co]": "1"}, 400, ["attribute[khong-co]"]),
        ({"attribute": "1"}, 400, ["attribute"]),
        ({"attribute[so-cot-den]": "x" * 501}, 400, ["attribute[so-cot-den]", "500"]),
        ({"last_name": "L" * 300}, 400, ["first_name"]),
    ],
)
def test_bad_input_is_refused_naming_the_parameter_and_stores_nothing(
    client, world, api_key, fields, status, words
):
    before = Petition.objects.count()
    refused(post(client, **form(world, api_key, **fields)), status, *words)
    assert Petition.objects.count() == before


def test_the_messages_are_vietnamese(client, world, api_key):
    error = refused(post(client, **form(world, api_key, jurisdiction_id=None)), 400)
    assert "thiếu tham số bắt buộc" in error["description"]


def test_attributes_are_checked_against_the_service_definition(client, world, api_key, trees):
    before = Petition.objects.count()
    cases = [
        ({}, ["attribute[muc-do]", "bắt buộc"]),
        ({"attribute[muc-do]": "rat-cao"}, ["attribute[muc-do]", "thap, cao"]),
        ({"attribute[muc-do]": ["thap", "cao"]}, ["attribute[muc-do]"]),
        (
            {"attribute[muc-do]": "thap", "attribute[loai][]": ["gay-canh", "x"]},
            ["attribute[loai]"],
        ),
        ({"attribute[muc-do]": "thap", "attribute[so-cay]": "ba"}, ["attribute[so-cay]"]),
        ({"attribute[muc-do]": "thap", "attribute[so-cay]": "NaN"}, ["attribute[so-cay]"]),
        ({"attribute[muc-do]": "thap", "attribute[tu-khi]": "hôm qua"}, ["attribute[tu-khi]"]),
        ({"attribute[muc-do]": "thap", "attribute[ghi-chu]": "x" * 5001}, ["attribute[ghi-chu]"]),
    ]
    for fields, words in cases:
        response = post(client, **form(world, api_key, service_code="cay-xanh", **fields))
        refused(response, 400, *words)
    assert Petition.objects.count() == before
    response = post(
        client,
        **form(
            world,
            api_key,
            service_code="cay-xanh",
            **{
                "attribute[muc-do]": "cao",
                "attribute[loai][]": ["gay-canh", "nghieng", "gay-canh"],
                "attribute[so-cay]": "2",
                "attribute[tu-khi]": "2025-07-06T20:00:00+07:00",
                "attribute[ghi-chu]": "Cành sắp rơi xuống vỉa hè.",
            },
        ),
    )
    assert response.status_code == 200, response.content
    petition = Petition.objects.get(pk=body(response)[0]["service_request_id"])
    assert petition.attributes == {
        "muc-do": "cao",
        "loai": ["gay-canh", "nghieng"],
        "so-cay": "2",
        "tu-khi": "2025-07-06T20:00:00+07:00",
        "ghi-chu": "Cành sắp rơi xuống vỉa hè.",
    }
    # Huế has no such category: the definition is the jurisdiction's.
    response = post(
        client,
        **form(world, api_key, jurisdiction_id=world.h.code, service_code="cay-xanh"),
    )
    refused(response, 400, "service_code")


def test_odd_bodies_get_a_4xx_never_a_5xx(client, world, api_key):
    before = Petition.objects.count()
    url = f"{BASE}requests.json"
    odd = [
        client.post(url, data=b'{"api_key": "x"}', content_type="application/json"),
        client.post(
            url, data=b"\xff\xfe\xfa=\xc3\x28", content_type="application/x-www-form-urlencoded"
        ),
        client.post(
            url,
            data=f"api_key={api_key}&description=a%00b",
            content_type="application/x-www-form-urlencoded",
        ),
        client.post(
            url, data=b"x" * (6 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
        ),
        client.post(
            url,
            data="description=" + "ư" * 200_000,
            content_type="application/x-www-form-urlencoded",
        ),
        client.post(url, data=b"--zz\r\nbroken", content_type="multipart/form-data; boundary=zz"),
        client.post(url, data="", content_type="text/csv"),
    ]
    for response in odd:
        assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert Petition.objects.count() == before


def test_script_in_a_post_is_stored_as_written_and_shown_as_text(client, world, api_key):
    payload = '<script>alert("x")</script> & <b>đèn</b>'
    response = post(client, "xml", **form(world, api_key, description=payload))
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.description == payload


def test_posts_are_limited_per_key(client, world, api_key, settings):
    settings.MOTCUA_OPEN311_POSTS_PER_KEY_PER_HOUR = 2
    for _ in range(2):
        assert post(client, **form(world, api_key)).status_code == 200
    before = Petition.objects.count()
    response = post(client, **form(world, api_key))
    refused(response, 429)
    assert int(response["Retry-After"]) >= 1
    response = post(client, "xml", **form(world, api_key))
    refused(response, 429)
    assert Petition.objects.count() == before
    # Another key is counted on its own.
    _key, other = keys.create_key("Ứng dụng khác")
    assert post(client, **form(world, other)).status_code == 200


def test_posts_are_limited_per_address_even_with_bad_keys(client, world, api_key, settings):
    settings.MOTCUA_OPEN311_POSTS_PER_ADDRESS_PER_HOUR = 3
    for _ in range(3):
        refused(post(client, **form(world, "o311_forged")), 403)
    response = post(client, **form(world, api_key))
    refused(response, 429)
    assert Petition.objects.count() == 0
    ratelimit.reset("open311-address")
    assert post(client, **form(world, api_key)).status_code == 200


def test_a_nul_character_or_an_oversized_body_is_refused_in_the_specs_error_list(client, world):
    """The door that refuses NUL characters and unreadable bodies (ADR 0016) answers Open311
    clients as the spec does: a list of {code, description}, in the format of the path."""
    nul = client.post(
        f"{BASE}requests.json",
        data="api_key=x&description=a%00b",
        content_type="application/x-www-form-urlencoded",
    )
    assert nul.status_code == 400
    assert nul.json()[0]["code"] == 400 and "description" in nul.json()[0]["description"]
    huge = client.post(
        f"{BASE}requests.xml",
        data=b"x" * (6 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert huge.status_code == 400 and huge["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>400</code>" in huge.content
