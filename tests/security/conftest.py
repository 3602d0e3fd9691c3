"""Registers the attack suite's summary line (tests/security/summary.py) unless pytest was started
with it already."""

from tests.security import summary


def pytest_configure(config):
    if not config.pluginmanager.is_registered(summary):
        config.pluginmanager.register(summary, "tests.security.summary")
