import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.importers import PROCEDURES_FILE
from motcua.catalog.models import Field, Procedure, ProcessStep
from motcua.catalog.services import total_budget_hours
from motcua.units.importers import bundled


def sample() -> dict:
    return json.loads(bundled(PROCEDURES_FILE).read_text(encoding="utf-8"))


def run(*args):
    """Import the project's sample (or the given file); without a path the command would import
    the sample and the shipped portal bundle (tests/catalog/test_portal_import.py)."""
    out = io.StringIO()
    args = args or (str(bundled(PROCEDURES_FILE)),)
    call_command("import_procedures", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, data) -> str:
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_imports_the_shipped_sample_and_a_second_run_changes_nothing():
    first = run()
    assert Procedure.objects.count() == 40
    # 7 fields named in the file, plus "Chưa xác định" for the entry that names none.
    assert "40 tạo mới" in first and "8 tạo mới" in first

    birth = Procedure.objects.select_related("field").get(code="1.001193")
    assert birth.name_vi == "Thủ tục đăng ký khai sinh"
    assert birth.field.name_vi == "Hộ tịch" and birth.field.code == "ho-tich"
    assert birth.field.name_en == "Civil status registration"
    assert birth.fee_vnd == 0 and birth.processing_amount == 1
    assert len(birth.documents) == 8
    assert birth.legal_time_display == "1 ngày làm việc"
    assert birth.source_url.startswith("https://dichvucong.gov.vn/")

    second = run()
    assert "0 tạo mới, 0 cập nhật, 40 không đổi" in second
    assert Procedure.objects.count() == 40 and ProcessStep.objects.count() == 160


@pytest.mark.django_db
def test_every_procedure_gets_default_steps_summing_to_its_legal_time(real_procedures):
    for procedure in Procedure.objects.prefetch_related("steps"):
        steps = list(procedure.steps.all())
        assert [s.role for s in steps] == ["reception", "specialist", "leader", "return"]
        assert [s.position for s in steps] == [1, 2, 3, 4]
        total = total_budget_hours(procedure.processing_amount, procedure.processing_unit)
        assert sum(s.budget_hours for s in steps) == total, procedure.code
        assert all(s.budget_hours >= Decimal("0.25") for s in steps[:3])
        assert steps[3].budget_hours == 0


@pytest.mark.django_db
def test_budgets_by_unit(real_procedures):
    def budgets(code):
        return [s.budget_hours for s in Procedure.objects.get(code=code).steps.all()]

    assert budgets("1.004222") == [Decimal("5.75"), Decimal("33.5"), Decimal("16.75"), 0]  # 7 wd
    assert sum(budgets("2.001159")) == 1  # 1 hour
    assert sum(budgets("2.000815")) == 2  # same day: 15:00 → 17:00
    assert sum(budgets("1.115452")) == Decimal("257.25")  # 45 days × 5/7 × 8 h


@pytest.mark.django_db
def test_source_conflicts_are_flagged_for_review(real_procedures):
    def notes(code):
        return Procedure.objects.get(code=code).review_notes

    # The record's unit says working days while the text describes the same-day rule.
    assert "quy tắc 15:00" in notes("1.001193")
    # The note says the unit field wrongly claims calendar days.
    assert "ngày lịch" in notes("2.000986")
    # Channel and case fields disagree.
    assert "không thống nhất" in notes("1.000689")
    assert "Chưa rõ lĩnh vực" in notes("1.009141")
    assert Procedure.objects.get(code="1.009141").field.code == "chua-xac-dinh"
    assert "mức phí" in notes("1.013225")  # fee set locally
    assert not Procedure.objects.get(code="1.004222").needs_review  # nothing to review
    assert Procedure.objects.filter(needs_review=True).count() == real_procedures["flagged"]


@pytest.mark.django_db
def test_a_flag_cleared_by_staff_stays_cleared_until_the_notes_change(real_procedures, tmp_path):
    Procedure.objects.filter(code="1.013225").update(needs_review=False)
    run()
    assert not Procedure.objects.get(code="1.013225").needs_review
    data = sample()
    entry = next(p for p in data["procedures"] if p["code"] == "1.013225")
    entry["processing_note"] = "Channel field: 10; case field: 7 — ambiguous."
    run(write(tmp_path, data))
    assert Procedure.objects.get(code="1.013225").needs_review


