"""Property tests: at every entry point that takes an ID number or a phone number, any Unicode
text at all (of any size) gets an answer, never a server error; and a valid number however it is
written (full-width or superscript digits, spaces of any kind, dots, dashes, invisible marks) is
stored in its one normal form.

Each example runs inside a savepoint that is rolled back, so examples do not see each other's
dossiers, accounts or sign-in codes (and no rate limit builds up across them).
"""

from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.identity import validate_personal_id
from motcua.residents.phones import normalize_phone
from tests.identity.entry_points import ID_ENTRY_POINTS, PHONE_ENTRY_POINTS
from tests.identity.strategies import (
    ANY_FORM_TEXT,
    ANY_JSON_TEXT,
    ids_written_oddly,
    phones_written_oddly,
)

pytestmark = pytest.mark.django_db

ANY_TEXT_EXAMPLES = 100
VALID_EXAMPLES = 50
JSON_ENTRY_POINTS = {"staff API", "phone sign-in API"}
EXAMPLES = settings(
    max_examples=ANY_TEXT_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def report(test: str, entry: str, examples: int) -> None:
    """How many examples ran (shown with ``pytest -s``; the issue's note quotes it)."""
    print(f"\n{test} [{entry}]: {examples} examples")


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _normal_or_none(check, text):
    try:
        return check(text)
    except Exception:
        return None


def _any_text_for(entry: str):
    return ANY_JSON_TEXT if entry in JSON_ENTRY_POINTS else ANY_FORM_TEXT


@pytest.mark.parametrize("entry", ID_ENTRY_POINTS)
def test_any_text_as_an_id_number_never_gives_a_server_error(entries, entry):
    send = ID_ENTRY_POINTS[entry](entries)
    examples = []

    @EXAMPLES
    @given(text=_any_text_for(entry))
    def property_(text):
        examples.append(text)
        with rolled_back():
            sent = send(text)
            assert sent.status < 500
            # Whatever was accepted is stored in normal form, the one the validator gives.
            if sent.stored:
                assert sent.stored == _normal_or_none(validate_personal_id, text)

    property_()
    report("any text", entry, len(examples))


@pytest.mark.parametrize("entry", ID_ENTRY_POINTS)
def test_a_valid_id_number_written_oddly_is_stored_in_normal_form(entries, entry):
    send = ID_ENTRY_POINTS[entry](entries)
    examples = []

    @settings(EXAMPLES, max_examples=VALID_EXAMPLES)
    @given(pair=ids_written_oddly())
    def property_(pair):
        examples.append(pair)
        number, written = pair
        with rolled_back():
            sent = send(written)
            assert sent.status in (200, 201, 302), sent.response.content[:500]
            assert sent.stored == number

    property_()
    report("valid, written oddly", entry, len(examples))


@pytest.mark.parametrize("entry", PHONE_ENTRY_POINTS)
def test_any_text_as_a_phone_never_gives_a_server_error(entries, entry):
    send = PHONE_ENTRY_POINTS[entry](entries)
    examples = []

    @EXAMPLES
    @given(text=_any_text_for(entry))
    def property_(text):
        examples.append(text)
        with rolled_back():
            sent = send(text)
            assert sent.status < 500
            if sent.stored:
                assert sent.stored == _normal_or_none(normalize_phone, text)

    property_()
    report("any text", entry, len(examples))


@pytest.mark.parametrize("entry", PHONE_ENTRY_POINTS)
def test_a_mobile_number_written_oddly_is_stored_in_normal_form(entries, entry):
    send = PHONE_ENTRY_POINTS[entry](entries)
    examples = []

    @settings(EXAMPLES, max_examples=VALID_EXAMPLES)
    @given(pair=phones_written_oddly())
    def property_(pair):
        examples.append(pair)
        number, written = pair
        with rolled_back():
            sent = send(written)
            assert sent.status in (202, 302), sent.response.content[:500]
            assert sent.stored == number

    property_()
    report("valid, written oddly", entry, len(examples))


def test_the_intake_look_up_answers_any_text(entries):
    examples = []

    @EXAMPLES
    @given(text=ANY_FORM_TEXT)
    def property_(text):
        examples.append(text)
        # A NUL character is refused at the door for every request (security.middleware).
        assert entries.intake_lookup(text).status == (400 if "\x00" in text else 200)

    property_()
    report("any text", "intake look-up", len(examples))


@given(text=st.text(st.characters(exclude_categories=()), max_size=200))
def test_the_normalisers_only_ever_raise_a_validation_error(text):
    from django.core.exceptions import ValidationError

    from motcua.identity import normalize_id_number, validate_enterprise_code

    for check in (validate_personal_id, validate_enterprise_code, normalize_phone):
        try:
            normal = check(text)
        except ValidationError as exc:
            assert exc.messages and all(exc.messages)
        else:
            assert normal.isascii() and check(normal) == normal  # idempotent
    try:
        digits = normalize_id_number(text)
    except ValidationError:
        pass
    else:
        assert digits.isascii() and digits.isdigit()
