"""`mia journal check SYSTEM --broker`: the journal's books against the simulated IB Gateway's account."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ib.gateway import SimulatedGateway
from adapters.journal.sqlite import SqliteJournal

runner = CliRunner()


def test_a_position_the_journal_does_not_know_is_a_problem(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    SqliteJournal(journal).close()  # a session that has not traded yet

    async def scenario() -> list[tuple[int, str]]:
        async with SimulatedGateway(port=0, prices={"ES": 6001.25}) as gw:
            system = tmp_path / "es-paper.yaml"
            system.write_text(f"mode: paper\ndata_feed: bundled\nstrategy: sma_cross\njournal: {{path: {journal}}}\n"
                              f"broker: {{use: ib, port: {gw.port}, client_id: 61}}\n")
            args = ["journal", "check", str(system), "--broker"]
            answers = []
            done = await asyncio.to_thread(runner.invoke, app, args, terminal_width=200)
            answers.append((done.exit_code, done.output))
            front = min((s for s in gw.catalog.all_listed() if s.symbol == "ES" and s.sec_type == "FUT"),
                        key=lambda s: s.last_trade)
            gw.manual_trade(front.local_symbol, 1)  # typed into TWS: the journal knows nothing of it
            done = await asyncio.to_thread(runner.invoke, app, args, terminal_width=200)
            answers.append((done.exit_code, done.output))
            return answers

    (flat_code, flat), (held_code, held) = asyncio.run(scenario())
    assert flat_code == 0, flat
    assert "broker: position +0" in flat and "journal: position +0" in flat
    assert held_code == 1, held
    assert "the broker holds +1, the engine's books +0" in held
