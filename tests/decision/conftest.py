"""A plugin host with the stand-in feature technique added."""

from __future__ import annotations

import pytest

from adapters.bootstrap.plugins import PluginHost, PluginInfo, discover

from . import stand_in


@pytest.fixture(scope="session")
def host() -> PluginHost:
    found = discover()
    found.add_plugin(stand_in, PluginInfo("stand_in", "tests", "0", stand_in.__name__))
    return found
