"""The queue's part of the demo: about 30 working days of queue history at each demo commune's
centre, and a line for today, made by replaying the real services with simulated clocks
(decision 0008), so the statistics and the waiting-time estimates show measured figures.

A day at a centre is a small event simulation. Visitors arrive with a morning peak, most take a
number at the kiosk, some booked a slot the evening before and check in with their code; each
counter calls its next number whenever it is free (``services.call_next`` decides who, by the
ordering rule), the visitor comes up, is served for 5–20 minutes, and sometimes is sent to another
field, does not come up, gives up waiting, or rates the visit afterwards. Every step is a service
call with its ``at=`` time, in time order, so every ticket has the same periods a real one would.
A seeded random generator makes it deterministic for a given seed and clock. Moments still in
the future are not played, so today's line stops at "now".
"""

import heapq
import itertools
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.catalog.models import Field
from motcua.dossiers.demo_data import DEMO_COMMUNES, FAMILY, GIVEN, MIDDLE
from motcua.feedback.criteria import Level
from motcua.queueing import links, services, visit_rating
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Source, Ticket
from motcua.queueing.slots import local_today, opening_periods, slots_for
from motcua.queueing.workflow import AT_COUNTER_STATES, Action, State
from motcua.residents.models import Resident
from motcua.units.models import Commune, Counter, ServiceCenter
from motcua.workdays import VIETNAM_TZ

HISTORY_WORKING_DAYS = 30
# Visitors a day at an average demo centre, and how busy each demo commune is next to that (a
# central ward sees more people than a rural commune). Kept modest so the replay adds ~20 s to
# the demo: each visit is some forty queries through the services.
VISITORS_PER_DAY = 8
LOAD = {"00070": 1.8, "00082": 1.0, "00565": 0.7, "09556": 1.2, "09700": 0.4}
# How often visitors come for each field (names of the standard counters' fields); others: 2.
FIELD_WEIGHTS = {
    "Chứng thực": 30,
    "Hộ tịch": 24,
    "Đăng ký, quản lý cư trú": 18,
    "Đất đai": 8,
    "Hoạt động xây dựng": 5,
    "Bảo trợ xã hội": 8,
    "Thành lập và hoạt động của hộ kinh doanh": 6,
}
# Minutes at the counter, (shortest, most often, longest) of a triangular draw: a certified copy
# is quick, a land or household-business file takes a while.
SERVICE_MINUTES = {
    "Chứng thực": (5, 6, 12),
    "Hộ tịch": (6, 10, 20),
    "Đăng ký, quản lý cư trú": (5, 9, 18),
    "Đất đai": (8, 14, 20),
    "Hoạt động xây dựng": (8, 13, 20),
    "Bảo trợ xã hội": (6, 11, 20),
    "Thành lập và hoạt động của hộ kinh doanh": (7, 12, 20),
}
DEFAULT_SERVICE = (5, 10, 20)
# Shares of visitors; together they give ~15 % priority and ~5 % no-shows.
BOOKING_SHARE = 0.10
BOOKING_LAPSE = 0.12  # never come
BOOKING_CANCEL = 0.05  # cancel that morning
PRIORITY_AT_KIOSK = 0.13  # say so at the kiosk; the officer confirms at the counter
PRIORITY_BY_OFFICER = 0.04  # an officer in the hall sees them and sets it
PRIORITY_GROUPS = {"elderly": 70, "disability": 15, "pregnant": 15}
ISSUED_BY_OFFICER = 0.05  # someone who cannot use the kiosk
NO_SHOW = 0.05
TRANSFER = 0.03
GIVE_UP = 0.02
RATED = 0.25
# Counter officers also file what they received: now and then a few minutes pass before they
# call the next number (share of calls, shortest and longest pause in minutes).
PAPERWORK = (0.2, 5, 25)
# Counters keep calling this long after closing while people still wait; the rest expire.
OVERTIME = timedelta(minutes=20)
# 45 % of visitors come in the first hour and a half, 28 % after lunch, the rest in between.
MORNING_PEAK = (0.45, timedelta(minutes=90))
AFTER_LUNCH = 0.28
# Nobody takes a number in the last minutes of a period.
LAST_ARRIVAL = timedelta(minutes=15)
# Today's line once replayed up to now: at least this many waiting, one counter at work.
TODAY_WAITING = 4
COMMENTS = [
    "Cán bộ hướng dẫn tận tình.",
    "Chờ hơi lâu vào buổi sáng.",
    "Màn hình gọi số dễ nhìn.",
    "Nên có thêm ghế ngồi ở khu vực chờ.",
]


