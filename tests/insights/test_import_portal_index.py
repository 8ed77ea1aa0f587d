"""motcua import_portal_index: the portal's published Hà Nội figures, matched to the 126 communes
of province 01, stored once per commune and period, and refused whole when the file is wrong."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.insights.index.published import name_key
from motcua.insights.models import PublishedIndex
from motcua.units.models import Commune

SHIPPED = (
    Path(__file__).resolve().parents[2] / "motcua" / "data" / "hanoi_service_index_2026-10.json"
)
EXAMPLES = json.loads((Path(__file__).parent / "service_index_examples.json").read_text("utf-8"))


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_portal_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def shipped_data() -> dict:
    return json.loads(SHIPPED.read_text("utf-8"))


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def stored() -> list[tuple]:
    return list(
        PublishedIndex.objects.order_by("portal_code").values_list(
            "pk", "portal_code", "commune_id", "total", "inputs", "published", "captured_at"
        )
    )


def test_the_shipped_file_matches_all_126_hanoi_communes(real_units):
    out, err = run()

    rows = PublishedIndex.objects.select_related("commune__province")
    assert rows.count() == 126
    assert {row.commune.province.code for row in rows} == {"01"}
    assert len({row.commune_id for row in rows}) == 126
    hanoi = Commune.objects.current(date(2026, 10, 10)).filter(province__code="01")
    assert {row.commune_id for row in rows} == set(hanoi.values_list("pk", flat=True))
    assert "126 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert "Ghi chỉ số công bố" in err  # the progress bar


def test_a_stored_row_keeps_the_period_the_inputs_and_the_published_scores(real_units):
    run()

    ba_vi = PublishedIndex.objects.get(portal_code="H26.189")
    assert ba_vi.commune.name == "Xã Ba Vì"
    assert (ba_vi.period_kind, ba_vi.period_start) == ("year", date(2026, 1, 1))
    assert ba_vi.captured_at == datetime(2026, 10, 9, 22, 1, 12, tzinfo=UTC)
    assert ba_vi.inputs == EXAMPLES["E"]["inputs"]
    assert ba_vi.total == Decimal("69.43")
    assert ba_vi.published["groups"] == EXAMPLES["E"]["expected"]["groups"]
    assert ba_vi.published["portal_name"] == "UBND xã Ba Vì"
    assert ba_vi.published["portal_extra"]["online_dossiers_denominator_channelTotalSum"] > 0


def test_names_written_with_the_old_tone_placement_find_their_commune(real_units):
    run()

    yen_hoa = PublishedIndex.objects.get(published__portal_name="UBND phường Yên Hoà")
    assert yen_hoa.commune.name == "Phường Yên Hòa"
    assert name_key("Xã Ứng Hoà") == name_key("xã ứng hòa")
    assert name_key("Hòa") != name_key("Hóa")
    assert name_key("Hòa") != name_key("Hoa")


def test_a_second_run_changes_nothing(real_units):
    run()
    before = stored()

    out, _err = run(str(SHIPPED))

    assert stored() == before
    assert "0 tạo mới, 0 cập nhật, 126 không đổi" in out


def test_a_newer_capture_of_the_same_period_updates_the_rows(real_units, tmp_path):
    run()
    data = shipped_data()
    data["meta"]["snapshot"]["captured_at"] = "2026-10-10T22:00:00Z"
    data["communes"][0]["published"]["total"] = 52.5

    out, _err = run(write(tmp_path, data))

    assert "0 tạo mới, 126 cập nhật, 0 không đổi" in out
    assert PublishedIndex.objects.count() == 126
    assert PublishedIndex.objects.get(portal_code="H26.105").total == Decimal("52.50")


def test_a_broken_file_changes_nothing_and_names_the_rows(real_units, tmp_path):
    run()
    before = stored()
    data = shipped_data()
    data["communes"][0]["published"]["total"] = 12.34  # a good row that must not be written
    data["communes"][5]["inputs"]["commune"]["dossiers_on_time"] = 10**7
    data["communes"][7]["name"] = "UBND xã Không Có Thật"

    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, data))

    message = str(caught.value)
    assert "chưa có gì được ghi" in message
    assert "communes[5] (H26.110" in message
    assert "commune.dossiers_on_time" in message
    assert "communes[7] (H26.112, UBND xã Không Có Thật)" in message
    assert "motcua import_units" in message  # what to do about a name it cannot find
    assert stored() == before


def test_a_unit_listed_twice_is_refused(real_units, tmp_path):
    data = shipped_data()
    data["communes"].append(dict(data["communes"][3], code="H26.999"))

    with pytest.raises(CommandError, match=r"communes\[126\] \(H26\.999.*communes\[3\]"):
        run(write(tmp_path, data))
    assert PublishedIndex.objects.count() == 0


def test_a_file_that_is_not_json_is_refused(real_units, tmp_path):
    path = tmp_path / "portal.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="Không đọc được JSON"):
        run(str(path))


def test_without_the_units_it_says_to_import_them_first(db):
    with pytest.raises(CommandError, match="motcua import_units"):
        run()
    assert PublishedIndex.objects.count() == 0
