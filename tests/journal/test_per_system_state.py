"""One risk state and one journal per system: two systems on one machine never share a latch or a figure."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.cli_shared import host_for
from adapters.bootstrap.config import SystemPlan, load_plan, plan_system
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import discover
from adapters.bootstrap.system_paths import risk_state_path, session_journal_path, system_name
from adapters.journal.sqlite import SqliteJournal
from adapters.live.session import run_session

runner = CliRunner()


def system(tmp_path: Path, file_name: str, extra: str = "") -> Path:
    path = tmp_path / file_name
    path.write_text("data_feed: bundled\nstrategy: sma_cross\nmode: paper\ncatastrophe:\n  enabled: true\n" + extra)
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own, as a user's machine: nothing set but HOME."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MIA_HOME", raising=False)
    return tmp_path / "home"


def test_stopping_one_system_leaves_another_armed(tmp_path: Path, home: Path) -> None:
    es, nq = system(tmp_path, "es.yaml"), system(tmp_path, "nq.yaml", "instrument: NQ\n")
    stopped = runner.invoke(app, ["risk", "stop", str(es), "--reason", "test"])
    assert stopped.exit_code == 0, stopped.output
    assert "LATCHED" in runner.invoke(app, ["risk", "status", str(es)]).output
    other = runner.invoke(app, ["risk", "status", str(nq)]).output
    assert "ARMED" in other and "LATCHED" not in other
    assert (home / ".mia" / "systems" / "es" / "risk_state.json").is_file()
    assert not (home / ".mia" / "systems" / "nq" / "risk_state.json").exists()


def plan_of(path: Path) -> SystemPlan:
    return load_plan(path, host_for(path))


def test_paths_follow_the_name_key_else_the_file_stem_and_respect_explicit_paths(tmp_path: Path, home: Path) -> None:
    by_stem = plan_of(system(tmp_path, "es-paper.yaml"))
    assert system_name(by_stem) == "es-paper"
    assert risk_state_path(by_stem) == home / ".mia" / "systems" / "es-paper" / "risk_state.json"
    assert session_journal_path(by_stem) == home / ".mia" / "systems" / "es-paper" / "journal.sqlite"
    named = plan_of(system(tmp_path, "x.yaml", "name: scalper\n"))
    assert session_journal_path(named) == home / ".mia" / "systems" / "scalper" / "journal.sqlite"
    explicit = plan_of(system(tmp_path, "y.yaml", f"  state_file: {tmp_path / 's.json'}\n"
                              f"journal:\n  path: {tmp_path / 'j.jsonl'}\n"))
    assert risk_state_path(explicit) == tmp_path / "s.json" and session_journal_path(explicit) == tmp_path / "j.jsonl"
    memory = plan_of(system(tmp_path, "z.yaml", "journal:\n  path: ':memory:'\n"))
    assert session_journal_path(memory) is None


def test_mia_home_moves_every_system_folder(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_HOME", str(tmp_path / "elsewhere"))
    plan = plan_of(system(tmp_path, "es.yaml"))
    assert risk_state_path(plan) == tmp_path / "elsewhere" / "systems" / "es" / "risk_state.json"


def test_a_bad_name_is_refused_with_the_key_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="name"):
        plan_of(system(tmp_path, "bad.yaml", "name: ../escape\n"))


def test_risk_commands_without_a_system_say_which_to_name() -> None:
    result = runner.invoke(app, ["risk", "rearm"])
    assert result.exit_code != 0 and "name the system YAML" in result.output


def test_a_paper_session_without_a_journal_path_writes_its_systems_sqlite_journal(tmp_path: Path) -> None:
    data = {"name": "es-test", "mode": "paper", "data_feed": {"use": "bundled", "dataset": "sp500"},
            "strategy": {"use": "sma_cross", "fast": 10, "slow": 30}}
    plan = plan_system(data, discover(), source="test")
    shell = asyncio.run(run_session(plan, 0.0, Console(file=io.StringIO()), max_events=3000))
    path = session_journal_path(plan)
    assert path is not None and path.parent.name == "es-test" and path.suffix == ".sqlite"
    journal = SqliteJournal(path)
    fills = list(journal.entries("fill"))
    journal.close()
    assert fills and len(fills) >= 2 * len(shell.engine.portfolio.round_trips)
