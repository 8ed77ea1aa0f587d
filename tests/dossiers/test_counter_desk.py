"""The counter desk (issue 15, part 2): finding a dossier from the inbox, the intake checks
(phone, a second filing within a day, the error summary), and scans of the papers handed in,
through the real pages and a real database."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.docstore.models import Source, StoredDocument
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, DossierDocument, DossierEvent
from motcua.dossiers.workflow import Action, State
from motcua.insights import figures
from motcua.insights.periods import range_of
from motcua.notify.models import Message, Status
from motcua.notify.services import enqueue
from tests.catalog.test_portal_import import portal_record, run, write_json
from tests.docstore.conftest import JPEG, pdf_bytes, png_bytes, upload
from tests.dossiers.test_web import intake_data
from tests.world import GOOD_ID, PASSWORD, vn

OTHER_ID = "079190000123"
ODD_INPUTS = [
    "\x00",
    "abc\x00def",
    "x" * 5000,
    "🙂👩‍👩‍👧 Ｎｇｕｙễｎ",
    "' OR 1=1 --",
    "%",
    "_",
    "\u202e\u200b",
    "Ǆ\u0301\u0323" * 50,
]


@pytest.fixture
def reception_client(client, world):
    assert client.login(username=world.reception.username, password=PASSWORD)
    return client


def pdf(name="scan.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def post_intake(client, files=None, **overrides):
    data = intake_data(**overrides)
    data.update(files or {})
    return client.post(reverse("dossiers:intake"), data)


# --------------------------------------------------------------------------- finding a dossier


@pytest.fixture
def dossiers(world):
    quan = world.receive(
        applicant=services.Applicant(name="Đỗ Minh Quân", id_number=GOOD_ID, phone="0912 000 111"),
    )
    hoa = world.receive(
        applicant=services.Applicant(name="Lê Thị Hoà", id_number=OTHER_ID, phone="0988777666"),
        channel=Channel.POST,
        at=vn(2025, 7, 8, 9),
    )
    elsewhere = world.receive(
        officer=world.officers_b["reception"],
        applicant=services.Applicant(name="Đỗ Minh Quân", id_number=GOOD_ID),
    )
    return {"quan": quan, "hoa": hoa, "elsewhere": elsewhere}


def search(client, **params):
    response = client.get(reverse("dossiers:inbox"), params)
    return response, response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "do minh quan",  # no accents
        "ĐỖ MINH",  # capitals
        "Đỗ  Minh   Quân",  # extra spaces
        "minh quan",
        f"{GOOD_ID[:3]}.{GOOD_ID[3:6]}.{GOOD_ID[6:9]}.{GOOD_ID[9:]}",  # the ID number with dots
        "０９１２ ０００ １１１",  # full-width digits
        "+84 912 000 111",  # the phone, international
    ],
)
def test_a_dossier_is_found_by_name_id_number_or_phone_typed_any_way(
    reception_client, dossiers, typed
):
    response, page = search(reception_client, q=typed)
    assert response.status_code == 200
    assert dossiers["quan"].code in page
    assert dossiers["hoa"].code not in page
    # Another commune's dossier of the same person stays out of sight.
    assert dossiers["elsewhere"].code not in page
    assert "Đỗ Minh Quân" in page  # the inbox names the applicant


def test_a_dossier_is_found_by_its_code_and_by_a_folded_tone_mark(reception_client, dossiers):
    _, page = search(reception_client, q=dossiers["hoa"].code.lower())
    assert dossiers["hoa"].code in page and dossiers["quan"].code not in page
    _, page = search(reception_client, q="Hòa")  # the other place of the tone mark
    assert dossiers["hoa"].code in page


def test_filters_state_channel_procedure_and_due(reception_client, world, dossiers):
    services.perform(dossiers["quan"], Action.FORWARD, actor=world.reception, at=vn(2025, 7, 7, 10))
    _, page = search(reception_client, state=State.AT_SPECIALIST)
    assert dossiers["quan"].code in page and dossiers["hoa"].code not in page
    _, page = search(reception_client, channel=str(Channel.POST))
    assert dossiers["hoa"].code in page and dossiers["quan"].code not in page
    _, page = search(reception_client, procedure=world.procedure.code)
    assert dossiers["hoa"].code in page and dossiers["quan"].code in page
    # Both appointments of July 2025 have passed: overdue, none due soon.
    _, page = search(reception_client, due="overdue")
    assert dossiers["hoa"].code in page and dossiers["quan"].code in page
    response, page = search(reception_client, due="soon")
    assert response.status_code == 200 and "Không tìm thấy hồ sơ nào khớp" in page


def test_search_results_are_paged_and_the_pages_keep_the_search(reception_client, world):
    for i in range(35):
        world.receive(
            applicant=services.Applicant(name=f"Nguyễn Văn Bình {i}", id_number=GOOD_ID),
            at=vn(2025, 7, 7, 9) + timedelta(minutes=i),
        )
    response, page = search(reception_client, q="nguyen van binh")
    assert "Tìm thấy 35 hồ sơ" in page
    assert "q=nguyen+van+binh&amp;page=2" in page or "page=2&amp;q=" in page
    response, page = search(reception_client, q="nguyen van binh", page="2")
    assert response.status_code == 200 and page.count('data-testid="applicant"') == 5


@pytest.mark.parametrize("typed", ODD_INPUTS)
def test_odd_search_input_never_breaks_the_inbox(reception_client, dossiers, typed):
    response, page = search(reception_client, q=typed, state=typed, due=typed, channel=typed)
    assert response.status_code < 500
    assert dossiers["elsewhere"].code not in page


def test_the_search_asks_the_access_rule(client, world, dossiers):
    """The specialist of commune B sees nothing of commune A's dossiers, however they search."""
    client.login(username=world.officers_b["leader"].username, password=PASSWORD)
    _, page = search(client, q="do minh quan")
    assert dossiers["quan"].code not in page and dossiers["elsewhere"].code in page


