"""Uploads are accepted for what they are, never for their name or the browser's word."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError

from motcua.docstore import services
from motcua.docstore.models import StoredDocument
from motcua.docstore.uploads import MAX_FILES_PER_DOSSIER, check_upload, check_uploads
from tests.docstore.conftest import JPEG, pdf_bytes, png_bytes, upload
from tests.world import GOOD_ID

pytestmark = pytest.mark.django_db


def refusal(file) -> str:
    with pytest.raises(ValidationError) as exc:
        check_upload(file)
    return " ".join(exc.value.messages)


def nothing_stored(settings) -> bool:
    root = settings.MEDIA_ROOT
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return not StoredDocument.objects.exists() and not files


@pytest.mark.parametrize(
    "name, content, content_type, extension",
    [
        ("giay-xac-nhan.pdf", pdf_bytes(), "application/pdf", ".pdf"),
        ("anh-chup.jpg", JPEG, "image/jpeg", ".jpg"),
        ("ban-quet.png", png_bytes(), "image/png", ".png"),
    ],
)
def test_real_pdf_jpeg_and_png_are_accepted(name, content, content_type, extension):
    checked = check_upload(upload(name, content, "application/octet-stream"))
    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.content == content and checked.original_name == name


def test_a_png_with_a_jpeg_name_and_header_is_taken_for_the_png_it_is():
    checked = check_upload(upload("anh.jpg", png_bytes(), "image/jpeg"))
    assert (checked.content_type, checked.extension) == ("image/png", ".png")


@pytest.mark.parametrize(
    "name, content, content_type, found",
    [
        ("giay-to.pdf", "Tôi xin cam đoan…\n".encode(), "application/pdf", "văn bản thuần"),
        ("giay-to.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(60), "application/pdf", "EXE"),
        ("anh.jpg", b"hello, this is not a photo\n", "image/jpeg", "văn bản thuần"),
        ("anh.jpg", b"\x00\x00\x00\x18ftypheic" + bytes(40), "image/jpeg", "HEIC"),
        ("don.pdf", b"PK\x03\x04" + bytes(40), "application/pdf", "ZIP"),
        ("trang.png", b"<!DOCTYPE html><html></html>", "image/png", "trang web"),
    ],
)
def test_a_file_that_lies_about_its_type_is_refused(settings, name, content, content_type, found):
    message = refusal(upload(name, content, content_type))
    assert f"Tệp '{name}' không phải PDF, JPEG hoặc PNG" in message
    assert found in message
    assert "Hãy chụp hoặc quét lại giấy tờ và tải lên tệp PDF, JPG hoặc PNG." in message
    assert nothing_stored(settings)


@pytest.mark.parametrize(
    "name, content",
    [
        ("cut.pdf", pdf_bytes()[: len(pdf_bytes()) // 2]),
        ("cut.png", png_bytes(40, 40)[:60]),
        ("no-iend.png", png_bytes()[:-12]),
        ("cut.jpg", JPEG[:-2]),
        ("header-only.jpg", JPEG[:20]),
    ],
)
def test_a_truncated_file_is_refused(settings, name, content):
    message = refusal(upload(name, content))
    assert f"Tệp '{name}'" in message and "bị hỏng hoặc chưa tải lên hết" in message
    assert nothing_stored(settings)


def test_a_jpeg_with_data_after_its_end_is_accepted():
    # Samsung and Google phones append motion-photo video and metadata after the image.
    assert check_upload(upload("motion.jpg", JPEG + b"SEFT" + bytes(100))).extension == ".jpg"


def test_an_empty_file_is_refused(settings):
    message = refusal(upload("rong.pdf", b""))
    assert "Tệp 'rong.pdf' trống" in message
    assert nothing_stored(settings)


def test_an_oversize_file_is_refused_with_the_limit(settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 100
    message = refusal(upload("to.pdf", pdf_bytes()))
    assert "Tệp 'to.pdf' lớn hơn 100 byte" in message
    assert nothing_stored(settings)


class NeverRead(io.BytesIO):
    """A file that says it is 11 MB and fails the test if anyone reads it."""

    name = "quet-300dpi.pdf"
    size = 11 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("an oversize file must be refused without reading it")


def test_the_default_limit_is_10_mb_and_a_big_file_is_not_read():
    message = refusal(NeverRead())
    assert "Tệp 'quet-300dpi.pdf' lớn hơn 10 MB" in message


class CountingFile(io.BytesIO):
    """A file with no declared size that counts what was read from it."""

    name = "khong-ro-co.pdf"

    def __init__(self, content):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_a_file_of_unknown_size_is_read_only_up_to_the_limit(settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1000
    big = CountingFile(b"%PDF-1.7\n" + bytes(50_000) + b"%%EOF")
    assert "lớn hơn 1000 byte" in refusal(big)
    assert big.bytes_read <= 1001


def test_refused_uploads_store_nothing(settings):
    with pytest.raises(ValidationError):
        services.store_upload(
            owner_id_number=GOOD_ID,
            checked=check_upload(upload("giay-to.pdf", b"just text")),
            type_code="GT.CN",
            name="Giấy tờ",
        )
    assert nothing_stored(settings)


def test_check_uploads_reports_every_bad_file_at_once():
    with pytest.raises(ValidationError) as exc:
        check_uploads([upload("a.pdf", b"text"), upload("b.png", b""), upload("c.jpg", JPEG)])
    messages = exc.value.messages
    assert len(messages) == 2 and "'a.pdf'" in messages[0] and "'b.png'" in messages[1]


def test_check_uploads_refuses_too_many_files():
    files = [upload(f"{i}.jpg", JPEG) for i in range(MAX_FILES_PER_DOSSIER + 1)]
    with pytest.raises(ValidationError) as exc:
        check_uploads(files)
    assert f"tối đa {MAX_FILES_PER_DOSSIER} tệp" in exc.value.messages[0]
    assert len(check_uploads(files[:MAX_FILES_PER_DOSSIER])) == MAX_FILES_PER_DOSSIER
