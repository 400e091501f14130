"""Plugin discovery: entry points of group ``mia`` loaded one at a time into pluggy."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

import attrs
import pluggy

from adapters.bootstrap.errors import DuplicateComponentError, UnknownComponentError
from adapters.bootstrap.registration import HookError, call_hook, check_unique, describe
from ports import hookspecs
from ports.components import ComponentKind, ComponentSpec

ENTRY_POINT_GROUP = "mia"
DISABLE_ENV = "MIA_DISABLE_PLUGINS"

HOOK_BY_KIND: Mapping[ComponentKind, str] = {
    ComponentKind.DATA_FEED: "mia_register_data_feeds",
    ComponentKind.BROKER: "mia_register_brokers",
    ComponentKind.TECHNIQUE: "mia_register_techniques",
    ComponentKind.STRATEGY: "mia_register_strategies",
    ComponentKind.ANALYZER: "mia_register_analyzers",
    ComponentKind.SIGNAL_FILTER: "mia_register_signal_filters",
    ComponentKind.RISK_POLICY: "mia_register_risk_policies",
    ComponentKind.NOTIFIER: "mia_register_notifiers",
}
HOOK_NAMES = frozenset(HOOK_BY_KIND.values())


@attrs.frozen
class PluginInfo:
    """One plugin as discovered: where it comes from and what became of it."""

    name: str
    distribution: str
    version: str
    module: str
    components: tuple[ComponentSpec, ...] = ()
    error: str | None = None
    disabled: bool = False

    @property
    def label(self) -> str:
        """``name (distribution version)`` for messages."""
        return f"{self.name} ({self.distribution} {self.version})"

    @property
    def entry_point(self) -> str:
        """``name = module`` as the distribution declares it."""
        return f"{self.name} = {self.module}"


@attrs.frozen
class Clash:
    """One component name registered by several plugins: only a system that uses it fails."""

    kind: ComponentKind
    name: str
    providers: tuple[PluginInfo, ...]

    @property
    def message(self) -> str:
        """What clashes, who provides it and how to resolve it."""
        by = " and by ".join(p.label for p in self.providers)
        names = " or ".join(repr(p.name) for p in self.providers)
        return (
            f"{self.kind.value} {self.name!r} is registered by {by}; add one of them to plugins.disable "
            f"in the system file ({names}) or to {DISABLE_ENV}"
        )


class _MiaPluginManager(pluggy.PluginManager):
    """Treats every ``mia_*`` function as a hook implementation, marked or not.

    So a misspelt hook is never silently ignored: it becomes an unknown hook that
    ``check_pending`` reports.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith("mia_") and callable(getattr(plugin, name, None)):
            return {}
        return opts


