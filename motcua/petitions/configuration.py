"""Changes to the reports' configuration that alter legal outcomes: a category's answering time
and the office it goes to, and the escalation rules. The admin's saves and deletes call these;
each writes the change and its audit row (``motcua.audit``) in one transaction, with the staff
member as actor."""

from django.db import transaction

from motcua.audit.models import Kind
from motcua.audit.services import NATIONAL, Scope, record_change, snapshot, stored_snapshot
from motcua.petitions.models import Category, EscalationRule

CATEGORY_FIELDS = (
    "province",
    "code",
    "name",
    "subject",
    "department_kind",
    "response_days",
    "attributes",
    "is_active",
)
RULE_FIELDS = ("province", "status", "overdue_hours", "action", "is_active")


def _scope(obj) -> Scope:
    return Scope(province_id=obj.province_id) if obj.province_id else NATIONAL


def _save(kind, model, fields, obj, *, actor, reason):
    with transaction.atomic():
        before = stored_snapshot(model, obj.pk, fields)
        obj.full_clean()
        obj.save()
        record_change(
            kind,
            obj,
            before=before,
            after=snapshot(obj, fields),
            actor=actor,
            scope=_scope(obj),
            reason=reason,
            source="admin",
        )
    return obj


def _delete(kind, model, fields, obj, *, actor, reason=""):
    with transaction.atomic():
        before = stored_snapshot(model, obj.pk, fields)
        record_change(
            kind, obj, before=before, after=None, actor=actor, scope=_scope(obj), reason=reason
        )
        obj.delete()


def save_category(category: Category, *, actor, reason: str = "") -> Category:
    return _save(
        Kind.PETITION_CATEGORY, Category, CATEGORY_FIELDS, category, actor=actor, reason=reason
    )


def delete_category(category: Category, *, actor, reason: str = "") -> None:
    _delete(Kind.PETITION_CATEGORY, Category, CATEGORY_FIELDS, category, actor=actor, reason=reason)


def save_escalation_rule(rule: EscalationRule, *, actor, reason: str = "") -> EscalationRule:
    return _save(
        Kind.ESCALATION_RULE, EscalationRule, RULE_FIELDS, rule, actor=actor, reason=reason
    )


def delete_escalation_rule(rule: EscalationRule, *, actor, reason: str = "") -> None:
    _delete(Kind.ESCALATION_RULE, EscalationRule, RULE_FIELDS, rule, actor=actor, reason=reason)
