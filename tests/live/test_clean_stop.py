"""A clean stop books what is still in flight: the fill of an order sent on the session's last bar."""

from __future__ import annotations

from pathlib import Path

from adapters.ib.driver import GatewayThread
from adapters.journal.jsonl import JsonLinesJournal
from mia_core.signals import Direction

from .ib_session import ib_position, run_ib_session


def _fills(journal: Path) -> list[str]:
    return [e.payload["event"]["fill"]["fill_id"] for e in JsonLinesJournal(journal).entries("fill")]


def test_a_fill_arriving_while_the_session_stops_is_booked(tmp_path: Path) -> None:
    gateway = GatewayThread()
    try:
        gateway.do(lambda: gateway.gateway.delay_fills(800))  # the fill comes after the feed has ended
        shell = run_ib_session(gateway.port, 81, tmp_path, {2: Direction.SHORT}, bars=3)
        assert ib_position(gateway) == -1
        assert shell.engine.portfolio.quantity == -1  # was 0: the session disconnected with the fill on its way
        assert _fills(tmp_path / "journal.jsonl") == [gateway.gateway.executions[0].exec_id]
    finally:
        gateway.stop()


def test_a_clean_stop_does_not_wait_for_resting_bracket_children(tmp_path: Path) -> None:
    gateway = GatewayThread()
    gateway.do(lambda: gateway.gateway.set_price("ES", 5000.0))  # inside the bracket: neither child fills
    try:
        shell = run_ib_session(gateway.port, 82, tmp_path, {1: Direction.SHORT}, bars=3, brackets=(5010.0, 4990.0))
        assert shell.engine.portfolio.quantity == ib_position(gateway) == -1
        assert len(shell.engine.working) == 2  # the stop and the target stay at the broker, as documented
    finally:
        gateway.stop()