def test_the_folded_name_is_kept_on_save_and_by_the_migration(world, dossiers):
    quan = dossiers["quan"]
    assert quan.applicant_search == "do minh quan"
    Dossier.objects.filter(pk=quan.pk).update(applicant_search="")
    migration = importlib.import_module("motcua.dossiers.migrations.0006_dossier_applicant_search")
    migration.fill(apps, None)
    quan.refresh_from_db()
    assert quan.applicant_search == "do minh quan"


# --------------------------------------------------------------------------- intake checks


def test_a_phone_that_cannot_get_an_sms_is_refused_at_intake(reception_client, world):
    response = post_intake(reception_client, applicant_phone="abc xyz")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số điện thoại di động" in page and "chữ số" in page
    assert not Dossier.objects.exists() and not Message.objects.exists()


def test_the_phone_is_stored_in_its_normal_form(reception_client, world):
    response = post_intake(reception_client, applicant_phone="+84 912.000.111")
    assert response.status_code == 302
    assert Dossier.objects.get().applicant_phone == "0912000111"


def test_the_service_refuses_a_bad_phone_too(world):
    """The API and every other caller of ``receive_dossier`` get the same check."""
    with pytest.raises(services.ValidationError) as refused:
        world.receive(applicant=services.Applicant(name="An", id_number=GOOD_ID, phone="abc xyz"))
    assert "applicant_phone" in refused.value.message_dict


def test_the_error_summary_names_each_field_and_links_to_it(reception_client, world):
    response = post_intake(
        reception_client, applicant_name="", applicant_phone="12", sets_count="0"
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_applicant_name">Họ và tên / Tên tổ chức:' in page
    assert 'href="#id_applicant_phone">Số điện thoại di động:' in page
    assert 'href="#id_sets_count">Số bộ hồ sơ:' in page


def test_the_same_applicant_and_procedure_within_a_day_needs_a_confirmation(
    reception_client, world
):
    first = post_intake(reception_client)
    assert first.status_code == 302
    earlier = Dossier.objects.get()
    again = post_intake(reception_client)
    page = again.content.decode()
    assert again.status_code == 400
    assert earlier.code in page and "Vẫn tiếp nhận hồ sơ mới" in page
    assert 'href="#id_confirm_repeat"' in page
    assert Dossier.objects.count() == 1
    confirmed = post_intake(reception_client, confirm_repeat="on")
    assert confirmed.status_code == 302
    assert Dossier.objects.count() == 2


def test_a_filing_refused_at_the_counter_or_older_than_a_day_is_no_repeat(world):
    from motcua.dossiers.queries import earlier_filing

    services.refuse_at_counter(
        officer=world.reception,
        procedure=world.procedure,
        applicant=services.Applicant(name="An", id_number=GOOD_ID),
        reason="Không thuộc thẩm quyền.",
    )
    now = timezone.now()
    assert earlier_filing(world.reception, id_number=GOOD_ID, procedure=world.procedure) is None
    old = world.receive(at=now - timedelta(days=2))
    assert earlier_filing(world.reception, id_number=GOOD_ID, procedure=world.procedure) is None
    recent = world.receive(at=now - timedelta(hours=3))
    found = earlier_filing(world.reception, id_number=GOOD_ID, procedure=world.procedure)
    assert found == recent != old


@pytest.mark.parametrize("typed", ODD_INPUTS)
def test_odd_intake_input_never_breaks_the_form(reception_client, world, typed):
    response = post_intake(
        reception_client,
        applicant_name=typed,
        applicant_phone=typed,
        applicant_email=typed,
        applicant_address=typed,
        other_documents=typed,
        sets_count=typed,
        confirm_repeat=typed,
    )
    assert response.status_code < 500


# --------------------------------------------------------------------------- notifications


def test_a_message_to_an_invalid_recipient_shows_failed_with_its_reason(reception_client, world):
    dossier = world.receive()
    # A dossier stored before the check, with a phone no SMS can reach.
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="abc xyz")
    dossier.refresh_from_db()
    message = enqueue(
        "sms", dossier.applicant_phone, "Hồ sơ đã tiếp nhận", dedupe_key="t:1", dossier=dossier
    )
    assert message.status == Status.FAILED
    page = reception_client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Tin nhắn về hồ sơ" in page
    assert "Gửi không thành công" in page and "Người nhận không hợp lệ" in page


