import io
import time

import pytest
from django.core.management import CommandError, call_command

from motcua.units.models import Commune, CommuneKind, Province, ProvinceKind

HEADER = "province_code,province_name,province_type,commune_code,commune_name,commune_type\n"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_units", *args, stdout=out, stderr=err)
    return out.getvalue()


def write(tmp_path, text, name="units.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_imports_the_shipped_file_and_a_second_run_changes_nothing():
    started = time.monotonic()
    first = run()  # no path: the copy shipped in motcua/data/
    elapsed = time.monotonic() - started

    assert Province.objects.count() == 34
    assert Province.objects.filter(kind=ProvinceKind.THANH_PHO).count() == 6
    assert Commune.objects.count() == 3321
    hanoi = Province.objects.get(code="01")
    assert hanoi.full_name == "Thành phố Hà Nội"
    assert hanoi.communes.count() == 126
    assert hanoi.communes.filter(kind=CommuneKind.PHUONG).count() == 51
    assert hanoi.communes.filter(kind=CommuneKind.XA).count() == 75
    hue = Province.objects.get(code="46")
    assert (hue.name, hue.communes.count()) == ("Huế", 40)
    assert Commune.objects.filter(kind=CommuneKind.DAC_KHU).count() == 13
    assert "34 tạo mới" in first and "3321 tạo mới" in first
    assert elapsed < 5, f"import took {elapsed:.1f}s"

    second = run("--bundled")
    assert Province.objects.count() == 34 and Commune.objects.count() == 3321
    assert "0 tạo mới, 0 cập nhật, 34 không đổi" in second
    assert "0 tạo mới, 0 cập nhật, 3321 không đổi" in second


@pytest.mark.django_db
def test_names_are_stored_composed_with_a_folded_copy_for_search():
    run()
    commune = Commune.objects.get(code="00070")
    assert (commune.name, commune.search_name) == ("Phường Hoàn Kiếm", "phuong hoan kiem")
    assert Commune.objects.get(code="00745").name == "Xã Phố Bảng"  # corrected upstream typo
    assert Commune.objects.filter(search_name__contains="hoa lac").exists()


@pytest.mark.django_db
def test_a_changed_name_is_updated_and_reported(tmp_path):
    run()
    Commune.objects.filter(code="00070").update(name="Phường Hoàn Kiếm cũ")
    out = run()
    assert "0 tạo mới, 1 cập nhật, 3320 không đổi" in out
    assert Commune.objects.get(code="00070").name == "Phường Hoàn Kiếm"


@pytest.mark.django_db
def test_a_bad_file_names_each_bad_line_and_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "01,Hà Nội,thành phố,00004,Phường Ba Đình,phường\n"  # line 2
        + "01,Hà Nội,thành phố,00008,Phường Ngọc Hà,phường\n"  # line 3
        + "01,Hà Nội,thành phố,00025,Phường Giảng Võ,phường\n"  # line 4
        + "01,Hà Nội,thành phố,0070,Phường Hoàn Kiếm,phường\n"  # line 5: 4-digit code
        + "01,Hà Nội,thành phố,00082,Phường Cửa Nam,quận\n"  # line 6: no such type
        + "1,Hà Nội,thành phố,00085,Xã Gia Lâm,xã\n"  # line 7: 1-digit province code
        + "01,Hà Nội,thành phố,00004,Phường Ba Đình,phường\n",  # line 8: duplicate code
    )
    with pytest.raises(CommandError) as caught:
        run(path)
    message = str(caught.value)
    assert "chưa có gì được ghi" in message
    assert "dòng 5: mã xã “0070” phải gồm đúng 5 chữ số" in message
    assert "dòng 6: loại xã “quận” không hợp lệ" in message
    assert "dòng 7: mã tỉnh “1”" in message
    assert "dòng 8: mã xã 00004 trùng với dòng 2" in message
    assert "dòng 2:" not in message and "dòng 3:" not in message
    assert Province.objects.count() == 0 and Commune.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_column_is_reported_on_the_header_line(tmp_path):
    path = write(
        tmp_path,
        "province_code,province_name,province_type,commune_code,commune_name\n"
        "01,Hà Nội,thành phố,00004,Phường Ba Đình\n",
    )
    with pytest.raises(CommandError, match=r"dòng 1: thiếu cột commune_type"):
        run(path)
    assert Province.objects.count() == 0


@pytest.mark.django_db
def test_province_must_keep_one_name_and_kind(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "01,Hà Nội,thành phố,00004,Phường Ba Đình,phường\n"
        + "01,Ha Noi,tỉnh,00008,Phường Ngọc Hà,phường\n",
    )
    with pytest.raises(CommandError, match=r"dòng 3: tỉnh mã 01 ở đây là “Ha Noi”.*dòng 2"):
        run(path)


@pytest.mark.django_db
def test_short_rows_and_type_prefix_mismatches_are_reported(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "01,Hà Nội,thành phố,00004\n"
        + "01,Hà Nội,thành phố,00008,Xã Ngọc Hà,phường\n"
        + "01,Hà Nội,thành phố,00009,Xã Văn Lang,xã\n"
        + "01,Hà Nội,thành phố,00010,Xã Văn Lăng,xã\n",  # differs only by accents: allowed
    )
    with pytest.raises(CommandError) as caught:
        run(path)
    message = str(caught.value)
    assert "dòng 2: có 4 giá trị nhưng tiêu đề có 6 cột" in message
    assert "dòng 3: tên “Xã Ngọc Hà” không bắt đầu bằng loại “phường”" in message
    assert "dòng 4" not in message and "dòng 5" not in message


@pytest.mark.django_db
def test_spellings_of_types_and_a_byte_order_mark_are_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        ("\ufeff" + HEADER + "46,Huế,Thành Phố,19753,Phường Phú Xuân,PHƯỜNG\n").encode("utf-8")
    )
    run(str(path))
    assert Commune.objects.get(code="19753").kind == CommuneKind.PHUONG
    assert Province.objects.get(code="46").kind == ProvinceKind.THANH_PHO


def test_path_and_bundled_together_is_refused():
    with pytest.raises(CommandError, match="--bundled"):
        call_command("import_units", "x.csv", "--bundled", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Không mở được tệp"):
        run(str(tmp_path / "nope.csv"))
