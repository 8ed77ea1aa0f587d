"""A small, hand-built world for dossier tests: two communes of Hà Nội, one of Huế, a procedure
with a 3-working-day legal time split over reception / specialist / leader / return, and one
officer per role in each commune ("personas"). Import the fixtures in a folder's conftest.py."""

from datetime import datetime
from decimal import Decimal

import pytest

from motcua.accounts.models import Role, User
from motcua.catalog.models import Field, Procedure, ProcessStep
from motcua.dossiers import services
from motcua.units.models import Commune, Province, ServiceCenter
from motcua.workdays import VIETNAM_TZ

PASSWORD = "test-pass-123"
GOOD_ID = "001085012345"  # Hà Nội birth registration, male born 1985


def vn(*args) -> datetime:
    """A datetime in Vietnam's time zone: vn(2025, 7, 7, 9) is Monday 7 July 2025 09:00."""
    return datetime(*args, tzinfo=VIETNAM_TZ)


def make_procedure(code="1.004873", amount=3, unit="working_day", budgets=(4, 12, 8)):
    field, _ = Field.objects.get_or_create(
        code="ho-tich", defaults={"name_vi": "Hộ tịch", "name_en": "Civil status"}
    )
    procedure = Procedure.objects.create(
        code=code,
        name_vi="Cấp Giấy xác nhận tình trạng hôn nhân",
        name_en="Marital-status certificate",
        field=field,
        level="commune",
        processing_amount=Decimal(amount) if amount is not None else None,
        processing_unit=unit,
        fee_vnd=None,
        online_level="partial",
        documents=["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "Giấy tờ chứng minh nhân thân"],
        has_full_record=True,  # documents and steps: a counter can receive it
        search_text="cap giay xac nhan tinh trang hon nhan",
    )
    for position, (role, name, hours) in enumerate(
        [
            ("reception", "Tiếp nhận, chuyển hồ sơ", budgets[0]),
            ("specialist", "Thẩm định, dự thảo kết quả", budgets[1]),
            ("leader", "Phê duyệt, ký", budgets[2]),
            ("return", "Trả kết quả", 0),
        ],
        start=1,
    ):
        ProcessStep.objects.create(
            procedure=procedure,
            position=position,
            role=role,
            name_vi=name,
            name_en=name,
            budget_hours=Decimal(hours),
        )
    return procedure


def make_commune(province, code, name, kind="phuong"):
    commune = Commune.objects.create(code=code, name=name, kind=kind, province=province)
    ServiceCenter.objects.create(
        commune=commune,
        name=f"Trung tâm Phục vụ hành chính công {name}",
        address=f"1 phố Tràng Tiền, {name}",
        phone="024 3825 0000",
    )
    return commune


def make_officers(commune, slug):
    people = {}
    for role in (Role.RECEPTION, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN):
        user = User.objects.create_user(
            f"{slug}.{role}",
            password=PASSWORD,
            role=role,
            commune=commune,
            first_name="An",
            last_name=f"Nguyễn Văn {role}",
        )
        people[role] = user
    return people


class World:
    def __init__(self):
        self.hanoi = Province.objects.create(code="01", name="Hà Nội", kind="thanh_pho")
        self.hue = Province.objects.create(code="46", name="Huế", kind="thanh_pho")
        self.a = make_commune(self.hanoi, "00070", "Phường Hoàn Kiếm")
        self.b = make_commune(self.hanoi, "00082", "Phường Cửa Nam")
        self.h = make_commune(self.hue, "19753", "Phường Phú Xuân")
        self.procedure = make_procedure()
        self.officers_a = make_officers(self.a, "a")
        self.officers_b = make_officers(self.b, "b")
        self.monitor = User.objects.create_user(
            "monitor.hanoi", password=PASSWORD, role=Role.PROVINCE_MONITOR, province=self.hanoi
        )
        self.monitor_hue = User.objects.create_user(
            "monitor.hue", password=PASSWORD, role=Role.PROVINCE_MONITOR, province=self.hue
        )

    @property
    def reception(self):
        return self.officers_a[Role.RECEPTION]

    @property
    def specialist(self):
        return self.officers_a[Role.SPECIALIST]

    @property
    def leader(self):
        return self.officers_a[Role.LEADER]

    def receive(self, at=None, **kwargs):
        kwargs.setdefault("officer", self.reception)
        kwargs.setdefault("procedure", self.procedure)
        kwargs.setdefault(
            "applicant",
            services.Applicant(
                name="Trần Thị Bích Ngọc",
                id_number=GOOD_ID,
                phone="0912345678",
                address="Số 5 Hàng Bạc",
            ),
        )
        kwargs.setdefault(
            "documents", [services.DocumentIn("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1)]
        )
        return services.receive_dossier(at=at or vn(2025, 7, 7, 9), **kwargs)


@pytest.fixture
def world(db):
    return World()
