from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from motcua import workdays
from motcua.catalog.models import HOURS_PER_WORKING_DAY, Field, Procedure, TimeUnit


def test_time_units_are_those_of_the_calendar():
    assert set(TimeUnit.values) == {unit.value for unit in workdays.TimeUnit}
    assert HOURS_PER_WORKING_DAY == workdays.HOURS_PER_WORKING_DAY


@pytest.mark.django_db
def test_saving_fills_the_folded_search_columns():
    field = Field.objects.create(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status")
    procedure = Procedure.objects.create(
        code="1.001193",
        name_vi="Thủ tục đăng ký khai sinh",
        name_en="Birth registration",
        field=field,
    )
    assert procedure.search_name == "thu tuc dang ky khai sinh"
    assert procedure.search_text.split("\n") == [
        "thu tuc dang ky khai sinh",
        "birth registration",
        "1.001193",
        "ho tich",
        "civil status",
    ]


@pytest.mark.django_db
def test_the_database_refuses_negative_times_and_unknown_units():
    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(code="1.000001", name_vi="x", processing_amount=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(code="1.000002", name_vi="x", processing_unit="week")


@pytest.mark.django_db
def test_the_search_index_exists_where_it_can_help():
    """PostgreSQL gets a pg_trgm GIN index for the LIKE '%…%' filters; SQLite has no such index
    type and migration 0003 leaves it alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_procedure_search_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        else:
            indexes = connection.introspection.get_constraints(cursor, "catalog_procedure")
            assert "catalog_procedure_search_trgm" not in indexes
