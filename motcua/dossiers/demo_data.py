"""Realistic demo history: months of dossiers in a few Hà Nội communes, made by replaying the real
services with simulated clocks, so every demo dossier has the same steps, audit rows and due times
as a real one. Deterministic for a given seed.
"""

import functools
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.fees import fee_due
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    Payment,
    PaymentMethod,
    ReturnMethod,
)
from motcua.dossiers.signals import listeners_muted
from motcua.dossiers.workflow import TRANSITIONS, Action
from motcua.units.calendars import calendar_for_center
from motcua.units.models import Commune
from motcua.workdays import VIETNAM_TZ

DEMO_PASSWORD = "motcua-demo"
# Communes of Hà Nội with demo staff and history (codes from Decision 19/2025/QĐ-TTg).
DEMO_COMMUNES = {
    "00070": "hoankiem",  # Phường Hoàn Kiếm
    "00082": "cuanam",  # Phường Cửa Nam
    "00565": "gialam",  # Xã Gia Lâm
    "09556": "hadong",  # Phường Hà Đông
    "09700": "bavi",  # Xã Ba Vì
}
ROLE_SUFFIX = {
    Role.RECEPTION: ("motcua", "Cán bộ một cửa"),
    Role.SPECIALIST: ("chuyenvien", "Chuyên viên"),
    Role.LEADER: ("lanhdao", "Phó Chủ tịch UBND"),
    Role.COMMUNE_ADMIN: ("quantri", "Quản trị hệ thống"),
}

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Ngọc",
    "Thu",
    "Hữu",
    "Quang",
    "Thanh",
    "Thị",
    "Văn",
    "Hoài",
    "Gia",
]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngọc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Khánh",
    "Đạt",
    "Huyền",
    "Thắng",
    "Nhung",
]
STREETS = [
    "Hàng Bạc",
    "Hàng Đào",
    "Lý Thái Tổ",
    "Tràng Tiền",
    "Quang Trung",
    "Nguyễn Trãi",
    "Trần Phú",
]
# How often residents ask for each procedure at a commune counter (certified copies dominate).
PROCEDURE_WEIGHTS = {
    "2.000815": 30,
    "2.000884": 10,
    "1.001193": 10,
    "1.010041": 8,
    "1.004194": 7,
    "1.000894": 5,
    "1.000656": 3,
    "1.004873": 5,
    "2.001035": 4,
    "1.004222": 4,
    "1.003677": 2,
    "1.013225": 2,
    "1.001612": 3,
    "1.004859": 2,
    "1.014027": 2,
    "1.009141": 1,
}


@dataclass
class Staff:
    reception: User
    specialists: list[User]
    leader: User


def ensure_demo_users(stdout=None) -> list[tuple[str, str, str]]:
    """Create demo officers for each demo commune plus a province monitor and an administrator.
    Returns (username, role, unit) rows for the banner. Idempotent."""
    from motcua.units.models import Province

    rows = []
    for code, slug in DEMO_COMMUNES.items():
        commune = Commune.objects.get(code=code)
        for role, (suffix, title) in ROLE_SUFFIX.items():
            usernames = [f"{slug}.{suffix}"]
            if role == Role.SPECIALIST:
                usernames.append(f"{slug}.{suffix}2")
            for i, username in enumerate(usernames):
                demo_user(username, role=role, commune=commune, title=title, n=i)
                rows.append((username, str(Role(role).label), commune.name))
    hanoi = Province.objects.get(code="01")
    demo_user("hanoi.giamsat", role=Role.PROVINCE_MONITOR, province=hanoi, title="Giám sát")
    rows.append(("hanoi.giamsat", str(Role.PROVINCE_MONITOR.label), hanoi.full_name))
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD)
    rows.append(("admin", "Superuser", "—"))
    return rows


def demo_user(username, *, role, title, commune=None, province=None, n=0):
    rng = random.Random(username)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "commune": commune,
            "province": province,
            "first_name": rng.choice(GIVEN),
            "last_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}",
            "job_title": title,
        },
    )
    if created:
        user.password = _demo_password_hash(settings.PASSWORD_HASHERS[0])
        user.save(update_fields=["password"])
    return user


