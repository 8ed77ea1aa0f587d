"""The commune admin's departments and places with QR placards."""

import pytest
from django.test import Client
from django.urls import reverse

from motcua.petitions.models import Department, Place
from motcua.petitions.staff_views import placard_url
from tests.petitions.support import report

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_a(world):
    return world.officers_a["commune_admin"]


DEPARTMENTS = "/can-bo/phan-anh/phong-ban/"
PLACES = "/can-bo/phan-anh/dia-diem/"


def test_the_urls():
    assert reverse("petitions:departments") == DEPARTMENTS
    assert reverse("petitions:places") == PLACES


def test_a_commune_without_departments_gets_the_defaults_on_request(world, admin_a):
    client = client_of(admin_a)
    page = client.get(DEPARTMENTS)
    assert page.status_code == 200 and not page.context["departments"]
    assert not Department.objects.filter(commune=world.a).exists()  # a GET writes nothing
    response = client.post(DEPARTMENTS, {"defaults": "1"})
    assert response.status_code == 302
    names = set(Department.objects.filter(commune=world.a).values_list("name", flat=True))
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" in names  # a phường's economy office
    assert len(names) == 4


def test_add_rename_change_kind_and_close_a_department(world, admin_a):
    client = client_of(admin_a)
    client.post(DEPARTMENTS, {"name": "Tổ trật tự đô thị", "kind": "other", "is_active": "on"})
    added = Department.objects.get(commune=world.a, name="Tổ trật tự đô thị")
    assert added.is_active and added.kind == "other"
    url = reverse("petitions:department", args=[added.pk])
    response = client.post(url, {"name": "Đội trật tự đô thị", "kind": "economy_infra"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.kind, added.is_active) == (
        "Đội trật tự đô thị",
        "economy_infra",
        False,
    )


def test_a_department_name_taken_is_refused_and_nothing_changes(world, admin_a):
    report(world)  # routes, making the default departments
    client = client_of(admin_a)
    first, second = Department.objects.filter(commune=world.a)[:2]
    url = reverse("petitions:department", args=[second.pk])
    response = client.post(url, {"name": first.name, "kind": second.kind, "is_active": "on"})
    assert response.status_code == 400
    assert "đã có phòng, ban tên" in response.context["form"].errors["name"][0]
    assert Department.objects.get(pk=second.pk).name == second.name
    response = client.post(DEPARTMENTS, {"name": "  ", "kind": "other"})
    assert response.status_code == 400 and response.context["form"].errors["name"]


def test_other_communes_departments_are_not_found(world, admin_a):
    report(world, commune=world.b)
    theirs = Department.objects.filter(commune=world.b).first()
    url = reverse("petitions:department", args=[theirs.pk])
    assert client_of(admin_a).get(url).status_code == 404
    assert client_of(admin_a).post(url, {"name": "X", "kind": "other"}).status_code == 404
    assert Department.objects.get(pk=theirs.pk).name != "X"


def test_only_the_commune_admin_configures(world):
    for user in (world.specialist, world.leader, world.monitor):
        assert client_of(user).get(DEPARTMENTS).status_code == 403
        assert client_of(user).get(PLACES).status_code == 403


def test_add_and_edit_a_place(world, admin_a):
    client = client_of(admin_a)
    response = client.post(
        PLACES,
        {
            "name": "Chợ Hàng Bè",
            "address": "Số 1 Hàng Bè",
            "latitude": " 21.033781 ",
            "longitude": "105.852745",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    place = Place.objects.get(commune=world.a)
    assert str(place.latitude) == "21.033781" and len(place.key) >= 16
    key = place.key
    url = reverse("petitions:place_edit", args=[place.pk])
    response = client.post(url, {"name": "Chợ Hàng Bè (cổng chính)"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Chợ Hàng Bè (cổng chính)" and not place.is_active
    assert place.latitude is None and place.key == key  # the printed placard still works


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"name": "Chợ", "latitude": "91", "longitude": "105"}, "latitude"),
        ({"name": "Chợ", "latitude": "abc", "longitude": "105"}, "latitude"),
        ({"name": "Chợ", "latitude": "21", "longitude": "NaN"}, "longitude"),
        ({"name": "Chợ", "latitude": "21"}, "latitude"),
        ({"name": "x" * 300}, "name"),
    ],
)
def test_bad_places_are_refused_naming_the_field(world, admin_a, data, field):
    response = client_of(admin_a).post(PLACES, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Place.objects.exists()


def test_the_placard_shows_the_commune_and_a_qr_code_to_the_report_form(world, admin_a, settings):
    place = Place.objects.create(commune=world.a, name="Công viên <Lý Thái Tổ>")
    response = client_of(admin_a).get(reverse("petitions:placard", args=[place.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Phường Hoàn Kiếm" in body and "Quét mã để phản ánh, kiến nghị" in body
    assert "<svg" in body and "Công viên &lt;Lý Thái Tổ&gt;" in body
    url = placard_url(place)
    assert url.startswith(settings.PUBLIC_BASE_URL) and place.key in url
    assert url in body


def test_another_communes_place_is_not_found(world, admin_a):
    place = Place.objects.create(commune=world.b, name="Chợ Cửa Nam")
    for name in ("petitions:place_edit", "petitions:placard"):
        assert client_of(admin_a).get(reverse(name, args=[place.pk])).status_code == 404


def test_odd_input_never_breaks_the_pages(world, admin_a):
    client = client_of(admin_a)
    for value in ("<script>x</script>", "\x00", "😀" * 500, "1e999", "-0"):
        data = {"name": value, "address": value, "latitude": value, "longitude": value}
        assert client.post(PLACES, data).status_code < 500
        assert client.post(DEPARTMENTS, {"name": value, "kind": value}).status_code < 500
