"""The persona world of the access tests: the dossier world's communes and officers (commune a
and b of Hà Nội, Huế's commune h, a monitor for each province, Hà Nội's hotline operator), plus
the personas the access rule must tell apart — a colleague in commune a, two volunteers, a
superuser, a closed account, an account without a role and a resident of the portal — and one
object of every kind the rule covers: dossiers (received by a; received by b for a; filed by a
volunteer), commune a's centre with a called and a waiting number at two counters, a month of
statistics, and a report (phản ánh) in each of the communes a, b and h."""

from django.test import Client
from django.utils import timezone

from motcua.accounts.models import ApiToken, Role, User, hash_token
from motcua.accounts.services import create_api_token
from motcua.dossiers import services as dossier_services
from motcua.insights import rollups
from motcua.insights.index.scheme import scheme_for
from motcua.insights.periods import parse_month
from motcua.petitions import services as petition_services
from motcua.queueing import services as queue_services
from motcua.residents import services as resident_services
from motcua.residents import sessions
from motcua.residents.models import Resident
from motcua.units.models import Counter
from tests.docstore.conftest import store
from tests.petitions.support import report
from tests.queueing.conftest import open_all_day
from tests.world import GOOD_ID, PASSWORD, World, vn

MONTH = "2025-07"

# The staff personas: the officers of commune a in each role, a colleague (a second specialist of
# a), the volunteer who filed a dossier and another volunteer of a, the reception officer and the
# leader of commune b (same province), the monitor of Hà Nội and of Huế, and a superuser.
STAFF = (
    "a.reception",
    "a.specialist",
    "a.leader",
    "a.commune_admin",
    "colleague",
    "volunteer",
    "colleague_volunteer",
    "b.reception",
    "b.leader",
    "monitor",
    "monitor_other",
    "hotline",
    "superuser",
)
# Who is no officer at all: an active account without a role, a closed officer's account, a
# resident signed in on the portal (residents are not staff accounts), and an anonymous visitor.
NOT_STAFF = ("roleless", "inactive", "resident", "anonymous")
PERSONAS = STAFF + NOT_STAFF


