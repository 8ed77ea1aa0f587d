"""Kept uploads: the files of a filing form that failed on something else.

A browser never sends a file input's file again: when the online filing form comes back with an
error (a missing answer, a wrong ID number), every file the resident chose is gone, and on a cheap
phone over a slow network choosing and sending five photos again is where people give up. So each
file of a failed try that passed the upload check (``docstore.uploads.check_upload``) is kept on
the server as a ``PendingUpload``; the form shows "Đã đính kèm: <name> (giữ lại)" with a box to
remove it, and carries its token in a hidden field ``kept_<i>``. The next try uses the kept file
for paper ``i`` unless a new file is chosen for it or the box is ticked.

A token is only good for its owner (the signed-in resident, or the helper filing for one), for the
paper it was sent for, and for ``KEEP_FOR``. Kept files are deleted when the dossier is filed, when
removed, and, past ``KEEP_FOR``, by the next kept upload of anybody (``purge_expired``), so no
separate job is needed. They never enter the document store: filing stores them as it stores any
upload (``filing.file_online``).
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.docstore.uploads import check_upload
from motcua.residents.models import PendingUpload

KEEP_FOR = datetime.timedelta(hours=24)
_KEPT_FIELD = re.compile(r"^kept_(\d{1,2})$")


def owner_key(*, resident=None, helper=None) -> str:
    """Who a kept file belongs to: the helper filing for a resident, else the resident."""
    if helper is not None:
        return f"user:{helper.pk}"
    return f"resident:{resident.pk}"


def keep(upload, *, owner: str, position: int) -> PendingUpload | None:
    """Keep one file of a failed try, or None when it does not pass the upload check (its own
    error is then on the form). Drops older kept files of everybody past ``KEEP_FOR``."""
    try:
        checked = check_upload(upload)
    except ValidationError:
        return None
    purge_expired()
    pending = PendingUpload(
        token=secrets.token_urlsafe(32),
        owner=owner,
        position=position,
        original_name=checked.original_name,
        content_type=checked.content_type,
        extension=checked.extension,
        size_bytes=checked.size,
        created_at=timezone.now(),
    )
    pending.file.save("kept", ContentFile(checked.content), save=False)
    pending.save()
    return pending


def kept_for(data: Mapping[str, str], *, owner: str) -> dict[int, PendingUpload]:
    """The kept files a form's data names (``kept_<i>``), by paper: only the owner's, for the
    paper they were sent for, still fresh. A paper whose ``drop_<i>`` box is ticked gets none,
    and its file is deleted."""
    wanted = {}
    for name, value in data.items():
        match = _KEPT_FIELD.match(name)
        if match and isinstance(value, str) and 0 < len(value) <= 64:
            wanted[value] = int(match.group(1))
    if not wanted:
        return {}
    fresh_since = timezone.now() - KEEP_FOR
    found = PendingUpload.objects.filter(
        token__in=list(wanted), owner=owner, created_at__gte=fresh_since
    )
    kept, dropped = {}, []
    for pending in found:
        position = wanted[pending.token]
        if pending.position != position:
            continue
        if data.get(f"drop_{position}"):
            dropped.append(pending)
        else:
            kept[position] = pending
    discard(dropped)
    return kept


def as_upload(pending: PendingUpload) -> SimpleUploadedFile:
    """The kept file as the form's upload, under the name the resident gave it."""
    with pending.file.open("rb") as handle:
        content = handle.read()
    return SimpleUploadedFile(pending.original_name, content, pending.content_type)


def discard(pendings: Iterable[PendingUpload]) -> None:
    """Delete kept files (the rows now, the files once the transaction commits)."""
    pendings = [p for p in pendings if p.pk is not None]
    if not pendings:
        return
    names = [p.file.name for p in pendings]
    storage = pendings[0].file.storage
    PendingUpload.objects.filter(pk__in=[p.pk for p in pendings]).delete()

    def remove_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete every kept file older than ``KEEP_FOR``; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    expired = list(PendingUpload.objects.filter(created_at__lt=cutoff)[:500])
    discard(expired)
    return len(expired)
