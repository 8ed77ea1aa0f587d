from tests.open311.support import api_key  # noqa: F401
from tests.petitions.support import hotline  # noqa: F401
from tests.world import world  # noqa: F401
