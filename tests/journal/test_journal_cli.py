"""`mia journal` on the journal of a real backtest (`mia backtest --journal`), SQLite and JSON lines."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.journal.sqlite import SqliteJournal
from mia_core.journal import JournalEntry

from .test_sqlite_journal import fill_entry, order_entry

runner = CliRunner()
WINDOW = ["--from", "2009-01-01", "--to", "2010-12-31"]


@pytest.fixture(scope="module")
def journals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default system's backtest journal written once as SQLite and once as JSON lines."""
    tmp = tmp_path_factory.mktemp("journal_cli")
    paths = {}
    for suffix in ("sqlite", "jsonl"):
        path = tmp / f"bt.{suffix}"
        result = runner.invoke(app, ["backtest", *WINDOW, "--report", str(tmp / suffix), "--journal", str(path)])
        assert result.exit_code == 0, result.output
        assert f"journal: {path}" in result.output
        paths[suffix] = path
    return paths


def invoke(*args: str) -> str:
    result = runner.invoke(app, ["journal", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_backtest_refuses_to_append_to_an_existing_journal(journals: dict[str, Path]) -> None:
    result = runner.invoke(app, ["backtest", "--journal", str(journals["sqlite"])])
    assert result.exit_code != 0 and "exists" in result.output


def test_both_backends_hold_the_same_entries(journals: dict[str, Path]) -> None:
    from adapters.journal.files import read_journal

    sqlite_entries, jsonl_entries = (list(read_journal(journals[k]).entries()) for k in ("sqlite", "jsonl"))
    assert len(sqlite_entries) > 100 and sqlite_entries == jsonl_entries


@pytest.mark.parametrize("backend", ["sqlite", "jsonl"])
def test_trades_and_orders_of_the_last_day_and_of_a_given_day(journals: dict[str, Path], backend: str) -> None:
    path = str(journals[backend])
    last = invoke("trades", path)
    assert "MIA trades on 2010-" in last and re.search(r"\n[1-9][0-9]* trades, net \$", last)
    assert "0 trades, net $0.00" in invoke("trades", path, "--day", "2009-01-04")  # a Sunday: no trade closed
    orders = invoke("orders", path)
    assert "MIA orders on 2010-" in orders and "SIM-" in orders and " 0 orders" not in orders


def test_day_tells_the_summary(journals: dict[str, Path]) -> None:
    out = invoke("day", str(journals["sqlite"]), "--loss-limit", "300")
    assert "Daily summary 2010-" in out and "loss limit      -$300.00" in out


def test_story_of_a_trade_has_its_signal_decision_orders_fills_and_round_trip(journals: dict[str, Path]) -> None:
    out = invoke("story", str(journals["sqlite"]), "2")
    lines = out.splitlines()
    kinds = [line.split()[2] for line in lines]
    assert kinds[0] == "signal" and "risk" in kinds and "round" in kinds
    assert kinds.count("fill") == 2 and kinds.index("order") < kinds.index("fill")
    assert "stop_loss" in out  # the bracket legs belong to the story
    missing = runner.invoke(app, ["journal", "story", str(journals["sqlite"]), "9999"])
    assert missing.exit_code != 0 and "no trade #9999" in missing.output


def test_export_csv_and_parquet(journals: dict[str, Path], tmp_path: Path) -> None:
    invoke("export", str(journals["sqlite"]), "--out", str(tmp_path / "all.csv"))
    every = pd.read_csv(tmp_path / "all.csv")
    assert {"ts", "time_utc", "kind", "client_order_id", "order_id", "exec_id", "payload"} <= set(every.columns)
    invoke("export", str(journals["jsonl"]), "--format", "parquet", "--kind", "fill", "--out", str(tmp_path / "f.pq"))
    fills = pd.read_parquet(tmp_path / "f.pq")
    assert len(fills) == (every["kind"] == "fill").sum() and "event.fill.price" in fills.columns
    bad = runner.invoke(app, ["journal", "export", str(journals["sqlite"]), "--format", "xls", "--out", "x"])
    assert bad.exit_code != 0 and "csv or parquet" in bad.output


def test_check_passes_on_a_backtest_journal(journals: dict[str, Path]) -> None:
    for path in journals.values():
        assert "no problem found" in invoke("check", str(path))


def test_check_lists_each_problem_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    journal = SqliteJournal(path)
    journal.record(JournalEntry(1, "order_intent", {"client_order_id": "a-1"}))
    journal.record(JournalEntry(2, "order_intent", {"client_order_id": "a-1"}))  # intended twice
    journal.record(order_entry(3, "7", "a-1"))
    journal.record(order_entry(4, "8", "a-2"))  # sent without an intent
    journal.record(fill_entry(5, "7", "E1"))
    journal.record(fill_entry(6, "7", "E1"))  # booked twice
    journal.record(fill_entry(7, "9", "E2"))  # of an order never seen
    journal.close()
    result = runner.invoke(app, ["journal", "check", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    for text in ("fill 'E1' booked 2 times", "client order id 'a-1' intended 2 times",
                 "client order id 'a-2': no order_intent entry", "fill E2 (entry 7) of order '9': no order entry"):
        assert text in result.output


def test_a_system_yaml_names_its_session_journal(tmp_path: Path) -> None:
    config = tmp_path / "es-demo.yaml"
    config.write_text(f"data_feed: bundled\nstrategy: sma_cross\njournal:\n  path: {tmp_path / 'j.sqlite'}\n")
    SqliteJournal(tmp_path / "j.sqlite").close()
    assert "0 entries" in invoke("check", str(config))
    missing = runner.invoke(app, ["journal", "check", str(tmp_path / "none.sqlite")])
    assert missing.exit_code != 0 and "no journal at" in missing.output
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    junk = runner.invoke(app, ["journal", "check", str(tmp_path / "junk.db")])
    assert junk.exit_code != 0 and "not a readable SQLite journal" in junk.output


def test_summary_and_mentor_read_an_sqlite_journal_too(journals: dict[str, Path]) -> None:
    summary = runner.invoke(app, ["summary", "--journal", str(journals["sqlite"])])
    assert summary.exit_code == 0 and "Daily summary 2010-" in summary.output, summary.output
    mentor = runner.invoke(app, ["mentor", "--journal", str(journals["sqlite"])])
    assert mentor.exit_code == 0, mentor.output