class AccessWorld(World):
    def __init__(self):
        super().__init__()
        self.colleague = self._user("a.specialist2", Role.SPECIALIST, commune=self.a)
        self.volunteer = self._user("a.volunteer", Role.VOLUNTEER, commune=self.a)
        self.colleague_volunteer = self._user("a.volunteer2", Role.VOLUNTEER, commune=self.a)
        self.superuser = User.objects.create_superuser("root", password=PASSWORD)
        self.hotline = self._user("hotline.hanoi", Role.HOTLINE_OPERATOR, province=self.hanoi)
        self.roleless = self._user("a.nobody", "", commune=self.a)
        self.inactive = self._user("a.closed", Role.RECEPTION, commune=self.a)
        self.resident = Resident.objects.create(phone="0912345678", full_name="Lê Văn Tám")
        self.users = {
            "a.reception": self.officers_a[Role.RECEPTION],
            "a.specialist": self.officers_a[Role.SPECIALIST],
            "a.leader": self.officers_a[Role.LEADER],
            "a.commune_admin": self.officers_a[Role.COMMUNE_ADMIN],
            "colleague": self.colleague,
            "volunteer": self.volunteer,
            "colleague_volunteer": self.colleague_volunteer,
            "b.reception": self.officers_b[Role.RECEPTION],
            "b.leader": self.officers_b[Role.LEADER],
            "monitor": self.monitor,
            "monitor_other": self.monitor_hue,
            "hotline": self.hotline,
            "superuser": self.superuser,
            "roleless": self.roleless,
            "inactive": self.inactive,
        }
        self._dossiers()
        self._queue()
        self._petitions()
        rollups.refresh_province_month(self.hanoi.pk, parse_month(MONTH), now=vn(2025, 8, 1, 9))
        self.criterion = scheme_for(parse_month(MONTH).first).criteria[0].key
        # Tokens: every officer's from the command; the closed and role-less accounts' made
        # directly (the command refuses them: they would open nothing).
        self.tokens = {
            name: create_api_token(u.username)
            for name, u in self.users.items()
            if name not in ("roleless", "inactive")
        }
        self.tokens["roleless"] = self._raw_token(self.roleless)
        self.tokens["inactive"] = self._raw_token(self.inactive)
        self.tokens["resident"] = resident_services.issue_token(self.resident)
        self.inactive.is_active = False
        self.inactive.save(update_fields=["is_active"])

    def _user(self, username, role, **units):
        return User.objects.create_user(username, password=PASSWORD, role=role, **units)

    @staticmethod
    def _raw_token(user):
        raw = ApiToken.new_raw_token()
        ApiToken.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[:8])
        return raw

    def _dossiers(self):
        scan = store(GOOD_ID)
        self.dossier_a = self.receive(
            documents=[dossier_services.DocumentIn("Tờ khai", 1, stored_document=scan)]
        )
        self.scan = scan
        self.dossier_ba = self.receive(
            officer=self.officers_b[Role.RECEPTION], competent_commune=self.a
        )
        # Approved (its result rendered on download) and paid: the result and fee-receipt rows.
        done = self.receive(at=vn(2025, 7, 7, 9, 30))
        for action, actor in (
            ("forward", self.officers_a[Role.RECEPTION]),
            ("propose", self.officers_a[Role.SPECIALIST]),
            ("approve", self.officers_a[Role.LEADER]),
        ):
            done = dossier_services.perform(done, action, actor=actor, at=vn(2025, 7, 7, 11))
        dossier_services.record_payment(
            done, officer=self.officers_a[Role.RECEPTION], amount_vnd=8000, method="cash"
        )
        self.dossier_done = done
        self.dossier_assisted = resident_services.submit_assisted(
            helper=self.volunteer,
            consent=resident_services.AssistedConsent(given_by="Trần Thị Bích Ngọc"),
            procedure=self.procedure,
            commune=self.a,
            applicant=dossier_services.Applicant(name="Trần Thị Bích Ngọc", id_number=GOOD_ID),
            at=vn(2025, 7, 7, 10),
        )

    def _queue(self):
        self.center = self.a.centers.get()
        open_all_day(self.center)
        self.counter1 = Counter.objects.create(center=self.center, number=1)
        self.counter2 = Counter.objects.create(center=self.center, number=2)
        for counter in (self.counter1, self.counter2):
            counter.fields.set([self.procedure.field])
        now = timezone.now()
        self.called = queue_services.issue_ticket(self.center, self.procedure.field, at=now)
        queue_services.call_next(self.counter1, self.officers_a[Role.RECEPTION], at=now)
        self.waiting = queue_services.issue_ticket(self.center, self.procedure.field, at=now)
        self.priority_group = self.center.priority_groups.filter(is_active=True).first()

    def _petitions(self):
        """A report in each commune: a's (with a draft awaiting the leader), b's and Huế's."""
        self.petition_a = report(self, at=vn(2025, 7, 7, 9))
        self.petition_a = petition_services.draft_answer(
            self.petition_a,
            self.officers_a[Role.SPECIALIST],
            "Đã thay bóng đèn.",
            at=vn(2025, 7, 8, 9),
        )
        self.petition_b = report(self, commune=self.b, at=vn(2025, 7, 7, 9))
        self.petition_h = report(self, commune=self.h, at=vn(2025, 7, 7, 9))

    def client_of(self, persona: str) -> Client:
        """A browser signed in as the persona: staff through Django's sign-in, the resident
        through the portal's."""
        client = Client()
        if persona == "resident":
            session = client.session
            session[sessions.SESSION_KEY] = self.resident.pk
            session.save()
        elif persona != "anonymous":
            client.force_login(self.users[persona])
        return client
