"""Issue 14, finding 3, through the services: an officer sees a citizen's store only under the
citizen's consent for one intake, proven by a one-time code (ADR 0024). Each refusal is tried."""

import uuid
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.docstore import consent
from motcua.docstore.models import AccessEvent, ReuseGrant, StoreAccess
from motcua.notify.models import Message
from motcua.residents import consent as resident_consent
from motcua.residents.models import Resident
from tests.docstore.conftest import OTHER_ID, store
from tests.world import GOOD_ID, vn

pytestmark = pytest.mark.django_db

T0 = vn(2025, 7, 7, 9)
INTAKE = uuid.UUID("6f1c1f0e-4b7e-4c55-9d3e-0c5d2a7b9a10")
ANOTHER_INTAKE = uuid.UUID("0b8a4c53-2a4e-4d0e-8d6e-6c7f1d2e3a4b")


@pytest.fixture
def citizen(db):
    """A citizen with a verified account and a phone, and two papers in their store."""
    store(name="Giấy tờ chứng minh nhân thân")
    store(type_code="KQ.1.001193", name="Giấy khai sinh bản chính số 5/2020")
    return Resident.objects.create(
        phone="0987654321", full_name="Lê Văn Hùng", verified_id_number=GOOD_ID, verified_by="vneid"
    )


def sms_code(world, citizen, *, officer=None, intake=INTAKE, at=T0) -> str:
    """Ask for a code as the officer would, and read it from the SMS the citizen received."""
    resident_consent.send_reuse_code(
        owner=GOOD_ID, officer=officer or world.reception, intake=intake, at=at
    )
    message = Message.objects.filter(recipient=citizen.phone).latest("id")
    return next(word for word in message.body.split() if word.isdigit() and len(word) == 6)


def refused(reason: str, **kwargs) -> consent.ConsentRefused:
    with pytest.raises(consent.ConsentRefused) as exc:
        consent.redeem(**kwargs)
    assert exc.value.code == reason, exc.value.message
    return exc.value


def sees(world, *, officer=None, intake=INTAKE, at=T0):
    return consent.look_up(owner=GOOD_ID, officer=officer or world.reception, intake=intake, at=at)


# --------------------------------------------------------------------------- happy paths


def test_without_consent_the_officer_learns_only_that_there_are_papers(world, citizen):
    view = sees(world)
    assert view.grant is None and view.documents == [] and view.has_papers
    entry = StoreAccess.objects.get()
    assert (entry.event, entry.detail) == (AccessEvent.NO_CONSENT, "has_papers")
    assert (entry.officer, entry.commune) == (world.reception, world.a)
    assert entry.owner_masked == "*********345"


def test_the_sms_code_read_out_grants_this_officer_this_intake(world, citizen):
    code = sms_code(world, citizen)
    message = Message.objects.get()
    assert message.channel == "sms" and message.recipient == "0987654321"
    assert message.redact_after_send and world.a.name in message.body
    grant = consent.redeem(
        owner=GOOD_ID,
        code=code,
        officer=world.reception,
        intake=INTAKE,
        at=T0 + timedelta(minutes=2),
    )
    assert (grant.officer, grant.commune, grant.intake) == (world.reception, world.a, INTAKE)
    assert grant.expires_at == T0 + timedelta(minutes=2) + consent.GRANT_LIFETIME
    view = sees(world, at=T0 + timedelta(minutes=3))
    assert view.grant == grant
    assert {d.name for d in view.documents} == {
        "Giấy tờ chứng minh nhân thân",
        "Giấy khai sinh bản chính số 5/2020",
    }
    events = list(StoreAccess.objects.order_by("id").values_list("event", flat=True))
    assert events == [AccessEvent.CODE_SENT, AccessEvent.GRANTED, AccessEvent.LOOKED_UP]


