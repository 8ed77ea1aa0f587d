"""Issue 14, finding 2: papers enter a person's store only when that person's identity is verified
for the filing (ADR 0024); anything else stays with its dossier alone.

Every way in is tried: the portal's web filing, the portal API, a supplement answer, assisted
filing by a volunteer and by an officer, the counter, the national portal, and the e-result."""

import pytest
from django.urls import reverse

from motcua.docstore import queries, services
from motcua.docstore.models import IdentityCheck, Source, StoredDocument, Verification
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform
from motcua.dossiers.workflow import Action
from motcua.dvcqg import services as dvcqg_services
from motcua.residents import services as resident_services
from motcua.residents.models import Resident
from tests.docstore.conftest import OTHER_ID, store
from tests.residents.conftest import pdf, signed_in
from tests.world import GOOD_ID, PASSWORD, vn

pytestmark = pytest.mark.django_db

# GOOD_ID is the victim: a citizen with a verified account. The attacker has a phone, nothing more.


@pytest.fixture
def victim(db):
    return Resident.objects.create(
        phone="0987654321", full_name="Lê Văn Hùng", verified_id_number=GOOD_ID, verified_by="vneid"
    )


@pytest.fixture
def stranger(db):
    """Signed in only by phone (a one-time SMS code): their ID number is whatever they type."""
    return Resident.objects.create(phone="0912345678", full_name="Người lạ")


def filing_data(world, **overrides):
    data = {
        "xa": world.a.code,
        "applicant_name": "Lê Văn Hùng",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
        "return_method": "online",
        "declaration": "on",
        "file_0": pdf("giay-to-gia.pdf"),
    }
    data.update(overrides)
    return data


def submit_url(world):
    return reverse("residents:submit", args=[world.procedure.code])


