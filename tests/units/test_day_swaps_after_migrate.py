"""The official day swaps are in force as soon as the database is migrated (units 0003), without
anybody running ``motcua import_day_overrides``."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection

from motcua.audit.models import AuditEntry
from motcua.units import services
from motcua.units.calendars import calendar_for_center, invalidate_overrides
from motcua.units.models import DayOverride
from motcua.workdays.deadlines import due_at
from tests.conftest import MIGRATED_DAY_OVERRIDES

SAT_22_AUG_2026 = datetime.date(2026, 8, 22)  # worked in exchange for Monday 31 August
MON_31_AUG_2026 = datetime.date(2026, 8, 31)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

migration = importlib.import_module("motcua.units.migrations.0003_load_official_day_swaps")


class _Editor:
    connection = connection


def migrate_swaps():
    migration.load_swaps(apps, _Editor())
    invalidate_overrides()


@pytest.mark.django_db
def test_the_migrated_database_holds_the_shipped_swaps():
    assert MIGRATED_DAY_OVERRIDES[SAT_22_AUG_2026] == "working_day"
    assert MIGRATED_DAY_OVERRIDES[MON_31_AUG_2026] == "day_off"


@pytest.mark.django_db
def test_the_deadline_counts_saturday_22_august_2026_after_migrate():
    received = datetime.datetime(2026, 8, 21, 16, 0, tzinfo=HANOI)  # a Friday, an hour to close
    before = due_at(received, 1, "working_day", calendar_for_center(None))
    assert before.date() == datetime.date(2026, 8, 24)  # no swap: the next Monday

    migrate_swaps()

    calendar = calendar_for_center(None)
    assert calendar.is_working_day(SAT_22_AUG_2026)
    assert not calendar.is_working_day(MON_31_AUG_2026)
    due = due_at(received, 1, "working_day", calendar)
    assert due == datetime.datetime(2026, 8, 22, 16, 0, tzinfo=HANOI)


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_keeps_what_staff_edited(editor):
    migrate_swaps()
    services.set_day_override(
        SAT_22_AUG_2026, "working_day", actor=editor, note="Sửa theo công văn của tỉnh"
    )
    count, audit = DayOverride.objects.count(), AuditEntry.objects.count()

    migrate_swaps()

    assert DayOverride.objects.count() == count and AuditEntry.objects.count() == audit
    assert DayOverride.objects.get(date=SAT_22_AUG_2026).note == "Sửa theo công văn của tỉnh"


@pytest.mark.django_db
def test_each_loaded_swap_has_its_audit_entry():
    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    migrate_swaps()
    entries = AuditEntry.objects.filter(pk__gt=start)
    assert entries.count() == DayOverride.objects.count() >= 6
    assert {e.source for e in entries} == {migration.SOURCE}
    assert {e.object_id for e in entries} == set(DayOverride.objects.values_list("pk", flat=True))