@functools.cache
def _demo_password_hash(hasher: str) -> str:
    """The demo password hashed once for every demo account: each hash costs the full key
    stretching (about half a second), and thirty accounts made the demo's first start 15 s
    slower. The password is printed in the banner, so a shared salt reveals nothing. Kept per
    hasher, as tests change ``PASSWORD_HASHERS``."""
    return make_password(DEMO_PASSWORD)


def staff_of(commune: Commune) -> Staff:
    people = list(User.objects.filter(commune=commune, is_active=True).order_by("username"))
    by_role = {r: [u for u in people if u.role == r] for r in Role.values}
    return Staff(
        reception=by_role[Role.RECEPTION][0],
        specialists=by_role[Role.SPECIALIST],
        leader=by_role[Role.LEADER][0],
    )


def random_applicant(rng: random.Random, commune: Commune) -> services.Applicant:
    year = rng.randint(1950, 2006)
    century = (0 if year < 2000 else 2) + rng.randint(0, 1)
    id_number = f"001{century}{year % 100:02d}{rng.randint(0, 999999):06d}"
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return services.Applicant(
        name=name,
        id_number=id_number,
        phone=f"09{rng.randint(10000000, 99999999)}",
        address=f"Số {rng.randint(1, 200)} phố {rng.choice(STREETS)}, {commune.name}, Hà Nội",
    )


# The share of counter dossiers whose papers the demo's officers scanned at intake: the rest were
# received on paper only, and are not digitised (ADR 0028).
SCANNED_SHARE = 0.6


