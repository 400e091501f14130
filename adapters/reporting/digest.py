"""Reading journals and trade lists for the summary and the mentor; the daily chart as a PNG."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import pandas as pd

from adapters.journal.files import read_journal
from adapters.journal.jsonl import to_plain
from mia_core.digest.entries import JournalFacts, Trade, read_facts
from mia_core.digest.summary import DailySummary
from mia_core.journal import JournalEntry
from mia_core.series import BarSeries
from mia_core.timeutil import ns_to_datetime

matplotlib.use("Agg")
from matplotlib import pyplot as plt


def facts_of(entries: Iterable[JournalEntry]) -> JournalFacts:
    """Facts from journal entries in memory or read back from a file."""
    return read_facts({"ts": e.ts, "kind": e.kind, "payload": to_plain(e.payload)} for e in entries)


def journal_facts(path: Path) -> JournalFacts:
    """Facts of a journal file (SQLite or JSON lines)."""
    journal = read_journal(path)
    try:
        return facts_of(journal.entries())
    finally:
        journal.close()


def trades_csv_facts(path: Path) -> JournalFacts:
    """Facts of a backtest report's ``trades.csv`` (the setup is the entry reason's text before ':')."""
    frame = pd.read_csv(path)
    trades = []
    for i, row in enumerate(frame.to_dict("records"), 1):
        reason = str(row.get("entry_reason", "") or "")
        setup = reason.split(":", 1)[1].strip() if ":" in reason else reason
        trades.append(Trade(int(row.get("trade_id", i)), pd.Timestamp(row["entry_time"]).value,
                            pd.Timestamp(row["exit_time"]).value, str(row["side"]), round(float(row["net_pnl"]) * 100),
                            round(float(row["commission"]) * 100), str(row["exit_reason"]), setup))
    return JournalFacts(tuple(trades), (), ())


def summary_chart(summary: DailySummary, exits_ns: Iterable[int] = ()) -> bytes:
    """The day's P&L after each trade, with the loss limit and the profit target, as PNG bytes."""
    figure, axes = plt.subplots(figsize=(7, 3.2), dpi=100)
    try:
        pnl = [0.0] + [c / 100 for c in summary.cumulative_cents]
        labels = ["open"] + [ns_to_datetime(ts).strftime("%H:%M") for ts in exits_ns]
        x = list(range(len(pnl)))
        axes.plot(x, pnl, marker="o", color="#2e86de", linewidth=2, label="P&L after each trade, after costs")
        axes.axhline(-summary.limits.daily_loss_limit, color="#c0392b", linestyle="--", label="loss limit")
        axes.axhline(summary.limits.profit_target, color="#27ae60", linestyle="--", label="profit target")
        axes.axhline(0, color="#7f8c8d", linewidth=0.8)
        if len(labels) == len(x):
            axes.set_xticks(x, labels, rotation=45, fontsize=7)
        axes.set_title(f"MIA {summary.day.isoformat()}: {summary.trades} trades")
        axes.set_ylabel("$")
        axes.legend(loc="best", fontsize=7)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def bars_for_mentor(source: str, symbol: str) -> BarSeries:
    """The bars blocked entries are replayed on: a bundled dataset's name or a bar file (as `mia backtest --data`)."""
    from adapters.replay.bundled import DATASETS, load_bundled
    from adapters.replay.file import read_file
    from adapters.replay.file_config import FileFeedConfig
    from mia_core.instruments import instrument_for

    instrument = instrument_for(symbol)
    if source in DATASETS:
        return load_bundled(source, instrument).series
    if not Path(source).is_file():
        raise FileNotFoundError(f"--bars {source}: no bundled dataset of that name ({', '.join(DATASETS)}) "
                                "and no file there")
    return read_file(FileFeedConfig(path=source), instrument).checked.series
