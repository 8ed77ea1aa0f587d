"""Checking an uploaded file before it enters the document store.

A file is accepted for what it *is*, never for what it is called or what the browser says it is:
the name and the Content-Type header come from the sender and cost nothing to fake (a
"giay-to.pdf" holding a Windows program; phones that label every photo ``image/jpeg``). We look at
the bytes: the format's signature at the start and a light check of its structure, enough to refuse
programs, web pages, iPhone HEIC photos and half-uploaded files. It is not a full parse: the server
never renders a stored file, and serves it back only as a download with ``nosniff``.

Only PDF, JPEG and PNG are accepted: what scanners and phone cameras produce and what every
officer's computer opens.
"""

import hashlib
import os
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

# A dossier has a handful of components; twenty files is far above any real one and keeps a
# single submission from filling the disk.
MAX_FILES_PER_DOSSIER = 20

_CHUNK = 64 * 1024
# A PDF ends with %%EOF, but writers add line ends, whitespace or a few junk bytes after it; the
# common readers look for it in the last kilobyte, so do we.
_PDF_EOF_WINDOW = 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed ``check_upload``: what it is, by content, and its bytes."""

    original_name: str  # the sender's file name, for messages only: never part of a stored path
    content_type: str
    extension: str
    size: int
    sha256: str
    content: bytes = field(repr=False)

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


# --------------------------------------------------------------------------- structure checks


def _pdf_is_complete(content: bytes) -> bool:
    return b"%%EOF" in content[-_PDF_EOF_WINDOW:]


def _png_is_complete(content: bytes) -> bool:
    """Walk the chunks from IHDR to IEND. A cut-off upload runs out of bytes before IEND; bytes
    after IEND are tolerated (some tools append metadata there)."""
    if content[12:16] != b"IHDR" or len(content) < 33:
        return False
    width, height = struct.unpack(">II", content[16:24])
    if width == 0 or height == 0:
        return False
    offset = 8
    while offset + 12 <= len(content):
        (length,) = struct.unpack(">I", content[offset : offset + 4])
        kind = content[offset + 4 : offset + 8]
        offset += 12 + length  # length, type, data, CRC
        if offset > len(content):
            return False
        if kind == b"IEND":
            return True
    return False


def _jpeg_is_complete(content: bytes) -> bool:
    """Skip the header segments by their lengths up to the image data (SOS), then look for the
    end-of-image marker after it. Skipping by length matters: the EXIF header may hold a whole
    thumbnail JPEG with its own end marker. Data after the end marker is tolerated: Samsung and
    Google phones append motion-photo video and metadata there."""
    offset = 2
    while offset + 4 <= len(content):
        if content[offset] != 0xFF:
            return False
        marker = content[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        (length,) = struct.unpack(">H", content[offset + 2 : offset + 4])
        if length < 2:
            return False
        offset += 2 + length
        if marker == 0xDA:  # start of scan: the compressed image follows
            return offset <= len(content) and b"\xff\xd9" in content[offset:]
    return False


@dataclass(frozen=True)
class _Format:
    label: str
    content_type: str
    extension: str
    signature: bytes
    is_complete: Callable[[bytes], bool]


ACCEPTED_FORMATS = (
    _Format("PDF", "application/pdf", ".pdf", b"%PDF-", _pdf_is_complete),
    _Format("PNG", "image/png", ".png", _PNG_SIGNATURE, _png_is_complete),
    _Format("JPEG", "image/jpeg", ".jpg", b"\xff\xd8\xff", _jpeg_is_complete),
)


# --------------------------------------------------------------------------- checking


def check_upload(uploaded_file) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG by its content, or raise ValidationError saying what is wrong
    with which file and what to do. Files over ``settings.MOTCUA_UPLOAD_MAX_BYTES`` are refused
    without being read whole."""
    name = _display_name(uploaded_file)
    limit = settings.MOTCUA_UPLOAD_MAX_BYTES
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_big(name, limit)
    content = _read_at_most(uploaded_file, limit + 1)
    if len(content) > limit:  # the declared size was missing or wrong
        raise _too_big(name, limit)
    if not content:
        raise ValidationError(
            _("Tệp '%(name)s' trống (0 byte). Hãy chọn lại đúng tệp giấy tờ rồi tải lên.")
            % {"name": name},
            code="empty",
        )
    kind = next((f for f in ACCEPTED_FORMATS if content.startswith(f.signature)), None)
    if kind is None:
        raise ValidationError(
            _(
                "Tệp '%(name)s' không phải PDF, JPEG hoặc PNG (nội dung là %(found)s). "
                "Hãy chụp hoặc quét lại giấy tờ và tải lên tệp PDF, JPG hoặc PNG."
            )
            % {"name": name, "found": describe_content(content)},
            code="not_accepted",
        )
    if not kind.is_complete(content):
        raise ValidationError(
            _(
                "Tệp '%(name)s' là tệp %(kind)s nhưng bị hỏng hoặc chưa tải lên hết. "
                "Hãy mở thử tệp trên máy của bạn rồi tải lên lại."
            )
            % {"name": name, "kind": kind.label},
            code="damaged",
        )
    return CheckedUpload(
        original_name=name,
        content_type=kind.content_type,
        extension=kind.extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def check_uploads(files: Iterable) -> list[CheckedUpload]:
    """Check every file of one submission and report all problems at once (Decree 118 Art.
    16(3): say everything that is wrong in one go), refusing more than MAX_FILES_PER_DOSSIER."""
    files = list(files)
    if len(files) > MAX_FILES_PER_DOSSIER:
        raise ValidationError(
            _(
                "Mỗi hồ sơ được tải lên tối đa %(max)s tệp (đã chọn %(count)s tệp). "
                "Hãy gộp các trang của cùng một giấy tờ vào một tệp PDF."
            )
            % {"max": MAX_FILES_PER_DOSSIER, "count": len(files)},
            code="too_many",
        )
    checked, errors = [], []
    for f in files:
        try:
            checked.append(check_upload(f))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked


def describe_content(content: bytes) -> str:
    """What a refused file seems to hold, in words a resident understands."""
    head = content[:512]
    for test, words in _KNOWN_CONTENT:
        if test(head):
            return str(words())
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        lowered = text.lstrip().lower()
        if lowered.startswith(("<!doctype html", "<html")):
            return _("một trang web (HTML)")
        return _("văn bản thuần (text)")
    return _("một định dạng không nhận ra được")


_HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftypmif1")
_KNOWN_CONTENT = (
    (lambda h: h.startswith(b"MZ"), lambda: _("một chương trình chạy trên Windows (EXE)")),
    (lambda h: h.startswith(b"\x7fELF"), lambda: _("một chương trình máy tính")),
    (lambda h: h.startswith(b"PK\x03\x04"), lambda: _("tệp nén ZIP hoặc văn bản Word, Excel")),
    (lambda h: h.startswith(b"\xd0\xcf\x11\xe0"), lambda: _("văn bản Word, Excel đời cũ")),
    (lambda h: h.startswith(b"Rar!"), lambda: _("tệp nén RAR")),
    (lambda h: h.startswith(b"GIF8"), lambda: _("ảnh GIF")),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", lambda: _("ảnh WebP")),
    (lambda h: h[4:12] in _HEIF_BRANDS, lambda: _("ảnh HEIC của iPhone")),
    (lambda h: h[4:8] == b"ftyp", lambda: _("một video")),
)


# --------------------------------------------------------------------------- helpers


def _display_name(uploaded_file) -> str:
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or ""))
    name = "".join(ch for ch in name if ch.isprintable())
    return (name[:77] + "…") if len(name) > 80 else (name or _("(không tên)"))


def _read_at_most(uploaded_file, limit: int) -> bytes:
    """Read up to ``limit`` bytes and stop: an oversize file is never held whole in memory."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    parts, total = [], 0
    while total < limit:
        chunk = uploaded_file.read(min(_CHUNK, limit - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _too_big(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Tệp '%(name)s' lớn hơn %(limit)s, mức tối đa cho mỗi tệp. Hãy quét lại với độ phân "
            "giải thấp hơn (200 dpi là đủ đọc) hoặc chia giấy tờ thành nhiều tệp."
        )
        % {"name": name, "limit": size_label(limit)},
        code="too_big",
    )


def size_label(n: int) -> str:
    """``10485760`` → ``"10 MB"``; ``1536`` → ``"2 KB"``; ``50`` → ``"50 byte"``."""
    mb, kb = 1024 * 1024, 1024
    if n >= mb:
        return f"{n / mb:.1f}".removesuffix(".0").replace(".", ",") + " MB"
    if n >= kb:
        return f"{round(n / kb)} KB"
    return f"{n} byte"
