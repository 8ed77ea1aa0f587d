"""Issue 14, finding 6, case by case and entry point by entry point: ``001.085.012.345`` was
stored with its dots, full-width digits were stored as typed, and a superscript digit
(``001²85012345``) gave a server error."""

import json

import pytest
from django.utils import timezone

from motcua.docstore.services import OwnerProof, store_upload
from motcua.docstore.uploads import check_upload
from motcua.dossiers.models import Dossier
from motcua.residents.models import OneTimeCode, Resident
from tests.identity.entry_points import ID_ENTRY_POINTS, PHONE_ENTRY_POINTS, pdf
from tests.world import GOOD_ID

pytestmark = pytest.mark.django_db

WRITTEN_ODDLY = {
    "dots": "001.085.012.345",
    "full-width digits": "００１０８５０１２３４５",
    "no-break spaces": "001\u00a0085\u00a0012\u00a0345",
}


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.mark.parametrize("entry", ID_ENTRY_POINTS)
@pytest.mark.parametrize("case", WRITTEN_ODDLY)
def test_a_number_written_oddly_is_stored_in_its_normal_form(entries, entry, case):
    sent = ID_ENTRY_POINTS[entry](entries)(WRITTEN_ODDLY[case])
    assert sent.status in (200, 201, 302), text_of(sent.response)
    assert sent.stored == GOOD_ID


@pytest.mark.parametrize("entry", ID_ENTRY_POINTS)
def test_a_superscript_digit_gets_a_clear_message_not_a_server_error(entries, entry):
    # NFKC reads ² as 2, so this is 001 2 85 …: born in 2085, which the message names.
    sent = ID_ENTRY_POINTS[entry](entries)("001²85012345")
    assert 400 <= sent.status < 500 or (entry == "stand-in sign-in" and sent.status == 200)
    assert "năm sinh" in text_of(sent.response)
    assert sent.stored == ""
    assert not Dossier.objects.exists()
    assert not Resident.objects.filter(verified_id_number__isnull=False).exists()


@pytest.mark.parametrize("entry", ID_ENTRY_POINTS)
def test_a_digit_of_another_script_is_named(entries, entry):
    # Arabic-Indic digits are digits to Python (isdigit, int) but not on a Vietnamese ID card.
    sent = ID_ENTRY_POINTS[entry](entries)("٠٠١٠٨٥٠١٢٣٤٥")
    assert sent.status < 500 and sent.stored == ""
    assert "U+0660" in text_of(sent.response)


def test_the_intake_look_up_finds_the_store_whatever_way_the_number_is_typed(entries):
    # The papers themselves show only with the citizen's consent (ADR 0024); without it the
    # officer learns that the store holds papers for this number, however it was typed.
    store_upload(
        owner_id_number=GOOD_ID,
        checked=check_upload(pdf()),
        type_code="giay-khai-sinh",
        name="Giấy khai sinh",
        proof=OwnerProof.by_identity_provider("vneid", at=timezone.now()),
    )
    for typed in WRITTEN_ODDLY.values():
        response = entries.intake_lookup(typed).response
        assert response.status_code == 200
        assert "Công dân có giấy tờ trong kho dữ liệu" in response.content.decode(), typed


@pytest.mark.parametrize("entry", PHONE_ENTRY_POINTS)
def test_a_phone_in_full_width_digits_is_stored_in_ascii(entries, entry):
    sent = PHONE_ENTRY_POINTS[entry](entries)("０９８７ ６５４ ３２１")
    assert sent.status in (202, 302), text_of(sent.response)
    assert sent.stored == "0987654321"


@pytest.mark.parametrize("entry", PHONE_ENTRY_POINTS)
def test_a_phone_in_another_script_is_refused_by_name(entries, entry):
    sent = PHONE_ENTRY_POINTS[entry](entries)("٠٩٨٧٦٥٤٣٢١")
    assert 400 <= sent.status < 500
    assert "U+0660" in text_of(sent.response)
    assert not OneTimeCode.objects.exists()
