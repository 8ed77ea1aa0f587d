"""Statistics and the Decision 766 service index, clicked through in Chromium: a commune leader goes
from a figure on the dashboard to the dossiers behind it; a province monitor from the ranking to a
commune, a criterion and its dossiers; what-if changes the score without storing anything; the
monitor's province inputs are checked, saved and change the ranking.

The month shown is last calendar month (so it is over and every open dossier is judged at its end).
Commune a (Hoàn Kiếm) has late dossiers and lags; commune b (Cửa Nam) does better; Huế's commune
has dossiers too but must never appear in Hà Nội's ranking."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from motcua.dossiers.models import Channel, Timeliness
from motcua.insights import periods
from motcua.units.calendars import calendar_for_center
from motcua.workdays import VIETNAM_TZ
from tests.e2e.portal import assert_accessible, sign_in_officer
from tests.insights.step_history import at_specialist, handled
from tests.insights.support import bulk_dossiers
from tests.world import World

LAST_MONTH = periods.month_of(periods.today()).previous()


def number(text: str) -> int:
    """The whole number in a text as the pages write it ("1.234 hồ sơ." -> 1234)."""
    return int(re.search(r"\d[\d.]*", text).group(0).replace(".", ""))


def decimal(text: str) -> Decimal:
    """A decimal as the pages write it ("11,06" -> 11.06)."""
    return Decimal(text.strip().replace(".", "").replace(",", "."))


def first_working_morning(period) -> datetime:
    """9:00 on the first working day from the 3rd of the month: late enough that a holiday on
    the 1st or 2nd does not matter, early enough that every dossier is finished within the
    month."""
    calendar = calendar_for_center(None)
    day = calendar.working_day_on_or_after(period.first + timedelta(days=2))
    return datetime.combine(day, time(9), tzinfo=VIETNAM_TZ)


def settled(world, n, at: datetime, *, late=0, online=0, on_time=0, commune=None) -> None:
    """``n`` dossiers received at ``at`` and settled: ``late`` of them after their due time,
    ``on_time`` on the due day, ``online`` filed online and early, the rest early at the
    counter."""
    commune = commune or world.a
    due, done = at + timedelta(days=3), at + timedelta(days=1)
    common = {"received": at, "due": due, "commune": commune}
    early = n - late - online - on_time
    bulk_dossiers(world, early, finished=done, timeliness=Timeliness.EARLY, **common)
    if on_time:
        on_due_day = due - timedelta(hours=1)
        bulk_dossiers(world, on_time, finished=on_due_day, timeliness=Timeliness.ON_TIME, **common)
    if online:
        bulk_dossiers(
            world, online, finished=done, timeliness="early", channel=Channel.ONLINE, **common
        )
    if late:
        late_at = at + timedelta(days=6)
        bulk_dossiers(world, late, finished=late_at, timeliness=Timeliness.LATE, **common)


class LastMonth:
    """Last month's dossiers, and three months of history before it for the trend charts and the
    month-on-month change.

    Commune a, 24 received: three taken through the real workflow (one settled on time, one late
    after a slow specialist: the one a leader opens, one still with the specialist and overdue at
    the month's end), and 21 more, of which 3 late, 5 on the due day and 4 online. So 4 settled
    late and 19 in time. Commune b, 22 received: 1 late, 6 online. Huế's commune: 5."""

    a_received, a_late, a_on_time, a_online = 24, 4, 19, 4

    def __init__(self, world: World):
        self.world = world
        earlier = [LAST_MONTH.previous()]
        while len(earlier) < 3:
            earlier.insert(0, earlier[0].previous())
        for month, size_a, size_b in zip(earlier, (15, 18, 20), (14, 17, 19), strict=True):
            start = first_working_morning(month)
            settled(world, size_a, start, late=2, online=2)
            settled(world, size_b, start, late=1, online=3, commune=world.b)
        start = first_working_morning(LAST_MONTH)
        self.on_time = handled(world, start, specialist=12)
        self.late = handled(world, start, specialist=30)
        self.open_overdue = at_specialist(world, start)
        later = start + timedelta(hours=2)
        settled(world, 21, later, late=3, online=4, on_time=5)
        settled(world, 22, later, late=1, online=6, on_time=2, commune=world.b)
        settled(world, 5, later, commune=world.h)


@pytest.fixture
def last_month(transactional_db):
    return LastMonth(World())


def choose_month(page, period) -> None:
    page.get_by_test_id("month-picker").get_by_label("Tháng").select_option(period.key)
    page.get_by_test_id("month-picker").get_by_role("button", name="Xem").click()


def test_a_leader_goes_from_a_figure_to_the_dossiers_behind_it(
    page, live_server, last_month, screenshot
):
    base = live_server.url
    sign_in_officer(page, base, "a.leader")
    page.get_by_role("link", name="Thống kê", exact=True).click()
    expect(page).to_have_url(re.compile(r"/thong-ke/"))
    page.get_by_test_id("period-picker").get_by_role("link", name="Tháng trước").click()
    expect(page.get_by_test_id("period-picker")).to_contain_text(LAST_MONTH.label)

    late_card = page.locator('[data-figure="late"]')
    shown = number(late_card.locator(".mc-figure__value").inner_text())
    assert shown == last_month.a_late
    received = page.locator('[data-figure="received"] .mc-figure__value')
    assert number(received.inner_text()) == last_month.a_received
    screenshot(page, "insights-dashboard")
    assert_accessible(page, "insights dashboard")

    late_card.click()
    expect(page.get_by_test_id("figure-title")).to_have_text("Quá hạn")
    assert number(page.get_by_test_id("figure-count").inner_text()) == shown
    expect(page.get_by_test_id("figure-dossiers").locator("tbody tr")).to_have_count(shown)
    screenshot(page, "insights-figure-list")
    assert_accessible(page, "insights figure list")

    code = last_month.late.code
    page.get_by_test_id("figure-dossiers").get_by_role("link", name=code).click()
    expect(page.get_by_test_id("dossier-code")).to_have_text(code)

    page.go_back()
    page.get_by_role("link", name="Quay lại thống kê").click()
    page.get_by_role("navigation", name="Xem chi tiết theo").get_by_role(
        "link", name="Kênh nộp"
    ).click()
    table = page.get_by_test_id("breakdown-table")
    expect(table.locator("caption")).to_have_text("Hồ sơ theo kênh nộp")
    online = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Trực tuyến"))
    online.get_by_role("link").first.click()  # the "received" count of the online row
    assert number(page.get_by_test_id("figure-count").inner_text()) == last_month.a_online
    expect(page.get_by_text("Đang lọc: Kênh: Trực tuyến")).to_be_visible()

    page.goto(f"{base}/thong-ke/buoc-xu-ly/?period={LAST_MONTH.key}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "insights-steps")
    assert_accessible(page, "insights steps")


def test_a_monitor_drills_from_the_ranking_to_the_dossiers_behind_a_criterion(
    page, live_server, last_month, screenshot
):
    world = last_month.world
    base = live_server.url
    sign_in_officer(page, base, "monitor.hanoi")
    page.get_by_role("link", name="Chỉ số 766").click()
    choose_month(page, LAST_MONTH)
    ranking = page.get_by_test_id("ranking-table")
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-commune") for i in range(2)] == [
        world.b.code,
        world.a.code,
    ]
    expect(ranking).not_to_contain_text(world.h.name)
    screenshot(page, "insights-ranking")
    assert_accessible(page, "insights ranking")

    ranking.get_by_role("link", name=world.a.name).click()
    expect(page).to_have_url(re.compile(rf"/chi-so-766/{world.a.code}/{LAST_MONTH.key}/$"))
    expect(page.get_by_test_id("index-total")).to_contain_text("2 / 2")
    screenshot(page, "insights-commune-index")
    assert_accessible(page, "insights commune index")

    page.locator('[data-criterion="2.1_ON_TIME"]').get_by_role("link").click()
    expect(page.get_by_test_id("criterion-title")).to_contain_text("2.1")
    numerator = page.get_by_test_id("criterion-inputs").locator('[data-input="dossiers_on_time"]')
    expected = number(numerator.locator("td").first.inner_text())
    assert expected == last_month.a_on_time
    expect(page.get_by_test_id("criterion-dossiers-title")).to_contain_text(
        "Hồ sơ xử lý trước hạn, đúng hạn"
    )
    assert number(page.get_by_test_id("criterion-dossier-count").inner_text()) == expected
    expect(page.get_by_test_id("criterion-dossiers").locator("tbody tr")).to_have_count(expected)
    screenshot(page, "insights-criterion")
    assert_accessible(page, "insights criterion")

    page.goto(f"{base}/thong-ke/tinh/?period={LAST_MONTH.key}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "insights-province")
    assert_accessible(page, "insights province")


def test_what_if_shows_a_higher_score_and_rank_without_storing_it(
    page, live_server, last_month, screenshot
):
    world = last_month.world
    base = live_server.url
    sign_in_officer(page, base, "a.leader")
    page.goto(f"{base}/chi-so-766/{world.a.code}/{LAST_MONTH.key}/")
    total = page.get_by_test_id("index-total").locator("dd").first
    before = total.inner_text()
    expect(page.get_by_test_id("index-total")).to_contain_text("2 / 2")

    page.get_by_test_id("whatif").locator("summary").click()
    received = page.locator('input[name="commune.dossiers_received"]').input_value()
    assert int(received) == last_month.a_received
    page.evaluate("() => { window.notReloaded = true; }")
    page.locator('input[name="commune.dossiers_on_time"]').fill(received)
    page.get_by_role("button", name="Tính lại").click()

    result = page.get_by_test_id("whatif-result")
    expect(result).to_be_visible()
    assert page.evaluate("() => window.notReloaded === true")  # htmx filled it in place
    old, new = re.search(r"Tổng điểm: ([\d,]+) → ([\d,]+)", result.inner_text()).groups()
    assert old == before.split("/")[0].strip()
    assert float(new.replace(",", ".")) > float(old.replace(",", "."))
    expect(result).to_contain_text("Xếp hạng: 2 → 1")
    page.evaluate("() => document.activeElement.blur()")  # the picture without a focus ring
    screenshot(page, "insights-whatif")
    assert_accessible(page, "insights what-if")

    page.reload()
    expect(page.get_by_test_id("index-total").locator("dd").first).to_have_text(before)
    expect(page.get_by_test_id("whatif-result")).to_have_count(0)


def test_the_monitor_enters_province_values_and_the_ranking_follows(page, live_server, last_month):
    base = live_server.url
    sign_in_officer(page, base, "monitor.hanoi")
    page.goto(f"{base}/chi-so-766/?month={LAST_MONTH.key}")
    first_group = page.get_by_test_id("ranking-table").locator("tbody tr td:nth-of-type(2)")
    expect(first_group).to_have_count(2)
    before = first_group.all_inner_texts()
    page.get_by_role("link", name=re.compile("Nhập số liệu cấp tỉnh")).click()

    form = page.get_by_test_id("province-form")
    values = {
        "TTHC công bố đúng hạn": "50",  # more than the 46 published: wrong
        "TTHC công bố trong kỳ": "46",
        "TTHC công khai đúng hạn": "60",
        "TTHC phải công khai trong kỳ": "64",
        "TTHC công khai đầy đủ bộ phận": "1842",
        "TTHC đang công khai": "1880",
    }
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Lưu số liệu cấp tỉnh").click()
    errors = page.get_by_test_id("inputs-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("TTHC công bố đúng hạn")
    assert_accessible(page, "insights inputs with an error")

    form.get_by_label("TTHC công bố đúng hạn", exact=True).fill("41")
    form.get_by_role("button", name="Lưu số liệu cấp tỉnh").click()
    expect(page.get_by_text("Đã lưu số liệu. Chỉ số được tính lại ngay.")).to_be_visible()
    expect(page.get_by_test_id("inputs-errors")).to_have_count(0)

    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    expect(page).to_have_url(re.compile(r"/chi-so-766/\?month="))
    expect(first_group).to_have_count(2)
    after = first_group.all_inner_texts()
    # Every commune inherits the province's 1.1 + 1.2 + 1.3 = 6 × 41/46 + 4 × 60/64 + 2 × 1842/1880
    # = 5.35 + 3.75 + 1.96 points on top of its own 1.4.
    assert [decimal(a) - decimal(b) for a, b in zip(after, before, strict=True)] == [
        Decimal("11.06")
    ] * 2