def test_a_code_the_citizen_made_on_the_portal_binds_to_the_first_officer_who_enters_it(
    world, citizen
):
    grant, code = resident_consent.make_share_code(citizen, at=T0)
    assert grant.officer is None
    colleague = world.officers_b["reception"]
    won = consent.redeem(owner=GOOD_ID, code=code, officer=colleague, intake=INTAKE, at=T0)
    assert (won.pk, won.officer, won.commune) == (grant.pk, colleague, world.b)
    assert sees(world, officer=colleague).documents
    # Replayed by another officer, or by the same one at another intake: refused.
    refused("used", owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    refused("used", owner=GOOD_ID, code=code, officer=colleague, intake=ANOTHER_INTAKE, at=T0)
    assert sees(world).documents == []


def test_a_new_share_code_replaces_the_old_one(world, citizen):
    old_grant, old = resident_consent.make_share_code(citizen, at=T0)
    _grant, new = resident_consent.make_share_code(citizen, at=T0 + timedelta(minutes=1))
    old_grant.refresh_from_db()
    assert old_grant.voided_at == T0 + timedelta(minutes=1)
    if old != new:  # one chance in a million that the two codes are the same
        refused("void", owner=GOOD_ID, code=old, officer=world.reception, intake=INTAKE, at=T0)
    assert consent.redeem(owner=GOOD_ID, code=new, officer=world.reception, intake=INTAKE, at=T0)


def test_an_unverified_account_cannot_make_a_share_code(world):
    phone_only = Resident.objects.create(phone="0912345678")
    with pytest.raises(ValueError):
        resident_consent.make_share_code(phone_only)
    assert not ReuseGrant.objects.exists()


# --------------------------------------------------------------------------- refusals


def test_no_code_at_all(world, citizen):
    error = refused("no_code", owner=GOOD_ID, code="123456", officer=world.reception, intake=INTAKE)
    assert "Gửi mã cho công dân" in error.message
    assert StoreAccess.objects.get().event == AccessEvent.CODE_REFUSED


def test_a_wrong_code_counts_a_try_and_says_how_many_are_left(world, citizen):
    code = sms_code(world, citizen)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    error = refused(
        "wrong", owner=GOOD_ID, code=wrong, officer=world.reception, intake=INTAKE, at=T0
    )
    assert "còn 4 lần thử" in error.message
    assert ReuseGrant.objects.get().attempts == 1
    assert sees(world).documents == []


def test_an_expired_code(world, citizen):
    code = sms_code(world, citizen)
    later = T0 + consent.CODE_LIFETIME + timedelta(seconds=1)
    refused("expired", owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=later)
    assert sees(world, at=later).documents == []


def test_a_replayed_code(world, citizen):
    code = sms_code(world, citizen)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    refused("used", owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    refused("used", owner=GOOD_ID, code=code, officer=world.reception, intake=ANOTHER_INTAKE, at=T0)


def test_a_code_sent_for_another_officer(world, citizen):
    code = sms_code(world, citizen, officer=world.reception)
    colleague = world.officers_a["specialist"]  # same commune, another person
    refused("elsewhere", owner=GOOD_ID, code=code, officer=colleague, intake=INTAKE, at=T0)
    assert sees(world, officer=colleague).documents == []
    assert ReuseGrant.objects.get().granted_at is None  # still the first officer's to use


def test_a_code_sent_for_another_intake(world, citizen):
    code = sms_code(world, citizen, intake=INTAKE)
    refused(
        "elsewhere", owner=GOOD_ID, code=code, officer=world.reception, intake=ANOTHER_INTAKE, at=T0
    )
    assert sees(world, intake=ANOTHER_INTAKE).documents == []


def test_a_code_sent_from_another_commune(world, citizen):
    code = sms_code(world, citizen)
    officer = world.reception
    officer.commune = world.b  # moved to another commune between sending and entering
    officer.save()
    refused("elsewhere", owner=GOOD_ID, code=code, officer=officer, intake=INTAKE, at=T0)


def test_a_grant_from_another_commune_is_not_used_after_a_move(world, citizen):
    code = sms_code(world, citizen)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    officer = world.reception
    officer.commune = world.b
    officer.save()
    assert sees(world, officer=officer).documents == []


def test_a_code_for_another_id_number(world, citizen):
    store(OTHER_ID, name="Giấy tờ của người khác")
    code = sms_code(world, citizen)
    refused("no_code", owner=OTHER_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    assert consent.look_up(owner=OTHER_ID, officer=world.reception, intake=INTAKE).documents == []


def test_brute_force_voids_the_code_after_five_tries(world, citizen):
    code = sms_code(world, citizen)
    guesses = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, consent.MAX_ATTEMPTS + 1)]
    for guess in guesses[:-1]:
        refused("wrong", owner=GOOD_ID, code=guess, officer=world.reception, intake=INTAKE, at=T0)
    refused(
        "locked", owner=GOOD_ID, code=guesses[-1], officer=world.reception, intake=INTAKE, at=T0
    )
    grant = ReuseGrant.objects.get()
    assert grant.voided_at == T0 and grant.attempts == consent.MAX_ATTEMPTS
    # The right code is worthless now.
    refused("void", owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    assert sees(world).documents == []
    assert StoreAccess.objects.filter(event=AccessEvent.VOIDED).count() == 1


def test_guesses_count_on_the_citizens_share_code_too(world, citizen):
    """Any officer may enter a share code, so any officer's wrong guesses count against it."""
    _grant, code = resident_consent.make_share_code(citizen, at=T0)
    stranger = world.officers_b["reception"]
    for n in range(1, consent.MAX_ATTEMPTS + 1):
        guess = f"{(int(code) + n) % 10**6:06d}"
        with pytest.raises(consent.ConsentRefused):
            consent.redeem(owner=GOOD_ID, code=guess, officer=stranger, intake=INTAKE, at=T0)
    refused("void", owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)


def test_a_grant_used_after_its_lifetime(world, citizen):
    code = sms_code(world, citizen)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    assert sees(world, at=T0 + consent.GRANT_LIFETIME - timedelta(seconds=1)).documents
    after = T0 + consent.GRANT_LIFETIME
    view = sees(world, at=after)
    assert view.grant is None and view.documents == [] and view.has_papers
    with pytest.raises(consent.ConsentRefused) as exc:
        consent.require_grant(owner=GOOD_ID, officer=world.reception, intake=INTAKE, at=after)
    assert exc.value.code == "no_grant"


def test_a_grant_ends_with_its_intake(world, citizen):
    code = sms_code(world, citizen)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    assert consent.close_intake(officer=world.reception, intake=INTAKE, at=T0) == 1
    assert sees(world, at=T0 + timedelta(seconds=1)).documents == []
    assert StoreAccess.objects.filter(event=AccessEvent.CLOSED).count() == 1


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "x" * 10_000, "\x00" * 6, "12 34 5"]
)
def test_a_malformed_code_is_named_and_not_counted(world, citizen, typed):
    sms_code(world, citizen)
    refused("malformed", owner=GOOD_ID, code=typed, officer=world.reception, intake=INTAKE, at=T0)
    assert ReuseGrant.objects.get().attempts == 0


