import pytest

from tests.identity.entry_points import Entries
from tests.world import world  # noqa: F401


@pytest.fixture
def entries(world):  # noqa: F811
    return Entries(world)
