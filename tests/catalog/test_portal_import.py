"""The national catalogue from the National Public Service Portal (ADR 0026): its name list, its
full records, folders of them, the shipped bundle, and how they meet the project's own sample."""

import functools
import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.catalog.importers import PROCEDURES_FILE
from motcua.catalog.models import CatalogueSource, OnlineLevel, Procedure, ProcessStep
from motcua.catalog.portal import PORTAL_BUNDLE, online_level, short_name
from motcua.units.importers import bundled


@functools.cache
def _bundle_lines() -> tuple[dict, ...]:
    with gzip.open(bundled(PORTAL_BUNDLE), "rt", encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def portal_record(code: str) -> dict:
    """A full record as the portal publishes it (a fresh copy: tests may spoil it)."""
    found = [d for d in _bundle_lines() if "checklist_raw" in d and d["code"] == code]
    return json.loads(json.dumps(found[0]))


def name_line(code: str) -> dict:
    found = [d for d in _bundle_lines() if "checklist_raw" not in d and d["code"] == code]
    return json.loads(json.dumps(found[0]))


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_procedures", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_portal_record_keeps_its_groups_channels_times_and_legal_basis(tmp_path):
    out, _err = run(write_json(tmp_path / "1.001193.json", portal_record("1.001193")))
    assert "1 hồ sơ đầy đủ" in out

    birth = Procedure.objects.select_related("field").get(code="1.001193")
    assert birth.name_vi == "Thủ tục đăng ký khai sinh" and birth.field.name_vi == "Hộ tịch"
    assert birth.has_full_record and birth.catalogue_source == CatalogueSource.PORTAL_RECORD
    assert birth.level == "commune" and birth.executing_agency == "Ủy ban nhân dân cấp xã"
    assert birth.promulgating_agency == "Bộ Tư pháp" and birth.province is None

    # Documents by case; the "* Lưu ý" group is notes, not papers; bullets dropped, words kept.
    cases = [g["case"] for g in birth.document_groups]
    assert cases[:2] == ["Giấy tờ phải nộp:", "Giấy tờ phải xuất trình:"]
    assert not any("Lưu ý" in case for case in cases) and birth.document_notes
    certificate = next(
        item
        for group in birth.document_groups
        for item in group["items"]
        if item["name"].startswith("Giấy chứng sinh")
    )
    assert certificate == {
        "name": certificate["name"],
        "originals": 1,
        "copies": 0,
        "code": "000.00.00.G15-KQ004389",
        "has_eform": False,
        "kind": "document",
    }
    kinds = {item["kind"] for group in birth.document_groups for item in group["items"]}
    assert kinds == {"document", "condition", "heading"}
    headings = [
        i["name"] for g in birth.document_groups for i in g["items"] if i["kind"] == "heading"
    ]
    assert headings and not set(headings) & set(birth.documents)
    # The flat list the counter's intake form reads: papers only, each once, no notes.
    assert certificate["name"] in birth.documents
    assert not any(name.startswith("Trường hợp người yêu cầu đã nộp") for name in birth.documents)
    assert len(birth.documents) == len(set(birth.documents))

    # Channels in a fixed order, each with fees and time; the legal time from the cases.
    assert [c["method"] for c in birth.channels] == ["DIRECT", "ONLINE", "POSTAL"]
    assert birth.channels[0]["fees"] == [{"kind": "SERVICE_FEE", "amount_vnd": 0, "text": ""}]
    assert birth.processing_cases == [
        {"case": "1.001193.01", "amount": 1, "unit": "WORKING_DAY", "text": ""},
        {"case": "1.001193.02", "amount": 1, "unit": "WORKING_DAY", "text": ""},
    ]
    assert birth.legal_time_display == "1 ngày làm việc" and birth.fee_vnd == 0
    assert {"code": "123/2015/NĐ-CP", "name": birth.legal_basis[10]["name"]} in birth.legal_basis
    assert birth.results == ["Giấy khai sinh"]
    assert birth.subject_types == ["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"]
    assert birth.official_steps and all(step["text"] for step in birth.official_steps)
    # Whitespace cleaned, line breaks kept, never reworded.
    assert "  " not in birth.official_steps[0]["text"]
    assert "\n" in birth.official_steps[0]["text"]
    assert birth.online_level == OnlineLevel.PARTIAL  # papers to show in person
    assert birth.source_url.startswith("https://dichvucong.gov.vn/")
    assert birth.steps.count() == 4  # the default internal process


@pytest.mark.django_db
def test_the_name_list_creates_name_only_entries(tmp_path, real_units):
    specific = name_line("3.000616")  # "UBND Thành phố Huế"
    lam_dong = {**specific, "code": "3.999001", "departmentPromulgate": "UBND tỉnh Lâm Đồng"}
    rows = [specific, lam_dong, name_line("1.001193"), name_line("1.000080")]
    out, err = run(write_jsonl(tmp_path / "catalog.jsonl", rows))
    assert "4 tên trong danh mục" in out and "4 tạo mới" in out
    assert "Không đọc được" not in err

    huế = Procedure.objects.select_related("province").get(code="3.000616")
    assert huế.portal_type == "specific" and huế.province.name == "Huế"
    assert Procedure.objects.get(code="3.999001").province.name == "Lâm Đồng"
    birth = Procedure.objects.get(code="1.001193")
    assert birth.portal_type == "standard" and birth.province is None
    assert birth.level == "commune" and birth.promulgating_agency == "Bộ Tư pháp"
    assert not birth.has_full_record and birth.catalogue_source == CatalogueSource.PORTAL_LIST
    assert birth.documents == [] and birth.online_level == OnlineLevel.UNKNOWN
    # A name alone is no task for the review list, but says what it lacks.
    assert not birth.needs_review and "Chỉ có tên" in birth.review_notes


@pytest.mark.django_db
def test_a_folder_names_first_then_full_records_and_a_second_run_changes_nothing(tmp_path):
    write_jsonl(tmp_path / "catalog.jsonl", [name_line("1.001193"), name_line("1.004884")])
    write_json(tmp_path / "procedures" / "1.001193.json", portal_record("1.001193"))

    out, _err = run(tmp_path)
    assert "2 tên trong danh mục, 1 hồ sơ đầy đủ" in out
    assert "Danh mục tên (Cổng DVCQG): 2 tạo mới" in out
    assert "Hồ sơ thủ tục đầy đủ (Cổng DVCQG): 0 tạo mới, 1 cập nhật" in out
    birth = Procedure.objects.get(code="1.001193")
    assert birth.has_full_record and birth.portal_type == "standard"  # the record updated the entry
    assert birth.document_groups and birth.catalogue_source == CatalogueSource.PORTAL_RECORD
    assert not Procedure.objects.get(code="1.004884").has_full_record

    steps = list(ProcessStep.objects.values_list("id", flat=True))
    out, _err = run(tmp_path)
    assert "2 không đổi" in out and "1 không đổi" in out and "cập nhật, 0" not in out
    assert " 0 cập nhật" in out and "1 cập nhật" not in out and "2 cập nhật" not in out
    assert list(ProcessStep.objects.values_list("id", flat=True)) == steps


@pytest.mark.django_db
def test_a_record_it_cannot_read_is_reported_with_its_code_and_the_rest_goes_on(tmp_path):
    spoiled = portal_record("1.004884")
    spoiled["channels"][0]["fees"][0]["value_vnd"] = "mười nghìn"
    write_json(tmp_path / "procedures" / "1.004884.json", spoiled)
    write_json(tmp_path / "procedures" / "1.001193.json", portal_record("1.001193"))
    (tmp_path / "procedures" / "1.004873.json").write_text("{not json", encoding="utf-8")
    write_jsonl(tmp_path / "catalog.jsonl", [{**name_line("1.004222"), "code": "1.00422X"}])

    out, err = run(tmp_path)
    assert Procedure.objects.filter(code="1.001193", has_full_record=True).exists()
    assert not Procedure.objects.filter(code__in=["1.004884", "1.004873"]).exists()
    assert "3 không đọc được" in out
    assert "1.004884 (1.004884.json): mức phí “mười nghìn”" in err
    assert "1.004873 (1.004873.json): không đọc được JSON" in err
    assert "1.00422X (catalog.jsonl dòng 1)" in err


@pytest.mark.django_db
def test_a_malformed_line_refuses_the_whole_file_naming_file_and_line(tmp_path):
    path = write_jsonl(
        tmp_path / "catalog.jsonl", [name_line("1.001193"), '{"code": "1.004884", "name": ']
    )
    with pytest.raises(CommandError, match=r"catalog\.jsonl, dòng 2: JSON không hợp lệ"):
        run(path)
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_the_sample_then_the_portal_leaves_the_portals_wording_in_force(tmp_path):
    run(bundled(PROCEDURES_FILE))
    sample_permit = Procedure.objects.get(code="1.013225")
    assert sample_permit.catalogue_source == CatalogueSource.PROJECT

    portal_name = "Chứng thực chữ ký (tên theo Cổng)"
    write_jsonl(
        tmp_path / "portal" / "catalog.jsonl",
        [name_line("1.013225"), {**name_line("2.000884"), "name": portal_name}],
    )
    write_json(tmp_path / "portal" / "procedures" / "1.013225.json", portal_record("1.013225"))
    run(tmp_path / "portal")

    permit = Procedure.objects.get(code="1.013225")
    assert permit.name_vi == portal_record("1.013225")["name"] != sample_permit.name_vi
    assert permit.document_groups and permit.documents != sample_permit.documents
    assert permit.catalogue_source == CatalogueSource.PORTAL_RECORD
    # A procedure the portal only names: its name from the portal, its details from the sample.
    signature = Procedure.objects.get(code="2.000884")
    assert signature.name_vi == portal_name and signature.fee_vnd == 10_000
    assert signature.has_full_record and signature.portal_type == "standard"

    # Importing the sample again changes nothing the portal said.
    out, _err = run(bundled(PROCEDURES_FILE))
    assert "0 tạo mới, 0 cập nhật, 40 không đổi" in out
    assert Procedure.objects.get(code="1.013225").name_vi == permit.name_vi
    assert Procedure.objects.get(code="2.000884").name_vi == portal_name


def test_online_level_follows_the_channels():
    direct = {"method": "DIRECT", "fees": [], "time": {}, "note": ""}
    online = {**direct, "method": "ONLINE"}
    handed_in = [{"case": "Giấy tờ phải nộp:", "items": []}]
    shown = [*handed_in, {"case": "Giấy tờ phải xuất trình:", "items": []}]
    assert online_level([direct], handed_in) == OnlineLevel.NONE
    assert online_level([direct, online], handed_in) == OnlineLevel.FULL
    assert online_level([direct, online], shown) == OnlineLevel.PARTIAL


@pytest.mark.django_db
def test_a_record_without_an_online_channel_is_filed_in_person_only(tmp_path):
    record = portal_record("1.004884")
    record["channels"] = [c for c in record["channels"] if c["method"] != "ONLINE"]
    run(write_json(tmp_path / "1.004884.json", record))
    assert Procedure.objects.get(code="1.004884").online_level == OnlineLevel.NONE


@pytest.mark.django_db
def test_the_api_gives_the_whole_entry(client, tmp_path):
    run(write_json(tmp_path / "1.001193.json", portal_record("1.001193")))
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["code"] == "1.001193" and body["has_full_record"] is True
    assert body["document_groups"][0]["case"] == "Giấy tờ phải nộp:"
    assert set(body["document_groups"][0]["items"][0]) == {
        "name",
        "originals",
        "copies",
        "code",
        "has_eform",
        "kind",
    }
    assert [c["method"] for c in body["channels"]] == ["DIRECT", "ONLINE", "POSTAL"]
    assert body["channels"][0]["fees"][0] == {"kind": "SERVICE_FEE", "amount_vnd": 0, "text": ""}
    assert body["processing_cases"][0] == {
        "case": "1.001193.01",
        "amount": 1,
        "unit": "WORKING_DAY",
        "text": "",
    }
    assert {"code", "name"} == set(body["legal_basis"][0])
    assert body["results"] == ["Giấy khai sinh"] and body["subject_types"]
    assert body["official_steps"] and body["legal_time"] == "1 ngày làm việc"
    assert body["level"] == "commune" and body["portal_type"] == ""
    missing = client.get("/api/v1/procedures/9.999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.django_db
def test_the_page_shows_groups_fees_per_channel_and_where_to_book_or_file_online(
    client, tmp_path, real_units
):
    call_command("create_service_centers", "--province", "01", verbosity=0)
    record = portal_record("1.004222")  # permanent residence: a fee, online filing
    run(write_json(tmp_path / "1.004222.json", record))
    procedure = Procedure.objects.get(code="1.004222")
    assert procedure.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)

    page = client.get(reverse("catalog:procedure", args=["1.004222"]), {"xa": "00070"})
    html = page.content.decode()
    assert 'data-testid="channels"' in html
    assert 'data-channel="DIRECT"' in html and 'data-channel="ONLINE"' in html
    assert "Nộp trực tiếp" in html and "Nộp trực tuyến" in html
    assert html.count('data-testid="document-group"') == len(procedure.document_groups)
    assert "Bản chính: 1" in html
    assert 'data-testid="official-steps"' in html and "<details" in html
    assert 'data-testid="legal-basis"' in html and procedure.legal_basis[0]["code"] in html
    center_booking = reverse("queueing:book") + "?center="
    assert 'data-testid="book"' in html and center_booking in html
    assert reverse("residents:submit", args=["1.004222"]) + "?xa=00070" in html

    # Filed in person only: no online link.
    record["channels"] = [c for c in record["channels"] if c["method"] != "ONLINE"]
    run(write_json(tmp_path / "1.004222.json", record))
    html = client.get(reverse("catalog:procedure", args=["1.004222"]), {"xa": "00070"})
    html = html.content.decode()
    assert reverse("residents:submit", args=["1.004222"]) not in html
    assert 'data-testid="book"' in html


@pytest.mark.django_db
def test_without_a_path_the_sample_and_the_shipped_portal_bundle_are_imported(real_units):
    out, err = run()
    assert "40 thủ tục JSON của dự án, 5666 tên trong danh mục, 173 hồ sơ đầy đủ" in out
    assert Procedure.objects.count() == 5666
    assert Procedure.objects.filter(has_full_record=True).count() == 190  # 173 + 17 sample-only
    birth = Procedure.objects.get(code="1.001193")
    assert birth.catalogue_source == CatalogueSource.PORTAL_RECORD and birth.document_groups
    assert birth.name_en == "Birth registration"  # staff's English name survives
    assert "1.0133611" in err  # the portal's own malformed codes are reported, not imported
    # Every paper's name fits a dossier's document name (the demo files dossiers with them).
    names = [n for docs in Procedure.objects.values_list("documents", flat=True) for n in docs]
    assert names and max(map(len, names)) <= 300
    out, _err = run()
    assert out.count(" 0 tạo mới, 0 cập nhật") == 3


@pytest.mark.django_db
def test_staff_can_edit_the_structure_in_the_admin(admin_client, tmp_path):
    run(write_json(tmp_path / "1.001193.json", portal_record("1.001193")))
    birth = Procedure.objects.get(code="1.001193")
    page = admin_client.get(reverse("admin:catalog_procedure_change", args=[birth.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="document_groups"' in html and 'name="channels"' in html
    assert 'name="legal_basis"' in html and 'name="official_steps"' in html


def test_a_long_paper_name_is_cut_for_the_intake_list_at_a_word():
    long = "Giấy tờ " + "rất dài " * 60
    short = short_name(long.strip())
    assert len(short) <= 300 and short.endswith("…") and not short.endswith(" …")
    assert long.startswith(short[:-1]) and short_name("Tờ khai") == "Tờ khai"


def test_a_channels_time_reads_like_the_legal_time_in_both_languages():
    from django.utils import translation

    from motcua.catalog.portal import time_text

    assert time_text({"amount": 5, "unit": "WORKING_DAY", "text": ""}) == "5 ngày làm việc"
    assert time_text({"amount": 1, "unit": "OTHER", "text": ""}) == ""
    assert time_text({"amount": None, "unit": "OTHER", "text": "15 ngày"}) == "15 ngày"
    with translation.override("en"):
        assert time_text({"amount": 5, "unit": "WORKING_DAY", "text": ""}) == "5 working days"
        assert time_text({"amount": 2, "unit": "MONTH", "text": ""}) == "2 months"


@pytest.mark.django_db
def test_the_portal_bundle_alone(tmp_path):
    out, _err = run("--portal-bundle")
    assert "0 thủ tục JSON của dự án, 5666 tên trong danh mục, 173 hồ sơ đầy đủ" in out
    assert Procedure.objects.filter(has_full_record=True).count() == 173
    with pytest.raises(CommandError, match="Chỉ dùng một trong"):
        run("--portal-bundle", tmp_path)
