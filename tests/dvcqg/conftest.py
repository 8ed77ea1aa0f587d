import pytest

from motcua.dvcqg.adapters import HttpPortalAdapter
from tests.dvcqg.fake_portal import PASSWORD, PULL_SERVICE, UNIT_CODE, USERNAME, FakePortal
from tests.world import world  # noqa: F401


@pytest.fixture
def portal():
    """The fake national portal, listening on 127.0.0.1 for this test only."""
    with FakePortal() as fake:
        yield fake


@pytest.fixture
def adapter(portal):
    """The real HTTP adapter, pointed at the fake portal."""
    return HttpPortalAdapter(
        base_url=portal.url,
        username=USERNAME,
        password=PASSWORD,
        unit_code=UNIT_CODE,
        pull_service=PULL_SERVICE,
        timeout=5,
    )


@pytest.fixture
def portal_settings(settings, portal):
    """Settings that make get_adapter() (and so the background tasks) talk to the fake portal."""
    settings.MOTCUA_DVCQG_ADAPTER = "http"
    settings.MOTCUA_DVCQG_URL = portal.url
    settings.MOTCUA_DVCQG_USERNAME = USERNAME
    settings.MOTCUA_DVCQG_PASSWORD = PASSWORD
    settings.MOTCUA_DVCQG_UNIT_CODE = UNIT_CODE
    settings.MOTCUA_DVCQG_PULL_SERVICE = PULL_SERVICE
    settings.MOTCUA_DVCQG_TIMEOUT = 5
    return settings
