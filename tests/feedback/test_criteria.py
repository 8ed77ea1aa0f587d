"""The rating form as data: the Art. 33 criteria, who is asked what, and the 2/1/0 points."""

from motcua.dossiers import services
from motcua.dossiers.models import ReturnMethod
from motcua.dossiers.services import perform
from motcua.dossiers.workflow import State
from motcua.feedback.criteria import (
    CRITERIA,
    POINTS,
    RATEABLE_STATES,
    Level,
    criteria_for,
)
from tests.world import GOOD_ID, vn


def keys(criteria):
    return [c.key for c in criteria]


def test_the_nine_criteria_of_article_33_in_order_with_their_legal_reference():
    assert keys(CRITERIA) == ["a", "b", "c", "d", "đ", "e", "g", "h", "i"]
    for c in CRITERIA:
        assert c.legal_reference == f"Nghị định 118/2025/NĐ-CP, Điều 33, điểm {c.key}"
        assert str(c.question) and str(c.hint)
    assert [c.key for c in CRITERIA if c.optional] == ["g", "i"]
    assert [c.key for c in CRITERIA if c.online_only] == ["h"]
    # The Circular 01/2018 indicators the same facts are measured by (domain.md §9.2).
    assert {c.key: c.indicator for c in CRITERIA if c.indicator} == {
        "a": 1,
        "b": 4,
        "c": 3,
        "d": 6,
        "đ": 7,
        "g": 8,
        "h": 9,
    }


def test_three_levels_score_two_one_zero():
    assert [(level.value, level.label) for level in Level] == [
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("not_satisfied", "Không hài lòng"),
    ]
    assert POINTS == {"very_satisfied": 2, "satisfied": 1, "not_satisfied": 0}


def test_online_service_is_asked_only_of_those_who_used_it(world):
    counter = world.receive()
    assert "h" not in keys(criteria_for(counter))
    assert "h" in keys(criteria_for(world.receive(return_method=ReturnMethod.ONLINE)))
    online = services.submit_online(
        procedure=world.procedure,
        commune=world.a,
        applicant=services.Applicant(name="Lê Văn Hùng", id_number=GOOD_ID),
        at=vn(2025, 7, 6, 21),
    )
    assert keys(criteria_for(online)) == keys(CRITERIA)


def test_rating_opens_with_the_result_or_a_refusal_at_reception(world):
    assert set(RATEABLE_STATES) == {
        State.RETURNED_AT_COUNTER,
        State.RETURNED_BY_POST,
        State.RETURNED_ONLINE,
        State.REFUSED_AT_RECEPTION,
    }
    d = perform(world.receive(), "withdraw", actor=world.reception, reason="Công dân rút hồ sơ")
    assert d.state not in RATEABLE_STATES