# --------------------------------------------------------------------------- scans at intake


def test_a_paper_is_digitised_only_with_its_scan(reception_client, world):
    with_scan = post_intake(reception_client, files={"scan_0": pdf()})
    assert with_scan.status_code == 302, with_scan.content.decode()[:2000]
    scanned = Dossier.objects.get().documents.get()
    assert scanned.digitized and scanned.stored_document.source == Source.SCANNED
    assert scanned.stored_document.owner_id_number == GOOD_ID

    without = post_intake(reception_client, applicant_id_number=OTHER_ID)
    assert without.status_code == 302
    paper = Dossier.objects.get(applicant_id_number=OTHER_ID).documents.get()
    assert not paper.digitized and paper.stored_document is None


def test_a_scan_enters_the_store_only_when_the_id_card_was_checked(reception_client, world):
    post_intake(reception_client, files={"scan_0": upload("a.png", png_bytes(), "image/png")})
    assert StoredDocument.objects.get().verified_via == ""
    post_intake(
        reception_client,
        applicant_id_number=OTHER_ID,
        id_card_checked="on",
        files={"scan_0": upload("a.jpg", JPEG, "image/jpeg")},
    )
    assert StoredDocument.objects.get(owner_id_number=OTHER_ID).verified_via == "id_card"