class HistoryGenerator:
    """Replays one commune's counter day by day through the services.

    ``scanner(owner_id_number, name, at)`` keeps a scan of a paper and returns the stored
    document (the demo passes ``motcua.demo.scans.counter_scanner()``; this app sits below the
    document store): the papers of ``SCANNED_SHARE`` of the counter dossiers get one. Without it
    no paper is scanned."""

    def __init__(self, commune: Commune, *, seed: int, now: datetime, per_day: int, scanner=None):
        self.commune = commune
        self.rng = random.Random(seed)
        # Its own generator, so scanning or not leaves the rest of the history as it was.
        self.scan_rng = random.Random(seed * 7919)
        self.scanner = scanner
        self.now = now
        self.per_day = per_day
        self.staff = staff_of(commune)
        self.center = commune.centers.filter(parent__isnull=True).first()
        self.calendar = calendar_for_center(self.center)
        codes = [c for c in PROCEDURE_WEIGHTS if Procedure.objects.filter(code=c).exists()]
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        self.weights = [PROCEDURE_WEIGHTS[c] for c in self.procedures]
        self.payments: list[Payment] = []
        self.payment_events: list[DossierEvent] = []

    def day(self, d: date) -> int:
        """Generate one working day's dossiers; returns how many."""
        if not self.calendar.is_working_day(d):
            return 0
        count = max(1, int(self.rng.gauss(self.per_day, self.per_day / 4)))
        made = sum(self.one_dossier(d) for _ in range(count))
        self._flush_payments()
        return made

    def _pay(self, dossier: Dossier, action: str, at: datetime) -> None:
        """A returned dossier whose procedure has a fee was paid in full when its result was
        handed over: cash at the counter, a transfer for online dossiers. The day's payments and
        their audit rows are written together at the end of the day (``_flush_payments``): one
        insert each instead of a service call per dossier, so the demo's first start stays as
        fast as it was (ADR 0029). No random draw: the history's dossiers stay the same."""
        due = fee_due(dossier.procedure, dossier.channel)
        if not due.amount_vnd:
            return
        method = PaymentMethod.TRANSFER if dossier.channel == Channel.ONLINE else PaymentMethod.CASH
        officer = self.staff.reception
        state = TRANSITIONS[action].target
        self.payments.append(
            Payment(
                dossier=dossier,
                number=1,
                amount_vnd=due.amount_vnd,
                method=method,
                recorded_by=officer,
                at=at,
            )
        )
        self.payment_events.append(
            DossierEvent(
                dossier=dossier,
                at=at,
                actor=officer,
                actor_role=officer.role,
                action="record_payment",
                from_state=state,
                to_state=state,
                data={"number": 1, "amount_vnd": due.amount_vnd, "method": method},
            )
        )

    def _flush_payments(self) -> None:
        if not self.payments:
            return
        Payment.objects.bulk_create(self.payments)
        DossierEvent.objects.bulk_create(self.payment_events)
        self.payments, self.payment_events = [], []

    def at_office_time(self, d: date) -> datetime:
        minutes = self.rng.randint(0, 7 * 60 + 30)
        start = datetime.combine(d, time(8), VIETNAM_TZ) + timedelta(minutes=minutes)
        return self.calendar.next_opening(start)

    def later(self, start: datetime, hours: float) -> datetime:
        return self.calendar.add_working_time(start, timedelta(hours=max(hours, 0.05)))

    def one_dossier(self, d: date) -> bool:
        """Receive one dossier on day ``d`` and play its story up to now; False if the moment of
        receipt is still in the future (later today)."""
        rng = self.rng
        procedure = self.procedures[rng.choices(list(self.procedures), self.weights)[0]]
        applicant = random_applicant(rng, self.commune)
        t = self.at_office_time(d)
        if t > self.now:
            return False
        docs = [services.DocumentIn(n, originals=1) for n in procedure.documents[:4]]
        if rng.random() < 0.02:
            services.refuse_at_counter(
                officer=self.staff.reception,
                procedure=procedure,
                applicant=applicant,
                reason="Hồ sơ không thuộc thẩm quyền giải quyết của UBND xã.",
                at=t,
            )
            return True
        online = rng.random() < 0.35 and procedure.online_level != "none"
        by_post = not online and rng.random() < 0.05
        return_method = ReturnMethod.POST if rng.random() < 0.06 else ReturnMethod.COUNTER
        postal = applicant.address if return_method == ReturnMethod.POST else ""
        if online:
            dossier = services.submit_online(
                procedure=procedure,
                commune=self.commune,
                applicant=applicant,
                documents=docs,
                return_method=ReturnMethod.ONLINE if rng.random() < 0.5 else return_method,
                postal_address=postal,
                at=t - timedelta(hours=rng.uniform(0.2, 14)),
            )
            if not self._do(dossier, Action.ACCEPT_ONLINE, self.staff.reception, t):
                return True
        else:
            if self.scanner is not None and self.scan_rng.random() < SCANNED_SHARE:
                docs = [
                    services.DocumentIn(
                        d.name,
                        originals=1,
                        stored_document=self.scanner(applicant.id_number, d.name, t),
                    )
                    for d in docs
                ]
            dossier = services.receive_dossier(
                officer=self.staff.reception,
                procedure=procedure,
                applicant=applicant,
                channel=Channel.POST if by_post else Channel.COUNTER,
                documents=docs,
                return_method=return_method,
                postal_address=postal,
                at=t,
            )
        self.process(dossier, t)
        return True

    def process(self, dossier: Dossier, t: datetime) -> None:
        rng = self.rng
        budget = {s["role"]: float(s["budget_hours"]) for s in dossier.process}
        # Most officers finish well inside their budget; a few steps run late, as the seeds say
        # happens with slow reception or slow specialists.
        slow = rng.random() < 0.08
        pace = rng.uniform(1.1, 1.8) if slow else rng.uniform(0.15, 0.8)
        specialist = rng.choice(self.staff.specialists)
        t = self.later(t, min(budget.get("reception", 1) * rng.uniform(0.1, 0.6), 1.5))
        if not self._do(dossier, Action.FORWARD, self.staff.reception, t):
            return
        t = self.later(t, 0.3)
        if not self._do(dossier, Action.ASSIGN, self.staff.leader, t, assignee=specialist):
            return
        roll = rng.random()
        if roll < 0.02:
            t = self.later(t, 4)
            self._do(
                dossier,
                Action.WITHDRAW,
                self.staff.reception,
                t,
                reason="Công dân có đơn xin rút hồ sơ để bổ sung thông tin.",
            )
            return
        if roll < 0.10:
            t = self.later(t, budget.get("specialist", 8) * 0.3)
            if not self._do(
                dossier,
                Action.REQUEST_SUPPLEMENT,
                specialist,
                t,
                items=[
                    "Bản sao giấy tờ chứng minh nơi cư trú",
                    "Tờ khai có chữ ký của người yêu cầu",
                ],
                reason="Thành phần hồ sơ chưa đầy đủ theo quy định.",
            ):
                return
            if rng.random() < 0.15:
                # Never answered: closed by the background scan after 15 days.
                closing = t + timedelta(days=15, minutes=5)
                if closing <= self.now:
                    services.perform(dossier, Action.CLOSE_NO_SUPPLEMENT, actor=None, at=closing)
                return
            t = self.later(t, rng.uniform(4, 40))
            if not self._do(dossier, Action.RECEIVE_SUPPLEMENT, self.staff.reception, t):
                return
        if slow and rng.random() < 0.5:
            t = self._maybe_extend(dossier, specialist, t)
        t = self.later(t, budget.get("specialist", 8) * pace)
        if roll > 0.97:
            self._do(
                dossier,
                Action.REFUSE,
                specialist,
                t,
                reason="Người yêu cầu không đủ điều kiện theo quy định của pháp luật.",
            )
        else:
            if not self._do(dossier, Action.PROPOSE, specialist, t):
                return
            t = self.later(t, budget.get("leader", 4) * pace)
            if not self._do(
                dossier,
                Action.APPROVE,
                self.staff.leader,
                t,
                result_summary=dossier.procedure.name_vi,
            ):
                return
        t = self.later(t, rng.uniform(0.5, 16))
        if dossier.return_method == ReturnMethod.POST:
            action = Action.RETURN_BY_POST
            inputs = {"waybill_number": f"EB{rng.randint(10**8, 10**9 - 1)}VN"}
        elif dossier.return_method == ReturnMethod.ONLINE:
            action, inputs = Action.RETURN_ONLINE, {}
        else:
            action, inputs = Action.RETURN_AT_COUNTER, {}
        if self._do(dossier, action, self.staff.reception, t, **inputs):
            self._pay(dossier, action, t)

    def _maybe_extend(self, dossier: Dossier, actor: User, t: datetime) -> datetime:
        """A slow dossier gets the apology-and-extension letter while that is still allowed (one
        day before the due time); returns the moment the story continues from."""
        dossier.refresh_from_db()
        latest = dossier.due_at - timedelta(days=1, minutes=1)
        when = max(t, min(latest, self.later(t, 2)))
        if when > latest:
            return t
        done = self._do(
            dossier,
            Action.EXTEND,
            actor,
            when,
            reason="Cần xác minh thông tin tại cơ quan khác nên chưa thể trả kết quả đúng hẹn.",
            new_due_at=self.later(dossier.due_at, 16),
        )
        return when if done else t

    def _do(self, dossier: Dossier, action: str, actor, at: datetime, **inputs) -> bool:
        """Perform the action if its time has come; False means the story stops here (the
        dossier stays in progress, as real recent dossiers do)."""
        if at > self.now:
            return False
        services.perform(dossier, action, actor=actor, at=at, **inputs)
        return True


def generate_history(
    *, days: int, per_day: int, seed: int = 2025, progress=None, scanner=None
) -> int:
    """Generate ``days`` calendar days of history up to now for every demo commune; with
    ``scanner``, counter papers are scanned as ``HistoryGenerator`` says.

    Listeners are muted: the past is replayed without texting anyone or queueing portal pushes.
    """
    now = timezone.now()
    today = timezone.localtime(now, VIETNAM_TZ).date()
    total = 0
    with listeners_muted():
        for i, code in enumerate(DEMO_COMMUNES):
            commune = Commune.objects.get(code=code)
            generator = HistoryGenerator(
                commune, seed=seed + i, now=now, per_day=per_day, scanner=scanner
            )
            d = today - timedelta(days=days)
            while d <= today:
                with transaction.atomic():
                    total += generator.day(d)
                if progress is not None:
                    progress.advance(1)
                d += timedelta(days=1)
    return total


def demo_day_count(days: int) -> int:
    return (days + 1) * len(DEMO_COMMUNES)
