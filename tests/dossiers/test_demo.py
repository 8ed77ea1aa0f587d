"""The demo data: real units, demo officers and a replayed history with every kind of outcome."""

import pytest
from django.core.management import call_command

from motcua.accounts.models import Role, User
from motcua.dossiers.demo_data import DEMO_COMMUNES, ensure_demo_users, generate_history
from motcua.dossiers.models import Dossier, DossierEvent, Timeliness
from motcua.dossiers.workflow import State


@pytest.fixture
def demo_world(db):
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, verbosity=0)
    call_command("create_service_centers", verbosity=0)
    return ensure_demo_users()


def test_demo_users_cover_every_role(demo_world):
    for slug in DEMO_COMMUNES.values():
        assert User.objects.filter(username=f"{slug}.motcua", role=Role.RECEPTION).exists()
    assert User.objects.get(username="hanoi.giamsat").province.code == "01"
    assert User.objects.get(username="admin").is_superuser
    assert ensure_demo_users() == demo_world  # idempotent


def test_history_has_every_outcome_and_consistent_audit(demo_world):
    made = generate_history(days=40, per_day=6, seed=7)
    assert made == Dossier.objects.count() > 500
    states = set(Dossier.objects.values_list("state", flat=True))
    for expected in [
        State.RETURNED_AT_COUNTER,
        State.RETURNED_BY_POST,
        State.RETURNED_ONLINE,
        State.AT_SPECIALIST,
        State.REFUSED_AT_RECEPTION,
        State.STOPPED,
    ]:
        assert expected in states, expected
    timeliness = set(Dossier.objects.values_list("timeliness", flat=True))
    assert {Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE} <= timeliness
    assert Dossier.objects.filter(supplement_count__gt=0).exists()
    assert Dossier.objects.filter(extension__isnull=False).exists()
    assert Dossier.objects.filter(channel=2).exists() and Dossier.objects.filter(channel=3).exists()
    # Every dossier's last event leads to its current state.
    for dossier in Dossier.objects.order_by("?")[:50]:
        last = DossierEvent.objects.filter(dossier=dossier).order_by("at", "id").last()
        assert last.to_state == dossier.state


def test_returned_demo_dossiers_with_a_fee_are_paid_and_their_result_renders(demo_world):
    from motcua.docstore.downloads import result_response
    from motcua.dossiers.fees import fee_due
    from motcua.dossiers.models import Payment

    generate_history(days=20, per_day=4, seed=7)
    returned = Dossier.objects.filter(state__startswith="returned").select_related("procedure")
    paid = set(Payment.objects.values_list("dossier_id", flat=True))
    assert paid, "some returned dossier has a fee"
    for d in returned:
        assert (d.pk in paid) == bool(fee_due(d.procedure, d.channel).amount_vnd), d.code
    assert DossierEvent.objects.filter(action="record_payment").count() == len(paid)
    done = returned.exclude(result_summary="").first()
    response = result_response(done)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
