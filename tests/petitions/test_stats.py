"""The report figures (petitions.stats) on a hand-built month of reports with known answers.

July 2025 in Phường Hoàn Kiếm (commune a); street lighting answers in 5 working days:

1. on time all the way, rated very satisfied, later reported again (repeated);
2. classified a day late (handled late), answered, rated not satisfied;
3. received 28 July, in progress at the month's end within its limit (due 4 August);
4. accepted, never answered: in progress past its limit (due 14 July) at the month's end;
5. rejected on time; 6. merged into 4; 7. the repeat of 1, never classified (overdue);
8. answered the day after, rated satisfied;
9. received in June, handled on time in July (counts in July's 5.2 only);
and one report of commune b that must never count for a.
"""

import pytest

from motcua.insights.periods import month_of
from motcua.petitions import services, stats
from motcua.petitions.models import Petition
from tests.petitions.support import report
from tests.world import vn

JULY = month_of(vn(2025, 7, 1).date())
AFTER_JULY = vn(2025, 8, 20, 9)


def _answer(petition, world, *, accepted, drafted, published=None):
    petition = services.accept(petition, world.specialist, at=accepted)
    petition = services.draft_answer(
        petition, world.specialist, "Đã thay bóng đèn và kiểm tra đường dây.", at=drafted
    )
    if published:
        petition = services.publish(petition, world.leader, at=published)
    return petition


@pytest.fixture
def july(world):
    p = {}
    p[1] = _answer(
        report(world, at=vn(2025, 7, 7, 9)),
        world,
        accepted=vn(2025, 7, 8, 9),
        drafted=vn(2025, 7, 10, 9),
        published=vn(2025, 7, 11, 9),
    )
    services.rate(p[1].secret, "very_satisfied", at=vn(2025, 7, 12, 9))
    p[2] = _answer(
        report(world, at=vn(2025, 7, 7, 9)),
        world,
        accepted=vn(2025, 7, 10, 9),  # the limit was 9 July 09:00
        drafted=vn(2025, 7, 11, 9),
        published=vn(2025, 7, 14, 9),
    )
    services.rate(p[2].secret, "not_satisfied", at=vn(2025, 7, 15, 9))
    p[3] = services.accept(
        report(world, at=vn(2025, 7, 28, 9)), world.specialist, at=vn(2025, 7, 29, 9)
    )
    p[4] = services.accept(
        report(world, at=vn(2025, 7, 7, 9)), world.specialist, at=vn(2025, 7, 8, 9)
    )
    p[5] = services.reject(
        report(world, at=vn(2025, 7, 7, 9)),
        world.reception,
        "Quảng cáo, không phải phản ánh.",
        at=vn(2025, 7, 8, 9),
    )
    p[6] = services.merge(
        report(world, at=vn(2025, 7, 8, 9)),
        world.reception,
        p[4],
        "Trùng nội dung.",
        at=vn(2025, 7, 9, 9),
    )
    p[7] = services.report_again(p[1].secret, "Đèn lại tắt sau hai ngày.", at=vn(2025, 7, 15, 9))
    p[8] = _answer(
        report(world, at=vn(2025, 7, 9, 9)),
        world,
        accepted=vn(2025, 7, 9, 10),
        drafted=vn(2025, 7, 10, 9),
        published=vn(2025, 7, 10, 15),
    )
    services.rate(p[8].secret, "satisfied", at=vn(2025, 7, 11, 9))
    p[9] = _answer(
        report(world, at=vn(2025, 6, 27, 9)),
        world,
        accepted=vn(2025, 6, 30, 9),
        drafted=vn(2025, 7, 2, 9),
        published=vn(2025, 7, 3, 9),
    )
    p["b"] = report(world, commune=world.b, at=vn(2025, 7, 7, 9))
    return {k: Petition.objects.get(pk=v.pk) for k, v in p.items()}


def test_each_figure_of_a_past_month_is_judged_at_its_end(world, july):
    counted = stats.counts(Petition.objects.filter(commune=world.a), JULY, now=AFTER_JULY)
    assert counted == {
        "received": 8,
        "answered_on_time": 2,  # 1 and 8
        "answered_late": 1,  # 2
        "open": 3,  # 3, 4 and 7
        "overdue": 2,  # 4 and 7
        "rejected": 1,
        "merged": 1,
        "very_satisfied": 1,
        "satisfied": 1,
        "not_satisfied": 1,
        "rated": 3,
        "repeated": 1,
        "about_procedures": 0,
        "about_officials": 0,
        "about_other": 8,  # street lighting is about a place
    }


