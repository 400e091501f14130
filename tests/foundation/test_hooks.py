"""Every hookspec: a plugin implementing it gets its component registered and built into a system.

One ``test_<hook name>`` per hookspec; the meta-test at the end fails when a hookspec
has no such test or no entry (with its exact signature) in docs/plugins.md.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import System, build_system
from adapters.bootstrap.plugins import HOOK_BY_KIND, PluginHost, PluginInfo
from adapters.bootstrap.schema import COMPONENT_SECTIONS
from mia_core.instruments import ES
from ports import hookspecs
from ports.components import BuildContext, ComponentKind, ComponentSpec, Mode
from ports.hookspecs import hookimpl

from .fake_plugins.kit import (
    KitAnalyzer,
    KitBroker,
    KitBrokerConfig,
    KitConnection,
    KitFeed,
    KitFilter,
    KitNotifier,
    KitRisk,
    KitStrategy,
    KitTechnique,
    spec,
)

K = ComponentKind
HOOKSPECS: dict[str, Callable[..., Any]] = {
    name: fn for name, fn in vars(hookspecs).items() if name.startswith("mia_") and hasattr(fn, "mia_spec")
}
SECTION_BY_KIND = {kind: section for section, (kind, _, _) in COMPONENT_SECTIONS.items()}
HOOKED = PluginInfo(name="hooked", distribution="mia-hooked", version="1.0", module="tests.hooked")


def hooked_name(kind: ComponentKind) -> str:
    return f"hooked_{kind.value}"


def register_and_build(host: PluginHost, plugin: object, kind: ComponentKind) -> System:
    """Add ``plugin``, check its ``hooked_<kind>`` component is registered, and build a system naming it."""
    info = host.add_plugin(plugin, HOOKED)
    assert info.error is None, info.error
    assert [(s.kind, s.name) for s in info.components] == [(kind, hooked_name(kind))]
    registered, provider = host.component(kind, hooked_name(kind))
    assert provider is info and registered is info.components[0]

    section = SECTION_BY_KIND[kind]
    data: dict[str, Any] = {"data_feed": "kit_feed", "broker": "kit_broker", "strategy": "kit_strategy"}
    data[section] = [hooked_name(kind)] if COMPONENT_SECTIONS[section][1] else hooked_name(kind)
    plan = plan_system(data, host, source="hooks.yaml")
    assert [p.spec for p in plan.sections[section]] == [registered]
    return build_system(plan)


class HookedFeed(KitFeed):
    pass


class HookedBroker(KitBroker):
    pass


class HookedTechnique(KitTechnique):
    pass


class HookedStrategy(KitStrategy):
    pass


class HookedAnalyzer(KitAnalyzer):
    pass


class HookedFilter(KitFilter):
    pass


class HookedRisk(KitRisk):
    pass


class HookedNotifier(KitNotifier):
    pass


def test_mia_register_data_feeds(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_data_feeds(self) -> list[ComponentSpec]:
            return [spec(K.DATA_FEED, "hooked_data_feed", lambda c, ctx: HookedFeed(c))]

    system = register_and_build(kit_host, Plugin(), K.DATA_FEED)
    assert isinstance(system.data_feed, HookedFeed)
    assert len(system.data_feed.history(ES)) == 5


def test_mia_register_brokers(kit_host: PluginHost) -> None:
    contexts: list[BuildContext] = []

    def build(config: KitBrokerConfig, context: BuildContext) -> HookedBroker:
        contexts.append(context)
        return HookedBroker(config, context.shared("hooked", KitConnection))

    class Plugin:
        @hookimpl
        def mia_register_brokers(self) -> list[ComponentSpec]:
            return [spec(K.BROKER, "hooked_broker", build, KitBrokerConfig)]

    system = register_and_build(kit_host, Plugin(), K.BROKER)
    assert isinstance(system.broker, HookedBroker)
    (context,) = contexts  # the factory's BuildContext: the system's instrument, mode and clock
    assert (context.instrument, context.mode, context.clock) == (ES, Mode.BACKTEST, system.clock)


def test_mia_register_techniques(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_techniques(self) -> list[ComponentSpec]:
            return [spec(K.TECHNIQUE, "hooked_technique", lambda c, ctx: HookedTechnique(c))]

    system = register_and_build(kit_host, Plugin(), K.TECHNIQUE)
    assert [type(t) for t in system.techniques] == [HookedTechnique]


def test_mia_register_strategies(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_strategies(self) -> list[ComponentSpec]:
            return [spec(K.STRATEGY, "hooked_strategy", lambda c, ctx: HookedStrategy(c))]

    system = register_and_build(kit_host, Plugin(), K.STRATEGY)
    assert isinstance(system.strategy, HookedStrategy)


def test_mia_register_analyzers(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_analyzers(self) -> list[ComponentSpec]:
            return [spec(K.ANALYZER, "hooked_analyzer", lambda c, ctx: HookedAnalyzer(c))]

    system = register_and_build(kit_host, Plugin(), K.ANALYZER)
    assert [type(a) for a in system.analyzers] == [HookedAnalyzer]


def test_mia_register_signal_filters(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_signal_filters(self) -> list[ComponentSpec]:
            return [spec(K.SIGNAL_FILTER, "hooked_signal_filter", lambda c, ctx: HookedFilter(c))]

    system = register_and_build(kit_host, Plugin(), K.SIGNAL_FILTER)
    assert [type(f) for f in system.signal_filters] == [HookedFilter]


def test_mia_register_risk_policies(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_risk_policies(self) -> list[ComponentSpec]:
            return [spec(K.RISK_POLICY, "hooked_risk_policy", lambda c, ctx: HookedRisk(c))]

    system = register_and_build(kit_host, Plugin(), K.RISK_POLICY)
    assert [type(r) for r in system.risk_policies] == [HookedRisk]


def test_mia_register_notifiers(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_notifiers(self) -> list[ComponentSpec]:
            return [
                spec(K.NOTIFIER, "hooked_notifier", lambda c, ctx: HookedNotifier(c, ctx.shared("n", KitConnection)))
            ]

    system = register_and_build(kit_host, Plugin(), K.NOTIFIER)
    assert [type(n) for n in system.notifiers] == [HookedNotifier]


def test_a_hook_may_register_several_components_with_settings(kit_host: PluginHost) -> None:
    class Plugin:
        @hookimpl
        def mia_register_strategies(self) -> list[ComponentSpec]:
            return [
                spec(K.STRATEGY, "hooked_one", lambda c, ctx: HookedStrategy(c)),
                spec(K.STRATEGY, "hooked_two", lambda c, ctx: HookedStrategy(c)),
            ]

    kit_host.add_plugin(Plugin(), HOOKED)
    assert kit_host.names(K.STRATEGY) == ["hooked_one", "hooked_two", "kit_strategy"]
    data = {"data_feed": "kit_feed", "broker": "kit_broker", "strategy": {"use": "hooked_two", "label": "mine"}}
    system = build_system(plan_system(data, kit_host))
    assert isinstance(system.strategy, HookedStrategy)
    assert system.strategy.label == "mine"


# --- meta --------------------------------------------------------------------------------------


def test_the_host_calls_every_hookspec_one_per_component_kind() -> None:
    assert set(HOOK_BY_KIND.values()) == set(HOOKSPECS)
    assert set(HOOK_BY_KIND) == set(ComponentKind) == set(SECTION_BY_KIND)


@pytest.mark.parametrize("name", sorted(HOOKSPECS))
def test_every_hookspec_has_a_test_here_and_its_signature_in_the_docs(name: str, repo_root: Path) -> None:
    assert inspect.isfunction(globals().get(f"test_{name}")), f"write test_{name} in {Path(__file__).name}"
    signature = name + str(inspect.signature(HOOKSPECS[name]))
    assert signature in (repo_root / "docs" / "plugins.md").read_text(), f"document {signature} in docs/plugins.md"
