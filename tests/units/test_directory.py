"""The public directory of service centres: pages and API, and the home page's chosen commune."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from motcua.units import queries, services
from motcua.units.models import Counter, ServiceCenter


@pytest.fixture
def counters(world):
    from motcua.catalog.models import Field

    center = world.a.centers.get()
    field = Field.objects.get_or_create(code="ho-tich", defaults={"name_vi": "Hộ tịch"})[0]
    counter = Counter.objects.create(center=center, number=1, name="Hộ tịch, Chứng thực")
    counter.fields.add(field)
    Counter.objects.create(center=center, number=9, name="Đã đóng", is_active=False)
    center.hotline = "024 3939 1234"
    center.free_services = ["photocopy", "wifi"]
    center.save()
    return center


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["Hoàn Kiếm", "hoan kiem", "HOAN", "tràng tiền xuân"])
def test_search_finds_a_commune_with_or_without_diacritics(world, q):
    names = [c.commune.name for c in queries.centers_directory(q=q)]
    if q.startswith("tràng"):
        assert names == ["Phường Phú Xuân"]
    else:
        assert names == ["Phường Hoàn Kiếm"]


@pytest.mark.django_db
def test_filters_by_province_and_commune_in_alphabetical_order(world):
    hanoi = queries.centers_directory(province="01")
    assert [c.commune.name for c in hanoi] == ["Phường Cửa Nam", "Phường Hoàn Kiếm"]
    assert [c.commune.code for c in queries.centers_directory(commune="19753")] == ["19753"]
    ServiceCenter.objects.filter(commune=world.b).update(is_active=False)
    assert [c.commune.name for c in queries.centers_directory(province="01")] == [
        "Phường Hoàn Kiếm"
    ]


@pytest.mark.django_db
def test_directory_page_lists_filters_and_links_each_centre(client, world):
    page = client.get("/trung-tam/", {"q": "hoan kiem"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tìm thấy 1 trung tâm." in html
    assert f'href="/trung-tam/{world.a.centers.get().pk}/"' in html
    assert "Phường Cửa Nam" not in html.split("center-count")[1]
    assert client.get("/trung-tam/", {"tinh": "46"}).content.decode().count("center-item") == 1
    # The picker leads with the name people type.
    assert "Hoàn Kiếm (phường)</option>" in html


@pytest.mark.django_db
def test_centre_page_shows_contacts_counters_services_and_a_plain_map_link(client, counters):
    html = client.get(f"/trung-tam/{counters.pk}/").content.decode()
    assert "024 3939 1234" in html and 'href="tel:02439391234"' in html
    assert "Quầy 1 – Hộ tịch, Chứng thực" in html and "Hộ tịch" in html
    assert "Đã đóng" not in html
    assert "Photocopy miễn phí" in html and "Wi-Fi miễn phí" in html
    osm = "https://www.openstreetmap.org/search?query=1+ph%E1%BB%91+Tr%C3%A0ng+Ti%E1%BB%81n"
    assert osm in html
    assert "<iframe" not in html and '<script src="http' not in html


@pytest.mark.django_db
def test_a_closed_or_unknown_centre_is_not_found(client, world):
    center = world.a.centers.get()
    center.is_active = False
    center.save()
    assert client.get(f"/trung-tam/{center.pk}/").status_code == 404
    assert client.get("/trung-tam/999999/").status_code == 404


@pytest.mark.django_db
def test_coordinates_pin_the_map_link(world):
    center = world.a.centers.get()
    center.latitude, center.longitude = Decimal("21.028511"), Decimal("105.852020")
    assert center.map_url == (
        "https://www.openstreetmap.org/?mlat=21.028511&mlon=105.852020#map=17/21.028511/105.852020"
    )


@pytest.mark.django_db
def test_api_lists_and_shows_centres(client, counters, world):
    listed = client.get("/api/v1/centers", {"province": "01", "q": "hoan kiem"}).json()
    assert [c["commune_code"] for c in listed] == ["00070"]
    [center] = listed
    assert center["hotline"] == "024 3939 1234" and center["phone"] == "024 3825 0000"
    assert center["office_hours"] == "08:00-12:00,13:00-17:00"
    assert center["counters"] == [
        {
            "number": 1,
            "name": "Hộ tịch, Chứng thực",
            "reserved_for_priority": False,
            "fields": [{"code": "ho-tich", "name_vi": "Hộ tịch", "name_en": "Civil status"}],
        }
    ]
    assert center["free_services"] == ["photocopy", "wifi"]
    assert center["map_url"].startswith("https://www.openstreetmap.org/")
    one = client.get(f"/api/v1/centers/{counters.pk}").json()
    assert one == center
    assert len(client.get("/api/v1/centers", {"limit": 1, "offset": 1}).json()) == 1
    missing = client.get("/api/v1/centers/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get("/api/v1/centers/99999999999999999999").status_code in (404, 422)


@pytest.mark.django_db
def test_home_names_the_chosen_commune_its_hotline_and_address(client, counters, world):
    page = client.get("/", {"xa": "00070"}).content.decode()
    assert "Phường Hoàn Kiếm" in page
    assert "024 3939 1234" in page and "1 phố Tràng Tiền, Phường Hoàn Kiếm" in page
    # Remembered for the next visit, forgotten on request.
    assert "024 3939 1234" in client.get("/").content.decode()
    client.get("/", {"xa": ""})
    assert "024 3939 1234" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_support_and_accessibility_pages_are_linked_from_every_page(client, world):
    home = client.get("/").content.decode()
    assert 'href="/ho-tro/"' in home and 'href="/kha-nang-tiep-can/"' in home
    assert "tổ công nghệ số cộng đồng" in client.get("/ho-tro/").content.decode()
    statement = client.get("/kha-nang-tiep-can/").content.decode()
    assert "WCAG" in statement and "2.1" in statement


@pytest.mark.django_db
def test_only_the_demo_gives_centres_phone_numbers(world):
    from motcua.catalog.services import ensure_service_centers_serving_fields

    call_command("import_units", verbosity=0)
    ensure_service_centers_serving_fields(["46"])
    assert (
        not ServiceCenter.objects.filter(commune__province__code="46")
        .exclude(commune=world.h)
        .exclude(phone="")
        .exists()
    )
    ensure_service_centers_serving_fields(["46"], demo_contacts=True)
    centers = ServiceCenter.objects.filter(commune__province__code="46", hotline__gt="")
    assert centers.count() >= 30
    numbers = {c.phone for c in centers}
    assert len(numbers) == centers.count() and all(n.startswith("0234 ") for n in numbers)
    # The world's own centre had a phone: it is left alone.
    assert world.h.centers.get().phone == "024 3825 0000"


def test_demo_numbers_are_landlines_of_the_province():
    from types import SimpleNamespace

    commune = SimpleNamespace(code="00070", province=SimpleNamespace(code="01"))
    assert services.demo_contact_numbers(commune) == ("024 3800 0700", "024 3900 0709")
