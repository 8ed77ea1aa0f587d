"""Reading the store: what is valid today, and which stored document may replace which paper."""

from datetime import date

import pytest

from motcua.docstore import queries, services
from tests.docstore.conftest import OTHER_ID, store
from tests.world import GOOD_ID, vn

pytestmark = pytest.mark.django_db

TODAY = date(2025, 7, 7)


def test_valid_documents_are_the_owners_unexpired_unrevoked_newest_per_type():
    old_card = store(type_code="GT.CN", at=vn(2025, 1, 1, 9))
    new_card = store(type_code="GT.CN", at=vn(2025, 6, 1, 9))
    ends_today = store(type_code="XN.HN", name="Giấy xác nhận", valid_until=TODAY)
    store(type_code="XN.CT", name="Giấy xác nhận cư trú", valid_until=date(2025, 7, 6))
    store(type_code="XN.KH", name="Chưa có hiệu lực", valid_from=date(2025, 8, 1))
    services.revoke(store(type_code="XN.RV", name="Đã thu hồi"))
    store(OTHER_ID, type_code="GT.OT", name="Giấy tờ của người khác")

    valid = queries.valid_documents(GOOD_ID, on=TODAY)
    assert {d.type_code for d in valid} == {"GT.CN", "XN.HN"}
    assert new_card in valid and old_card not in valid and ends_today in valid
    assert [d.created_at for d in valid] == sorted((d.created_at for d in valid), reverse=True)
    assert queries.valid_documents(GOOD_ID, on=date(2025, 7, 8)) == [new_card]
    assert len(queries.documents_of(GOOD_ID)) == 6


@pytest.mark.parametrize("number", ["", "00108501234", "001085012346789", "abc"])
def test_a_half_typed_number_opens_no_store(number):
    store()
    assert queries.valid_documents(number) == []
    assert not queries.documents_of(number).exists()


def test_the_number_is_matched_however_it_was_typed():
    document = store()
    assert queries.valid_documents("001 085 012345") == [document]


@pytest.mark.parametrize(
    "required, stored, expected",
    [
        ("Giấy xác nhận tình trạng hôn nhân", "Giấy xác nhận tình trạng hôn nhân số 12/2025", True),
        ("Bản sao Giấy khai sinh của con", "GIAY KHAI SINH", True),
        ("Giấy xác nhận về tình trạng hôn nhân", "Giấy xác nhận tình trạng hôn nhân", True),
        ("Birth certificate (giấy chứng sinh); if none, a witness", "Giấy chứng sinh", True),
        ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "Giấy xác nhận tình trạng", False),
        ("Giấy tờ chứng minh nhân thân", "Giấy xác nhận tình trạng hôn nhân", False),
        ("Giấy khai sinh", "Giấy", False),
    ],
)
def test_names_match_accent_insensitively_but_not_loosely(required, stored, expected):
    assert queries.names_match(required, stored) is expected


def test_match_required_by_name_and_by_type_code(world):
    tokhai = store(type_code="TK", name="to khai cap giay xac nhan tinh trang hon nhan")
    result = store(type_code="KQ.1.004873", name="Giấy xác nhận tình trạng hôn nhân số 1/2025")
    documents = queries.valid_documents(GOOD_ID)

    matches = queries.match_required(world.procedure, documents)
    assert [m.name for m in matches] == list(world.procedure.documents)
    assert matches[0].candidates == [tokhai]
    assert matches[1].candidates == []

    world.procedure.documents = [
        {"name": "Giấy xác nhận tình trạng hôn nhân đã cấp", "type_code": "KQ.1.004873"}
    ]
    (match,) = queries.match_required(world.procedure, documents)
    assert match.type_code == "KQ.1.004873" and match.candidates == [result]