def test_the_list_behind_a_figure_is_the_same_condition(world, july):
    mine = Petition.objects.filter(commune=world.a)
    behind = stats.petitions_behind(mine, "overdue", JULY, now=AFTER_JULY)
    assert set(behind.values_list("pk", flat=True)) == {july[4].pk, july[7].pk}
    late = stats.petitions_behind(mine, "answered_late", JULY, now=AFTER_JULY)
    assert list(late.values_list("pk", flat=True)) == [july[2].pk]


def test_a_month_not_over_is_judged_now(world, july):
    # On 10 July at noon report 4 (due 14 July) was still within its limit, 3 and 7 not yet
    # received, and 8 was answered.
    counted = stats.counts(
        Petition.objects.filter(commune=world.a), JULY, now=vn(2025, 7, 10, 12), keys=["overdue"]
    )
    # "now" only moves t: every report stored counts as it stands; at 10 July 12:00 only 4 and 7
    # are still open of those late at the month's end, and neither had passed its limit.
    assert counted == {"overdue": 0}


def test_index_inputs_of_the_month(world, july):
    inputs = stats.index_counts([world.a.pk, world.b.pk], JULY, now=AFTER_JULY)
    # 5.2: the seven of July that were not merged, plus June's report handled in July.
    assert inputs[world.a.pk] == {
        "petitions_in_period": 8,
        "petitions_handled_on_time": 5,  # 1, 3, 5, 8 and 9
        "petitions_negative": 4,  # 1 (repeated), 2 (late, not satisfied: once), 4, 7 (late)
    }
    assert inputs[world.b.pk] == {
        "petitions_in_period": 1,
        "petitions_handled_on_time": 0,  # never classified: past its 2-day limit
        "petitions_negative": 1,
    }


def test_june_sees_its_report_in_process_within_its_limit(world, july):
    june = JULY.previous()
    inputs = stats.index_counts([world.a.pk], june, now=AFTER_JULY)
    assert inputs[world.a.pk] == {
        "petitions_in_period": 1,
        "petitions_handled_on_time": 1,
        "petitions_negative": 0,
    }


def test_breakdown_by_department_and_category(world, july):
    rows = stats.breakdown(
        Petition.objects.filter(commune=world.a),
        JULY,
        "department__name",
        now=AFTER_JULY,
        keys=["received", "open"],
    )
    assert [(r["received"], r["open"]) for r in rows] == [(8, 3)]
    by_category = stats.breakdown(
        Petition.objects.all(), JULY, "category__code", now=AFTER_JULY, keys=["received"]
    )
    assert by_category == [{"group": "chieu-sang", "received": 9}]


def test_a_report_waiting_for_the_reporter_has_no_running_clock(world):
    petition = services.accept(report(world), world.specialist, at=vn(2025, 7, 8, 9))
    services.request_info(petition, world.specialist, "Cột đèn số mấy?", at=vn(2025, 7, 8, 10))
    counted = stats.counts(Petition.objects.all(), JULY, now=AFTER_JULY, keys=["open", "overdue"])
    assert counted == {"open": 1, "overdue": 0}


def test_awaiting_the_leader_past_the_publication_limit_is_late(world):
    petition = services.accept(report(world), world.specialist, at=vn(2025, 7, 8, 9))
    services.draft_answer(petition, world.specialist, "Đã sửa.", at=vn(2025, 7, 9, 9))
    counted = stats.counts(
        Petition.objects.all(), JULY, now=AFTER_JULY, keys=["answered_on_time", "answered_late"]
    )
    assert counted == {"answered_on_time": 0, "answered_late": 1}
    early = stats.counts(
        Petition.objects.all(), JULY, now=vn(2025, 7, 10, 9), keys=["answered_on_time"]
    )
    assert early == {"answered_on_time": 1}


def test_classification_follows_the_category_subject(world):
    report(world, code="thai-do-can-bo")
    report(world, code="ho-so-thu-tuc")
    report(world, code="quy-dinh-hanh-chinh")
    counted = stats.counts(Petition.objects.all(), JULY, keys=list(stats.CLASSIFICATION_FIGURES))
    assert counted == {"about_procedures": 2, "about_officials": 1, "about_other": 0}
