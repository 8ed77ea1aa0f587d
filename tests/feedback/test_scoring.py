"""Shares and points from raw answers, checked against numbers worked out by hand."""

from decimal import Decimal

import pytest

from motcua.dossiers.models import Dossier
from motcua.feedback.links import rating_token
from motcua.feedback.models import Rating, RatingAnswer
from motcua.feedback.scoring import OVERALL, _round, points, three_level_shares
from motcua.feedback.services import submit_rating
from motcua.units.models import Commune
from tests.feedback.support import return_at_counter
from tests.world import vn

VS, S, NS = "very_satisfied", "satisfied", "not_satisfied"

# Three residents of counter dossiers. Optional criteria: the first answered g, the third i.
RATINGS = [
    {"a": VS, "b": VS, "c": S, "d": S, "đ": NS, "e": VS, "g": S},
    {"a": S, "b": VS, "c": S, "d": NS, "đ": S, "e": VS},
    {"a": NS, "b": VS, "c": VS, "d": S, "đ": S, "e": S, "i": NS},
]


@pytest.fixture
def rated(world):
    dossiers = []
    for minute, answers in enumerate(RATINGS):
        d = return_at_counter(world, world.receive(at=vn(2025, 7, 7, 9, minute)))
        submit_rating(rating_token(d), answers, channel="sms_link")
        dossiers.append(d)
    world.receive(at=vn(2025, 7, 7, 9, 30))  # not rated: counts nowhere
    return dossiers


def pct(vs, s, ns):
    return {VS: Decimal(vs), S: Decimal(s), NS: Decimal(ns)}


def test_three_level_shares_per_criterion_and_overall(rated):
    shares = three_level_shares(Rating.objects.all())
    assert list(shares) == ["a", "b", "c", "d", "đ", "e", "g", "i", OVERALL]  # no "h": no data
    expected = {
        "a": (3, pct("33.3", "33.3", "33.3")),  # one of each: the three sum to 99.9
        "b": (3, pct("100.0", "0.0", "0.0")),
        "c": (3, pct("33.3", "66.7", "0.0")),
        "d": (3, pct("0.0", "66.7", "33.3")),
        "đ": (3, pct("0.0", "66.7", "33.3")),
        "e": (3, pct("66.7", "33.3", "0.0")),
        "g": (1, pct("0.0", "100.0", "0.0")),
        "i": (1, pct("0.0", "0.0", "100.0")),
        # 20 answers in all: 7 very satisfied, 9 satisfied, 4 not satisfied.
        OVERALL: (20, pct("35.0", "45.0", "20.0")),
    }
    assert {k: (v.answers, v.percent) for k, v in shares.items()} == expected


def test_circular_points_per_criterion(rated):
    assert points(Rating.objects.all()) == {
        "a": Decimal("1.0"),  # (2 + 1 + 0) / 3
        "b": Decimal("2.0"),  # (2 + 2 + 2) / 3
        "c": Decimal("1.3"),  # (1 + 1 + 2) / 3 = 1.33
        "d": Decimal("0.7"),  # (1 + 0 + 1) / 3 = 0.67
        "đ": Decimal("0.7"),  # (0 + 1 + 1) / 3 = 0.67
        "e": Decimal("1.7"),  # (2 + 2 + 1) / 3 = 1.67
        "g": Decimal("1.0"),  # one answer: 1
        "i": Decimal("0.0"),  # one answer: 0
    }


def test_any_queryset_of_ratings_dossiers_or_answers(rated):
    everything = points(Rating.objects.all())
    assert points(Dossier.objects.all()) == everything  # the unrated dossier adds nothing
    assert points(RatingAnswer.objects.all()) == everything
    assert three_level_shares(Dossier.objects.all()) == three_level_shares(Rating.objects.all())
    first = Dossier.objects.filter(pk=rated[0].pk)
    assert points(first) == {
        "a": Decimal("2.0"),
        "b": Decimal("2.0"),
        "c": Decimal("1.0"),
        "d": Decimal("1.0"),
        "đ": Decimal("0.0"),
        "e": Decimal("2.0"),
        "g": Decimal("1.0"),
    }
    with pytest.raises(TypeError):
        points(Commune.objects.all())


def test_no_ratings_no_figures(world):
    world.receive()
    assert three_level_shares(Rating.objects.all()) == {}
    assert points(Dossier.objects.all()) == {}


def test_rounding_is_half_up_to_one_decimal():
    assert _round(1, 4) == Decimal("0.3")  # 0.25: half up, not to even
    assert _round(100 * 1, 8) == Decimal("12.5")
    assert _round(100 * 1, 6) == Decimal("16.7")
    assert _round(100 * 1, 16) == Decimal("6.3")  # 6.25
