import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.units.models import Commune, Province


@pytest.fixture
def hanoi(db):
    return Province.objects.create(code="01", name="Hà Nội", kind="thanh_pho")


def test_effective_agency_id_falls_back_to_province_and_commune_code(hanoi):
    commune = Commune.objects.create(
        code="00070", name="Phường Hoàn Kiếm", kind="phuong", province=hanoi
    )
    assert commune.effective_agency_id == "01.00070"
    commune.agency_id = "000.00.04.G18"
    assert commune.effective_agency_id == "000.00.04.G18"


def test_agency_id_format_is_validated(hanoi):
    commune = Commune(code="00070", name="Phường Hoàn Kiếm", kind="phuong", province=hanoi)
    commune.agency_id = "01 00070"
    with pytest.raises(ValidationError) as caught:
        commune.full_clean()
    assert "agency_id" in caught.value.message_dict


def test_a_reorganisation_closes_a_row_and_opens_a_successor_with_the_same_code(hanoi):
    # Đồng Nai, 30 April 2026: a xã becomes a phường and keeps its code.
    old = Commune.objects.create(code="26000", name="Xã Trảng Dài", kind="xa", province=hanoi)
    old.valid_to = datetime.date(2026, 4, 30)
    old.save()
    new = Commune.objects.create(
        code="26000",
        name="Phường Trảng Dài",
        kind="phuong",
        province=hanoi,
        valid_from=datetime.date(2026, 4, 30),
    )
    assert list(Commune.objects.current(on=datetime.date(2026, 4, 29))) == [old]
    assert list(Commune.objects.current(on=datetime.date(2026, 4, 30))) == [new]


def test_two_open_rows_with_one_code_are_refused_by_the_database(hanoi):
    Commune.objects.create(code="00070", name="Phường Hoàn Kiếm", kind="phuong", province=hanoi)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(code="00070", name="Phường Khác", kind="phuong", province=hanoi)


def test_valid_to_must_follow_valid_from(hanoi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(
            code="00070",
            name="Phường Hoàn Kiếm",
            kind="phuong",
            province=hanoi,
            valid_to=datetime.date(2025, 7, 1),
        )


def test_codes_must_have_their_full_length_in_the_database(hanoi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(code="70", name="Phường Hoàn Kiếm", kind="phuong", province=hanoi)


def test_province_full_name():
    assert Province(code="46", name="Huế", kind="thanh_pho").full_name == "Thành phố Huế"
    assert Province(code="20", name="Lạng Sơn", kind="tinh").full_name == "Tỉnh Lạng Sơn"


def test_a_province_dossier_code_pattern_must_be_usable():
    province = Province(code="01", name="Hà Nội", kind="thanh_pho")
    for pattern in ("{agency_id}-{yymmdd}-{seq:04d}", "{agency_id}-{yymmdd}-{seq:07d}", ""):
        province.dossier_code_pattern = pattern
        province.full_clean(validate_constraints=False)
    for pattern in ("{agency_id}-{seq:04d}", "{agency_id}-{yymmdd}-{seq:04d}-{unknown}"):
        province.dossier_code_pattern = pattern
        with pytest.raises(ValidationError) as caught:
            province.full_clean(validate_constraints=False)
        assert "dossier_code_pattern" in caught.value.message_dict
