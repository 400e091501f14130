"""Run the look-ahead check over every technique, analyzer and the strategy of a system composed from YAML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from adapters.bootstrap.backtest import load_series, plan_with_data
from adapters.bootstrap.cli_shared import host_for
from adapters.bootstrap.config import PlannedComponent, SystemPlan, load_plan
from adapters.bootstrap.container import build_system
from mia_core.lookahead import CheckSettings, ComponentReport, check_components
from mia_core.series import BarSeries

SECTIONS = {"analyzer": "analyzers", "technique": "techniques", "strategy": "strategy"}


@attrs.frozen
class CheckedComponent:
    """One component's look-ahead report and where the component comes from."""

    section: str
    use: str
    provider: str
    report: ComponentReport


@attrs.frozen
class SystemCheck:
    """The look-ahead check of a system: the bars it ran on and one report per component."""

    series: BarSeries
    components: tuple[CheckedComponent, ...]

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the components that failed."""
        return tuple(item.use for item in self.components if not item.report.passed)


def _provider(planned: PlannedComponent) -> str:
    return f"{planned.provider.name} ({planned.provider.distribution})"


def check_plan(plan: SystemPlan, start: dt.date | None, end: dt.date | None, bars: int | None = None,
               settings: CheckSettings | None = None) -> SystemCheck:
    """Build the system of ``plan`` afresh, load its history (the first ``bars`` bars) and check every component.

    The components are built for the check alone: nothing they were handed before
    (in a backtest, say) can hide a look-ahead from the first bar-by-bar pass.
    """
    system = build_system(plan)
    try:
        series = load_series(system, start, end)
        if bars:
            series = series.slice(0, min(bars, len(series)))
        reports = check_components(series, system.techniques, system.analyzers, system.strategy, settings,
                                   system.technique_names)
    finally:
        system.close()
    planned = {"analyzer": list(plan.sections.get("analyzers", ())),
               "technique": list(plan.sections.get("techniques", ())), "strategy": [plan.one("strategy")]}
    checked = []
    for report in reports:
        origin = planned[report.kind].pop(0)
        checked.append(CheckedComponent(report.kind, origin.ref.instance_name, _provider(origin), report))
    return SystemCheck(series, tuple(checked))


def check_system(config: Path, bars: int | None, start: dt.date | None, end: dt.date | None,
                 settings: CheckSettings | None = None, data: Path | None = None) -> SystemCheck:
    """Load the system file ``config`` (its data feed replaced by ``data`` if given) and check it."""
    host = host_for(config)
    plan = plan_with_data(load_plan(config, host), host, data)
    return check_plan(plan, start, end, bars, settings)
