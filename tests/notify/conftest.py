import pytest

from tests.notify.fakes import Outcomes
from tests.world import world  # noqa: F401


@pytest.fixture
def provider(settings):
    """Every channel goes to the scripted provider of tests.notify.fakes; returns its script."""
    settings.MOTCUA_NOTIFY_ADAPTERS = {
        channel: "tests.notify.fakes.ScriptedAdapter" for channel in ("sms", "email", "zalo")
    }
    Outcomes.reset()
    yield Outcomes
    Outcomes.reset()
