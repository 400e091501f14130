"""Run the look-ahead harness over every technique of a system composed from YAML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from rich.table import Table

from adapters.bootstrap.backtest import load_series
from adapters.bootstrap.config import PlannedComponent, SystemPlan, load_plan, read_yaml
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost, discover
from mia_core.lookahead import LookaheadReport, check_lookahead, cut_points
from mia_core.series import BarSeries
from mia_core.timeutil import ns_to_datetime

FORM_LABELS = {"vectorised": "vec", "incremental": "inc"}


@attrs.frozen
class CheckedComponent:
    """One component's look-ahead report and where the component comes from."""

    section: str
    use: str
    provider: str
    report: LookaheadReport


def host_for(config: Path) -> PluginHost:
    """Plugins discovered for ``config`` (its ``plugins.disable`` honoured)."""
    raw = read_yaml(config).get("plugins") or {}
    disabled = list(raw.get("disable") or []) if isinstance(raw, dict) else []
    return discover(disabled)


def _checkable(component: Any) -> bool:
    has_vectorised = callable(getattr(component, "compute", None))
    has_incremental = callable(getattr(component, "update", None)) and callable(getattr(component, "reset", None))
    return hasattr(component, "outputs") and (has_vectorised or has_incremental)


def _components(plan: SystemPlan, built: dict[str, tuple[Any, ...]]) -> Iterator[tuple[str, PlannedComponent, Any]]:
    for section in ("techniques", "analyzers"):
        for planned, component in zip(plan.sections.get(section, ()), built[section], strict=True):
            if section == "techniques" or _checkable(component):
                yield section, planned, component


def check_system(config: Path, bars: int | None, start: dt.date | None, end: dt.date | None,
                 cuts: int | None = None) -> tuple[BarSeries, list[CheckedComponent]]:
    """Build the system of ``config``, load its history (the first ``bars`` bars) and check each technique.

    Analyzers that also offer a bar form (``outputs`` with ``compute`` or ``update``)
    are checked too.
    """
    host = host_for(config)
    plan = load_plan(config, host)
    system = build_system(plan)
    try:
        series = load_series(system, start, end)
        if bars:
            series = series.slice(0, min(bars, len(series)))
        built = {"techniques": system.techniques, "analyzers": system.analyzers}
        checked = []
        for section, planned, component in _components(plan, built):
            chosen = None if cuts is None else cut_points(len(series), int(getattr(component, "warmup_bars", 1)), cuts)
            report = check_lookahead(component, series, chosen)
            provider = f"{planned.provider.name} ({planned.provider.distribution})"
            checked.append(CheckedComponent(section, planned.ref.instance_name, provider, report))
    finally:
        system.close()
    return series, checked


def _when(series: BarSeries, bar: int) -> str:
    return ns_to_datetime(int(series.ts[bar])).strftime("%Y-%m-%d %H:%M UTC")


def report_table(series: BarSeries, checked: list[CheckedComponent]) -> Table:
    """A rich table: one row per checked component, pass/FAIL and the first offending bar."""
    span = f"{_when(series, 0)} .. {_when(series, len(series) - 1)}" if len(series) else "no bars"
    table = Table(title=f"look-ahead check on {len(series):,} bars ({span})")
    for column in ("component", "plugin", "forms", "cuts", "result", "first offending bar", "forms agree"):
        table.add_column(column, overflow="fold")
    for item in checked:
        r = item.report
        if r.error is not None:
            result, where = "[red]FAIL[/]", r.error
        elif r.offence is not None:
            o = r.offence
            result = "[red]FAIL[/]"
            where = (f"bar {o.bar} ({_when(series, o.bar)}), {o.form} {o.output}: {o.full_value:.6g} with all bars, "
                     f"{o.cut_value:.6g} cut after bar {o.cut - 1}")
        else:
            result, where = "[green]pass[/]", "-"
        agree = "-" if r.forms_agree is None else ("yes" if r.forms_agree else "[yellow]no[/]")
        name = item.use if item.section == "techniques" else f"{item.use} (analyzer)"
        forms = "+".join(FORM_LABELS.get(f, f) for f in r.forms) or "none"
        table.add_row(name, item.provider, forms, str(len(r.cuts)), result, where, agree)
    return table