@dataclass
class Report:
    days: int = 0
    tickets: int = 0


def demo_centers() -> list[ServiceCenter]:
    """The main centre of each demo commune, in the demo's order."""
    centers = []
    for code in DEMO_COMMUNES:
        commune = Commune.objects.get(code=code)
        center = commune.centers.filter(parent__isnull=True).first()
        if center is not None:
            centers.append(center)
    return centers


def history_days(center: ServiceCenter, today: date, count: int) -> list[date]:
    """The ``count`` days before ``today`` on which the centre received visitors, oldest first."""
    days, d = [], today
    while len(days) < count and d > today - timedelta(days=4 * count):
        d -= timedelta(days=1)
        if opening_periods(center, d):
            days.append(d)
    return days[::-1]


def replay_queues(
    *,
    now: datetime | None = None,
    seed: int = 2025,
    working_days: int = HISTORY_WORKING_DAYS,
    per_day: int = VISITORS_PER_DAY,
    progress=None,
) -> Report:
    """Give every demo centre its queue setup, its history (once) and a line for today.

    Idempotent: a centre that already has history keeps it; past days left open are closed
    (``close_past_days``, as the hourly command does); today is replayed only if it has no
    numbers yet.
    """
    now = now or timezone.now()
    centers = demo_centers()
    services.ensure_queue_setup(centers)
    report = Report()
    with _quiet_service_log():
        for i, center in enumerate(centers):
            load = LOAD.get(center.commune.code, 1.0)
            replay = CentreReplay(center, seed=seed + i, now=now, per_day=per_day * load)
            _replay_centre(replay, working_days, report, progress)
    return report


def _replay_centre(replay: "CentreReplay", working_days: int, report: Report, progress) -> None:
    center, now = replay.center, replay.now
    today = local_today(center, now)
    if not _has_history(center, now):
        for d in history_days(center, today, working_days):
            with transaction.atomic():
                report.tickets += replay.day(d)
                # What the hourly ``close_queue_days`` would have done that night.
                services.close_past_days(at=_local(d + timedelta(days=1), time(0, 5)))
            report.days += 1
            if progress is not None:
                progress.advance(1)
    services.close_past_days(at=now)
    if not opening_periods(center, today):
        return
    if not Ticket.objects.filter(center=center, service_day=today).exists():
        with transaction.atomic():
            report.tickets += replay.day(today)
            report.tickets += replay.leave_a_line(today)


@contextmanager
def _quiet_service_log() -> Iterator[None]:
    """The services log each booking; replaying a month of them would flood the demo's window."""
    logger = logging.getLogger(services.__name__)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def demo_day_count(working_days: int = HISTORY_WORKING_DAYS, now: datetime | None = None) -> int:
    """How many centre-days ``replay_queues`` will replay (for its progress bar)."""
    now = now or timezone.now()
    return working_days * sum(not _has_history(c, now) for c in demo_centers())


def _has_history(center: ServiceCenter, now: datetime) -> bool:
    return Ticket.objects.filter(center=center, service_day__lt=local_today(center, now)).exists()


def banner_lines(base_url: str) -> list[str]:
    """The kiosk and waiting-room screen addresses of the first demo centre, for the banner."""
    center = next(iter(demo_centers()), None)
    if center is None:
        return []
    kiosk = base_url + links.kiosk_path(services.settings_for(center))
    display = base_url + reverse("queueing:display", args=[center.pk])
    return [
        f"Lấy số thứ tự tại {center.name}:",
        f"  máy lấy số:      {kiosk}",
        f"  màn hình gọi số: {display}",
    ]


def _local(d: date, t: time) -> datetime:
    return datetime.combine(d, t, VIETNAM_TZ)


def _minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def booking_residents(commune_index: int, count: int = 40) -> list[Resident]:
    """Residents who book from home in the demo: signed in with the VNeID stand-in, no phone
    number (so replaying the past texts nobody). Idempotent."""
    rng = random.Random(f"queue-residents-{commune_index}")
    people = []
    for i in range(count):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        resident, _created = Resident.objects.get_or_create(
            verified_id_number=f"0019{commune_index:02d}{i:06d}",
            defaults={"full_name": name, "verified_by": "fake"},
        )
        people.append(resident)
    return people


