"""axe-core (vendored, tests/e2e/vendor/axe.min.js) finds no serious or critical violation on the
residents' portal pages, at phone (360 px) and desktop (1280 px) width.

Each page is reached the way a resident reaches it; data that is not the point (dossiers, their
workflow) is made through services. Moderate and minor findings are printed, not failed.
"""

import pytest
from playwright.sync_api import expect

from motcua.feedback.links import rating_url
from motcua.feedback.models import RatingChannel
from motcua.residents.models import Resident
from tests.e2e.portal import (
    PHONE,
    assert_accessible,
    awaiting_supplement,
    latest_code,
    returned_online,
    sign_in_cookie,
)
from tests.world import World


def home(page, base, data):
    page.goto(base + "/")


def search(page, base, data):
    page.goto(base + "/thu-tuc/?q=tinh+trang+hon+nhan")
    expect(page.get_by_text("1 thủ tục phù hợp")).to_be_visible()


def procedure(page, base, data):
    page.goto(f"{base}/thu-tuc/{data['world'].procedure.code}/?xa={data['world'].a.code}")
    expect(page.get_by_test_id("center")).to_be_visible()


def sign_in(page, base, data):
    page.goto(base + "/dang-nhap-cong-dan/")


def sign_in_code(page, base, data):
    page.goto(base + "/dang-nhap-cong-dan/")
    page.get_by_label("Số điện thoại di động").fill(PHONE)
    page.get_by_role("button", name="Gửi mã đăng nhập").click()
    expect(page.get_by_label("Mã đăng nhập")).to_be_visible()


def sign_in_code_wrong(page, base, data):
    sign_in_code(page, base, data)
    wrong = "000000" if latest_code(PHONE) != "000000" else "111111"
    page.get_by_label("Mã đăng nhập").fill(wrong)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_be_visible()


def pick_commune(page, base, data):
    signed_in(page, base, data)
    page.goto(f"{base}/nop-truc-tuyen/{data['world'].procedure.code}/?tinh=01")
    expect(page.get_by_label("Xã, phường")).to_be_visible()


def submission(page, base, data):
    signed_in(page, base, data)
    page.goto(f"{base}/nop-truc-tuyen/{data['world'].procedure.code}/?xa={data['world'].a.code}")
    expect(page.get_by_test_id("submit-commune")).to_be_visible()


def submission_errors(page, base, data):
    submission(page, base, data)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("alert")).to_contain_text("Có lỗi cần sửa")


def submitted(page, base, data):
    signed_in(page, base, data)
    page.goto(f"{base}/ho-so-cua-toi/{data['waiting'].code}/da-nop/")


def my_dossiers(page, base, data):
    signed_in(page, base, data)
    page.goto(base + "/ho-so-cua-toi/")
    expect(page.get_by_test_id("my-dossiers").get_by_role("listitem")).to_have_count(2)


def my_dossier_supplement(page, base, data):
    signed_in(page, base, data)
    page.goto(f"{base}/ho-so-cua-toi/{data['waiting'].code}/")
    expect(page.get_by_role("button", name="Gửi bổ sung")).to_be_visible()


def my_dossier_returned(page, base, data):
    signed_in(page, base, data)
    page.goto(f"{base}/ho-so-cua-toi/{data['returned'].code}/")
    expect(page.get_by_test_id("rate-link")).to_be_visible()


def tracking(page, base, data):
    page.goto(f"{base}/tra-cuu/{data['waiting'].code}/")
    expect(page.get_by_test_id("track-code")).to_have_text(data["waiting"].code)


def rating(page, base, data):
    page.goto(data["rating_url"])
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_be_visible()


def rating_errors(page, base, data):
    rating(page, base, data)
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("alert")).to_contain_text("Có lỗi cần sửa")


def rating_thanks(page, base, data):
    rating(page, base, data)
    for group in page.locator("fieldset.mc-fieldset").all():
        group.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_test_id("rating-thanks")).to_be_visible()


def signed_in(page, base, data):
    sign_in_cookie(page.context, base, data["resident"])


PAGES = {
    "home": home,
    "search": search,
    "procedure": procedure,
    "sign-in": sign_in,
    "sign-in-code": sign_in_code,
    "sign-in-code-wrong": sign_in_code_wrong,
    "pick-commune": pick_commune,
    "submission": submission,
    "submission-errors": submission_errors,
    "submitted": submitted,
    "my-dossiers": my_dossiers,
    "my-dossier-supplement": my_dossier_supplement,
    "my-dossier-returned": my_dossier_returned,
    "tracking": tracking,
    "rating": rating,
    "rating-errors": rating_errors,
    "rating-thanks": rating_thanks,
}


@pytest.fixture
def data(transactional_db, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url
    world = World()
    resident = Resident.objects.create(phone=PHONE, full_name="Vũ Thị Thu Hà")
    returned = returned_online(world, resident)
    return {
        "world": world,
        "resident": resident,
        "waiting": awaiting_supplement(world, resident),
        "returned": returned,
        "rating_url": rating_url(returned, channel=RatingChannel.PORTAL),
    }


@pytest.mark.parametrize("name", list(PAGES))
def test_portal_page_has_no_serious_accessibility_violation(page, live_server, data, name):
    page.set_viewport_size({"width": 360, "height": 800})
    PAGES[name](page, live_server.url, data)
    assert_accessible(page, name, min_passes=20)
