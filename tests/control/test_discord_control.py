"""Discord two-way control against a loopback fake of Discord: allow list, the latch path, journal, 429, secrets."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.control.discord import ControlError, DiscordControl, DiscordControlConfig, allowed
from adapters.journal.jsonl import JsonLinesJournal, MemoryJournal
from adapters.risk.store import read_latch, status_path
from mia_core.risk.catastrophe import MANUAL

from .fake_discord import TOKEN, FakeDiscord, fake_discord

OWNER, STRANGER = "111", "999"


def _control(fake: FakeDiscord, tmp_path: Path, journal: MemoryJournal | None = None,
             token: str = TOKEN) -> DiscordControl:
    config = DiscordControlConfig("42", (OWNER,), api=fake.api)
    return DiscordControl(config, tmp_path / "risk.json", journal or MemoryJournal(), {"MIA_DISCORD_BOT_TOKEN": token})


def test_commands_of_the_allowed_user_go_through_the_latch_and_are_journalled(tmp_path: Path) -> None:
    journal = MemoryJournal()
    with fake_discord() as fake:
        fake.say(OWNER, "!mia halt from history")  # before the control started: never replayed
        control = _control(fake, tmp_path, journal)
        assert control.poll_once() == []
        fake.say(OWNER, "!mia halt news at 14:00")
        fake.say(STRANGER, "!mia rearm")
        fake.say(OWNER, "just chatting")
        done = control.poll_once()
        assert [(d["user"], d["command"], d["outcome"]) for d in done] == [(OWNER, "halt", "done"),
                                                                             (STRANGER, "rearm", "refused")]
        latch = read_latch(tmp_path / "risk.json")
        assert latch is not None and latch.latched and latch.trigger == MANUAL
        assert latch.detail == "discord halt by 111: news at 14:00"
        fake.say(OWNER, "!mia status")
        fake.say(OWNER, "!mia rearm")
        fake.say(OWNER, "!mia flatten")
        control.poll_once()
        control.close()
    entries = list(journal.entries("control"))
    assert [(e.payload["command"], e.payload["outcome"]) for e in entries] == [
        ("halt", "done"), ("rearm", "refused"), ("status", "done"), ("rearm", "done"), ("flatten", "done")]
    assert "LATCHED" in entries[2].payload["reply"]
    assert "was latched by manual" in entries[3].payload["reply"]
    latch = read_latch(tmp_path / "risk.json")
    assert latch is not None and latch.latched and latch.detail == "discord flatten by 111"
    replies = [p["content"] for p in fake.posted]
    assert len(replies) == 5 and replies[1].startswith("refused: user 999")
    assert all(p["allowed_mentions"] == {"parse": []} for p in fake.posted)
    assert set(fake.auth) == {f"Bot {TOKEN}"}


def test_status_shows_the_published_figures(tmp_path: Path) -> None:
    figures = {"equity_cents": 10_012_345, "day_pnl_cents": -4_500, "position": 1}
    status_path(tmp_path / "risk.json").write_text(json.dumps(figures))
    with fake_discord() as fake:
        control = _control(fake, tmp_path)
        control.poll_once()
        fake.say(OWNER, "!mia status")
        [done] = control.poll_once()
        control.close()
    assert "latch: armed" in done["reply"] and "day P&L: -$45.00" in done["reply"] and "position: 1" in done["reply"]


def test_a_429_is_waited_out_and_nothing_is_lost(tmp_path: Path) -> None:
    with fake_discord() as fake:
        control = _control(fake, tmp_path)
        control.poll_once()
        fake.say(OWNER, "!mia halt")
        fake.rate_limited = 1
        assert control.poll_once() == [] and control.wait_hint == pytest.approx(0.05)
        [done] = control.poll_once()
        control.close()
    assert done["command"] == "halt"


def test_a_refused_token_is_an_error_without_the_token(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with fake_discord() as fake:
        control = _control(fake, tmp_path, token="WRONG-SECRET-TOKEN")
        with pytest.raises(ControlError, match="MIA_DISCORD_BOT_TOKEN was refused") as caught:
            control.poll_once()
        control.close()
    assert "WRONG-SECRET-TOKEN" not in str(caught.value) + repr(control) + caplog.text


def test_it_refuses_to_start_without_a_token_or_an_allowed_user(tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="set the environment variable MIA_DISCORD_BOT_TOKEN"):
        DiscordControl(DiscordControlConfig("42", (OWNER,)), tmp_path / "r.json", MemoryJournal(), {})
    with pytest.raises(ControlError, match="no allowed user"):
        DiscordControl(DiscordControlConfig("42", ()), tmp_path / "r.json", MemoryJournal(), {"X": "y"})
    with pytest.raises(ControlError, match="snowflakes"):
        allowed(["@owner"])
    with pytest.raises(ValueError, match="poll_seconds"):
        DiscordControlConfig("42", (OWNER,), poll_seconds=0)


def test_the_command_journals_to_a_file_beside_the_state_file(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state" / "risk.json"
    system = tmp_path / "system.yaml"
    system.write_text(f"strategy: sma_cross\ndata_feed: {{use: bundled}}\nbroker: simulated\n"
                      f"catastrophe: {{enabled: true, state_file: {state}}}\n")
    monkeypatch.setenv("MIA_DISCORD_BOT_TOKEN", TOKEN)
    with fake_discord() as fake:
        fake.say(OWNER, "!mia halt")  # history
        runner = CliRunner()
        args = ["risk", "discord", str(system), "--channel", "42", "--allow", OWNER, "--api", fake.api,
                "--poll", "0.01", "--polls", "1"]
        assert runner.invoke(app, args).exit_code == 0
        fake.scheduled[fake.gets + 1] = (OWNER, "!mia halt")  # said while the second run reads
        result = runner.invoke(app, [*args[:-1], "2"])
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    # each run starts from the newest message: the halt in the history was not replayed
    entries = list(JsonLinesJournal(state.with_name("risk.control.jsonl")).entries("control"))
    assert [e.payload["command"] for e in entries] == ["halt"]
    latch = read_latch(state)
    assert latch is not None and latch.latched


def test_a_command_that_fails_is_answered_and_journalled_and_the_bot_goes_on(tmp_path: Path) -> None:
    """The latch file cannot be written (here: a directory stands in its place): said, journalled, not fatal."""
    journal = MemoryJournal()
    (tmp_path / "risk.json").mkdir()
    with fake_discord() as fake:
        control = _control(fake, tmp_path, journal)
        control.poll_once()
        fake.say(OWNER, "!mia halt")
        fake.say(OWNER, "!mia help")
        done = control.poll_once()
        control.close()
    assert [(d["command"], d["outcome"]) for d in done] == [("halt", "failed"), ("help", "done")]
    assert done[0]["reply"].startswith("failed: halt could not be done (IsADirectoryError")
    assert [e.payload["outcome"] for e in journal.entries("control")] == ["failed", "done"]
    assert fake.posted[0]["content"] == done[0]["reply"]
