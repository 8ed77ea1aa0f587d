"""The national defaults: the categories of ``data/default_categories.json`` and the escalation
rules below. Migration 0002 installs them; ``install`` is idempotent, so the demo and tests that
start from a flushed database can put them back."""

import json
from pathlib import Path

CATEGORIES = Path(__file__).resolve().parent / "data" / "default_categories.json"
# (status, overdue by working hours, action): remind at once, raise to the leader after two
# working days, tell the province after five.
RULES = [
    ("received", 0, "remind"),
    ("in_progress", 0, "remind"),
    ("in_progress", 16, "raise_to_leader"),
    ("in_progress", 40, "notify_province"),
    ("awaiting_approval", 0, "raise_to_leader"),
]


def install(category_model=None, rule_model=None) -> None:
    """Create or refresh the national rows (the models may be a migration's historical ones)."""
    if category_model is None or rule_model is None:
        from motcua.petitions.models import Category, EscalationRule

        category_model, rule_model = Category, EscalationRule
    for row in json.loads(CATEGORIES.read_text(encoding="utf-8")):
        row = dict(row)
        code = row.pop("code")
        category_model.objects.update_or_create(province=None, code=code, defaults=row)
    for status, overdue_hours, action in RULES:
        rule_model.objects.get_or_create(
            province=None, status=status, overdue_hours=overdue_hours, action=action
        )
