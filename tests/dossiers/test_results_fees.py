"""The counter desk's second half: the approval issues a result file, the return records who
collected it, fees are recorded (or waived with a reason) and counted, the receipt is printed.

Through the real pages and the real database; a refused input answers 400, names the problem
and changes nothing."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from motcua.docstore.models import Source, StoredDocument
from motcua.docstore.services import OwnerProof, record_identity_check
from motcua.dossiers.fees import FeeDue, fee_due
from motcua.dossiers.models import Channel, Collector, Dossier, DossierEvent, Payment
from motcua.dossiers.services import perform
from tests.docstore.conftest import pdf_bytes
from tests.residents.conftest import resident as resident  # noqa: F401 (a fixture)
from tests.residents.conftest import signed_in
from tests.world import GOOD_ID, PASSWORD, vn

OTHER_ID = "001090123456"  # a valid personal number (born 1990)


def at_signature(world, *, verified=False):
    d = world.receive()
    if verified:
        record_identity_check(d, OwnerProof.by_id_card(world.reception, at=vn(2025, 7, 7, 9)))
    perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    return perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 7, 11))


def as_user(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def approve(client, d, **data):
    url = reverse("dossiers:action", args=[d.code, "approve"])
    return client.post(url, {"result_summary": "Giấy xác nhận số 12/2025", **data})


def unchanged(d):
    d.refresh_from_db()
    assert d.state == "awaiting_signature"
    assert not StoredDocument.objects.filter(source=Source.ISSUED).exists()
    assert not DossierEvent.objects.filter(dossier=d, action="approve").exists()


# --------------------------------------------------------------------------- the result file


def test_approval_with_a_signed_pdf_stores_it_as_the_e_result_in_the_verified_owners_store(
    world, client
):
    d = at_signature(world, verified=True)
    signed = pdf_bytes()
    response = approve(
        as_user(client, world.leader),
        d,
        result_file=SimpleUploadedFile("ky-so.pdf", signed, "application/pdf"),
    )
    assert response.status_code == 302
    result = StoredDocument.objects.get(source=Source.ISSUED, origin_dossier_code=d.code)
    assert result.in_store and result.file.read() == signed
    event = DossierEvent.objects.get(dossier=d, action="approve")
    assert event.data["result_file"] == {"source": "uploaded", "sha256": result.sha256}
    download = client.get(reverse("dossiers:result_file", args=[d.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == signed
    assert download["X-Content-Type-Options"] == "nosniff"


def test_approval_without_a_file_renders_one_kept_with_the_dossier_when_owner_not_verified(
    world, client
):
    d = at_signature(world)
    assert approve(as_user(client, world.leader), d).status_code == 302
    result = StoredDocument.objects.get(source=Source.ISSUED, origin_dossier_code=d.code)
    assert not result.in_store  # ADR 0024: an unverified filing's result stays with its dossier
    text = " ".join(PdfReader(io.BytesIO(result.file.read())).pages[0].extract_text().split())
    assert d.code in text and "Giấy xác nhận số 12/2025" in text and "Bản điện tử" in text
    page = client.get(reverse("dossiers:detail", args=[d.code]))
    assert reverse("dossiers:result_file", args=[d.code]) in page.content.decode()


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("ket-qua.pdf", b"MZ\x90\x00" + b"\x00" * 200, "chương trình chạy trên Windows"),
        ("ket-qua.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\n", "bị hỏng hoặc chưa tải lên hết"),
        ("anh.png", None, "phải là tệp PDF"),
        ("rong.pdf", b"", "trống"),
    ],
)
def test_a_lying_damaged_or_image_result_file_is_refused_and_nothing_changes(
    world, client, name, content, problem
):
    if content is None:
        from tests.docstore.conftest import png_bytes

        content = png_bytes()
    d = at_signature(world)
    response = approve(
        as_user(client, world.leader), d, result_file=SimpleUploadedFile(name, content)
    )
    assert response.status_code == 400
    assert problem in response.content.decode()
    unchanged(d)


def test_an_oversized_result_file_is_refused_naming_the_limit(world, client, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    d = at_signature(world)
    big = SimpleUploadedFile("lon.pdf", pdf_bytes() + b"%" * 2048 + b"\n%%EOF\n")
    response = approve(as_user(client, world.leader), d, result_file=big)
    assert response.status_code == 400
    assert "lớn hơn 1 KB" in response.content.decode()
    unchanged(d)


def test_the_resident_downloads_the_result_of_their_own_dossier_only(world, client, resident):
    from motcua.dossiers.services import Applicant, submit_online

    d = submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=Applicant(name="Trần Thị Bích Ngọc", id_number=GOOD_ID),
        resident=resident,
        at=vn(2025, 7, 7, 8),
    )
    for action, actor in [
        ("accept_online", world.reception),
        ("forward", world.reception),
        ("propose", world.specialist),
        ("approve", world.leader),  # through the API path: no file stored, rendered on demand
    ]:
        d = perform(d, action, actor=actor, at=vn(2025, 7, 7, 10))
    url = reverse("residents:result_file", args=[d.code])
    assert client.get(url).status_code == 302  # not signed in
    signed_in(client, resident)
    page = client.get(reverse("residents:my_dossier", args=[d.code])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    other = world.receive()
    assert client.get(reverse("residents:result_file", args=[other.code])).status_code == 404


def test_no_result_no_download(world, client):
    d = world.receive()
    response = as_user(client, world.reception).get(reverse("dossiers:result_file", args=[d.code]))
    assert response.status_code == 404


# --------------------------------------------------------------------------- the return


def ready(world):
    d = at_signature(world)
    return perform(d, "approve", actor=world.leader, at=vn(2025, 7, 8, 9))


def give_back(client, d, **data):
    return client.post(reverse("dossiers:action", args=[d.code, "return_at_counter"]), data)


def test_return_to_the_applicant_themself(world, client):
    d = ready(world)
    assert give_back(as_user(client, world.reception), d, collected_by="self").status_code == 302
    d.refresh_from_db()
    assert (d.state, d.collected_by, d.collector_id_number) == ("returned_at_counter", "self", "")
    assert d.returned_at is not None


def test_return_to_an_authorised_person_keeps_their_number_normalised_and_masked_in_the_trail(
    world, client
):
    d = ready(world)
    typed = "００１ ０９０ １２３ ４５６"  # full-width digits with spaces, as pasted
    response = give_back(
        as_user(client, world.reception),
        d,
        collected_by="proxy",
        collector_name="  Lê Văn Hùng ",
        collector_id_number=typed,
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.collected_by, d.collector_name, d.collector_id_number) == (
        Collector.PROXY,
        "Lê Văn Hùng",
        OTHER_ID,
    )
    event = DossierEvent.objects.get(dossier=d, action="return_at_counter")
    assert OTHER_ID not in str(event.data) and event.data["collector_id"].endswith("456")
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Lê Văn Hùng" in page and OTHER_ID not in page


def proxy(name="Lê Hùng", number=OTHER_ID):
    return {"collected_by": "proxy", "collector_name": name, "collector_id_number": number}


@pytest.mark.parametrize(
    "data, field_message",
    [
        (proxy(name=""), "họ tên"),
        (proxy(number="123"), ""),
        (proxy(number="x" * 5000), ""),
        (proxy(number="٠٠١٠٩٠١٢٣٤٥٦"), ""),  # Arabic-Indic digits
        ({"collected_by": "someone"}, ""),
        (proxy(name="\x00"), ""),
    ],
)
def test_odd_return_inputs_are_refused_without_change(world, client, data, field_message):
    d = ready(world)
    response = give_back(as_user(client, world.reception), d, **data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    d.refresh_from_db()
    assert d.state == "result_ready" and d.collected_by == ""


# --------------------------------------------------------------------------- fees


def pay(client, d, **data):
    return client.post(reverse("dossiers:payment", args=[d.code]), data)


def test_cash_payment_is_recorded_with_its_receipt_and_audit(world, client):
    d = world.receive()
    as_user(client, world.reception)
    page = client.get(reverse("dossiers:payment", args=[d.code]))
    assert page.status_code == 200
    assert pay(client, d, method="cash", amount_vnd="20.000").status_code == 302
    payment = Payment.objects.get(dossier=d)
    assert (payment.amount_vnd, payment.method, payment.number) == (20000, "cash", 1)
    assert DossierEvent.objects.filter(dossier=d, action="record_payment").count() == 1
    receipt = client.get(reverse("dossiers:fee_receipt", args=[d.code, 1]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert client.get(reverse("dossiers:fee_receipt", args=[d.code, 2])).status_code == 404
    huge = reverse("dossiers:fee_receipt", args=[d.code, 1]).replace(
        "/1.pdf", "/" + "9" * 30 + ".pdf"
    )
    assert client.get(huge).status_code == 404
    detail = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert f"{d.code}-BL01" in detail


def test_waiver_without_a_reason_is_refused_and_with_one_recorded(world, client):
    d = world.receive()
    as_user(client, world.reception)
    response = pay(client, d, method="waived", amount_vnd="", reason="   ")
    assert response.status_code == 400 and "cần ghi lý do" in response.content.decode()
    assert (
        not Payment.objects.exists()
        and not DossierEvent.objects.filter(action="record_payment").exists()
    )
    assert pay(client, d, method="waived", reason="Trẻ em dưới 6 tuổi").status_code == 302
    assert Payment.objects.get().amount_vnd == 0


@pytest.mark.parametrize(
    "amount",
    ["", "-5", "0", "abc", "1e9", "٣٠٠٠", "9" * 40, "200.000.000", "\x00", "12,5.3x"],
)
def test_odd_amounts_are_refused_without_change(world, client, amount):
    d = world.receive()
    response = pay(as_user(client, world.reception), d, method="cash", amount_vnd=amount)
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_odd_method_is_refused(world, client):
    d = world.receive()
    response = pay(as_user(client, world.reception), d, method="bitcoin", amount_vnd="1000")
    assert response.status_code == 400 and not Payment.objects.exists()


def test_a_leader_sees_the_dossier_but_may_not_collect(world, client):
    d = world.receive()
    response = pay(as_user(client, world.leader), d, method="cash", amount_vnd="1000")
    assert response.status_code == 403 and not Payment.objects.exists()


def test_fee_due_uses_channels_when_present_else_the_single_fee():
    single = SimpleNamespace(fee_vnd=20000, fee_note="")
    assert fee_due(single, Channel.COUNTER) == FeeDue(20000, fee_due(single, 1).lines, "")
    unknown = SimpleNamespace(fee_vnd=None, fee_note="HĐND tỉnh quy định")
    assert fee_due(unknown, Channel.ONLINE).amount_vnd is None
    assert fee_due(unknown, Channel.ONLINE).note == "HĐND tỉnh quy định"
    channels = [
        {"method": "DIRECT", "fees": [{"kind": "FEE", "amount_vnd": 20000, "text": ""}]},
        {"method": "ONLINE", "fees": [{"kind": "SERVICE_FEE", "amount_vnd": 10000, "text": ""}]},
        {"method": "POSTAL", "fees": []},
    ]
    both = SimpleNamespace(fee_vnd=20000, fee_note="", channels=channels)
    assert fee_due(both, Channel.COUNTER).amount_vnd == 20000
    assert fee_due(both, Channel.ONLINE).amount_vnd == 10000
    # The portal's kind codes are read as words (Vietnamese by default).
    assert [str(line.kind) for line in fee_due(both, Channel.COUNTER).lines] == ["Lệ phí"]
    assert [str(line.kind) for line in fee_due(both, Channel.ONLINE).lines] == ["Phí"]
    assert fee_due(both, "ONLINE").amount_vnd == 10000
    assert fee_due(both, Channel.POST).amount_vnd == 20000  # no fees listed: the single amount
    empty = SimpleNamespace(fee_vnd=0, fee_note="", channels=[])
    assert fee_due(empty, Channel.COUNTER).is_free
    odd = SimpleNamespace(
        fee_vnd=5,
        fee_note="",
        channels=[
            "junk",
            {"method": "DIRECT", "fees": [{"kind": "Phí", "amount_vnd": "x"}, {"amount_vnd": 3}]},
        ],
    )
    assert fee_due(odd, Channel.COUNTER).amount_vnd is None  # one amount unknown


# --------------------------------------------------------------------------- intake


def test_intake_shows_the_fee_and_the_banner_offers_to_print_the_receipt(world, client):
    world.procedure.fee_vnd = 8000
    world.procedure.save()
    as_user(client, world.reception)
    form = client.get(reverse("dossiers:intake") + f"?procedure={world.procedure.code}")
    assert "8.000" in form.content.decode()
    response = client.post(
        reverse("dossiers:intake"),
        {
            "procedure": world.procedure.code,
            "applicant_kind": "person",
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": GOOD_ID,
            "channel": "1",
            "documents": ["0"],
            "sets_count": "1",
            "return_method": "counter",
        },
        follow=True,
    )
    assert response.status_code == 200
    d = Dossier.objects.get()
    page = response.content.decode()
    assert "In giấy tiếp nhận" in page
    assert reverse("dossiers:form_pdf", args=[d.code, "receipt"]) in page
    # Shown once: a second visit has no banner.
    again = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert 'data-testid="print-receipt"' not in again
