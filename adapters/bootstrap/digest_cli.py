"""``mia summary`` and ``mia mentor``: a day's summary and evidence-backed advice from a journal or a report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import fail

if TYPE_CHECKING:
    from mia_core.digest.blocked import ReplayCosts
    from mia_core.series import BarSeries

console = Console()
JournalOption = Annotated[Path, typer.Option("--journal", help="A session's journal file (SQLite or JSON lines).")]
BarsOption = Annotated[str | None, typer.Option("--bars", help="Bars the journal's session traded (a bar file or a "
                                                "bundled dataset): entries the risk rules blocked are replayed on "
                                                "them, each on its own CME day's bars, and the rules judged.")]
InstrumentOption = Annotated[str, typer.Option("--instrument", help="With --bars: the instrument traded.")]
CommissionOption = Annotated[float, typer.Option("--commission", help="With --bars: dollars per contract per round "
                                                 "trip of a replayed entry.")]
SlippageOption = Annotated[int, typer.Option("--slippage-ticks", help="With --bars: ticks per fill.")]
MinTradesOption = Annotated[int, typer.Option("--min-trades", help="Fewest trades a group needs to be judged.")]
AlphaOption = Annotated[float, typer.Option("--alpha", help="Significance level per question.")]


def _replay_inputs(bars: str, instrument: str, commission: float, slippage_ticks: int) -> tuple[BarSeries,
                                                                                                 ReplayCosts]:
    from adapters.reporting.digest import bars_for_mentor
    from mia_core.digest.blocked import ReplayCosts

    try:
        return bars_for_mentor(bars, instrument), ReplayCosts(commission, slippage_ticks)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc


def summary_command(
    journal: JournalOption,
    day: Annotated[str | None, typer.Option("--day", help="CME trading day YYYY-MM-DD (default: the last).")] = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="Also write the day's chart (PNG) here.")] = None,
    loss_limit: Annotated[float, typer.Option("--loss-limit", help="Daily loss limit, dollars.")] = 500.0,
    profit_target: Annotated[float, typer.Option("--profit-target", help="Daily profit target, dollars.")] = 1000.0,
    max_trades: Annotated[int, typer.Option("--max-trades", help="The system's max_trades_per_day (0: none).")] = 0,
    advice: Annotated[bool, typer.Option("--advice/--no-advice", help="Add the mentor's advice on the journal up "
                                         "to the day's close, as a session's daily summary does.")] = True,
    bars: BarsOption = None,
    instrument: InstrumentOption = "ES",
    commission: CommissionOption = 4.5,
    slippage_ticks: SlippageOption = 1,
    min_trades: MinTradesOption = 10,
    alpha: AlphaOption = 0.05,
) -> None:
    """The daily summary of one CME trading day from a session's journal (what the session told at its close)."""
    from adapters.reporting.digest import journal_facts, summary_chart
    from mia_core.digest.config import SummaryConfig
    from mia_core.digest.day import blocked_until, day_report
    from mia_core.digest.mentor import MentorConfig
    from mia_core.digest.summary import Limits

    try:
        facts = journal_facts(journal)
        days = facts.days()
        when = date.fromisoformat(day) if day else (days[-1] if days else None)
        config = SummaryConfig(advice=advice, mentor=MentorConfig(min_trades=min_trades, alpha=alpha))
        limits = Limits(loss_limit, profit_target, max_trades)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    if when is None:
        raise fail(f"{journal}: no trade, rule block or alert in this journal")
    blocked = []
    if bars is not None and advice:
        series, costs = _replay_inputs(bars, instrument, commission, slippage_ticks)
        blocked = blocked_until(facts, when, series, costs)
    summary, text = day_report(facts, when, limits, config, blocked)
    console.print(text, highlight=False, markup=False, soft_wrap=True)
    if chart is not None:
        exits = [t.exit_ts for t in facts.on_day(when).trades]
        chart.write_bytes(summary_chart(summary, exits))
        console.print(f"chart: {chart}", highlight=False, markup=False, soft_wrap=True)


def mentor_command(
    journal: Annotated[Path | None, typer.Option("--journal", help="A journal file (SQLite or JSON lines).")] = None,
    trades: Annotated[Path | None, typer.Option("--trades", help="A backtest report's trades.csv.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD (by trade exit).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD.")] = None,
    min_trades: MinTradesOption = 10,
    alpha: AlphaOption = 0.05,
    bars: BarsOption = None,
    instrument: InstrumentOption = "ES",
    commission: CommissionOption = 4.5,
    slippage_ticks: SlippageOption = 1,
) -> None:
    """Advice from a journal or a backtest's trades, each item with its test and the trades it cites."""
    from adapters.reporting.digest import journal_facts, trades_csv_facts
    from mia_core.digest.entries import JournalFacts
    from mia_core.digest.mentor import MentorConfig, format_advice, mentor
    from mia_core.timeutil import cme_trading_day

    if (journal is None) == (trades is None):
        raise fail("give one of --journal PATH or --trades PATH")
    try:
        facts = journal_facts(journal) if journal is not None else trades_csv_facts(trades)  # type: ignore[arg-type]
        first = date.fromisoformat(start) if start else date.min
        last = date.fromisoformat(end) if end else date.max
        config = MentorConfig(min_trades=min_trades, alpha=alpha)
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise fail(f"{journal or trades}: {exc}") from exc
    kept = tuple(t for t in facts.trades if first <= cme_trading_day(t.exit_ts) <= last)
    blocked = []
    if bars is not None:
        from mia_core.digest.day import blocked_between

        series, costs = _replay_inputs(bars, instrument, commission, slippage_ticks)
        blocks = [b for b in facts.blocks if first <= cme_trading_day(b.ts) <= last]
        blocked = blocked_between(facts, first, last, series, costs)  # as each day's summary judged them
        console.print(f"{len(blocked)} of {len(blocks)} blocked entries replayed on {bars}", highlight=False,
                      markup=False, soft_wrap=True)
    advice = mentor(JournalFacts(kept, (), ()), config, blocked)
    console.print(format_advice(advice, len(kept)), highlight=False, markup=False, soft_wrap=True)
