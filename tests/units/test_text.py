import pytest

from motcua.text import fold, nfc, search_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký KẾT HÔN", "dang ky ket hon"),
        ("  Chứng   thực\tbản sao ", "chung thuc ban sao"),
        ("Phường Hoàn Kiếm", "phuong hoan kiem"),
        ("đặc khu Phú Quốc", "dac khu phu quoc"),
        ("Thủ tục đăng ký khai sinh", "thu tuc dang ky khai sinh"),
        ("", ""),
    ],
)
def test_fold_removes_accents_maps_d_and_lowercases(text, folded):
    assert fold(text) == folded


def test_both_tone_mark_placements_fold_alike():
    # "Hòa" (modern) and "Hoà" (old style) are the same name; likewise "Thủy" / "Thuỷ".
    assert fold("Xã Hòa Lạc") == fold("Xã Hoà Lạc") == "xa hoa lac"
    assert fold("Thủy") == fold("Thuỷ")


def test_decomposed_input_folds_like_composed():
    decomposed = "Đa\u0300 Na\u0306\u0303ng"  # combining marks typed separately
    assert fold(decomposed) == fold("Đà Nẵng") == "da nang"


def test_nfc_composes_and_collapses_spaces():
    assert nfc("Hoa\u0300n  Kie\u0302\u0301m ") == "Hoàn Kiếm"


def test_search_key_drops_punctuation_and_apostrophes_but_keeps_codes():
    assert search_key("Đăng ký nhận cha, mẹ, con") == "dang ky nhan cha me con"
    assert search_key("Xã Cư M’gar") == search_key("Xã Cư M'gar") == "xa cu mgar"
    assert search_key("Mã 1.001193.") == "ma 1.001193"
    assert search_key("(Chủ tịch UBND xã)") == "chu tich ubnd xa"
