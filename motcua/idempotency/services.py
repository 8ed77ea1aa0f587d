"""Carry out a request once per caller and key, and give every retry the first answer.

``once`` inserts the (caller, key) row *before* doing the work, inside one transaction with it.
The unique constraint does the rest, on PostgreSQL and SQLite alike:
- a retry after the first request committed fails to insert and gets the stored answer;
- a copy racing the first waits on the insert (the database blocks it on the first's uncommitted
  row), then fails to insert once the first commits, and gets the same stored answer; if the
  first rolled back instead, the copy's insert goes through and it does the work itself;
- nothing is checked and then inserted, so no interleaving lets two requests both do the work.

Only answers that did something are remembered (2xx, and the 3xx a web form answers with): an
error leaves no row, so the same key can be sent again once the request is corrected.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.idempotency.models import KEY_MAX_LENGTH, IdempotentRequest

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
SWEEP_BATCH = 5000


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = ""
    replayed: bool = False  # True when this is the stored answer to an earlier request

    @property
    def remembered(self) -> bool:
        return 200 <= self.status < 400


class KeyReused(Exception):
    """The caller sent a key already used for a different request. Nothing was done."""

    code = "idempotency_key_reused"

    def __init__(self):
        self.message = _(
            "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Gửi lại đúng yêu cầu "
            "cũ để nhận lại kết quả cũ, hoặc dùng một khóa mới cho yêu cầu mới."
        )
        super().__init__(self.message)


def keep_for() -> timedelta:
    return timedelta(hours=settings.MOTCUA_IDEMPOTENCY_KEY_HOURS)


def clean_key(raw: str) -> str:
    """The key as sent, if it is 1–255 visible ASCII characters (a UUID is the usual choice);
    ValidationError otherwise. Surrounding double quotes (the structured-header spelling of the
    IETF draft) are dropped."""
    key = (raw or "").strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > KEY_MAX_LENGTH or not all("!" <= c <= "~" for c in key):
        raise ValidationError(
            {
                HEADER: [
                    _(
                        "Tiêu đề Idempotency-Key cần từ 1 đến %(max)s ký tự ASCII nhìn thấy được, "
                        "không có dấu cách; nên dùng một UUID mới cho mỗi yêu cầu."
                    )
                    % {"max": KEY_MAX_LENGTH}
                ]
            },
            code="idempotency_key",
        )
    return key


def fingerprint_of(*parts) -> str:
    """SHA-256 of the request's parts (route, body…), each JSON-serialisable; key order in
    dictionaries does not count, so the same body sent twice has the same fingerprint."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def once(
    *,
    caller: str,
    key: str,
    fingerprint: str,
    produce: Callable[[], Answer],
    at: datetime | None = None,
) -> Answer:
    """``produce()``'s answer the first time (caller, key) is seen; the stored first answer,
    with ``replayed`` set, every later time within ``keep_for()``. Raises KeyReused when the key
    was used for a request with another fingerprint. Exceptions from ``produce`` roll back its
    work and the key together, and propagate."""
    at = at or timezone.now()
    # Three tries: a stored answer may be swept between a failed insert and the read.
    for _attempt in range(3):
        with transaction.atomic():
            _forget_expired(caller, key, at)
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        caller=caller, key=key, fingerprint=fingerprint, created_at=at
                    )
            except IntegrityError:
                stored = IdempotentRequest.objects.filter(caller=caller, key=key).first()
                if stored is None:
                    continue
                if stored.fingerprint != fingerprint:
                    raise KeyReused() from None
                logger.info("idempotency: %s replays the answer to key %s", caller, key[:12])
                return Answer(stored.status, stored.body, stored.content_type, replayed=True)
            answer = produce()
            if not answer.remembered:
                transaction.set_rollback(True)  # nothing was done: the key stays unused
                return answer
            record.status, record.body = answer.status, answer.body
            record.content_type = answer.content_type
            record.save(update_fields=["status", "body", "content_type"])
            return replace(answer, replayed=False)
    raise RuntimeError("idempotency: the stored answer kept disappearing")  # pragma: no cover


def _forget_expired(caller: str, key: str, at: datetime) -> None:
    """A key older than ``keep_for()`` is free again, swept or not."""
    expired = IdempotentRequest.objects.filter(created_at__lte=at - keep_for())
    expired.filter(caller=caller, key=key).delete()


def sweep(at: datetime | None = None) -> int:
    """Delete the answers older than ``keep_for()``, a batch at a time; returns how many."""
    cutoff = (at or timezone.now()) - keep_for()
    deleted = 0
    while True:
        expired = IdempotentRequest.objects.filter(created_at__lte=cutoff)
        batch = list(expired.values_list("pk", flat=True)[:SWEEP_BATCH])
        if not batch:
            return deleted
        deleted += IdempotentRequest.objects.filter(pk__in=batch).delete()[0]
