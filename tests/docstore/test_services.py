"""Writing to the store: uploads under random paths, e-results of approved dossiers, revocation."""

import logging

import pytest
from django.core.exceptions import ValidationError

from motcua.docstore import queries, services
from motcua.docstore.models import Source, StoredDocument
from motcua.docstore.uploads import check_upload
from motcua.dossiers.models import ApplicantKind
from motcua.dossiers.services import Applicant, perform
from tests.docstore.conftest import JPEG, pdf_bytes, store, upload
from tests.world import GOOD_ID, vn

pytestmark = pytest.mark.django_db


def approved(world, *, id_card_checked=True, **receive_kwargs):
    """A dossier received, its applicant's ID card checked by the officer (unless told not),
    and approved."""
    d = world.receive(at=vn(2025, 7, 7, 9), **receive_kwargs)
    if id_card_checked:
        services.record_identity_check(
            d, services.OwnerProof.by_id_card(world.reception, at=vn(2025, 7, 7, 9))
        )
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 11))
    return perform(
        d,
        "approve",
        actor=world.leader,
        at=vn(2025, 7, 8, 15),
        result_summary="Giấy xác nhận tình trạng hôn nhân số 12/2025",
    )


def test_an_upload_is_kept_under_a_path_without_personal_data(settings, caplog):
    caplog.set_level(logging.INFO, logger="motcua.docstore")
    document = services.store_upload(
        owner_id_number="001 085 012 345",
        checked=check_upload(upload("Nguyen Van A 001085012345.jpg", JPEG, "image/jpeg")),
        type_code="GT.CN",
        name="Giấy tờ chứng minh nhân thân",
        at=vn(2025, 7, 7, 9),
    )
    assert document.owner_id_number == GOOD_ID  # cleaned
    assert document.file.name == f"docstore/2025/07/{document.uuid}.jpg"
    assert GOOD_ID not in document.file.name and "Nguyen" not in document.file.name
    assert (settings.MEDIA_ROOT / document.file.name).read_bytes() == JPEG
    assert (document.content_type, document.size_bytes) == ("image/jpeg", len(JPEG))
    assert document.source == Source.UPLOADED and document.revoked_at is None
    assert GOOD_ID not in caplog.text and "*********345" in caplog.text


def test_an_organisation_has_a_store_too():
    document = store("0101234567-001", name="Giấy chứng nhận đăng ký doanh nghiệp")
    assert document.owner_id_number == "0101234567-001"


@pytest.mark.parametrize("owner", ["12345", "001085012345678", "", "999085012345"])
def test_a_bad_owner_number_stores_nothing(settings, owner):
    with pytest.raises(ValidationError):
        store(owner)
    assert not StoredDocument.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_metadata_is_required_and_validity_ordered():
    checked = check_upload(upload("a.pdf", pdf_bytes()))
    with pytest.raises(ValidationError):
        services.store_upload(owner_id_number=GOOD_ID, checked=checked, type_code="", name="X")
    with pytest.raises(ValidationError):
        services.store_upload(
            owner_id_number=GOOD_ID,
            checked=checked,
            type_code="GT",
            name="X",
            valid_from=vn(2025, 7, 7).date(),
            valid_until=vn(2025, 7, 1).date(),
        )
    assert not StoredDocument.objects.exists()


def test_an_approved_dossier_leaves_its_e_result_in_the_owners_store(world):
    dossier = approved(world)
    result = StoredDocument.objects.get(source=Source.ISSUED)
    assert result.type_code == "KQ.1.004873" == services.result_type_code(world.procedure)
    assert result.code == f"{GOOD_ID}.KQ.1.004873"
    assert result.owner_id_number == GOOD_ID
    assert result.name == "Giấy xác nhận tình trạng hôn nhân số 12/2025"
    assert result.origin_dossier_code == dossier.code
    assert result.valid_from == vn(2025, 7, 8).date() and result.valid_until is None
    assert result.created_at == vn(2025, 7, 8, 15)
    assert (result.verified_via, result.verified_by) == ("id_card", world.reception)
    assert result.verified_at == vn(2025, 7, 7, 9)
    assert queries.valid_documents(GOOD_ID, on=vn(2025, 7, 9).date()) == [result]
    # Recording again returns the same row: one result per dossier.
    assert services.record_issued_result(dossier) == result
    assert StoredDocument.objects.count() == 1


def test_an_organisations_result_is_stored_under_its_code(world):
    organisation = Applicant(
        name="Công ty TNHH Hoa Sen", id_number="0101234567", kind=ApplicantKind.ORGANISATION
    )
    approved(world, applicant=organisation)
    assert StoredDocument.objects.get().code == "0101234567.KQ.1.004873"


def test_a_refused_dossier_leaves_no_result(world):
    d = world.receive(at=vn(2025, 7, 7, 9))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(d, "refuse", actor=world.specialist, at=vn(2025, 7, 7, 11), reason="Không đủ điều kiện")
    assert not StoredDocument.objects.exists()
    with pytest.raises(ValueError):
        services.record_issued_result(d)


def test_revoked_documents_are_no_longer_offered():
    document = store()
    services.revoke(document, at=vn(2025, 7, 2, 9))
    services.revoke(document, at=vn(2025, 7, 3, 9))  # the first time stays
    document.refresh_from_db()
    assert document.revoked_at == vn(2025, 7, 2, 9)
    assert queries.valid_documents(GOOD_ID) == []
    assert list(queries.documents_of(GOOD_ID)) == [document]
