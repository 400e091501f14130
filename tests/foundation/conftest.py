"""Plugin hosts and installed-looking distributions for the foundation tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path

import pytest

from adapters.bootstrap.plugins import PluginHost, PluginInfo, discover

from .fake_plugins import kit

FAKES = kit.__name__.rpartition(".")[0]  # the importable package of the fake plugins
KIT_INFO = PluginInfo(name="kit", distribution="mia-test-kit", version="0.0.1", module=kit.__name__)

MakeDistribution = Callable[..., metadata.Distribution]


def write_distribution(root: Path, name: str, version: str, plugins: Mapping[str, str]) -> metadata.Distribution:
    """Write ``<name>-<version>.dist-info`` under ``root`` declaring ``plugins`` in group ``mia``.

    With ``root`` on ``sys.path`` this is what ``pip install`` leaves behind, so
    ``importlib.metadata`` (and MIA's discovery) sees an installed distribution.
    """
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "".join(f"{ep} = {FAKES}.{module}\n" for ep, module in plugins.items())
    (info / "entry_points.txt").write_text(f"[mia]\n{lines}")
    return metadata.PathDistribution(info)


@pytest.fixture
def make_distribution(tmp_path: Path) -> MakeDistribution:
    """Create a fake installed distribution: ``make_distribution(name, version, {ep: fake_module})``."""

    def make(name: str, version: str, plugins: Mapping[str, str]) -> metadata.Distribution:
        return write_distribution(tmp_path / "site", name, version, plugins)

    return make


@pytest.fixture
def kit_host() -> PluginHost:
    """Only the test kit: one fake component of every kind (``kit_feed``, ``kit_broker``, ...)."""
    host = PluginHost()
    host.add_plugin(kit, KIT_INFO)
    return host


@pytest.fixture
def host() -> PluginHost:
    """Every installed plugin (MIA's built-ins) plus the test kit."""
    found = discover()
    found.add_plugin(kit, KIT_INFO)
    return found