@pytest.mark.parametrize(
    "upload_file, words",
    [
        (upload("giay-to.pdf", b"<!doctype html><p>hi</p>", "application/pdf"), "trang web"),
        (upload("giay-to.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"), "Windows"),
        (upload("cut.pdf", pdf_bytes()[:-200], "application/pdf"), "bị hỏng"),
        (upload("empty.pdf", b"", "application/pdf"), ""),  # Django: an empty file
    ],
)
def test_a_lying_or_broken_scan_is_refused_naming_the_problem_and_changes_nothing(
    reception_client, world, upload_file, words
):
    response = post_intake(reception_client, files={"scan_0": upload_file})
    page = response.content.decode()
    assert response.status_code == 400
    assert words in page and 'href="#id_scan_0"' in page
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_an_oversized_scan_is_refused(reception_client, world, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    response = post_intake(reception_client, files={"scan_0": pdf()})
    assert response.status_code == 400
    assert "lớn hơn 1 KB" in response.content.decode()
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()


def test_a_scan_of_a_paper_not_ticked_as_received_is_refused(reception_client, world):
    response = post_intake(reception_client, documents=[], files={"scan_0": pdf()})
    assert response.status_code == 400
    assert "đánh dấu giấy tờ này là đã nhận" in response.content.decode()
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- scans later


def attach(client, dossier, position=1, file=None):
    return client.post(
        reverse("dossiers:attach_scan", args=[dossier.code]),
        {"position": str(position), "scan": file or pdf()},
    )


def test_a_scan_attached_on_the_dossier_page_digitises_the_paper(reception_client, world):
    dossier = world.receive()
    page = reception_client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'data-testid="scan-section"' in page
    response = attach(reception_client, dossier)
    assert response.status_code == 302
    paper = dossier.documents.get()
    assert paper.digitized and paper.stored_document is not None
    event = DossierEvent.objects.filter(dossier=dossier, action="attach_scan").get()
    assert event.actor == world.reception and event.note == paper.name
    # The paper has its file: a second one is refused, and the form is gone.
    again = attach(reception_client, dossier)
    assert again.status_code == 400  # no paper without a file is left to choose
    assert StoredDocument.objects.count() == 1
    page = reception_client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'data-testid="scan-section"' not in page


def test_a_lying_scan_on_the_dossier_page_changes_nothing(reception_client, world):
    dossier = world.receive()
    response = attach(reception_client, dossier, file=upload("a.pdf", b"GIF89a....", "image/gif"))
    assert response.status_code == 400
    assert "ảnh GIF" in response.content.decode()
    assert not dossier.documents.get().digitized
    assert not StoredDocument.objects.exists()
    assert not DossierEvent.objects.filter(action="attach_scan").exists()


@pytest.mark.parametrize("position", ["0", "7", "-1", "abc", "\x00", "9" * 400])
def test_a_scan_for_a_paper_the_dossier_does_not_have_is_refused(reception_client, world, position):
    dossier = world.receive()
    response = attach(reception_client, dossier, position=position)
    assert response.status_code == 400
    assert not StoredDocument.objects.exists()


def test_no_scan_once_the_result_is_decided(reception_client, world):
    dossier = world.receive()
    Dossier.objects.filter(pk=dossier.pk).update(state=State.RESULT_READY)
    response = attach(reception_client, dossier)
    assert response.status_code == 400
    assert "bộ phận một cửa hoặc đang xử lý" in response.content.decode()
    assert not StoredDocument.objects.filter(dossier_uses__isnull=False).exists()
    assert not dossier.documents.get().digitized


# --------------------------------------------------------------------------- the figure


def test_the_digitisation_figure_counts_only_papers_with_a_file(reception_client, world):
    post_intake(reception_client)  # on paper only
    post_intake(reception_client, applicant_id_number=OTHER_ID, files={"scan_0": pdf()})
    first = Dossier.objects.order_by("submitted_at").first().received_at
    today = timezone.localdate()
    period = range_of(timezone.localtime(first).date(), today)
    row = figures.counts(Dossier.objects.all(), period, keys=["received", "digitized"])
    assert (row["received"], row["digitized"]) == (2, 1)


def test_the_migration_unmarks_counter_papers_without_a_file(world):
    paper_only = world.receive()
    DossierDocument.objects.filter(dossier=paper_only).update(digitized=True)  # the old rule
    migration = importlib.import_module(
        "motcua.dossiers.migrations.0007_counter_papers_digitised_only_with_file"
    )
    migration.only_with_file(apps, None)
    assert not paper_only.documents.get().digitized


# --------------------------------------------------------------------------- the demo's scans


def test_the_demo_scans_some_counter_papers_with_one_tiny_valid_pdf(world):
    from motcua.demo.scans import counter_scanner, tiny_pdf
    from motcua.docstore.uploads import check_upload
    from motcua.dossiers.demo_data import HistoryGenerator

    pdf_file = tiny_pdf()
    assert len(pdf_file) < 1000
    assert check_upload(upload("demo.pdf", pdf_file)).content_type == "application/pdf"

    now = timezone.now()
    with counter_scanner() as scan:
        generator = HistoryGenerator(world.a, seed=3, now=now, per_day=8, scanner=scan)
        for days_back in range(12, 0, -1):
            generator.day(timezone.localdate(now) - timedelta(days=days_back))
    counter = DossierDocument.objects.exclude(dossier__channel=Channel.ONLINE)
    with_file = counter.filter(stored_document__isnull=False)
    assert 0 < with_file.count() < counter.count()
    # The flag and the file agree, everywhere.
    assert not DossierDocument.objects.filter(digitized=True, stored_document__isnull=True).exists()
    assert not DossierDocument.objects.filter(
        digitized=False, stored_document__isnull=False
    ).exists()
    assert set(with_file.values_list("stored_document__source", flat=True)) == {Source.SCANNED}


def test_the_checklist_groups_a_portal_records_papers_by_case(reception_client, tmp_path):
    """A procedure imported from the portal: the intake checklist shows its papers under the
    portal's cases, each with its original and copy counts (ADR 0026)."""
    run(write_json(tmp_path / "1.010038.json", portal_record("1.010038")))
    split = Procedure.objects.get(code="1.010038")
    page = reception_client.get(reverse("dossiers:intake") + "?procedure=1.010038")
    html = page.content.decode()
    cases = [g["case"] for g in split.document_groups if g["case"]]
    positions = [html.index(case) for case in cases if case in html]
    assert positions and positions == sorted(positions)
    assert html.count('data-testid="paper-case"') == len(positions)
    assert html.count('data-testid="paper-counts"') == len(split.documents)
    assert "Bản chính: 1 · Bản sao: 0" in html
