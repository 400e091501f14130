"""``mia config check`` refuses what ``mia run`` and ``mia backtest`` refuse: one set of start-up checks (issue 22)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app

IB_SYSTEM = """
mode: paper
data_feed: {use: ib_feed, port: 4002, client_id: 7}
broker: {use: ib, port: 4002, client_id: 7}
strategy: sma_cross
"""


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, " ".join((result.stdout + result.stderr).split())


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "system.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("extra", "edit", "expected"),
    [
        (  # the broker and the feed share one connection but disagree on its settings
            "",
            ("broker: {use: ib,", "broker: {use: ib, connect_timeout: 3,"),
            "share the connection 127.0.0.1:4002 client id 7 but disagree on connect_timeout: 10.0 vs 3.0",
        ),
        (  # the options snapshots would open a second connection with the broker's client id
            "options_snapshots: {enabled: true, source: ib, ib_port: 4002, ib_client_id: 7}\n",
            None,
            "options_snapshots.ib_client_id: 7 is also the client id of broker 'ib' on 127.0.0.1:4002",
        ),
        (  # the broker would reconcile restarts against another journal than the session writes
            "journal: {path: session.jsonl}\n",
            ("broker: {use: ib,", "broker: {use: ib, journal_path: other.jsonl,"),
            "broker.journal_path: 'other.jsonl' differs from journal.path 'session.jsonl'",
        ),
    ],
)
def test_config_check_and_run_refuse_the_same_system_with_the_same_error(
    tmp_path: Path, extra: str, edit: tuple[str, str] | None, expected: str
) -> None:
    text = textwrap.dedent(IB_SYSTEM) + extra
    if edit is not None:
        text = text.replace(*edit)
    path = write(tmp_path, text)
    checked, check_out = cli("config", "check", str(path))
    ran, run_out = cli("run", str(path), "--max-events", "1")
    assert (checked, ran) == (2, 2), (check_out, run_out)
    assert expected in check_out
    assert check_out == run_out


def test_a_backtest_refuses_what_config_check_refuses(tmp_path: Path) -> None:
    path = write(tmp_path, "data_feed: bundled\nstrategy: sma_cross\njournal: {path: a.jsonl}\n"
                 "broker: {use: simulated}\nlive_trading: true\nmode: backtest\n")
    assert cli("config", "check", str(path))[0] == 0  # live_trading alone is harmless outside live mode
    refused = write(tmp_path, "data_feed: bundled\nstrategy: sma_cross\nmode: backtest\n")
    checked, check_out = cli("config", "check", str(refused), "--live")
    assert checked == 2
    assert "--live given but mode is 'backtest'" in check_out


def test_config_check_accepts_distinct_client_ids(tmp_path: Path) -> None:
    snapshots = "options_snapshots: {enabled: true, source: ib, ib_port: 4002, ib_client_id: 8}\n"
    path = write(tmp_path, IB_SYSTEM + snapshots + "journal: {path: s.jsonl}\n")
    path.write_text(path.read_text().replace("broker: {use: ib,", "broker: {use: ib, journal_path: s.jsonl,"))
    code, out = cli("config", "check", str(path))
    assert code == 0, out