def disabled_from_env(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Plugin names listed in ``MIA_DISABLE_PLUGINS`` (comma separated)."""
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def _unknown_hooks(plugin: Any) -> list[str]:
    names = [n for n in dir(plugin) if n.startswith("mia_") and callable(getattr(plugin, n))]
    return [n for n in names if n not in HOOK_NAMES]


class PluginHost:
    """Owns the plugin manager and the component registry built from it."""

    def __init__(self) -> None:
        self.manager = _MiaPluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.plugins: list[PluginInfo] = []
        self._components: dict[tuple[ComponentKind, str], list[tuple[ComponentSpec, PluginInfo]]] = {}

    @property
    def failures(self) -> list[PluginInfo]:
        """Plugins that failed to load or register."""
        return [p for p in self.plugins if p.error is not None]

    @property
    def clashes(self) -> list[Clash]:
        """Component names registered by more than one plugin."""
        return [
            Clash(kind, name, tuple(info for _, info in provided))
            for (kind, name), provided in self._components.items()
            if len(provided) > 1
        ]

    def known_names(self) -> list[str]:
        """Every entry-point and distribution name seen (loaded, failed or disabled), sorted."""
        return sorted({p.name for p in self.plugins} | {p.distribution for p in self.plugins})

    def load_entry_points(
        self, disabled: Iterable[str] = (), entry_points: Iterable[metadata.EntryPoint] | None = None
    ) -> None:
        """Load every entry point of group ``mia``, one at a time, skipping ``disabled``.

        A plugin that fails to import or register is recorded with its distribution
        and version and the error; the others still load. That includes ``sys.exit()``
        and other ``BaseException``s at import; only ``KeyboardInterrupt`` propagates,
        so Ctrl-C during a slow import still stops MIA.
        """
        skip = frozenset(disabled) | disabled_from_env()
        found = entry_points if entry_points is not None else metadata.entry_points(group=ENTRY_POINT_GROUP)
        for ep in sorted(found, key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            dist_name = dist.name if dist is not None else "unknown"
            version = dist.version if dist is not None else "?"
            base = PluginInfo(name=ep.name, distribution=dist_name, version=version, module=ep.value)
            if ep.name in skip or dist_name in skip:
                self.plugins.append(attrs.evolve(base, disabled=True))
                continue
            try:
                plugin = ep.load()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # a broken plugin, even one calling sys.exit(), must not end MIA
                self.plugins.append(attrs.evolve(base, error=f"import failed: {describe(exc)}"))
                continue
            self.add_plugin(plugin, base)

    def add_plugin(self, plugin: Any, info: PluginInfo) -> PluginInfo:
        """Register one plugin object (a module or instance) and collect its components."""
        unknown = _unknown_hooks(plugin)
        if unknown:
            hints = [self._suggest(n) for n in unknown]
            return self._record(attrs.evolve(info, error="unknown hook " + "; ".join(hints)))
        try:
            self.manager.register(plugin, name=info.name)
            self.manager.check_pending()
        except Exception as exc:
            self._forget(plugin)
            return self._record(attrs.evolve(info, error=f"registration failed: {describe(exc)}"))
        try:
            specs = self._collect(plugin, info)
        except HookError as exc:
            self._forget(plugin)
            return self._record(attrs.evolve(info, error=str(exc)))
        recorded = self._record(attrs.evolve(info, components=tuple(specs)))
        for spec in specs:
            self._add_component(spec, recorded)
        return recorded

    def _suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name, sorted(HOOK_NAMES), n=1)
        return f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")

    def _forget(self, plugin: Any) -> None:
        if self.manager.is_registered(plugin):
            self.manager.unregister(plugin)

    def _record(self, info: PluginInfo) -> PluginInfo:
        self.plugins.append(info)
        return info

    def _collect(self, plugin: Any, info: PluginInfo) -> list[ComponentSpec]:
        specs: list[ComponentSpec] = []
        for kind, hook_name in HOOK_BY_KIND.items():
            for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
                if impl.plugin is plugin:
                    specs.extend(call_hook(hook_name, kind, impl.function, info.entry_point))
        check_unique(specs)
        return specs

    def _add_component(self, spec: ComponentSpec, info: PluginInfo) -> None:
        self._components.setdefault((spec.kind, spec.name), []).append((spec, info))

    def names(self, kind: ComponentKind) -> list[str]:
        """Registered component names of ``kind``, sorted."""
        return sorted(name for k, name in self._components if k is kind)

    def component(self, kind: ComponentKind, name: str) -> tuple[ComponentSpec, PluginInfo]:
        """The spec registered as ``name`` and the plugin that provides it."""
        provided = self._components.get((kind, name), [])
        if len(provided) > 1:
            raise DuplicateComponentError(Clash(kind, name, tuple(info for _, info in provided)).message)
        if not provided:
            allowed = ", ".join(self.names(kind)) or "none registered"
            broken = "; ".join(f"{p.label}: {p.error}" for p in self.failures)
            note = f"; plugins that failed to load: {broken}" if broken else ""
            raise UnknownComponentError(f"unknown {kind.value} {name!r}; allowed: {allowed}{note}")
        return provided[0]


def discover(disabled: Iterable[str] = ()) -> PluginHost:
    """A host with every installed ``mia`` entry point loaded (except ``disabled``)."""
    host = PluginHost()
    host.load_entry_points(disabled)
    return host