def approve(world, dossier):
    """Take an online dossier to approval, as the one-stop would."""
    at = vn(2025, 7, 7, 9)
    if dossier.state == "submitted_online":
        perform(dossier, Action.ACCEPT_ONLINE, actor=world.reception, at=at)
    perform(dossier, Action.FORWARD, actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(dossier, Action.PROPOSE, actor=world.specialist, at=vn(2025, 7, 8, 11))
    return perform(
        dossier, Action.APPROVE, actor=world.leader, at=vn(2025, 7, 8, 15), result_summary="KQ"
    )


# --------------------------------------------------------------------------- the finding


def test_a_phone_only_resident_cannot_plant_papers_in_a_strangers_store(
    client, world, victim, stranger
):
    """The reproduction: on the base commit the planted file was in the victim's store and was
    offered to them first for reuse."""
    signed_in(client, stranger)
    response = client.post(submit_url(world), filing_data(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    planted = dossier.documents.get().stored_document
    # Kept, for the dossier alone.
    assert planted.owner_id_number == GOOD_ID and planted.file
    assert planted.verified_via == "" and not planted.in_store
    assert not IdentityCheck.objects.filter(dossier=dossier).exists()
    # Never listed in anyone's store, never offered for reuse.
    assert list(queries.documents_of(GOOD_ID)) == []
    assert queries.valid_documents(GOOD_ID) == []
    signed_in(client, victim)
    store_page = client.get(reverse("residents:my_documents")).content.decode()
    assert "giay-to-gia" not in store_page and str(planted.uuid) not in store_page
    assert "Chưa có giấy tờ nào trong kho" in store_page
    filing_page = client.get(submit_url(world) + f"?xa={world.a.code}").content.decode()
    assert str(planted.uuid) not in filing_page


def test_the_planted_paper_is_still_downloadable_by_those_who_may_see_the_dossier(
    client, world, stranger
):
    signed_in(client, stranger)
    client.post(submit_url(world), filing_data(world))
    dossier = Dossier.objects.get()
    document = dossier.documents.get().stored_document
    url = reverse("residents:document_file", args=[dossier.code, document.uuid])
    assert client.get(url).status_code == 200  # the account that filed it
    client.logout()
    assert client.login(username=world.reception.username, password=PASSWORD)
    officer_url = reverse("dossiers:document_file", args=[dossier.code, document.uuid])
    response = client.get(officer_url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_the_service_refuses_to_reuse_a_paper_kept_for_a_dossier_alone(world, stranger):
    planted = store(proof=None, name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")
    with pytest.raises(Exception) as refused:
        world.receive(
            documents=[
                dossier_services.DocumentIn(planted.name, stored_document=planted, reused=True)
            ]
        )
    assert "không có trong kho dữ liệu" in str(refused.value)
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- identity provider


def test_a_verified_resident_filing_for_their_own_number_fills_their_store(client, world, victim):
    signed_in(client, victim)
    assert client.post(submit_url(world), filing_data(world)).status_code == 302
    dossier = Dossier.objects.get()
    document = dossier.documents.get().stored_document
    assert document.verified_via == Verification.IDENTITY_PROVIDER and document.verified_at
    assert list(queries.documents_of(GOOD_ID)) == [document]
    check = dossier.identity_check
    assert (check.method, check.provider, check.officer) == ("identity_provider", "vneid", None)
    # The e-result follows the dossier's check into the store.
    approve(world, dossier)
    result = StoredDocument.objects.get(source=Source.ISSUED)
    assert result.in_store and result.verified_via == Verification.IDENTITY_PROVIDER


def test_a_verified_resident_filing_for_someone_else_fills_nobodys_store(client, world, victim):
    """A parent filing for their child: verified, but not as the applicant."""
    signed_in(client, victim)
    data = filing_data(world, applicant_id_number=OTHER_ID, applicant_name="Con")
    assert client.post(submit_url(world), data).status_code == 302
    document = Dossier.objects.get().documents.get().stored_document
    assert document.owner_id_number == OTHER_ID and not document.in_store
    assert list(queries.documents_of(OTHER_ID)) == [] == list(queries.documents_of(GOOD_ID))


def test_the_portal_api_follows_the_same_rule(client, world, victim, stranger):
    def file_with_token(resident) -> StoredDocument:
        token = resident_services.issue_token(resident)
        data = {
            "procedure_code": world.procedure.code,
            "commune_code": world.a.code,
            "applicant_name": "Lê Văn Hùng",
            "applicant_id_number": GOOD_ID,
            "applicant_phone": "0987654321",
            "applicant_address": "Số 5 Hàng Bạc",
            "declaration": "true",
            "file_0": pdf(),
        }
        response = client.post(
            "/api/v1/portal/dossiers", data, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201, response.content
        return Dossier.objects.get(code=response.json()["code"]).documents.get().stored_document

    assert not file_with_token(stranger).in_store
    assert list(queries.documents_of(GOOD_ID)) == []
    mine = file_with_token(victim)
    assert mine.in_store and list(queries.documents_of(GOOD_ID)) == [mine]


@pytest.mark.parametrize("who", ["stranger", "victim"])
def test_a_supplement_answer_enters_the_store_only_from_the_verified_owner(
    client, world, victim, stranger, who
):
    resident = {"stranger": stranger, "victim": victim}[who]
    dossier = dossier_services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=dossier_services.Applicant(name="Lê Văn Hùng", id_number=GOOD_ID),
        resident=resident,
        at=vn(2025, 7, 7, 9),
    )
    perform(dossier, Action.ACCEPT_ONLINE, actor=world.reception, at=vn(2025, 7, 7, 10))
    perform(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=world.reception,
        at=vn(2025, 7, 7, 11),
        items=["Giấy chứng sinh"],
        reason="Ảnh mờ",
    )
    signed_in(client, resident)
    url = reverse("residents:answer_supplement", args=[dossier.code])
    assert client.post(url, {"note": "", "file_1": pdf("bo-sung.pdf")}).status_code == 302
    sent = dossier.documents.exclude(stored_document=None).get().stored_document
    assert sent.in_store is (who == "victim")
    assert list(queries.documents_of(GOOD_ID)) == ([sent] if who == "victim" else [])


# --------------------------------------------------------------------------- assisted filing


def assisted_data(world, **overrides):
    data = filing_data(world, consent_given_by="Lê Văn Hùng", consent="on")
    data.update(overrides)
    return data


def test_a_volunteers_filing_keeps_the_papers_with_the_dossier(client, world):
    from motcua.accounts.models import Role, User

    User.objects.create_user("tinh.nguyen", password=PASSWORD, role=Role.VOLUNTEER, commune=world.a)
    assert client.login(username="tinh.nguyen", password=PASSWORD)
    url = reverse("residents:assisted_submit", args=[world.procedure.code])
    page = client.get(url).content.decode()
    assert "id_card_checked" not in page  # a volunteer cannot vouch for an identity
    response = client.post(url, assisted_data(world, id_card_checked="on"))  # forged: ignored
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert not dossier.documents.get().stored_document.in_store
    assert not IdentityCheck.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("checked", [True, False])
def test_an_officers_assisted_filing_fills_the_store_only_with_the_id_card_checked(
    client, world, checked
):
    assert client.login(username=world.reception.username, password=PASSWORD)
    url = reverse("residents:assisted_submit", args=[world.procedure.code])
    assert 'name="id_card_checked"' in client.get(url).content.decode()
    data = assisted_data(world, **({"id_card_checked": "on"} if checked else {}))
    assert client.post(url, data).status_code == 302
    dossier = Dossier.objects.get()
    document = dossier.documents.get().stored_document
    assert document.in_store is checked
    if checked:
        assert (document.verified_via, document.verified_by) == ("id_card", world.reception)
        check = dossier.identity_check
        assert (check.method, check.officer) == ("id_card", world.reception)
        assert check.at is not None
    else:
        assert not IdentityCheck.objects.filter(dossier=dossier).exists()


# --------------------------------------------------------------------------- the counter


def counter_data(**overrides):
    data = {
        "procedure": "1.004873",
        "intake": "6f1c1f0e-4b7e-4c55-9d3e-0c5d2a7b9a10",
        "applicant_kind": "person",
        "applicant_name": "Lê Văn Hùng",
        "applicant_id_number": GOOD_ID,
        "channel": "1",
        "documents": ["0"],
        "sets_count": "1",
        "return_method": "counter",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("checked", [True, False])
def test_the_counter_records_the_officers_id_card_check_and_the_result_follows_it(
    client, world, checked
):
    assert client.login(username=world.reception.username, password=PASSWORD)
    page = client.get(reverse("dossiers:intake"), {"procedure": "1.004873"}).content.decode()
    assert "Tôi đã đối chiếu thẻ căn cước bản chính của chủ hồ sơ" in page
    data = counter_data(**({"id_card_checked": "on"} if checked else {}))
    response = client.post(reverse("dossiers:intake"), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    if checked:
        check = dossier.identity_check
        assert (check.method, check.officer) == ("id_card", world.reception)
        assert check.at == dossier.submitted_at  # recorded with the intake, in its transaction
    else:
        assert not IdentityCheck.objects.filter(dossier=dossier).exists()
    page = client.get(response["Location"]).content.decode()
    shown = "Cán bộ đối chiếu thẻ căn cước của chủ giấy tờ" if checked else "Chưa xác minh"
    assert shown in page
    approve(world, dossier)
    result = StoredDocument.objects.get(source=Source.ISSUED, origin_dossier_code=dossier.code)
    assert result.in_store is checked
    assert list(queries.documents_of(GOOD_ID)) == ([result] if checked else [])


def test_a_dossier_pulled_from_the_national_portal_fills_no_store(world, portal, adapter):
    """The portal's row names an ID number that someone typed; nothing proves who filed it."""
    from tests.dvcqg.test_pull import online_row

    portal.online = [online_row()]
    [code] = dvcqg_services.pull_online_dossiers(adapter=adapter).created
    dossier = Dossier.objects.get(code=code)
    assert not IdentityCheck.objects.filter(dossier=dossier).exists()
    approve(world, dossier)
    result = StoredDocument.objects.get(source=Source.ISSUED)
    assert result.owner_id_number == GOOD_ID and not result.in_store
    assert queries.valid_documents(GOOD_ID) == []


# --------------------------------------------------------------------------- existing rows


def test_the_migration_takes_every_existing_document_out_of_the_stores(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "motcua.docstore.migrations.0004_take_unverified_documents_out_of_the_stores"
    )
    verified = store()
    assert list(queries.documents_of(GOOD_ID)) == [verified]
    migration.take_unverified_documents_out_of_the_stores(apps, None)
    verified.refresh_from_db()
    assert (verified.verified_via, verified.verified_by, verified.verified_at) == ("", None, None)
    assert list(queries.documents_of(GOOD_ID)) == []
    assert StoredDocument.objects.filter(pk=verified.pk).exists()  # kept, for its dossier


def test_an_id_card_proof_names_its_officer(world):
    with pytest.raises(ValueError):
        services.OwnerProof.by_id_card(None, at=vn(2025, 7, 7, 9))