def test_a_code_read_out_in_groups_or_typed_in_full_width_digits_works(world, citizen):
    code = sms_code(world, citizen)
    full_width = "".join(chr(ord("０") + int(d)) for d in code)
    typed = f"{full_width[:3]} {full_width[3:]}"
    assert consent.redeem(owner=GOOD_ID, code=typed, officer=world.reception, intake=INTAKE, at=T0)


# --------------------------------------------------------------------------- sending codes


def test_no_code_without_a_verified_phone(world):
    store(OTHER_ID, name="Giấy tờ")
    Resident.objects.create(phone="0912345678")  # phone only: proves nothing about OTHER_ID
    with pytest.raises(consent.ConsentRefused) as exc:
        resident_consent.send_reuse_code(
            owner=OTHER_ID, officer=world.reception, intake=INTAKE, at=T0
        )
    assert exc.value.code == "no_phone"
    assert not Message.objects.exists() and not ReuseGrant.objects.exists()
    entry = StoreAccess.objects.get()
    assert (entry.event, entry.detail) == (AccessEvent.CODE_NOT_SENT, "no_phone")


def test_codes_by_sms_are_limited_per_citizen(world, citizen):
    sms_code(world, citizen, at=T0)
    with pytest.raises(consent.ConsentRefused) as exc:
        sms_code(world, citizen, at=T0 + timedelta(seconds=30))
    assert exc.value.code == "wait"
    sms_code(world, citizen, at=T0 + timedelta(minutes=2))
    sms_code(world, citizen, at=T0 + timedelta(minutes=4))
    with pytest.raises(consent.ConsentRefused) as exc:
        sms_code(world, citizen, at=T0 + timedelta(minutes=6))
    assert exc.value.code == "too_many"
    assert Message.objects.count() == consent.SMS_PER_OWNER
    refusals = StoreAccess.objects.filter(event=AccessEvent.CODE_NOT_SENT)
    assert sorted(refusals.values_list("detail", flat=True)) == ["too_many", "wait"]


