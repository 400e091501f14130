"""The ``--data`` family of flags: which file, its column mapping, time zone, close time and bad-data policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from adapters.bootstrap.config import PlannedComponent, SystemPlan
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.schema import ComponentRef
from adapters.bootstrap.structure import StructureError, structure_attrs
from ports.components import ComponentKind


@attrs.frozen
class DataOptions:
    """Command-line settings for a ``--data`` file; None leaves the YAML's (or the feed's default) in place."""

    columns: dict[str, str | None] = attrs.Factory(dict)
    timezone: str | None = None
    close_time: str | None = None
    on_bad_data: str | None = None


DEFAULT_ON_BAD_DATA = "repair"  # a trader's own file: round to the tick grid, drop bad rows, and say so


def file_settings(plan: SystemPlan, path: Path, options: DataOptions) -> dict[str, Any]:
    """The ``file`` feed's settings for ``path``: a YAML ``file`` feed's (columns included) under the flags."""
    planned = plan.one("data_feed")
    base = _planned_settings(plan, "file", path)
    _columns_and_timezone(base, options)
    if options.close_time is not None:
        base["close_time"] = options.close_time
    if options.on_bad_data is not None:
        base["on_bad_data"] = options.on_bad_data
    elif planned.spec.name != "file":
        base["on_bad_data"] = DEFAULT_ON_BAD_DATA
    return base


SIERRA_SUFFIX = ".scid"  # a Sierra Chart intraday data file: read by the ``sierra_files`` feed


def sierra_settings(plan: SystemPlan, path: Path, options: DataOptions) -> dict[str, Any]:
    """The ``sierra_files`` feed's settings for ``path``: a YAML ``sierra_files`` feed's (bar size...) under --data."""
    given = [flag for flag, value in (("--columns", options.columns), ("--tz", options.timezone),
                                      ("--close-time", options.close_time)) if value]
    if given:
        raise ConfigError(str(path), "--data", f"{', '.join(given)} do not apply to a Sierra Chart .scid file "
                                               "(its layout and times are fixed: UTC)")
    base = _planned_settings(plan, "sierra_files", path)
    if options.on_bad_data is not None:
        base["on_bad_data"] = options.on_bad_data
    return base


TICKS_FEED = "ticks"


def ticks_settings(plan: SystemPlan, path: Path, options: DataOptions) -> dict[str, Any]:
    """The ``ticks`` feed's settings for ``path``: a YAML ``ticks`` feed's (columns, bar...) under --data."""
    given = [flag for flag, value in (("--close-time", options.close_time), ("--on-bad-data", options.on_bad_data))
             if value]
    if given:
        raise ConfigError(str(path), "--data", f"{', '.join(given)} do not apply to a file of trades")
    base = _planned_settings(plan, TICKS_FEED, path)
    _columns_and_timezone(base, options)
    return base


def _planned_settings(plan: SystemPlan, feed: str, path: Path) -> dict[str, Any]:
    """The system's ``feed`` settings when its YAML names that feed (else none), reading ``path``."""
    planned = plan.one("data_feed")
    base: dict[str, Any] = {}
    if planned.spec.name == feed and attrs.has(type(planned.config)):
        base = attrs.asdict(planned.config)
    base["path"] = str(path)
    return base


def _columns_and_timezone(base: dict[str, Any], options: DataOptions) -> None:
    """--columns (over the YAML's mapping) and --tz into ``base``."""
    if options.columns:
        base["columns"] = {**(base.get("columns") or {}), **options.columns}
    if options.timezone is not None:
        base["timezone"] = options.timezone


def file_feed(host: PluginHost, settings: dict[str, Any], source: str, feed: str = "file") -> Any:
    """The registered ``feed`` data feed and its settings structured from ``settings`` (errors name --data)."""
    spec, _ = host.component(ComponentKind.DATA_FEED, feed)
    try:
        return spec, structure_attrs(spec.config_class, settings, "--data")
    except StructureError as exc:
        raise ConfigError(source, exc.path, exc.message) from exc


def plan_with_data(plan: SystemPlan, host: PluginHost, data: Path | None,
                   options: DataOptions | None = None, *, ticks: bool = False) -> SystemPlan:
    """``plan`` with its data feed replaced by one reading ``data`` (``plan`` itself when ``None``).

    Trades (``ticks``, or a system whose feed is ``ticks``) go to the ``ticks`` feed; else a
    ``.scid`` file goes to the ``sierra_files`` feed, anything else to the ``file`` feed.
    """
    if data is None:
        return plan
    if ticks or plan.one("data_feed").spec.name == TICKS_FEED:
        settings = ticks_settings(plan, data, options or DataOptions())
        spec, config = file_feed(host, settings, plan.source, TICKS_FEED)
    elif data.suffix.lower() == SIERRA_SUFFIX:
        settings = sierra_settings(plan, data, options or DataOptions())
        spec, config = file_feed(host, settings, plan.source, "sierra_files")
    else:
        spec, config = file_feed(host, file_settings(plan, data, options or DataOptions()), plan.source)
    sections = dict(plan.sections)
    sections["data_feed"] = (attrs.evolve(plan.one("data_feed"), spec=spec, config=config),)
    return attrs.evolve(plan, sections=sections)


WINDOW_FILTER = "backtest_window"


def with_window_filter(plan: SystemPlan, host: PluginHost, start: dt.date) -> SystemPlan:
    """``plan`` with a ``trading_window`` filter opening on ``start``: the bars before it only warm up.

    The bar-by-bar path runs it (a signal filter needs every bar); both paths give the same trades.
    """
    spec, provider = host.component(ComponentKind.SIGNAL_FILTER, "trading_window")
    config = structure_attrs(spec.config_class, {"start": start}, "--from")
    ref = ComponentRef(kind=ComponentKind.SIGNAL_FILTER, use="trading_window", alias=WINDOW_FILTER,
                       settings={"start": start.isoformat()}, path="--from")
    sections = dict(plan.sections)
    sections["signal_filters"] = (*plan.sections.get("signal_filters", ()),
                                  PlannedComponent(ref=ref, spec=spec, provider=provider, config=config))
    backtest = attrs.evolve(plan.settings.backtest, vectorised=None)
    return attrs.evolve(plan, sections=sections, settings=attrs.evolve(plan.settings, backtest=backtest))