class CentreReplay:
    """Replays the days of one centre. ``day`` plays one day up to ``now`` and returns how many
    numbers it gave."""

    def __init__(self, center: ServiceCenter, *, seed: int, now: datetime, per_day: float):
        self.center = center
        self.rng = random.Random(seed)
        self.now = now
        self.per_day = per_day
        self.settings = services.settings_for(center)
        self.counters = list(
            Counter.objects.filter(center=center, is_active=True)
            .select_related("center__commune")
            .prefetch_related("fields")
            .order_by("number")
        )
        self.fields_of = {c.pk: {f.pk for f in c.fields.all()} for c in self.counters}
        self.fields = list(
            Field.objects.filter(pk__in=set().union(*self.fields_of.values())).order_by("pk")
        )
        self.field_names = {f.pk: f.name_vi for f in self.fields}
        self.field_weights = [FIELD_WEIGHTS.get(f.name_vi, 2) for f in self.fields]
        groups = {g.code: g for g in center.priority_groups.filter(is_active=True)}
        self.groups = [groups[c] for c in PRIORITY_GROUPS if c in groups]
        self.group_weights = [PRIORITY_GROUPS[g.code] for g in self.groups]
        officers = self._officers(center.commune)
        self.officer_of = {c.pk: officers[i % len(officers)] for i, c in enumerate(self.counters)}
        self.hall_officer = officers[0]
        index = list(DEMO_COMMUNES).index(center.commune.code)
        self.residents = booking_residents(index) if self.settings.booking_enabled else []

    @staticmethod
    def _officers(commune: Commune) -> list[User]:
        """Who sits at the counters: the one-stop officer first, then the specialists and the
        commune's administrator (at a small commune everyone takes a turn at the counter)."""
        order = {Role.RECEPTION: 0, Role.SPECIALIST: 1, Role.COMMUNE_ADMIN: 2}
        people = User.objects.filter(commune=commune, is_active=True, role__in=list(order))
        return sorted(people, key=lambda u: (order[u.role], u.username))

    # ----------------------------------------------------------------------- one day

    def day(self, d: date) -> int:
        periods = opening_periods(self.center, d)
        if not periods or not self.counters:
            return 0
        self.periods = periods
        self.events: list = []
        self.seq = itertools.count()
        self.waiting: dict[int, set[int]] = {f.pk: set() for f in self.fields}
        self.busy: dict[int, Ticket | None] = {c.pk: None for c in self.counters}
        self.calling: set[int] = set()
        self.made = 0
        count = max(3, round(self.rng.gauss(self.per_day, self.per_day / 4)))
        for _ in range(count):
            if self.residents and self.rng.random() < BOOKING_SHARE:
                self._book(d)
            else:
                self._schedule(self._arrival_time(), self._walk_in)
        for counter in self.counters:
            self._schedule(periods[0][0] + _minutes(self.rng.uniform(0, 6)), self._call, counter)
            self.calling.add(counter.pk)
        while self.events and self.events[0][0] <= self.now:
            at, _seq, handler, args = heapq.heappop(self.events)
            handler(at, *args)
        return self.made

    def _schedule(self, at: datetime, handler: Callable, *args) -> None:
        heapq.heappush(self.events, (at, next(self.seq), handler, args))

    def _arrival_time(self) -> datetime:
        """A moment of the day, with the morning peak of a commune centre: many come in the first
        hour and a half, most of the rest later in the morning, the others in the afternoon."""
        roll = self.rng.random()
        start, end = self.periods[0]
        if roll < MORNING_PEAK[0]:
            end = min(start + MORNING_PEAK[1], end)
        elif roll >= 1 - AFTER_LUNCH and len(self.periods) > 1:
            start, end = self.rng.choice(self.periods[1:])
        span = (end - start - LAST_ARRIVAL).total_seconds() / 60
        return start + _minutes(self.rng.uniform(0, max(span, 1)))

    def _field(self) -> Field:
        return self.rng.choices(self.fields, self.field_weights)[0]

    def _group(self):
        return self.rng.choices(self.groups, self.group_weights)[0] if self.groups else None

    # ----------------------------------------------------------------------- arrivals

    def _walk_in(self, at: datetime) -> None:
        rng = self.rng
        field = self._field()
        group = self._group() if rng.random() < PRIORITY_AT_KIOSK else None
        by_officer = rng.random() < ISSUED_BY_OFFICER
        ticket = services.issue_ticket(
            self.center,
            field,
            source=Source.COUNTER if by_officer else Source.KIOSK,
            priority_group=group,
            officer=self.hall_officer if by_officer else None,
            at=at,
        )
        self.made += 1
        self._joined(ticket, at)
        if group is None and rng.random() < PRIORITY_BY_OFFICER:
            self._schedule(at + _minutes(rng.uniform(1, 6)), self._officer_sets_priority, ticket)
        if rng.random() < GIVE_UP:
            self._schedule(at + _minutes(rng.uniform(10, 40)), self._give_up, ticket)

    def _book(self, d: date) -> None:
        """Book a slot of day ``d`` the evening before; come on time, cancel, or never come."""
        rng = self.rng
        field = self._field()
        booked_at = _local(d - timedelta(days=1), time(19)) - _minutes(rng.uniform(0, 36 * 60))
        free = [
            s for s in slots_for(self.center, field.pk, d, self.settings, at=booked_at) if s.free
        ]
        if not free:
            return
        slot = rng.choice(free)
        resident = rng.choice(self.residents)
        try:
            ticket = services.book(resident, self.center, field, slot.start, at=booked_at)
        except QueueError:  # this resident already holds a number that day: a walk-in instead
            self._schedule(self._arrival_time(), self._walk_in)
            return
        self.made += 1
        roll = rng.random()
        if roll < BOOKING_CANCEL:
            self._schedule(_local(d, time(7)), self._cancel_booking, ticket)
        elif roll >= BOOKING_CANCEL + BOOKING_LAPSE:
            self._schedule(slot.start - _minutes(rng.uniform(0, 25)), self._check_in, ticket)

    def _check_in(self, at: datetime, ticket: Ticket) -> None:
        ticket = services.check_in(self.center, ticket.check_in_code, at=at)
        self._joined(ticket, at)

    def _cancel_booking(self, at: datetime, ticket: Ticket) -> None:
        services.cancel(ticket, at=at)

    def _joined(self, ticket: Ticket, at: datetime) -> None:
        """A ticket is in the line: counters of its field that sit idle call soon."""
        self.waiting[ticket.field_id].add(ticket.pk)
        for counter in self.counters:
            idle = self.busy[counter.pk] is None and counter.pk not in self.calling
            if idle and ticket.field_id in self.fields_of[counter.pk]:
                self.calling.add(counter.pk)
                self._schedule(at + _minutes(self.rng.uniform(0.2, 1.5)), self._call, counter)

    def _officer_sets_priority(self, at: datetime, ticket: Ticket) -> None:
        if ticket.pk in self.waiting[ticket.field_id]:
            services.set_priority(ticket, self._group(), self.hall_officer, at=at)

    def _give_up(self, at: datetime, ticket: Ticket) -> None:
        if ticket.pk in self.waiting[ticket.field_id]:
            services.cancel(ticket, at=at)
            self.waiting[ticket.field_id].discard(ticket.pk)

    # ----------------------------------------------------------------------- the counters

    def _call(self, at: datetime, counter: Counter) -> None:
        self.calling.discard(counter.pk)
        later = next((start for start, _end in self.periods if start > at), None)
        open_now = any(start <= at <= end + OVERTIME for start, end in self.periods)
        if not open_now:
            if later is not None:  # the lunch break: back at the counter when it ends
                self.calling.add(counter.pk)
                self._schedule(later + _minutes(self.rng.uniform(0, 5)), self._call, counter)
            return
        if not any(self.waiting[f] for f in self.fields_of[counter.pk]):
            return  # idle until someone joins the line (``_joined``)
        ticket = services.call_next(counter, self.officer_of[counter.pk], at=at)
        for waiting in self.waiting.values():
            waiting.discard(ticket.pk)
        self.busy[counter.pk] = ticket
        rng = self.rng
        if rng.random() < NO_SHOW:
            self._schedule(at + _minutes(rng.uniform(1, 2)), self._recall, counter)
            self._schedule(at + _minutes(rng.uniform(3, 5)), self._counter, counter, Action.NO_SHOW)
        else:
            self._schedule(at + _minutes(rng.uniform(0.5, 2.5)), self._start, counter)

    def _recall(self, at: datetime, counter: Counter) -> None:
        services.counter_action(counter, Action.RECALL, self.officer_of[counter.pk], at=at)

    def _start(self, at: datetime, counter: Counter) -> None:
        officer = self.officer_of[counter.pk]
        ticket = services.counter_action(counter, Action.START, officer, at=at)
        if ticket.priority_group_id and ticket.priority_confirmed_by_id is None:
            services.set_priority(ticket, ticket.priority_group, officer, at=at)
        rng = self.rng
        others = [f for f in self.fields if f.pk not in self.fields_of[counter.pk]]
        if others and rng.random() < TRANSFER:
            to_field = rng.choice(others)
            self._schedule(at + _minutes(rng.uniform(2, 5)), self._transfer, counter, to_field)
            return
        low, mode, high = SERVICE_MINUTES.get(self.field_names[ticket.field_id], DEFAULT_SERVICE)
        served = _minutes(rng.triangular(low, high, mode))
        self._schedule(at + served, self._counter, counter, Action.FINISH)

    def _counter(self, at: datetime, counter: Counter, action: str) -> None:
        ticket = services.counter_action(counter, action, self.officer_of[counter.pk], at=at)
        self.busy[counter.pk] = None
        rated_at = at + _minutes(self.rng.uniform(1, 30))
        if ticket.state == State.DONE and self.rng.random() < RATED and rated_at <= self.now:
            self._rate(ticket, rated_at)
        self._next_call(counter, at)

    def _transfer(self, at: datetime, counter: Counter, to_field: Field) -> None:
        officer = self.officer_of[counter.pk]
        ticket = services.transfer(counter, officer, to_field=to_field, at=at)
        self.busy[counter.pk] = None
        self._joined(ticket, at)
        self._next_call(counter, at)

    def _next_call(self, counter: Counter, at: datetime) -> None:
        pause = self.rng.uniform(0.3, 1.5)
        if self.rng.random() < PAPERWORK[0]:
            pause += self.rng.uniform(*PAPERWORK[1:])
        self.calling.add(counter.pk)
        self._schedule(at + _minutes(pause), self._call, counter)

    def _rate(self, ticket: Ticket, at: datetime) -> None:
        rng = self.rng
        # The longer the wait, the likelier a "not satisfied" with it (5 % to 65 %).
        waited = max((ticket.called_at - ticket.queued_at).total_seconds() / 60, 0)
        unhappy_wait = 0.05 + min(waited, 60) / 100

        def level(unhappy: float) -> str:
            roll = rng.random()
            if roll < unhappy:
                return Level.NOT_SATISFIED
            return Level.SATISFIED if roll < unhappy + 0.35 else Level.VERY_SATISFIED

        answers = {"wait": level(unhappy_wait), "courtesy": level(0.03)}
        if rng.random() < 0.6:
            answers["place"] = level(0.08)
        comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
        visit_rating.submit(ticket, answers, comment, at=at)

    # ----------------------------------------------------------------------- today

    def leave_a_line(self, today: date) -> int:
        """Make sure today's screen and counters show something: a few people waiting and one
        counter serving, all as of now (before opening or after closing too: it is a demo)."""
        at = self.now
        line = Ticket.objects.filter(center=self.center, service_day=today, state=State.WAITING)
        made = 0
        for i in range(max(TODAY_WAITING - line.count(), 0)):
            services.issue_ticket(
                self.center,
                self._field(),
                priority_group=self._group() if i == 2 else None,
                phone=f"09{self.rng.randint(10**7, 10**8 - 1)}" if i == 1 else "",
                at=at,
            )
            made += 1
        serving = Ticket.objects.filter(
            center=self.center, service_day=today, state__in=AT_COUNTER_STATES
        )
        if not serving.exists():
            for counter in self.counters:
                if line.filter(field_id__in=self.fields_of[counter.pk]).exists():
                    officer = self.officer_of[counter.pk]
                    services.call_next(counter, officer, at=at)
                    services.counter_action(counter, Action.START, officer, at=at)
                    break
        return made
