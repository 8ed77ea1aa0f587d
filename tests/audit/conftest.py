from tests.queueing.conftest import q  # noqa: F401
from tests.world import world  # noqa: F401
