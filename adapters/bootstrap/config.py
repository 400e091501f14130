"""Load a system YAML (``yamlread``) and validate it against the registry."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from adapters.bootstrap.errors import ConfigError, DuplicateComponentError, UnknownComponentError
from adapters.bootstrap.plugins import PluginHost, PluginInfo
from adapters.bootstrap.redaction import Redactor
from adapters.bootstrap.schema import (
    COMPONENT_SECTIONS,
    DEFAULT_BROKER,
    TOP_LEVEL_KEYS,
    ComponentRef,
    SystemSettings,
)
from adapters.bootstrap.structure import StructureError, structure_attrs
from adapters.bootstrap.yamlread import read_document
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument, instrument_for
from ports.components import ComponentKind, ComponentSpec, Mode


@attrs.frozen
class PlannedComponent:
    """A component reference resolved to its spec, provider and validated settings."""

    ref: ComponentRef
    spec: ComponentSpec
    provider: PluginInfo
    config: Any


@attrs.frozen
class SystemPlan:
    """A validated system, ready to build: every component resolved and configured."""

    source: str
    settings: SystemSettings
    instrument: Instrument
    sections: Mapping[str, tuple[PlannedComponent, ...]]
    redactor: Redactor = attrs.Factory(Redactor)

    def one(self, section: str) -> PlannedComponent:
        """The single component of ``section`` (data_feed, broker, strategy)."""
        (planned,) = self.sections[section]
        return planned

    def many(self, section: str) -> tuple[PlannedComponent, ...]:
        """The ordered components of a list section."""
        return self.sections[section]

    def require_live_consent(self, live_flag: bool) -> None:
        """Live mode needs ``live_trading: true``, ``--live`` on the command line and the catastrophe monitor."""
        if self.settings.mode is not Mode.LIVE:
            if live_flag:
                raise ConfigError(self.source, "mode", f"--live given but mode is {self.settings.mode.value!r}")
            return
        if not self.settings.live_trading:
            raise ConfigError(self.source, "live_trading", "mode is 'live': set live_trading: true to trade real money")
        if not live_flag:
            raise ConfigError(self.source, "mode", "mode is 'live': also pass --live on the command line")
        snapshots = self.settings.options_snapshots
        if snapshots.enabled and snapshots.source == "synthetic":
            raise ConfigError(
                self.source,
                "options_snapshots.source",
                "mode is 'live': synthetic option chains would feed dealer's bias; use ib or directory",
            )
        if not self.settings.catastrophe.enabled:
            raise ConfigError(
                self.source,
                "catastrophe.enabled",
                "mode is 'live': real money needs the catastrophe monitor; set catastrophe.enabled: true",
            )


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Parse ``path`` (``${NAME:default}`` resolved per value, after parsing; see ``yamlread``)."""
    return read_document(path).data


def load_plan(path: str | Path, host: PluginHost) -> SystemPlan:
    """Read and validate a system YAML file against the installed plugins.

    Errors carry the line of the key they name, and never print a value taken from
    the environment (they name the variable instead).
    """
    document = read_document(path)
    try:
        plan = plan_system(document.data, host, source=str(path))
    except ConfigError as exc:
        raise document.explain(exc) from exc
    return attrs.evolve(plan, redactor=document.redactor)


def plan_system(data: Mapping[str, Any], host: PluginHost, source: str = "<config>") -> SystemPlan:
    """Validate parsed YAML ``data``; every error names ``source``, the key path and what is allowed."""
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise ConfigError(source, str(unknown[0]), f"unknown key; allowed: {', '.join(TOP_LEVEL_KEYS)}")
    plain = {k: v for k, v in data.items() if k not in COMPONENT_SECTIONS}
    try:
        settings = structure_attrs(SystemSettings, plain, "")
        instrument = instrument_for(settings.instrument)
    except StructureError as exc:
        raise ConfigError(source, exc.path, exc.message) from exc
    except DomainValueError as exc:
        raise ConfigError(source, "instrument", f"{settings.instrument!r} is {exc.reason}") from exc
    _check_disabled(settings.plugins.disable, host, source)
    sections = {
        section: tuple(_plan_component(ref, host, source) for ref in _refs(data, section, source))
        for section in COMPONENT_SECTIONS
    }
    return SystemPlan(source=source, settings=settings, instrument=instrument, sections=sections)


def _check_disabled(names: list[str], host: PluginHost, source: str) -> None:
    known = host.known_names()
    for i, name in enumerate(names):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                source,
                f"plugins.disable[{i}]",
                f"no installed plugin is named {name!r}{hint}; installed (entry-point or distribution "
                f"names): {', '.join(known) or 'none'}",
            )


def _refs(data: Mapping[str, Any], section: str, source: str) -> list[ComponentRef]:
    kind, is_list, required = COMPONENT_SECTIONS[section]
    raw = data.get(section)
    if raw is None:
        if section == "broker":
            raw = DEFAULT_BROKER
        elif required:
            raise ConfigError(source, section, f"required: name a {kind.value} with 'use: <name>'")
        else:
            return []
    if is_list:
        if not isinstance(raw, list):
            raise ConfigError(source, section, f"expected a list of {kind.value} entries ('- use: <name>')")
        refs = [_ref(kind, item, f"{section}[{i}]", source) for i, item in enumerate(raw)]
        _check_unique(refs, source)
        return refs
    return [_ref(kind, raw, section, source)]


def _ref(kind: ComponentKind, raw: Any, path: str, source: str) -> ComponentRef:
    if isinstance(raw, str):
        raw = {"use": raw}
    if not isinstance(raw, Mapping):
        raise ConfigError(source, path, f"expected a mapping with 'use: <name>', got {type(raw).__name__}")
    use = raw.get("use")
    if not isinstance(use, str) or not use:
        raise ConfigError(source, f"{path}.use", f"required: the name of a registered {kind.value}")
    alias = raw.get("as")
    if alias is not None and not isinstance(alias, str):
        raise ConfigError(source, f"{path}.as", "expected a string")
    settings = {k: v for k, v in raw.items() if k not in ("use", "as")}
    return ComponentRef(kind=kind, use=use, alias=alias, settings=settings, path=path)


def _check_unique(refs: list[ComponentRef], source: str) -> None:
    seen: dict[str, str] = {}
    for ref in refs:
        if ref.instance_name in seen:
            used = seen[ref.instance_name]
            raise ConfigError(source, ref.path, f"{ref.instance_name!r} is already used at {used}; add 'as: <name>'")
        seen[ref.instance_name] = ref.path


def _plan_component(ref: ComponentRef, host: PluginHost, source: str) -> PlannedComponent:
    try:
        spec, provider = host.component(ref.kind, ref.use)
    except (UnknownComponentError, DuplicateComponentError) as exc:
        raise ConfigError(source, f"{ref.path}.use", str(exc)) from exc
    try:
        config = structure_attrs(spec.config_class, ref.settings, ref.path)
    except StructureError as exc:
        raise ConfigError(source, exc.path, f"{exc.message} (settings of {ref.kind.value} {ref.use!r})") from exc
    return PlannedComponent(ref=ref, spec=spec, provider=provider, config=config)
