"""``mia start SYSTEM``: check everything a session needs, print the checklist, then run it."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap.cli_shared import fail, host_for
from adapters.bootstrap.config import SystemPlan, plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.startup import check_plan
from adapters.bootstrap.system_paths import risk_state_path, session_journal_path
from adapters.bootstrap.yamlread import read_document
from adapters.launcher import checks
from adapters.launcher.checks import CheckResult, Verdict

console = Console()
_MARK = {Verdict.PASS: "[green]ok[/]", Verdict.WARN: "[yellow]warn[/]", Verdict.FAIL: "[bold red]FAIL[/]"}
RunMode = Literal["simulation", "paper", "live"]
BrokerName = Literal["ib", "sierra", "simulated"]


def with_choices(data: dict[str, Any], mode: RunMode | None, broker: BrokerName | None) -> dict[str, Any]:
    """The system's YAML data with the command line's choices applied.

    ``simulation`` is a paper session against the simulated broker (no account);
    ``paper`` and ``live`` keep the file's broker unless ``broker`` names another.
    Choosing a broker other than the file's drops the file's broker settings.
    """
    chosen = copy.deepcopy(data)
    if mode is not None:
        chosen["mode"] = "paper" if mode == "simulation" else mode
    if mode == "simulation":
        broker = "simulated"
    if broker is not None:
        current = chosen.get("broker")
        use = current if isinstance(current, str) else (current or {}).get("use")
        if use != broker:
            chosen["broker"] = {"use": broker}
    return chosen


def preflight(config: Path, mode: RunMode | None, broker: BrokerName | None, live: bool,
              timeout_s: float = 15.0) -> tuple[list[CheckResult], SystemPlan | None]:
    """Every check in order; later checks are skipped once the configuration cannot be read."""
    results: list[CheckResult] = []
    try:
        host = host_for(config)
        document = read_document(config)
        try:
            plan = plan_system(with_choices(document.data, mode, broker), host, source=str(config))
        except ConfigError as exc:
            raise document.explain(exc) from exc
        check_plan(plan, live)
    except (ConfigError, PluginError) as exc:
        return [CheckResult("configuration", Verdict.FAIL, str(exc))], None
    settings = plan.settings
    results.append(CheckResult("configuration", Verdict.PASS,
                               f"{config.name}: {settings.mode.value} {settings.instrument}, broker "
                               f"{plan.one('broker').provider.name}, feed {plan.one('data_feed').provider.name}"))
    failed = host.failures
    loaded = sum(len(p.components) for p in host.plugins)
    results.append(CheckResult("plugins", Verdict.WARN if failed else Verdict.PASS,
                               f"{len(host.plugins)} plugins, {loaded} components; "
                               + (f"failed to load: {', '.join(f'{f.name} ({f.error})' for f in failed)}"
                                  if failed else "none failed")))
    try:
        system = build_system(plan)
    except Exception as exc:  # a component that cannot be built is the finding
        results.append(CheckResult("components", Verdict.FAIL, f"{type(exc).__name__}: {exc}"))
        return results, plan
    try:
        results.append(CheckResult("data", Verdict.PASS, f"feed {getattr(system.data_feed, 'name', '?')} built"))
        results.extend(asyncio.run(checks.broker(system.broker, timeout_s)))
    finally:
        system.close()
    results.append(checks.market_hours(checks.now_ns()))
    results.append(checks.risk_state(risk_state_path(plan)))
    journal = session_journal_path(plan)
    results.append(checks.disk(journal.parent if journal is not None else Path(".")))
    return results, plan


def checklist(results: list[CheckResult]) -> Table:
    """The checklist as a table."""
    table = Table(title="pre-flight", show_lines=False)
    for column in ("check", "", "detail"):
        table.add_column(column)
    for result in results:
        table.add_row(result.name, _MARK[result.verdict], result.detail)
    return table


def start_command(
    config: Annotated[Path, typer.Argument(help="The system YAML file.")],
    mode: Annotated[RunMode | None, typer.Option("--mode", help="simulation, paper or live (default: file's).")]
    = None,
    broker: Annotated[BrokerName | None, typer.Option("--broker", help="ib, sierra or simulated (default: file's).")]
    = None,
    live: Annotated[bool, typer.Option("--live", help="Consent to live trading (also needs live_trading: true).")]
    = False,
    check_only: Annotated[bool, typer.Option("--check-only", help="Print the checklist and stop.")] = False,
) -> None:
    """Check the system, plugins, data, broker and account, market hours, risk state, disk and clock; then run it."""
    results, plan = preflight(config, mode, broker, live)
    console.print(checklist(results))
    if plan is None or any(r.verdict is Verdict.FAIL for r in results):
        raise fail("pre-flight failed: nothing was started")
    if check_only:
        return
    from adapters.live.session import run_session, undelivered_line

    shell = asyncio.run(run_session(plan, None, console, None))
    console.print(f"session ended after {shell.events_seen:,} events", highlight=False)
    if undelivered_line(shell):
        console.print(undelivered_line(shell), highlight=False, markup=False, soft_wrap=True)
