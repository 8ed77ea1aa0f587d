"""The residents' search page: a page of 20 at a time, odd page numbers tolerated, and a chosen
commune's own procedures first."""

from django.urls import reverse

from motcua.catalog.models import CommuneProcedure, Field, Procedure
from motcua.units.models import Commune, Province


def test_pages_of_twenty_with_links(client, db):
    field = Field.objects.create(code="ho-tich", name_vi="Hộ tịch")
    for n in range(45):
        Procedure.objects.create(code=f"1.{n:06d}", name_vi=f"Đăng ký khai sinh {n}", field=field)
    url = reverse("catalog:search")
    first = client.get(url, {"q": "khai sinh"}).content.decode()
    assert first.count('class="mc-link-strong"') == 20
    assert "Kết quả 1–20" in first and "page=2" in first and 'rel="prev"' not in first
    last = client.get(url, {"q": "khai sinh", "page": 3}).content.decode()
    assert last.count('class="mc-link-strong"') == 5 and "Kết quả 41–45" in last
    assert 'rel="next"' not in last and "page=2" in last
    # The live count tells a screen reader that more pages follow, not a total it does not know.
    assert 'result-list" data-more' in first and 'result-list" data-more' not in last
    beyond = client.get(url, {"q": "khai sinh", "page": 99})
    assert beyond.status_code == 200 and "Không còn kết quả" in beyond.content.decode()
    for odd in ("abc", "-1", "0", "9" * 30):
        assert client.get(url, {"q": "khai sinh", "page": odd}).status_code == 200


def test_a_chosen_commune_sees_its_own_first(client, db):
    field = Field.objects.create(code="dat-dai", name_vi="Đất đai")
    province = Province.objects.create(code="27", name="Bắc Ninh", kind="tinh")
    commune = Commune.objects.create(code="07210", name="Phường Bắc Giang", kind="phuong",
                                     province=province)  # fmt: skip
    Procedure.objects.create(code="1.012812", name_vi="Hòa giải tranh chấp đất đai", field=field)
    own = Procedure.objects.create(
        code="1.115453",
        name_vi="Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã",
        field=field,
        portal_type="specific",
        province=province,
    )
    url = reverse("catalog:search")
    page = client.get(url, {"q": "hoa giai", "xa": "07210"}).content.decode()
    assert page.index("1.012812") < page.index("1.115453")
    CommuneProcedure.objects.create(commune=commune, procedure=own)
    page = client.get(url, {"q": "hoa giai", "xa": "07210"}).content.decode()
    assert page.index("1.115453") < page.index("1.012812")
    assert 'name="xa" value="07210"' in page and "Phường Bắc Giang" in page
    assert client.get(url, {"q": "hoa giai", "xa": "nope"}).status_code == 200