@pytest.mark.django_db
def test_steps_in_the_file_replace_steps_otherwise_staff_edits_are_kept(real_procedures, tmp_path):
    procedure = Procedure.objects.get(code="1.004873")
    procedure.steps.filter(role="specialist").update(budget_hours=Decimal("10"))
    out = run()  # no steps in the file: the edited steps stay …
    assert procedure.steps.get(role="specialist").budget_hours == 10
    # … and the gap between the steps and the legal time is flagged.
    procedure.refresh_from_db()
    assert "Tổng thời gian các bước (19.75 giờ)" in procedure.review_notes
    assert "1 cập nhật" in out

    data = sample()
    entry = next(p for p in data["procedures"] if p["code"] == "1.004873")
    entry["steps"] = [
        {"role": "reception", "name_vi": "Tiếp nhận", "budget_hours": 2},
        {"role": "specialist", "name_vi": "Xác minh", "budget_hours": 16},
        {"role": "leader", "name_vi": "Ký", "name_en": "Sign", "budget_hours": 6},
        {"role": "return", "name_vi": "Trả kết quả", "budget_hours": 0},
    ]
    run(write(tmp_path, data))
    steps = list(procedure.steps.values_list("position", "role", "name_vi", "budget_hours"))
    assert steps == [
        (1, "reception", "Tiếp nhận", 2),
        (2, "specialist", "Xác minh", 16),
        (3, "leader", "Ký", 6),
        (4, "return", "Trả kết quả", 0),
    ]
    procedure.refresh_from_db()
    assert "Tổng thời gian các bước" not in procedure.review_notes
    assert ProcessStep.objects.count() == 160


@pytest.mark.django_db
def test_bad_entries_are_named_and_nothing_is_written(tmp_path):
    data = sample()
    procedures = data["procedures"]
    procedures[1]["processing_unit"] = "week"
    procedures[3]["code"] = "1.00102"
    procedures[5]["processing_days"] = -5
    procedures[6]["fee_vnd"] = "free"
    del procedures[7]["name_vi"]
    procedures[8]["colour"] = "blue"
    procedures[9]["steps"] = [{"role": "boss", "name_vi": "Ký", "budget_hours": 1}]
    procedures[10]["code"] = procedures[0]["code"]

    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, data))
    message = str(caught.value)
    assert "chưa có gì được ghi" in message
    assert "thủ tục #2 (mã 1.000894): đơn vị thời hạn “week” không hợp lệ" in message
    assert "thủ tục #4 (mã 1.00102): mã “1.00102” sai dạng" in message
    assert "thủ tục #6 (mã 1.004884): processing_days không được âm" in message
    assert "thủ tục #7 (mã 1.004746): fee_vnd phải là số nguyên" in message
    assert "thủ tục #8 (mã 1.005461): thiếu trường name_vi" in message
    assert "thủ tục #9 (mã 1.004837): trường không xác định colour" in message
    assert "thủ tục #10 (mã 1.004845): bước 1: vai trò “boss” không hợp lệ" in message
    assert "thủ tục #11 (mã 1.001193): mã trùng với thủ tục #1" in message
    assert "#1 (" not in message.replace("thủ tục #1)", "")
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0 and ProcessStep.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_the_wrong_shape_or_not_json_is_refused(tmp_path):
    with pytest.raises(CommandError, match='"procedures"'):
        run(write(tmp_path, [{"code": "1.001193"}]))
    broken = tmp_path / "broken.json"
    broken.write_text('{"procedures": [', encoding="utf-8")
    with pytest.raises(CommandError, match="JSON không hợp lệ ở dòng 1"):
        run(str(broken))
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_scales_to_a_national_catalogue(tmp_path):
    # 2,000 procedures (the national catalogue has thousands) in well under the time a person waits.
    import time

    base = sample()["procedures"][0]
    many = []
    for i in range(2000):
        entry = copy.deepcopy(base)
        entry["code"] = f"1.{900000 + i:06d}"
        entry["name_vi"] = f"Thủ tục thử số {i}"
        many.append(entry)
    path = write(tmp_path, {"meta": {}, "procedures": many})
    started = time.monotonic()
    run(path)
    elapsed = time.monotonic() - started
    assert Procedure.objects.count() == 2000 and ProcessStep.objects.count() == 8000
    assert elapsed < 20, f"{elapsed:.1f}s"
    assert "0 tạo mới, 0 cập nhật, 2000 không đổi" in run(path)
