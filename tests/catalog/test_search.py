import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.queries import search_procedures
from motcua.catalog.services import standardize_procedures
from motcua.units.models import Commune, Province


def codes(q, **kwargs):
    return [p.code for p in search_procedures(q, **kwargs)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khai sinh", "1.001193"),
        ("dang ky ket hon", "1.000894"),
        ("Đăng ký kết hôn", "1.000894"),
        ("chứng thực", "2.000815"),
        ("chung thuc ban sao", "2.000815"),
        ("CHUNG THUC chu ky", "2.000884"),
        ("tam tru", "1.004194"),
        ("giấy phép xây dựng", "1.013225"),
        ("birth registration", "1.001193"),
        ("1.001193", "1.001193"),
        ("ho tich", "1.004873"),  # by field name
        ("cha me con", "1.001022"),  # "nhận cha, mẹ, con": punctuation does not matter
        ("Hoà giải", "1.115453"),  # old-style tone mark placement
    ],
)
def test_accent_insensitive_search_finds_the_procedure(real_procedures, query, expected):
    assert expected in codes(query)


def test_the_plain_procedure_comes_first(real_procedures):
    assert codes("khai sinh")[0] == "1.001193"
    assert codes("dang ky ket hon")[0] == "1.000894"
    assert codes("chung thuc ban sao")[0] == "2.000815"


def test_accents_and_case_do_not_change_results(real_procedures):
    assert codes("DANG KY") == codes("đăng ký") == codes("  Đăng   Ký ")
    assert len(codes("đăng ký")) > 10


def test_every_word_must_match_when_some_procedure_has_them_all(real_procedures):
    # "đăng ký lại khai sinh" exists: only procedures with all four words are listed.
    assert codes("dang ky lai khai sinh") == ["1.004884"]
    assert codes("xyzzy") == []
    # No procedure is both a birth and a marriage: half the words are enough, best first.
    loose = codes("khai sinh ket hon")
    assert {"1.001193", "1.000894"} <= set(loose)


def test_empty_query_lists_everything_a_page_at_a_time(real_procedures):
    assert len(codes("")) == 20  # a page
    assert len(codes("", limit=100)) == 40
    assert len(codes("", limit=5)) == 5


def test_inactive_procedures_are_not_found(real_procedures):
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert "1.001193" not in codes("khai sinh")


def test_search_within_a_commune_sees_only_its_standardised_procedures(real_procedures, editor):
    # Before a commune standardises its list it handles every procedure (catalog.queries.
    # commune_handles); afterwards only the ones it chose.
    hanoi = Province.objects.create(code="01", name="Hà Nội", kind="thanh_pho")
    commune = Commune.objects.create(
        code="00070", name="Phường Hoàn Kiếm", kind="phuong", province=hanoi
    )
    assert "1.000689" in codes("khai sinh", commune=commune)
    chosen = Procedure.objects.filter(code__in=["1.001193", "1.000894"])
    standardize_procedures(commune, chosen, actor=editor)
    assert codes("khai sinh", commune=commune) == ["1.001193"]
    # Both names contain the phrase; the shorter one comes first.
    assert codes("dang ky", commune=commune) == ["1.000894", "1.001193"]


def test_legal_time_display(real_procedures):
    def shown(code):
        return Procedure.objects.get(code=code).legal_time_display

    assert shown("1.004884") == "5 ngày làm việc"
    assert shown("2.000815") == "Trong ngày (sau 15:00: ngày làm việc tiếp theo)"
    assert shown("1.115452") == "45 ngày"
    assert shown("2.001159") == "1 giờ"
    assert Procedure(processing_amount=None, processing_unit="working_day").legal_time_display == (
        "Chưa xác định"
    )


def test_search_the_way_people_type(real_procedures):
    # No procedure has "lam" or "giay" in its name: the words that do match decide.
    assert codes("lam giay khai sinh")[0] == "1.001193"
    assert codes("đăng ký kết hôn")[0] == "1.000894"
    assert codes("chung thuc ban sao")[0] == "2.000815"
    assert codes("xyz qwerty") == []
