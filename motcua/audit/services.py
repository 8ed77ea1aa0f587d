"""Writing the audit trail: ``record_change`` for one change, ``record_changes`` for a bulk import.

The domain services call these inside their own transaction, after the change and with the state
before it, so a change and its row are committed together or not at all, and a call that fails
(bad input) leaves no row. A change that changes nothing (``before == after``) writes no row.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from motcua.audit.models import Action, AuditEntry, Kind

REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


def fingerprint(secret: str) -> str:
    """What the trail keeps of a secret (the kiosk key): enough to see that it changed, not the
    value."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` as stored (a foreign key by its id: ``center`` → ``center_id``)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[field.attname] = field.value_from_object(obj)
    return values


def stored_snapshot(model: type[models.Model], pk, fields: Iterable[str]) -> dict[str, Any] | None:
    """``snapshot`` of the row as the database has it, locked until the transaction ends (so two
    concurrent edits record one after the other, each with the right "before"); None if there is
    no such row (a creation)."""
    if pk is None:
        return None
    stored = model._default_manager.select_for_update().filter(pk=pk).first()
    return snapshot(stored, fields) if stored is not None else None


@dataclass(frozen=True)
class Scope:
    """The commune and province a changed object belongs to (none for national ones)."""

    commune_id: int | None = None
    province_id: int | None = None


NATIONAL = Scope()


def _check_actor(actor, source: str) -> None:
    if actor is None:
        if not source:
            raise ValueError("A change without an actor must name its system source.")
    elif getattr(actor, "pk", None) is None:
        raise ValueError(f"The actor must be a saved user, not {actor!r}.")


def _entry(
    *,
    kind: Kind,
    target: models.Model,
    action: Action,
    before: dict | None,
    after: dict | None,
    actor,
    scope: Scope,
    reason: str,
    source: str,
    at: datetime.datetime | None,
) -> AuditEntry:
    _check_actor(actor, source)
    if target.pk is None:
        raise ValueError(f"The changed object {target!r} has no primary key.")
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor,
        source=source,
        kind=kind,
        action=action,
        object_id=target.pk,
        object_repr=str(target)[:REPR_LENGTH],
        commune_id=scope.commune_id,
        province_id=scope.province_id,
        before=before,
        after=after,
        reason=(reason or "").strip(),
    )


def _action(before: dict | None, after: dict | None) -> Action:
    if before is None:
        return Action.CREATE
    return Action.DELETE if after is None else Action.CHANGE


def record_change(
    kind: Kind,
    target: models.Model,
    *,
    before: dict | None,
    after: dict | None,
    actor,
    scope: Scope = NATIONAL,
    reason: str = "",
    source: str = "",
    at: datetime.datetime | None = None,
) -> AuditEntry | None:
    """Write one row saying ``actor`` (a staff user, or None with a named ``source``) changed
    ``target`` from ``before`` to ``after``: ``before=None`` is a creation, ``after=None`` a
    deletion. Returns the row, or None when nothing changed.

    Call it inside the transaction that makes the change, before a deletion (``target`` still has
    its primary key) and after a creation.
    """
    if before == after:
        _check_actor(actor, source)
        return None
    entry = _entry(
        kind=kind,
        target=target,
        action=_action(before, after),
        before=before,
        after=after,
        actor=actor,
        scope=scope,
        reason=reason,
        source=source,
        at=at,
    )
    entry.save()
    return entry


@dataclass(frozen=True)
class Change:
    """One change of a bulk operation, for ``record_changes``."""

    target: models.Model
    before: dict | None
    after: dict | None
    scope: Scope = NATIONAL


def record_changes(
    kind: Kind,
    changes: Iterable[Change],
    *,
    actor,
    reason: str = "",
    source: str = "",
    at: datetime.datetime | None = None,
) -> int:
    """``record_change`` for many objects in one INSERT (imports, the defaults of new centres).
    Returns how many rows were written."""
    _check_actor(actor, source)
    at = at or timezone.now()
    entries = [
        _entry(
            kind=kind,
            target=change.target,
            action=_action(change.before, change.after),
            before=change.before,
            after=change.after,
            actor=actor,
            scope=change.scope,
            reason=reason,
            source=source,
            at=at,
        )
        for change in changes
        if change.before != change.after
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)
