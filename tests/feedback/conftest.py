import pytest

from motcua.feedback.links import rating_token
from tests.feedback.support import return_at_counter
from tests.world import (
    vn,
    world,  # noqa: F401
)


@pytest.fixture
def returned(world):  # noqa: F811 - the world fixture imported above
    """A dossier whose result the applicant received at the counter on 9 July 2025."""
    return return_at_counter(world, world.receive(at=vn(2025, 7, 7, 9)))


@pytest.fixture
def token(returned):
    """A rating link's token for that dossier."""
    return rating_token(returned)
