"""The torture harness counts duplicates, lost, double-booked and adopted fills, positions and cash right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.journal.jsonl import JsonLinesJournal
from mia_core.journal import JournalEntry

from .torture_harness import (
    TortureFigures,
    journal_fills,
    latched_on_screen,
    session_position,
    system_figures,
)


def _order(client: int, oid: int, ref: str) -> dict[str, Any]:
    return {"client_id": client, "order_id": oid, "order_ref": ref}


def _exec(exec_id: str, client: int, ref: str, side: str, price: float, shares: float = 1.0) -> dict[str, Any]:
    return {"exec_id": exec_id, "client_id": client, "order_ref": ref, "side": side, "shares": shares,
            "price": price, "commission": 2.25, "symbol": "ES"}


def _fill(fill_id: str, side: str, price: float) -> dict[str, Any]:
    return {"fill_id": fill_id, "side": side, "quantity": 1, "price": price, "commission_cents": 225}


LEDGER: dict[str, Any] = {
    "orders": [_order(41, 1, "mia:a-1"), _order(41, 2, "mia:a-1"), _order(41, 3, "mia:a-2"),
               _order(42, 1, "mia:b-1"), _order(0, 1, "")],
    "executions": [_exec("e1", 41, "mia:a-1", "BOT", 5000.0), _exec("e2", 41, "mia:a-2", "SLD", 5001.0),
                   _exec("e1", 41, "mia:a-2", "BOT", 5002.0),  # an id a restarted gateway handed out again
                   _exec("e3", 42, "mia:b-1", "BOT", 5003.0), _exec("e4", 0, "", "SLD", 5004.0)],
    "positions": {"ESZ5": {"root": "ES", "quantity": 1.0, "avg_price": 5002.0}},
}


def test_fills_are_matched_to_executions_by_id_side_and_price() -> None:
    fills = [_fill("e1", "buy", 5000.0), _fill("e2", "sell", 5001.0), _fill("e2", "sell", 5001.0),
             _fill("e3", "buy", 5003.0)]  # the reused e1 lost, e2 twice, another client's e3 adopted
    figures = system_figures(LEDGER, 41, fills, session_position=0)
    assert (figures.orders, figures.executions, figures.booked) == (3, 3, 4)
    assert (figures.duplicates, figures.lost, figures.double_booked, figures.adopted) == (1, 1, 1, 1)
    assert (figures.broker_position, figures.journal_position, figures.session_position) == (1.0, 0.0, 0)
    assert not figures.position_matches and not figures.cash_matches
    exact = system_figures(LEDGER, 41, [_fill("e1", "buy", 5000.0), _fill("e2", "sell", 5001.0),
                                        _fill("e1", "buy", 5002.0)], session_position=1)
    assert (exact.lost, exact.double_booked, exact.adopted) == (0, 0, 0)
    assert exact.position_matches and exact.cash_matches
    assert exact.broker_cash_cents == round((-5000.0 + 5001.0 - 5002.0) * 50 * 100 - 3 * 225)


def test_the_figures_list_every_mismatch_and_print_the_totals() -> None:
    alpha = system_figures(LEDGER, 41, [_fill("e1", "buy", 5000.0)], session_position=0)
    beta = system_figures(LEDGER, 42, [_fill("e3", "buy", 5003.0)], session_position=1)
    figures = TortureFigures(9, 2, 2, (alpha, beta), account_position=1.0, others_position=-1.0, latch_kept=False)
    problems = figures.mismatches()
    assert "client 41: 1 duplicate orders" in problems and "client 41: 2 lost fills" in problems
    assert "client 41: position IB +1, MIA 0" in problems and "the latch was lost over a restart" in problems
    assert not any(p.startswith("client 42") for p in problems)
    assert not any(p.startswith("account") for p in problems)  # 1 (41) + 1 (42) - 1 (typed into TWS)
    off = TortureFigures(9, 2, 2, (alpha, beta), account_position=3.0, others_position=-1.0)
    assert "account: IB holds +3, its executions account for +1" in off.mismatches()
    assert figures.text().startswith(f"torture: 9 kills, 2 gateway restarts, 2 drops; 4 orders, 4 fills, "
                                     f"1 duplicates, {len(problems)} mismatches")
    clean = TortureFigures(1, 0, 0, (beta,), account_position=1.0, others_position=0.0, latch_kept=True)
    assert clean.mismatches() == []


def test_the_journal_and_the_terminal_are_read_as_mia_writes_them(tmp_path: Path) -> None:
    journal = JsonLinesJournal(tmp_path / "j.jsonl")
    journal.record(JournalEntry(1, "fill", {"event": {"fill": _fill("e1", "buy", 5000.0)}}))
    journal.record(JournalEntry(2, "order", {"event": {}}))
    assert journal_fills(tmp_path / "j.jsonl") == [_fill("e1", "buy", 5000.0)]
    assert journal_fills(tmp_path / "missing.jsonl") == []
    screen = ("  MIA ES paper session  \n│ position  │  +2 @ 5000.25 │\n"
              "  MIA ES paper session  \n│ position  │  -1 @ 4999.5 │\n│ catastrophe │ LATCHED manual_stop │\n")
    assert session_position(screen) == -1 and latched_on_screen(screen)
    assert session_position("│ position │ flat │") == 0 and session_position("nothing") is None
    assert not latched_on_screen(screen + "  MIA ES paper session  \n│ position │ flat │")
