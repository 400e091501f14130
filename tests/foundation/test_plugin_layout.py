"""The rules that hold the plugin layout: built-in plugins independent, and the core naming none of them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import mia_core
import mia_plugins
from adapters.bootstrap.plugins import PluginHost, discover
from ports.components import ComponentKind

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
INDEPENDENCE = "Built-in plugins are independent of one another"
BUILT_IN = mia_plugins.__name__ + "."
CORE = mia_core.__name__ + "."


def _plugin_packages() -> set[str]:
    """Every package directly under ``mia_plugins/``, as a dotted name."""
    root = Path(mia_plugins.__file__).parent
    return {f"{mia_plugins.__name__}.{p.parent.name}" for p in root.glob("*/__init__.py")}


def test_every_built_in_plugin_package_is_in_the_independence_contract() -> None:
    (contract,) = [c for c in CONTRACTS if c["name"] == INDEPENDENCE]
    assert contract["type"] == "independence"
    listed = set(contract["modules"])
    missing = sorted(_plugin_packages() - listed)
    assert not missing, f"pyproject.toml, contract {INDEPENDENCE!r}: add {missing} to its modules"
    gone = sorted(listed - _plugin_packages())
    assert not gone, f"pyproject.toml, contract {INDEPENDENCE!r}: {gone} are no packages under mia_plugins/"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return discover()


def _built_in_words(host: PluginHost) -> dict[str, str]:
    """Each name the core must not use -> what it names, from the registry and the ``mia`` entry points.

    A component whose settings class is the core's own (the risk policies of ``mia_plugins.risk``,
    which only registers ``mia_core.risk``'s rules) is part of the core: its name is the core's to
    use. A plugin package that registers only such components is searched for by its dotted name
    alone (``mia_plugins.risk``: the bare word ``risk`` is the core's package ``mia_core.risk``).
    """
    words = {mia_plugins.__name__: "the built-in plugins' package"}
    packages: dict[str, bool] = {}  # package -> registers a component of its own
    for info in host.plugins:
        if not info.module.startswith(BUILT_IN):
            continue
        package = info.module.split(".")[1]
        own = [spec for spec in info.components
               if not (spec.config_class is not None and spec.config_class.__module__.startswith(CORE))]
        packages[package] = packages.get(package, False) or bool(own)
        for spec in own:
            words[spec.name] = f"{spec.kind.value} {spec.name!r} of plugin {info.label}"
    for package, own in packages.items():
        if own:
            words.setdefault(package, f"plugin package {BUILT_IN}{package}")
    return words


def test_the_core_names_no_built_in_plugin(host: PluginHost) -> None:
    assert not host.failures, [p.label for p in host.failures]
    words = _built_in_words(host)
    assert {"battle_navale", "tick_momentum", "dealers_bias", "mia_plugins"} <= words.keys()
    assert host.component(ComponentKind.RISK_POLICY, "daily_loss_limit")  # the core's own rule, registered
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b")
    core = Path(mia_core.__file__).parent
    found = [
        f"{path.relative_to(core.parent)}:{number}: {words[match.group(1)]}: {line.strip()}"
        for path in sorted(core.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in pattern.finditer(line)
    ]
    assert not found, "mia_core names built-in plugins:\n" + "\n".join(found)
