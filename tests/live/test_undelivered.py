"""What a notifier could not deliver outlives the session: kept in the journal and counted at the end."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.journal.jsonl import JsonLinesJournal


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_messages_a_dead_webhook_refused_are_kept_in_the_journal(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_TEST_DEAD_HOOK", f"http://127.0.0.1:{closed_port()}/api/webhooks/1/SECRET")
    system = {
        "mode": "paper",
        "data_feed": {"use": "synthetic", "bars": 600, "seed": 11},
        "strategy": {"use": "sma_cross", "fast": 5, "slow": 20},
        "notifiers": [{"use": "discord", "url_env": "MIA_TEST_DEAD_HOOK",
                       "delivery": {"max_attempts": 1, "timeout_seconds": 2}}],
        "journal": {"path": str(tmp_path / "journal.jsonl")},
    }
    (tmp_path / "system.yaml").write_text(yaml.safe_dump(system))
    result = CliRunner().invoke(app, ["run", str(tmp_path / "system.yaml"), "--speed", "0"])
    assert result.exit_code == 0, result.output
    journal = JsonLinesJournal(tmp_path / "journal.jsonl")
    trips = list(journal.entries("round_trip"))
    kept = list(journal.entries("undelivered"))
    assert trips and sum(e.payload["title"].startswith("MIA trade") for e in kept) == len(trips)
    assert all(e.payload["notifier"] == "discord" and "could not connect" in e.payload["why"] for e in kept)
    assert not [e for e in kept if "SECRET" in str(e.payload)]
    assert f"{len(kept)} notifications not delivered (discord {len(kept)}), kept in the journal" in result.output
