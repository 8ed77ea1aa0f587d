"""Demo reports (phản ánh, kiến nghị): a few months of them in every demo commune.

As for dossiers (ADR 0008), nothing is written here directly: each report is filed through
``services.submit`` and taken through its steps by ``services`` with explicit ``at=`` times, so
every stored fact (limits, ``handled_late``, events) is what the running system would have made.
Most reports are handled on time; some late by a step, some rejected or merged, the latest still
open; many are rated, a few reported again. Street lights, rubbish, potholes, a slow dossier, a
rude officer, a confusing rule: the things residents write about.

The messages the services queue for reporters are marked sent afterwards: the past is replayed,
nobody is texted now.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.dossiers.demo_data import DEMO_COMMUNES, FAMILY, GIVEN, MIDDLE, demo_user, staff_of
from motcua.dossiers.models import Dossier
from motcua.notify.models import Message
from motcua.notify.models import Status as MessageStatus
from motcua.petitions import queries, services
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import Channel, Petition, Place, Status
from motcua.units.models import Commune, Province
from motcua.workdays import VIETNAM_TZ

HOTLINE_USERNAME = "hanoi.tongdai"
PER_MONTH = (8, 13)  # reports per commune and month, at random in this range


@dataclass(frozen=True)
class Story:
    category: str
    title: str
    text: str
    answer: str


STORIES = [
    Story(
        "chieu-sang",
        "Đèn đường không sáng",
        "Ba cột đèn đường trên {street} không sáng từ tuần trước, buổi tối rất tối, đi lại "
        "nguy hiểm.",
        "Phòng đã phối hợp với đơn vị chiếu sáng thay bóng đèn và kiểm tra đường dây; đèn đã "
        "sáng lại từ tối hôm qua.",
    ),
    Story(
        "moi-truong",
        "Rác thải tập kết không đúng nơi quy định",
        "Rác thải sinh hoạt bị đổ thành đống ở đầu ngõ {n} {street} nhiều ngày chưa được thu "
        "gom, bốc mùi hôi.",
        "Đơn vị vệ sinh môi trường đã thu gom toàn bộ rác; xã, phường sẽ bố trí thùng rác và "
        "tăng giờ thu gom tại điểm này.",
    ),
    Story(
        "duong-giao-thong",
        "Ổ gà trên mặt đường",
        "Mặt đường {street} trước số nhà {n} có ổ gà lớn, trời mưa đọng nước, xe máy dễ ngã.",
        "Đã lập biên bản hiện trường và vá tạm mặt đường; tuyến đường đã có trong kế hoạch duy "
        "tu quý tới.",
    ),
    Story(
        "trat-tu-do-thi",
        "Lấn chiếm vỉa hè",
        "Một số hộ kinh doanh trên {street} bày hàng kín vỉa hè, người đi bộ phải xuống lòng "
        "đường.",
        "Tổ trật tự đô thị đã kiểm tra, nhắc nhở các hộ kinh doanh và sẽ kiểm tra định kỳ hằng "
        "tuần.",
    ),
    Story(
        "ho-so-thu-tuc",
        "Hồ sơ chậm trả kết quả",
        "Tôi nộp hồ sơ {code} đã quá ngày hẹn trả nhưng chưa nhận được kết quả, cũng chưa được "
        "thông báo lý do.",
        "Hồ sơ chậm do cần xác minh thêm thông tin; bộ phận một cửa đã gửi thư xin lỗi và trả "
        "kết quả cho ông/bà.",
    ),
    Story(
        "thai-do-can-bo",
        "Thái độ cán bộ tiếp dân",
        "Khi tôi đến hỏi thủ tục, cán bộ tại quầy trả lời cộc lốc và không hướng dẫn cụ thể giấy "
        "tờ cần nộp.",
        "Lãnh đạo đã làm việc với cán bộ liên quan, yêu cầu rút kinh nghiệm; xin cảm ơn ông/bà "
        "đã phản ánh.",
    ),
    Story(
        "quy-dinh-hanh-chinh",
        "Quy định khó hiểu",
        "Hướng dẫn về giấy tờ chứng minh nơi cư trú khi làm thủ tục chưa rõ: nơi nói cần bản "
        "sao, nơi nói không cần.",
        "Theo quy định hiện hành, ông/bà không phải nộp giấy tờ chứng minh nơi cư trú khi thông "
        "tin đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
    ),
    Story(
        "phuc-vu-tai-quay",
        "Chờ lâu tại quầy",
        "Sáng nay tôi chờ hơn một tiếng mới đến lượt ở trung tâm phục vụ hành chính công, chỉ "
        "mở hai quầy.",
        "Trung tâm đã bố trí thêm một quầy vào các buổi sáng thứ Hai và thứ Sáu, khi đông người.",
    ),
]
STREETS = ["phố Hàng Bạc", "phố Lý Thái Tổ", "đường Quang Trung", "phố Tô Hiệu", "đường Lê Lợi"]
PLACES = [
    ("Chợ dân sinh", "21.028500", "105.852000"),
    ("Vườn hoa trung tâm", "21.030100", "105.850300"),
]
CHANNELS = [
    (Channel.PORTAL, 40),
    (Channel.QR, 15),
    (Channel.KIOSK, 10),
    (Channel.HOTLINE, 20),
    (Channel.OPEN311, 15),
]


def ensure_hotline_operator() -> list[tuple[str, str, str]]:
    """Hà Nội's demo hotline operator (takes calls for every commune of the city). Returns the
    banner row."""
    hanoi = Province.objects.get(code="01")
    demo_user(
        HOTLINE_USERNAME,
        role=Role.HOTLINE_OPERATOR,
        province=hanoi,
        title="Tổng đài viên 1022",
    )
    return [(HOTLINE_USERNAME, str(Role.HOTLINE_OPERATOR.label), hanoi.full_name)]


def month_count(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def step_count(first: date, last: date) -> int:
    """The progress bar's length: communes × months."""
    return len(DEMO_COMMUNES) * month_count(first, last)


