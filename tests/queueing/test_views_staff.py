"""The staff's queue pages through Django's test client: a counter officer calls, serves and
transfers visitors, links their dossiers; the overview issues numbers; the statistics and one
visit's path read the timed periods.

The pages work at the present moment, so ``clock`` pins ``timezone.now`` to Monday 7 July 2025
(a working day) and moves it forward as the story goes on.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Dossier
from motcua.queueing import links, services, visit_rating
from motcua.queueing.models import Source, Ticket, VisitDossier
from motcua.queueing.workflow import Action, State
from tests.queueing.conftest import pin_clock, vn
from tests.world import GOOD_ID, PASSWORD

MONDAY_9 = vn(2025, 7, 7, 9)


@pytest.fixture
def clock(monkeypatch):
    return pin_clock(monkeypatch, MONDAY_9)


@pytest.fixture
def officer(client, q, clock):
    assert client.login(username=q.reception.username, password=PASSWORD)
    return client


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def counter_url(counter):
    return reverse("queueing:counter", args=[counter.pk])


def post(client, counter, action, **data):
    return client.post(counter_url(counter), {"action": action, **data})


def issue(q, clock, field=None, **kwargs):
    return services.issue_ticket(q.center, field or q.civil, at=clock.at, **kwargs)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def main_button(html: str) -> str:
    """The one green button of the page (the main action), and check there is only one."""
    assert html.count('class="mc-button"') == 1, "one main action per screen"
    return re.search(r'data-testid="main-action">([^<]+)<', html).group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --------------------------------------------------------------------------- the counter


def test_counter_offers_one_main_button_for_each_state(officer, q, clock):
    html = page(officer.get(counter_url(q.counter1)))
    assert main_button(html) == "Mời số tiếp theo"
    assert "Quầy 1" in html and "Hộ tịch" in html

    ticket = issue(q, clock, source=Source.KIOSK)
    clock.advance(minutes=7)
    response = post(officer, q.counter1, "call")
    assert response.status_code == 302 and response["Location"] == counter_url(q.counter1)
    html = page(officer.get(counter_url(q.counter1)))
    assert main_button(html) == "Bắt đầu phục vụ"
    assert 'value="recall">Mời lại<' in html and 'value="no_show">Vắng mặt<' in html
    assert 'data-testid="ticket-number"' in html and "0001" in html
    assert "Lấy số tại máy" in html  # the source
    assert re.search(r'data-testid="waited">\s*7 phút', html)

    clock.advance(minutes=1)
    post(officer, q.counter1, "start")
    html = page(officer.get(counter_url(q.counter1)))
    assert main_button(html) == "Kết thúc phục vụ"
    assert "Mời lại" not in html and "Bắt đầu phục vụ" not in html

    clock.advance(minutes=12)
    post(officer, q.counter1, "finish")
    ticket.refresh_from_db()
    assert ticket.state == State.DONE and ticket.officer == q.reception
    assert main_button(page(officer.get(counter_url(q.counter1)))) == "Mời số tiếp theo"
    periods = [(p.state, p.duration.total_seconds() / 60) for p in ticket.periods.all()]
    assert periods == [("waiting", 7), ("called", 1), ("serving", 12)]


def test_call_with_nobody_waiting_says_so_and_changes_nothing(officer, q, clock):
    response = officer.post(counter_url(q.counter1), {"action": "call"}, follow=True)
    assert "Không còn ai chờ ở các lĩnh vực quầy này phục vụ." in messages_of(response)
    assert not Ticket.objects.exists()
    response = officer.post(counter_url(q.counter1), {"action": "dance"}, follow=True)
    assert "Thao tác không hợp lệ." in messages_of(response)


def test_recall_counts_and_no_show_frees_the_counter(officer, q, clock):
    ticket = issue(q, clock)
    post(officer, q.counter1, "call")
    clock.advance(minutes=2)
    post(officer, q.counter1, "recall")
    post(officer, q.counter1, "recall")
    html = page(officer.get(counter_url(q.counter1)))
    assert re.search(r'data-testid="recalls">\s*2 lần', html)
    clock.advance(minutes=3)
    post(officer, q.counter1, "no_show")
    ticket.refresh_from_db()
    assert ticket.state == State.NO_SHOW and ticket.recalls == 2
    assert main_button(page(officer.get(counter_url(q.counter1)))) == "Mời số tiếp theo"


def test_transfer_keeps_the_original_queue_time(officer, q, clock):
    ticket = issue(q, clock)
    clock.advance(minutes=10)
    post(officer, q.counter1, "call")
    post(officer, q.counter1, "start")
    clock.advance(minutes=5)

    # Nothing chosen: a clear message, the visitor stays at the counter.
    response = officer.post(counter_url(q.counter1), {"action": "transfer"}, follow=True)
    assert "Chọn lĩnh vực hoặc quầy cần chuyển đến." in messages_of(response)
    ticket.refresh_from_db()
    assert ticket.state == State.SERVING

    response = officer.post(
        counter_url(q.counter1),
        {"action": "transfer", "to_field": q.land.pk, "to_counter": ""},
        follow=True,
    )
    assert "Đã chuyển số 0001; người dân giữ nguyên thời gian đã chờ." in messages_of(response)
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.field == q.land
    assert ticket.queued_at == MONDAY_9 and ticket.counter is None

    # Counter 2 serves land and sees it first in its line, with its original time.
    html = page(officer.get(counter_url(q.counter2)))
    assert re.search(r"0001</span>\s*<span>Đất đai</span>", html)
    assert "vào hàng 09:00" in html


def test_transfer_to_a_counter_marks_the_ticket_for_it(officer, q, clock):
    ticket = issue(q, clock)
    post(officer, q.counter1, "call")
    post(officer, q.counter1, "transfer", to_field="", to_counter=q.counter3.pk)
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.target_counter == q.counter3
    assert "Chuyển đến quầy này" in page(officer.get(counter_url(q.counter3)))
    # Counter 1 does not see it any more.
    assert "0001" not in page(officer.get(counter_url(q.counter1)))


def test_officer_confirms_sets_and_clears_the_priority_group(officer, q, clock):
    ticket = issue(q, clock, priority_group=q.elderly)  # the visitor's own word at the kiosk
    post(officer, q.counter1, "call")
    html = page(officer.get(counter_url(q.counter1)))
    assert "Người dân tự khai, chưa xác nhận" in html
    assert f'<option value="{q.elderly.pk}" selected>' in html

    post(officer, q.counter1, "priority", group=q.elderly.pk)
    ticket.refresh_from_db()
    assert ticket.priority_group == q.elderly and ticket.priority_confirmed_by == q.reception
    assert "Đã xác nhận" in page(officer.get(counter_url(q.counter1)))

    post(officer, q.counter1, "priority", group="")
    ticket.refresh_from_db()
    assert ticket.priority_group is None and ticket.priority_confirmed_by == q.reception


def test_counter_line_part_is_refreshed_alone_with_priority_tags(officer, q, clock):
    issue(q, clock)
    clock.advance(minutes=1)
    issue(q, clock, priority_group=q.elderly)
    issue(q, clock, field=q.land)  # counter 1 does not serve land
    response = officer.get(
        counter_url(q.counter1), {"part": "line"}, headers={"HX-Request": "true"}
    )
    html = page(response)
    assert "<html" not in html and 'hx-trigger="every 5s"' in html
    numbers = re.findall(r'mc-waiting-list__number">(\d{4})<', html)
    assert numbers == ["0002", "0001"]  # the elderly visitor's head start puts them first
    assert "Người cao tuổi" in html


def test_link_a_dossier_by_code(officer, q, clock):
    dossier = q.receive(at=MONDAY_9)
    ticket = issue(q, clock)
    post(officer, q.counter1, "call")

    response = officer.post(
        counter_url(q.counter1), {"action": "link", "code": "KHONG-CO"}, follow=True
    )
    assert "Không có hồ sơ mã “KHONG-CO”." in messages_of(response)
    assert not VisitDossier.objects.exists()

    response = officer.post(
        counter_url(q.counter1), {"action": "link", "code": f" {dossier.code} "}, follow=True
    )
    assert f"Đã gắn hồ sơ {dossier.code} với số này." in messages_of(response)
    assert VisitDossier.objects.get().ticket == ticket
    assert dossier.code in page(response)

    # The dossier's page links back to the visit.
    html = page(officer.get(reverse("dossiers:detail", args=[dossier.code])))
    visit = reverse("queueing:staff_ticket", args=[ticket.pk])
    assert f'<a href="{visit}">Số 0001 ngày 07/07/2025</a>' in html


def test_linking_another_communes_dossier_reads_as_an_unknown_code(officer, q, clock):
    """The code is looked up among the dossiers the officer may see: another commune's dossier
    gets the same answer as a code that does not exist (it used to say the dossier was not
    received by this commune, confirming that it exists)."""
    theirs = q.receive(at=MONDAY_9, officer=q.officers_b[Role.RECEPTION])
    issue(q, clock)
    post(officer, q.counter1, "call")
    response = officer.post(
        counter_url(q.counter1), {"action": "link", "code": theirs.code}, follow=True
    )
    assert messages_of(response)[-1] == f"Không có hồ sơ mã “{theirs.code}”."
    assert not VisitDossier.objects.exists()


def test_intake_from_the_counter_links_the_new_dossier_to_the_visit(officer, q, clock):
    ticket = issue(q, clock)
    post(officer, q.counter1, "call")
    response = post(officer, q.counter1, "intake")
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:intake")

    html = page(officer.get(reverse("dossiers:intake")))
    assert 'data-testid="queue-visit"' in html and "<strong>0001</strong> (Quầy 1)" in html
    html = page(officer.get(reverse("dossiers:intake"), {"procedure": q.procedure.code}))
    assert 'data-testid="queue-visit"' in html

    response = officer.post(
        reverse("dossiers:intake"),
        {
            "procedure": q.procedure.code,
            "applicant_kind": "person",
            "applicant_name": "Đỗ Minh Quân",
            "applicant_id_number": GOOD_ID,
            "applicant_phone": "0912000111",
            "channel": "1",
            "documents": ["0"],
            "sets_count": "1",
            "return_method": "counter",
        },
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.code])
    assert VisitDossier.objects.get().ticket == ticket and dossier.visit_link.ticket == ticket
    # Linked once: the next intake is for no visit.
    assert 'data-testid="queue-visit"' not in page(officer.get(reverse("dossiers:intake")))


def test_intake_without_a_visitor_at_the_counter_is_refused(officer, q, clock):
    response = officer.post(counter_url(q.counter1), {"action": "intake"}, follow=True)
    assert "Quầy chưa mời số nào." in messages_of(response)


# --------------------------------------------------------------------------- who may


def test_officer_of_another_commune_is_refused_and_changes_nothing(client, q, clock):
    """Another commune's counter, number and centre answer 404, as if they did not exist (the
    access rule, ADR 0023; this was 403, which confirmed they exist)."""
    ticket = issue(q, clock)
    sign_in(client, q.officers_b[Role.RECEPTION])
    assert client.get(counter_url(q.counter1)).status_code == 404
    for action in ("call", "recall", "start", "finish", "no_show", "priority", "link"):
        assert post(client, q.counter1, action, group=q.elderly.pk).status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.priority_group is None
    assert client.get(reverse("queueing:staff_ticket", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("queueing:overview"), {"center": q.center.pk}).status_code == 404
    assert client.get(reverse("queueing:stats"), {"center": q.center.pk}).status_code == 404
    # Their own overview is of their own centre: nothing of commune a's line.
    html = page(client.get(reverse("queueing:overview")))
    assert q.b.centers.get().name in html and "0001" not in html


def test_volunteer_is_refused_every_staff_queue_page(client, q, clock):
    """Volunteers see nothing of the queue: like any object out of their scope, 404 (this was
    403; the access rule, ADR 0023)."""
    volunteer = User.objects.create_user(
        "a.volunteer", password=PASSWORD, role=Role.VOLUNTEER, commune=q.a
    )
    ticket = issue(q, clock)
    sign_in(client, volunteer)
    for url in (
        reverse("queueing:overview"),
        reverse("queueing:stats"),
        counter_url(q.counter1),
        reverse("queueing:staff_ticket", args=[ticket.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert post(client, q.counter1, "call").status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert "Hàng đợi" not in page(client.get(reverse("dossiers:inbox")))


def test_signed_out_visitor_is_sent_to_sign_in(client, q, clock):
    response = client.get(counter_url(q.counter1))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --------------------------------------------------------------------------- overview


def test_overview_shows_counters_line_and_addresses_and_issues_a_number(officer, q, clock):
    issue(q, clock)
    clock.advance(minutes=5)
    issue(q, clock, field=q.land, priority_group=q.elderly)
    post(officer, q.counter2, "call")  # takes the land ticket (priority, 09:05 − 30 min)

    html = page(officer.get(reverse("queueing:overview")))
    assert 'href="/can-bo/hang-doi/"' in html and "Hàng đợi</a>" in html  # in the staff nav
    assert q.center.name in html
    assert counter_url(q.counter1) in html and counter_url(q.counter3) in html
    kiosk = links.kiosk_path(services.settings_for(q.center))
    assert f'value="http://testserver{kiosk}"' in html
    display = reverse("queueing:display", args=[q.center.pk])
    assert f'value="http://testserver{display}"' in html
    line = re.search(r'data-testid="waiting-line".*?</table>', html, re.S).group(0)
    assert re.findall(r">(\d{4})</a>", line) == ["0001"]
    assert 'data-testid="closed-today"' not in html

    response = officer.post(
        reverse("queueing:overview"),
        {"field": q.civil.pk, "priority": q.elderly.pk, "phone": "0912 345 678"},
        follow=True,
    )
    assert "Đã cấp số 0003." in messages_of(response)
    issued = Ticket.objects.get(number=3)
    assert issued.source == Source.COUNTER and issued.phone == "0912345678"
    assert issued.priority_group == q.elderly and issued.priority_confirmed_by == q.reception
    # The new number goes ahead in the line (confirmed priority).
    line = re.search(r'data-testid="waiting-line".*?</table>', page(response), re.S).group(0)
    assert re.findall(r">(\d{4})</a>", line) == ["0003", "0001"]


def test_overview_refuses_a_number_without_a_field(officer, q, clock):
    response = officer.post(reverse("queueing:overview"), {"priority": "", "phone": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html and "Chọn lĩnh vực cần làm thủ tục." in html
    assert not Ticket.objects.exists()


def test_overview_says_when_the_centre_is_closed_today(officer, q, clock):
    clock.at = vn(2025, 7, 6, 9)  # a Sunday
    html = page(officer.get(reverse("queueing:overview")))
    assert 'data-testid="closed-today"' in html
    response = officer.post(
        reverse("queueing:overview"), {"field": q.civil.pk, "priority": ""}, follow=True
    )
    assert any("06/07/2025" in m for m in messages_of(response))
    assert not Ticket.objects.exists()


def test_province_monitor_watches_the_overview_but_may_not_issue(client, q, clock):
    sign_in(client, q.monitor)
    html = page(client.get(reverse("queueing:overview"), {"center": q.center.pk}))
    assert q.center.name in html
    assert "Cấp số" not in html and 'data-testid="kiosk-url"' not in html
    assert counter_url(q.counter1) not in html  # they may not work a counter
    response = client.post(
        f"{reverse('queueing:overview')}?center={q.center.pk}", {"field": q.civil.pk}
    )
    assert response.status_code == 403 and not Ticket.objects.exists()
    # A centre picker, since the province has several centres.
    assert 'name="center"' in html


# --------------------------------------------------------------------------- statistics


def visit(q, counter, issued, called, *, started=None, finished=None, no_show=False, **kw):
    """One visit with its times given in minutes after 09:00 on Monday."""
    at = MONDAY_9
    ticket = services.issue_ticket(q.center, q.civil, at=at + timedelta(minutes=issued), **kw)
    services.call_next(counter, q.reception, at=at + timedelta(minutes=called))
    if no_show:
        services.counter_action(
            counter, Action.NO_SHOW, q.reception, at=at + timedelta(minutes=called + 2)
        )
        return ticket
    services.counter_action(counter, Action.START, q.reception, at=at + timedelta(minutes=started))
    services.counter_action(
        counter, Action.FINISH, q.reception, at=at + timedelta(minutes=finished)
    )
    return ticket


@pytest.fixture
def history(q):
    """Waits of 10, 28 and 33 minutes; services of 10 and 6; one no-show, one cancelled."""
    visit(q, q.counter1, 0, 10, started=11, finished=21)
    visit(q, q.counter1, 2, 30, started=31, finished=37, priority_group=q.elderly)
    visit(q, q.counter2, 5, 38, no_show=True)
    cancelled = services.issue_ticket(q.center, q.civil, at=MONDAY_9 + timedelta(hours=1))
    services.cancel(cancelled, at=MONDAY_9 + timedelta(hours=1, minutes=5))


def test_stats_table_shows_figures_measured_from_periods(officer, q, clock, history):
    clock.at = vn(2025, 7, 8, 9)
    response = officer.get(
        reverse("queueing:stats"), {"tu": "2025-07-07", "den": "2025-07-07", "theo": "day"}
    )
    html = page(response)
    assert "Từ 07/07/2025 đến 07/07/2025." in html
    assert 'data-testid="stats-method"' in html and "đo từ các giai đoạn" in html
    total = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", total)
    # label, tickets, served, no-shows, no-show %, not used, priority %, waits, services
    assert cells == [
        "Tổng", "4", "2", "1", "33,3", "1", "25,0", "28,0", "23,7", "8,0", "8,0",
    ]  # fmt: skip
    assert 'class="mc-table__cell--numeric"' in total
    day_row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert "07/07/2025" in day_row

    by_counter = page(
        officer.get(reverse("queueing:stats"), {"tu": "2025-07-07", "theo": "counter"})
    )
    assert "Quầy 1" in by_counter and "Quầy 2" in by_counter
    every = page(officer.get(reverse("queueing:stats"), {"center": "all", "theo": "center"}))
    assert q.center.name in every


def test_stats_with_nothing_in_range_and_odd_parameters(officer, q, clock):
    html = page(
        officer.get(
            reverse("queueing:stats"), {"tu": "2025-07-07", "den": "2025-07-01", "theo": "bogus"}
        )
    )
    # The dates are put in order, an unknown grouping falls back to days.
    assert "Từ 01/07/2025 đến 07/07/2025." in html
    assert 'data-testid="stats-empty"' in html
    assert '<option value="day" selected>' in html
    # A centre that is not there answers as one out of scope would: 404, never a server error.
    for odd in ("9" * 30, "abc", "-1"):
        assert officer.get(reverse("queueing:stats"), {"center": odd}).status_code == 404


# --------------------------------------------------------------------------- one visit's path


def test_staff_ticket_shows_the_whole_path_of_a_visit(officer, q, clock, history):
    ticket = Ticket.objects.get(number=1)
    dossier = q.receive(at=MONDAY_9 + timedelta(minutes=15))
    services.link_dossier(ticket, dossier, q.reception, at=MONDAY_9 + timedelta(minutes=20))
    visit_rating.submit(
        ticket, {"wait": "satisfied", "courtesy": "very_satisfied"}, "Nhanh, chu đáo."
    )
    html = page(officer.get(reverse("queueing:staff_ticket", args=[ticket.pk])))
    assert "Số 0001" in html and "Đã phục vụ xong" in html
    periods = re.search(r'data-testid="periods".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", periods, re.S)[1:]
    assert len(rows) == 3
    assert "Đang chờ" in rows[0] and "09:00" in rows[0] and "09:10" in rows[0]
    assert re.search(r">10</td>", rows[0])
    assert "Quầy 1" in rows[2] and q.reception.get_full_name() in rows[2]
    assert re.search(r">10</td>", rows[2])  # served 09:11 to 09:21
    assert f'href="{reverse("dossiers:detail", args=[dossier.code])}"' in html
    assert "Chưa có đánh giá hồ sơ." in html
    rating = re.search(r'data-testid="visit-rating".*?</dl>', html, re.S).group(0)
    assert "Thời gian chờ đến lượt" in rating and "Hài lòng" in rating
    assert "Rất hài lòng" in rating and "Nhanh, chu đáo." in rating
