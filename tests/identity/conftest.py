import pytest

from tests.identity.entry_points import Entries
from tests.world import world  # noqa: F401


@pytest.fixture(autouse=True)
def _stand_in_provider(settings):
    """The stand-in identity provider is one of the entry points tested here; it is turned on
    explicitly, as only the demo and the tests may."""
    settings.MOTCUA_IDENTITY_PROVIDERS = ["fake"]


@pytest.fixture
def entries(world):  # noqa: F811
    return Entries(world)