def generate_reports(
    *, first: date, now: datetime | None = None, seed: int = 2025, progress=None
) -> int:
    """Reports from ``first`` (a day) to ``now`` in every demo commune, replayed through the
    services. Returns the number of reports filed; nothing when the demo has reports already."""
    now = now or timezone.now()
    if Petition.objects.exists():
        return 0
    hotline = User.objects.get(username=HOTLINE_USERNAME)
    made = 0
    before = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for i, code in enumerate(DEMO_COMMUNES):
        commune = Commune.objects.get(code=code)
        replay = _Replay(commune, random.Random(seed + i), now, hotline)
        month = first.replace(day=1)
        while month <= timezone.localtime(now, VIETNAM_TZ).date():
            with transaction.atomic():
                made += replay.month(month, first)
            if progress is not None:
                progress.advance(1)
            month = (month + timedelta(days=32)).replace(day=1)
    # The past was replayed: its messages count as sent then, nobody is texted now.
    Message.objects.filter(
        pk__gt=before, dedupe_key__startswith="petition:", status=MessageStatus.PENDING
    ).update(status=MessageStatus.SENT, sent_at=timezone.now())
    return made + Petition.objects.filter(repeat_of__isnull=False).count()


class _Replay:
    def __init__(self, commune: Commune, rng: random.Random, now: datetime, hotline: User):
        self.commune, self.rng, self.now, self.hotline = commune, rng, now, hotline
        self.staff = staff_of(commune)
        self.calendar = queries.calendar_of(commune)
        services.ensure_departments(commune)
        self.places = [
            Place.objects.get_or_create(
                commune=commune,
                name=name,
                defaults={"address": f"{name}, {commune.name}", "latitude": lat, "longitude": lon},
            )[0]
            for name, lat, lon in PLACES
        ]
        self.open: list[Petition] = []

    def month(self, month: date, first: date) -> int:
        low, high = PER_MONTH
        made = 0
        for _ in range(self.rng.randint(low, high)):
            day = month + timedelta(days=self.rng.randint(0, 27))
            if day < first:
                continue
            at = datetime(
                day.year,
                day.month,
                day.day,
                self.rng.randint(7, 20),
                self.rng.randint(0, 59),
                tzinfo=VIETNAM_TZ,
            )
            if at >= self.now:
                continue
            petition = self._file(at)
            if petition is not None:
                self._handle(petition, at)
                made += 1
        return made

    # ------------------------------------------------------------------ filing

    def _file(self, at: datetime) -> Petition | None:
        rng = self.rng
        story = rng.choice(STORIES)
        category = queries.category_by_code(self.commune.province, story.category)
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        dossier = None
        fill = {"street": rng.choice(STREETS), "n": rng.randint(2, 180), "code": ""}
        if story.category == "ho-so-thu-tuc":
            dossier = (
                Dossier.objects.filter(competent_commune=self.commune, received_at__lt=at)
                .order_by("-received_at")[rng.randint(0, 40) :]
                .first()
            )
            fill["code"] = dossier.code if dossier else "đã nộp tháng trước"
        place = rng.choice(self.places) if channel == Channel.QR else None
        report = services.Report(
            commune=self.commune,
            category=category,
            title=story.title,
            description=story.text.format(**fill),
            channel=channel,
            reporter_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            reporter_phone=f"09{rng.randint(10000000, 99999999)}",
            place=place,
            dossier=dossier,
            entered_by=self.hotline if channel == Channel.HOTLINE else None,
        )
        try:
            return services.submit(report, at=at)
        except PetitionError:
            return None

    # ------------------------------------------------------------------ handling

    def _later(self, at: datetime, working_days: float) -> datetime:
        hours = timedelta(hours=max(1.0, working_days * 8))
        return self.calendar.add_working_time(self.calendar.to_local(at), hours)

    def _handle(self, petition: Petition, at: datetime) -> None:
        rng, staff = self.rng, self.staff
        specialist = rng.choice(staff.specialists)
        roll = rng.random()
        if roll < 0.07:
            when = self._later(at, rng.uniform(0.2, 1.5))
            if when < self.now:
                services.reject(
                    petition,
                    staff.reception,
                    "Nội dung không thuộc thẩm quyền giải quyết của xã, phường; đã hướng dẫn "
                    "người phản ánh gửi đến cơ quan có thẩm quyền.",
                    at=when,
                )
            return
        if roll < 0.12:
            target = next((p for p in self.open if p.category_id == petition.category_id), None)
            when = self._later(at, 0.5)
            if target is not None and when < self.now:
                target.refresh_from_db()
                if target.status in (Status.RECEIVED, Status.IN_PROGRESS):
                    services.merge(
                        petition, staff.reception, target, "Trùng nội dung phản ánh.", at=when
                    )
                    return
        late = rng.random() < 0.15
        accepted = self._later(at, rng.uniform(2.2, 3.5) if late and rng.random() < 0.4 else 0.6)
        if accepted >= self.now:
            self.open.insert(0, petition)
            return
        petition = services.accept(petition, specialist, at=accepted)
        days = petition.category.response_days
        drafted = self._later(accepted, days + 2 if late else rng.uniform(1, days * 0.8))
        if drafted >= self.now:
            self.open.insert(0, petition)
            return
        petition = services.draft_answer(
            petition, specialist, self._answer_of(petition), at=drafted
        )
        published = self._later(drafted, rng.uniform(0.3, 1.5))
        if published >= self.now:
            return
        petition = services.publish(petition, staff.leader, at=published)
        self._rate(petition, published)

    def _answer_of(self, petition: Petition) -> str:
        for story in STORIES:
            if story.title == petition.title:
                return story.answer
        return "Xã, phường đã tiếp nhận và xử lý nội dung phản ánh."

    def _rate(self, petition: Petition, published: datetime) -> None:
        rng = self.rng
        if rng.random() > 0.7:
            return
        rated = published + timedelta(hours=rng.randint(2, 48))
        if rated >= self.now:
            return
        level = rng.choices(
            ["very_satisfied", "satisfied", "not_satisfied"],
            [45, 40, 15 if not petition.handled_late else 40],
        )[0]
        services.rate(petition.secret, level, at=rated)
        if level == "not_satisfied" and rng.random() < 0.5:
            again = rated + timedelta(days=rng.randint(1, 5))
            if again < self.now:
                repeat = services.report_again(
                    petition.secret,
                    "Sự việc vẫn chưa được giải quyết dứt điểm, đề nghị xã, phường kiểm tra lại.",
                    at=again,
                )
                self.open.insert(0, repeat)
