import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from motcua.units import services
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune, DayOverride, ServiceCenter

SAT_26_APRIL = datetime.date(2025, 4, 26)
FRI_2_MAY = datetime.date(2025, 5, 2)


def run(*args):
    out = io.StringIO()
    call_command("import_day_overrides", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_imports_the_shipped_swaps_and_a_second_run_changes_nothing():
    first = run()
    count = DayOverride.objects.count()
    assert count >= 4
    assert DayOverride.objects.get(date=SAT_26_APRIL).kind == "working_day"
    assert DayOverride.objects.get(date=FRI_2_MAY).kind == "day_off"
    assert f"{count} tạo mới" in first
    assert f"0 tạo mới, 0 cập nhật, {count} không đổi" in run()


@pytest.mark.django_db
def test_calendar_of_a_center_applies_the_swaps(real_units, real_day_overrides, editor):
    commune = Commune.objects.get(code="00070")
    center = services.create_service_center(
        commune, actor=editor, name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"
    )
    calendar = calendar_for_center(center)
    assert calendar.is_working_day(SAT_26_APRIL)  # a Saturday worked in exchange …
    assert not calendar.is_working_day(FRI_2_MAY)  # … for this Friday
    assert calendar.is_working_day(datetime.date(2025, 5, 5))  # an ordinary Monday
    assert not calendar.is_working_day(datetime.date(2025, 5, 3))  # an ordinary Saturday


@pytest.mark.django_db
def test_calendar_without_a_center_uses_default_hours_and_the_swaps(real_day_overrides):
    calendar = calendar_for_center(None)
    assert calendar.is_working_day(SAT_26_APRIL)
    assert not calendar.is_working_day(FRI_2_MAY)


@pytest.mark.django_db
def test_an_override_saved_by_staff_is_seen_at_once(editor):
    saturday = datetime.date(2027, 3, 6)
    assert not calendar_for_center(None).is_working_day(saturday)  # now cached
    services.set_day_override(
        saturday, "working_day", actor=editor, note="Làm bù", status="thông báo"
    )
    assert calendar_for_center(None).is_working_day(saturday)
    services.remove_day_override(saturday, actor=editor)
    assert not calendar_for_center(None).is_working_day(saturday)


@pytest.mark.django_db
def test_a_bad_file_names_the_line_and_writes_nothing(tmp_path):
    path = tmp_path / "swaps.csv"
    path.write_text(
        "date,kind,note,status\n"
        "2025-04-26,working_day,ok,official\n"
        "2025-04-28,working_day,a Monday,official\n"
        "2025-13-01,day_off,bad date,official\n"
        "2025-05-03,holiday,bad kind,official\n"
        "2025-04-26,working_day,again,official\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        run(str(path))
    message = str(caught.value)
    assert "dòng 3: 2025-04-28 là ngày thường" in message
    assert "dòng 4: ngày “2025-13-01” không đúng dạng YYYY-MM-DD" in message
    assert "dòng 5: loại “holiday” không hợp lệ" in message
    assert "dòng 6: ngày 2025-04-26 trùng với dòng 2" in message
    assert DayOverride.objects.count() == 0


@pytest.mark.django_db
def test_service_center_rejects_bad_office_hours(real_units, editor):
    commune = Commune.objects.get(code="00070")
    with pytest.raises(ValidationError) as caught:
        services.create_service_center(
            commune, actor=editor, name="X", office_hours="8h sáng đến 5h chiều"
        )
    assert "office_hours" in caught.value.message_dict
    assert not ServiceCenter.objects.exists()
