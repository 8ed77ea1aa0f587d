"""Open311 API keys: made by ``motcua create_open311_key``, stored as a SHA-256 only, revoked in
the admin. ``verify`` is what the Open311 POST asks; it never says why a key failed (unknown and
revoked look the same to a caller)."""

import hashlib
import hmac
import secrets

from django.utils import timezone

from motcua.petitions.models import Open311Key

PREFIX = "o311_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def create_key(name: str) -> tuple[Open311Key, str]:
    """A new key for the client ``name``: the row and the raw key (shown once, never stored)."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValueError("An Open311 key needs the name of the application it is for.")
    raw = PREFIX + secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, key_hash=_hash(raw), prefix=raw[:10])
    return key, raw


def verify(raw: object) -> Open311Key | None:
    """The active key ``raw`` stands for, or None; records when it was last used."""
    if not isinstance(raw, str) or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    digest = _hash(raw)
    key = Open311Key.objects.filter(key_hash=digest, revoked=False).first()
    if key is None or not hmac.compare_digest(key.key_hash, digest):
        return None
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def revoke(key: Open311Key) -> None:
    Open311Key.objects.filter(pk=key.pk).update(revoked=True)
