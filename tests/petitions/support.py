"""Reports for tests: one helper that files a report the way the portal does, and the hotline
operator of Hà Nội. Import the fixtures in a folder's conftest.py."""

import pytest

from motcua.accounts.models import Role, User
from motcua.petitions import defaults, queries, services
from motcua.petitions.models import Category
from tests.world import PASSWORD, World, vn

PHONE = "0912345678"


def national_defaults() -> None:
    """Put back the national categories when a transactional test flushed the migration's rows."""
    if not Category.objects.filter(province__isnull=True).exists():
        defaults.install()


def category(world: World, code: str = "chieu-sang"):
    national_defaults()
    return queries.category_by_code(world.hanoi, code)


def report(world: World, commune=None, code: str = "chieu-sang", at=None, **fields):
    """A report from the portal, anonymous with a phone, received on Monday 7 July 2025 09:00."""
    commune = commune or world.a
    national_defaults()
    fields.setdefault("description", "Đèn đường trước số 12 Hàng Bạc không sáng ba tối nay.")
    fields.setdefault("channel", "portal")
    fields.setdefault("reporter_phone", PHONE)
    fields.setdefault("reporter_name", "Lê Văn Tám")
    return services.submit(
        services.Report(
            commune=commune, category=queries.category_by_code(commune.province, code), **fields
        ),
        at=at or vn(2025, 7, 7, 9),
    )


def make_hotline_operator(province, username="hotline.hanoi") -> User:
    return User.objects.create_user(
        username, password=PASSWORD, role=Role.HOTLINE_OPERATOR, province=province
    )


@pytest.fixture
def hotline(world):
    return make_hotline_operator(world.hanoi)
