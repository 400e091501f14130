"""Build a validated SystemPlan into objects with dependency-injector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import attrs
from dependency_injector import containers, providers

from adapters.bootstrap.config import PlannedComponent, SystemPlan
from adapters.bootstrap.errors import PluginError
from adapters.bootstrap.standalone import ContextServices
from adapters.clocks import WallClock
from mia_core.clock import ManualClock
from mia_core.instruments import Instrument
from ports import Analyzer, Broker, DataFeed, Notifier, RiskPolicy, SignalFilter, Strategy, Technique
from ports.clock import Clock
from ports.components import ComponentKind, Mode

T = TypeVar("T")

PORT_BY_KIND: dict[ComponentKind, type] = {
    ComponentKind.DATA_FEED: DataFeed,
    ComponentKind.BROKER: Broker,
    ComponentKind.TECHNIQUE: Technique,
    ComponentKind.STRATEGY: Strategy,
    ComponentKind.ANALYZER: Analyzer,
    ComponentKind.SIGNAL_FILTER: SignalFilter,
    ComponentKind.RISK_POLICY: RiskPolicy,
    ComponentKind.NOTIFIER: Notifier,
}


class SystemBuildContext(ContextServices):
    """The BuildContext handed to factories; owns shared objects (one per key)."""

    def __init__(self, container: containers.DynamicContainer, instrument: Instrument, mode: Mode, clock: Clock):
        self._container = container
        self.instrument = instrument
        self.mode = mode
        self.clock = clock

    def shared(self, key: str, create: Callable[[], T]) -> T:
        """One object per ``key``, held by a Singleton provider on the container."""
        name = "shared__" + "".join(c if c.isalnum() else "_" for c in key)
        provider = getattr(self._container, name, None) if name in self._container.providers else None
        if provider is None:
            provider = providers.Singleton(create)
            self._container.set_provider(name, provider)
        return provider()  # type: ignore[no-any-return]

    def close_shared(self) -> None:
        """Close every shared object that has a ``close()`` method."""
        for name, provider in self._container.providers.items():
            if name.startswith("shared__") and isinstance(provider, providers.Singleton):
                obj = provider()
                close = getattr(obj, "close", None)
                if callable(close):
                    close()
                provider.reset()


def port_members(port: type) -> list[str]:
    """The public members a runtime-checkable protocol declares (methods, properties and attributes)."""
    names: set[str] = set()
    for base in port.__mro__:
        if base in (object, Protocol, Generic) or not getattr(base, "_is_protocol", False):
            continue
        names.update(n for n in (*vars(base), *getattr(base, "__annotations__", {})) if not n.startswith("_"))
    return sorted(names)


def port_gaps(component: object, port: type) -> str:
    """What ``component`` lacks to satisfy ``port`` (``missing a, b; not callable: c``), or '' if nothing."""
    members = port_members(port)
    missing = [m for m in members if not hasattr(component, m)]
    methods = [m for m in members if m not in missing and callable(getattr(port, m, None))]
    not_callable = [m for m in methods if not callable(getattr(component, m))]
    gaps = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"not callable: {', '.join(not_callable)}"] if not_callable else []
    )
    if not gaps and not isinstance(component, port):
        gaps = ["isinstance() refuses it"]
    return "; ".join(gaps)


def _checked(planned: PlannedComponent, build: SystemBuildContext) -> Any:
    try:
        component = planned.spec.factory(planned.config, build)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a factory's sys.exit() is a failed build, named
        raise PluginError(
            f"{planned.ref.path}: building {planned.ref.kind.value} {planned.ref.use!r} "
            f"from {planned.provider.label} failed: {type(exc).__name__}: {exc}"
        ) from exc
    port = PORT_BY_KIND[planned.ref.kind]
    gaps = port_gaps(component, port)
    if gaps:
        raise PluginError(
            f"{planned.ref.path}: {planned.ref.use!r} from {planned.provider.label} built "
            f"{type(component).__name__}, which does not satisfy the {port.__name__} port: {gaps}"
        )
    return component


def build_container(plan: SystemPlan, clock: Clock | None = None) -> containers.DynamicContainer:
    """A container whose providers build each section of ``plan`` (tests may override them)."""
    container = containers.DynamicContainer()
    mode = plan.settings.mode
    chosen_clock = clock or (ManualClock() if mode is Mode.BACKTEST else WallClock())
    container.plan = providers.Object(plan)
    container.clock = providers.Object(chosen_clock)
    container.build_context = providers.Singleton(
        SystemBuildContext, container, plan.instrument, mode, container.clock
    )
    for section, planned in plan.sections.items():
        singles = [providers.Singleton(_checked, p, container.build_context) for p in planned]
        if section in ("data_feed", "broker", "strategy"):
            container.set_provider(section, singles[0])
        else:
            container.set_provider(section, providers.List(*singles))
    return container


@attrs.frozen
class System:
    """A composed system: the plan and the objects built from it, in YAML order."""

    plan: SystemPlan
    clock: Clock
    data_feed: DataFeed
    broker: Broker
    strategy: Strategy
    techniques: tuple[Technique, ...]
    analyzers: tuple[Analyzer, ...]
    signal_filters: tuple[SignalFilter, ...]
    risk_policies: tuple[RiskPolicy, ...]
    notifiers: tuple[Notifier, ...]
    build_context: SystemBuildContext

    @property
    def technique_names(self) -> tuple[str, ...] | None:
        """The name each technique publishes its outputs under: its YAML instance name (``as:``, else ``use:``).

        ``None`` when the techniques are not the plan's (a test overrode the provider):
        each then publishes under its own ``name``.
        """
        planned = self.plan.many("techniques")
        return tuple(p.ref.instance_name for p in planned) if len(planned) == len(self.techniques) else None

    def close(self) -> None:
        """Release shared resources (connections)."""
        self.build_context.close_shared()


def build_system(
    plan: SystemPlan, clock: Clock | None = None, container: containers.DynamicContainer | None = None
) -> System:
    """Build every component of ``plan`` (through ``container`` if given, e.g. with overrides)."""
    c = container or build_container(plan, clock)
    return System(
        plan=plan,
        clock=c.clock(),
        data_feed=c.data_feed(),
        broker=c.broker(),
        strategy=c.strategy(),
        techniques=tuple(c.techniques()),
        analyzers=tuple(c.analyzers()),
        signal_filters=tuple(c.signal_filters()),
        risk_policies=tuple(c.risk_policies()),
        notifiers=tuple(c.notifiers()),
        build_context=c.build_context(),
    )
