import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from motcua.catalog.models import Field
from motcua.catalog.services import ensure_service_centers_serving_fields
from motcua.units import services
from motcua.units.models import Commune, Counter, FreeService, ServiceCenter


def test_one_center_per_hanoi_and_hue_commune_with_standard_counters(real_units):
    result = ensure_service_centers_serving_fields()
    assert (result["centers"].created, result["counters"].created) == (166, 664)
    assert ServiceCenter.objects.count() == 166
    assert ServiceCenter.objects.filter(commune__province__code="01").count() == 126
    assert ServiceCenter.objects.filter(commune__province__code="46").count() == 40
    assert not Commune.objects.filter(province__code__in=["01", "46"], centers__isnull=True)

    center = ServiceCenter.objects.get(commune__code="00070")
    assert center.name == "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"
    assert center.address.endswith("Thành phố Hà Nội")
    assert center.office_hours == "08:00-12:00,13:00-17:00"
    assert set(center.free_services) == set(FreeService.values)
    counters = list(center.counters.order_by("number").prefetch_related("fields"))
    assert [c.number for c in counters] == [1, 2, 3, 4]
    assert {f.name_vi for f in counters[0].fields.all()} == {"Hộ tịch", "Chứng thực"}
    assert {f.code for f in counters[1].fields.all()} == {"dang-ky-quan-ly-cu-tru"}
    assert counters[0].reserved_for_priority
    assert Field.objects.get(code="dat-dai").name_vi == "Đất đai"


def test_running_again_changes_nothing_and_keeps_staff_edits(real_units, editor):
    ensure_service_centers_serving_fields()
    center = ServiceCenter.objects.get(commune__code="00070")
    services.set_office_hours(center, "07:30-11:30,13:30-17:00", actor=editor)
    result = ensure_service_centers_serving_fields()
    assert (result["centers"].created, result["centers"].unchanged) == (0, 166)
    assert result["counters"].created == 0
    assert ServiceCenter.objects.count() == 166 and Counter.objects.count() == 664
    center.refresh_from_db()
    assert center.office_hours == "07:30-11:30,13:30-17:00"


def test_the_command_takes_provinces(real_units):
    out = io.StringIO()
    call_command("create_service_centers", "--province", "46", stdout=out, stderr=io.StringIO())
    assert "40 tạo mới" in out.getvalue()
    assert ServiceCenter.objects.count() == 40


@pytest.mark.django_db
def test_the_command_explains_what_to_run_first():
    with pytest.raises(CommandError, match="import_units"):
        call_command("create_service_centers", stdout=io.StringIO(), stderr=io.StringIO())


def test_bad_office_hours_are_refused_by_the_service(real_units, editor):
    ensure_service_centers_serving_fields(["46"])
    center = ServiceCenter.objects.filter(commune__province__code="46").first()
    with pytest.raises(ValidationError):
        services.set_office_hours(center, "17:00-08:00", actor=editor)
    center.refresh_from_db()
    assert center.office_hours == "08:00-12:00,13:00-17:00"


def test_a_branch_of_a_branch_is_refused(real_units, editor):
    commune = Commune.objects.get(code="00070")
    main = services.create_service_center(commune, actor=editor, name="Trung tâm chính")
    branch = services.create_service_center(
        commune, actor=editor, name="Điểm tiếp nhận số 1", parent=main
    )
    with pytest.raises(ValidationError, match="trung tâm chính"):
        services.create_service_center(commune, actor=editor, name="Điểm con", parent=branch)
    assert branch.parent == main
    assert list(main.branches.all()) == [branch]


def test_free_service_labels_translate_known_keys_and_keep_free_text(real_units):
    center = ServiceCenter(free_services=["wifi", "Nước uống miễn phí"])
    assert center.free_service_labels == ["Wi-Fi miễn phí", "Nước uống miễn phí"]
