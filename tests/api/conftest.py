import pytest

from tests.world import world  # noqa: F401

SCHEMATHESIS_SUMMARY = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, config):
    """The schemathesis run's figures (requests made, statuses), once it is over."""
    summary = config.stash.get(SCHEMATHESIS_SUMMARY, None)
    if summary:
        terminalreporter.write_line(summary)