def test_a_new_sms_code_replaces_the_earlier_one_of_the_intake(world, citizen):
    first = sms_code(world, citizen, at=T0)
    second = sms_code(world, citizen, at=T0 + timedelta(minutes=2))
    later = T0 + timedelta(minutes=3)
    assert ReuseGrant.objects.filter(voided_at__isnull=False).count() == 1
    if first != second:  # one chance in a million that the two codes are the same
        refused("void", owner=GOOD_ID, code=first, officer=world.reception, intake=INTAKE, at=later)
    assert consent.redeem(
        owner=GOOD_ID, code=second, officer=world.reception, intake=INTAKE, at=later
    )


def test_an_officer_has_an_hourly_budget_of_codes(world, settings):
    from datetime import datetime

    from motcua.identity import validate_personal_id

    numbers = []
    for n in range(consent.SMS_PER_OFFICER_PER_HOUR + 1):
        candidate = f"001085{n:06d}"
        try:
            numbers.append(validate_personal_id(candidate))
        except Exception:
            continue
    assert len(numbers) > consent.SMS_PER_OFFICER_PER_HOUR
    for n, number in enumerate(numbers):
        Resident.objects.create(phone=f"09{n:08d}", verified_id_number=number)
    at: datetime = T0
    for number in numbers[: consent.SMS_PER_OFFICER_PER_HOUR]:
        resident_consent.send_reuse_code(
            owner=number, officer=world.reception, intake=INTAKE, at=at
        )
    with pytest.raises(consent.ConsentRefused) as exc:
        resident_consent.send_reuse_code(
            owner=numbers[consent.SMS_PER_OFFICER_PER_HOUR],
            officer=world.reception,
            intake=INTAKE,
            at=at,
        )
    assert exc.value.code == "officer_budget"


# --------------------------------------------------------------------------- the trail


def test_no_id_number_is_kept_in_clear_in_the_consent_tables(world, citizen):
    code = sms_code(world, citizen)
    consent.redeem(owner=GOOD_ID, code=code, officer=world.reception, intake=INTAKE, at=T0)
    sees(world)
    for model in (ReuseGrant, StoreAccess):
        for row in model.objects.values():
            flat = " ".join(str(v) for v in row.values())
            assert GOOD_ID not in flat and code not in flat


def test_the_trail_of_one_number_is_found_by_the_number(world, citizen):
    store(OTHER_ID, name="Giấy tờ")
    sees(world)
    consent.look_up(owner=OTHER_ID, officer=world.reception, intake=INTAKE)
    assert [a.owner_masked for a in consent.accesses_of(GOOD_ID)] == ["*********345"]
    assert consent.accesses_in(world.a).count() == 2
    assert consent.accesses_in(world.b).count() == 0


def test_the_trail_survives_a_rotation_of_the_secret_key(world, citizen, settings):
    sees(world)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-after-rotation"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert consent.accesses_of(GOOD_ID).count() == 1


@given(st.text(max_size=64))
def test_any_typed_code_is_six_ascii_digits_or_a_named_refusal(typed):
    try:
        code = consent.clean_code(typed)
    except consent.ConsentRefused as exc:
        assert exc.code == "malformed" and "6 chữ số" in exc.message
    else:
        assert len(code) == 6 and code.isascii() and code.isdigit()
