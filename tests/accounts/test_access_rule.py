"""The access rule itself (``motcua.accounts.access``): its two readings agree, nobody who is not
an officer has a row, the menus offer exactly what the pages let through, the decision record
shows the table as it stands, and the staff API applies the same door as the pages."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from motcua.accounts import access
from motcua.accounts.access import Action, Kind
from motcua.accounts.models import Role, User
from motcua.accounts.services import create_api_token
from motcua.dossiers.models import Dossier
from motcua.petitions.models import Petition
from motcua.queueing.models import Ticket
from motcua.units.models import Commune, Counter, Province, ServiceCenter
from tests.accounts.world import STAFF
from tests.world import PASSWORD

MODELS = {
    Kind.DOSSIER: Dossier,
    Kind.COMMUNE: Commune,
    Kind.COMMUNE_STATISTICS: Commune,
    Kind.PROVINCE_STATISTICS: Province,
    Kind.INDEX_INPUTS: Province,
    Kind.QUEUE_CENTER: ServiceCenter,
    Kind.COUNTER: Counter,
    Kind.TICKET: Ticket,
    Kind.PETITION: Petition,
}


def test_every_kind_has_a_model_here():
    assert set(MODELS) == set(Kind) == set(access.KINDS)
    for kind, model in MODELS.items():
        assert model._meta.label_lower == access.KINDS[kind].model


@pytest.mark.django_db
def test_the_object_reading_agrees_with_the_queryset_reading(w):
    """``permits`` reads the table on an object in hand, ``scoped`` as a database filter: for
    every persona, kind, action and object of the world they give the same answer."""
    people = [w.users[p] for p in STAFF] + [w.roleless, w.inactive, AnonymousUser()]
    disagree = []
    for (kind, action), _rule in access.RULES.items():
        model = MODELS[kind]
        objects = list(model.objects.all())
        assert objects, kind
        for person in people:
            allowed = set(
                access.scoped(person, kind, action, model.objects.all()).values_list(
                    "pk", flat=True
                )
            )
            for obj in objects:
                if access.permits(person, kind, action, obj) != (obj.pk in allowed):
                    disagree.append((kind, action, str(person), obj.pk))
    assert not disagree


@pytest.mark.django_db
def test_nobody_but_an_active_officer_has_a_row(w):
    for person in (AnonymousUser(), w.roleless, w.inactive, None):
        assert access.column_of(person) is None
        for kind, action in access.RULES:
            assert not access.may(person, kind, action)
    assert access.column_of(w.superuser) == access.SUPERUSER
    assert access.column_of(w.users["a.leader"]) == Role.LEADER


@pytest.mark.django_db
def test_asking_with_the_wrong_model_is_a_programming_error(w):
    with pytest.raises(TypeError):
        access.scoped(w.superuser, Kind.DOSSIER, Action.VIEW, Ticket.objects.all())
    with pytest.raises(TypeError):
        access.permits(w.superuser, Kind.COUNTER, Action.VIEW, w.center)


@pytest.mark.django_db
def test_a_superuser_with_a_commune_receives_there_as_the_api_always_let_them(w):
    """The intake page refused superusers while the API let those with a commune receive: one
    rule now, for both."""
    boss = User.objects.get(pk=w.superuser.pk)  # a copy: the world's object stays as it is
    with transaction.atomic():
        boss.commune = w.a
        boss.save(update_fields=["commune"])
        assert access.own_commune(boss, Kind.COMMUNE, Action.RECEIVE) == w.a
        client = w.client_of("superuser")
        assert client.get(reverse("dossiers:intake")).status_code == 200
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- the menus

MENU = (
    "dossiers:intake",
    "residents:assisted_start",
    "queueing:overview",
    "catalog:commune_procedures",
    "insights:dashboard",
    "insights:ranking",
)


def _nav(html: str) -> str:
    return re.search(r'<nav class="mc-service-nav".*?</nav>', html, re.S).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", STAFF)
def test_the_menu_offers_a_page_exactly_when_the_page_lets_the_person_in(w, clients, persona):
    client = clients[persona]
    nav = _nav(client.get(reverse("dossiers:inbox")).content.decode())
    user = w.users[persona]
    urls = [reverse(name) for name in MENU]
    if user.commune_id:  # leaders' and admins' "Chỉ số 766" is their commune's index
        urls.append(reverse("insights:commune_index", args=[user.commune.code, "this-month"]))
    for url in urls:
        with transaction.atomic():
            status = client.get(url).status_code
            transaction.set_rollback(True)
        assert (f'href="{url}"' in nav) == (status < 400), (persona, url, status)


@pytest.mark.django_db
def test_a_signed_in_account_without_a_role_gets_no_staff_menu(w, clients):
    html = clients["roleless"].get(reverse("home")).content.decode()
    assert 'class="mc-service-nav"' not in html
    assert clients["roleless"].get(reverse("dossiers:inbox")).status_code == 403


# --------------------------------------------------------------------------- the staff API's door


@pytest.mark.django_db
def test_the_staff_api_serves_officers_only_by_session_too(w, clients):
    """The API accepts an officer's session as well as a token: an account without a role is
    refused there as on the pages (it used to read its commune's dossiers through the API)."""
    url = f"/api/v1/dossiers/{w.dossier_a.code}"
    assert clients["a.specialist"].get(url).status_code == 200
    refused = clients["roleless"].get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert clients["inactive"].get(url).status_code == 401
    assert clients["anonymous"].get(url).status_code == 401


@pytest.mark.django_db
def test_no_token_for_an_account_the_rule_gives_nothing(w):
    with pytest.raises(ValueError, match="no role"):
        create_api_token(w.roleless.username)
    with pytest.raises(ValueError, match="No active user"):
        create_api_token(w.inactive.username)
    assert create_api_token(w.users["volunteer"].username).startswith("mc_")


@pytest.mark.django_db
def test_an_officer_whose_account_is_closed_is_signed_out_everywhere(w):
    """Closing an account is the one way to take everything away: the session and the tokens
    stop working at once."""
    officer = User.objects.get(username="a.leader")
    with transaction.atomic():
        client = w.client_of("a.leader")
        assert client.get(reverse("insights:dashboard")).status_code == 200
        officer.is_active = False
        officer.save(update_fields=["is_active"])
        response = client.get(reverse("insights:dashboard"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens['a.leader']}"}
        assert client.get(f"/api/v1/dossiers/{w.dossier_a.code}", **headers).status_code == 401
        transaction.set_rollback(True)
    assert client.login(username="a.leader", password=PASSWORD)


# --------------------------------------------------------------------------- the record


def test_the_decision_record_shows_the_table_as_it_stands():
    record = Path(__file__).parents[2] / "docs/decisions/0023-one-access-rule.md"
    assert access.as_markdown() in record.read_text(encoding="utf-8")
