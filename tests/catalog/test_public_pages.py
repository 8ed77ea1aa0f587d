"""Residents find a procedure and learn what to bring, the fee, the time and where to go."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from motcua.catalog.services import standardize_procedures
from motcua.units.models import Commune


@pytest.fixture
def places(real_units, real_procedures):
    call_command("create_service_centers", "--province", "01", verbosity=0)


def test_search_page_finds_what_people_type(client, places):
    page = client.get(reverse("catalog:search"), {"q": "lam giay khai sinh"}).content.decode()
    assert reverse("catalog:procedure", args=["1.001193"]) in page
    empty = client.get(reverse("catalog:search"), {"q": "qwerty zzz"}).content.decode()
    assert "Không tìm thấy thủ tục" in empty
    partial = client.get(reverse("catalog:search"), {"q": "ket hon"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "1.000894" in partial.content.decode()


def test_procedure_page_tells_what_to_bring_and_where(client, places):
    url = reverse("catalog:procedure", args=["2.000815"])
    page = client.get(url).content.decode()
    assert "Cần mang theo" in page and "Nộp ở đâu" in page
    assert "2.000 ₫" in page or "Theo mức" in page or "Miễn phí" in page
    assert "Phường Hoàn Kiếm" in page  # in the commune picker
    assert "source annotations" not in page  # template comments stay out of the page
    page = client.get(url, {"xa": "00070"}).content.decode()
    assert "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm" in page
    assert "08:00–12:00, 13:00–17:00" in page
    assert "Quầy" in page


def test_procedure_page_says_when_the_commune_does_not_handle_it(client, places, editor):
    commune = Commune.objects.get(code="00070")
    from motcua.catalog.models import Procedure

    standardize_procedures(commune, Procedure.objects.filter(code="1.001193"), actor=editor)
    page = client.get(reverse("catalog:procedure", args=["2.000815"]), {"xa": "00070"})
    assert "không giải quyết thủ tục này" in page.content.decode()
    assert client.get(reverse("catalog:procedure", args=["9.999999"])).status_code == 404
