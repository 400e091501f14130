"""The torture test's figures, computed from the simulated gateway's ledger and MIA's journals (data, not prose)."""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

MULTIPLIER = {"ES": 50.0, "NQ": 20.0}
Ledger = Mapping[str, Any]


def journal_fills(path: Path) -> list[dict[str, Any]]:
    """The fills a journal file holds (JSON lines, or SQLite when the journal module for it exists)."""
    if not path.exists():
        return []
    with path.open("rb") as handle:
        sqlite = handle.read(16) == b"SQLite format 3\x00"
    if sqlite:
        from adapters.journal import sqlite as store  # type: ignore[attr-defined, unused-ignore]

        journal: Any = store.SqliteJournal(path)
    else:
        from adapters.journal.jsonl import JsonLinesJournal

        journal = JsonLinesJournal(path)
    try:
        return [dict(entry.payload["event"]["fill"]) for entry in journal.entries("fill")]
    finally:
        close = getattr(journal, "close", None)
        if close is not None:
            close()


def own_orders(ledger: Ledger, client_id: int) -> list[dict[str, Any]]:
    """The orders MIA's client ``client_id`` placed (its orderRef starts with ``mia:``)."""
    return [o for o in ledger["orders"] if o["client_id"] == client_id and str(o["order_ref"]).startswith("mia:")]


def own_executions(ledger: Ledger, client_id: int) -> list[dict[str, Any]]:
    """The executions of those orders."""
    return [e for e in ledger["executions"]
            if e["client_id"] == client_id and str(e["order_ref"]).startswith("mia:")]


def signed(side: str, quantity: float) -> float:
    """+quantity for a buy (BOT, buy), -quantity for a sell."""
    return quantity if side.upper() in ("BOT", "BUY") else -quantity


def cash_flow_cents(trades: Iterable[tuple[str, float, float, float]], multiplier: float) -> int:
    """Money in minus money out of (side, quantity, price, commission in cents) trades, in cents."""
    return round(sum(-signed(side, q) * price * multiplier * 100 - commission for side, q, price, commission in trades))


@attrs.frozen
class SystemFigures:
    """One system's (client id's) orders and fills at the gateway against its journal and its last session."""

    client_id: int
    orders: int
    executions: int
    booked: int
    duplicates: int  # extra placements of an orderRef already placed
    lost: int  # executions of its orders its journal does not hold
    double_booked: int  # journal fills beyond the executions of that id
    adopted: int  # journal fills of executions that are not its orders' (another client's)
    broker_position: float  # from its orders' executions
    journal_position: float  # from its journal's fills
    session_position: int | None  # the engine's at the end of its last session (None: not read)
    broker_cash_cents: int
    journal_cash_cents: int

    @property
    def position_matches(self) -> bool:
        """The last session ended holding what IB holds for this system's orders."""
        return self.session_position is not None and self.session_position == self.broker_position

    @property
    def cash_matches(self) -> bool:
        """Its journal's fills move cash as IB's executions of its orders did."""
        return self.journal_cash_cents == self.broker_cash_cents


def _key(exec_id: str, side: str, price: float) -> tuple[str, int, float]:
    """What names one execution: its id, with its side and price (a restarted gateway may reuse the id)."""
    return exec_id, 1 if signed(side, 1.0) > 0 else -1, float(price)


def system_figures(ledger: Ledger, client_id: int, fills: list[dict[str, Any]], symbol: str = "ES",
                   session_position: int | None = None) -> SystemFigures:
    """Count, for one system, what the gateway did against what the journal booked.

    The ledger is what :func:`adapters.ib.gateway.control.ledger` answers: every order the
    gateway received (``order_ref``, ``client_id``), every execution (``exec_id``, side,
    shares, price, commission), the account's positions and cash. A system's part of it is
    the orders its client id placed with MIA's ``orderRef`` (``mia:...``). Its journal's
    fills are matched to those executions by execution id, side and price (a restarted
    gateway may hand an id out again), each as often as it occurs.
    """
    orders = own_orders(ledger, client_id)
    executions = own_executions(ledger, client_id)
    refs = collections.Counter(o["order_ref"] for o in orders)
    at_ib = collections.Counter(_key(e["exec_id"], e["side"], e["price"]) for e in executions)
    anyone = collections.Counter(_key(e["exec_id"], e["side"], e["price"]) for e in ledger["executions"])
    booked = collections.Counter(_key(str(f.get("fill_id", "")), str(f["side"]), float(f["price"])) for f in fills)
    lost = sum(max(0, n - booked[i]) for i, n in at_ib.items())
    double = sum(max(0, n - at_ib[i]) for i, n in booked.items() if at_ib[i])
    adopted = sum(n for i, n in booked.items() if not at_ib[i] and anyone[i])
    multiplier = MULTIPLIER.get(symbol, 50.0)
    return SystemFigures(
        client_id=client_id, orders=len(orders), executions=len(executions), booked=len(fills),
        duplicates=sum(n - 1 for n in refs.values() if n > 1), lost=lost, double_booked=double, adopted=adopted,
        broker_position=sum(signed(e["side"], e["shares"]) for e in executions),
        journal_position=sum(signed(str(f["side"]), float(f["quantity"])) for f in fills),
        session_position=session_position,
        broker_cash_cents=cash_flow_cents(((e["side"], e["shares"], e["price"], e["commission"] * 100)
                                           for e in executions), multiplier),
        journal_cash_cents=cash_flow_cents(((str(f["side"]), float(f["quantity"]), float(f["price"]),
                                             float(f.get("commission_cents", 0))) for f in fills), multiplier),
    )


def account_position(ledger: Ledger, root: str = "ES") -> float:
    """What the account holds in ``root`` at the gateway (every client's orders together)."""
    return float(sum(p["quantity"] for p in ledger["positions"].values() if p["root"] == root))


def others_position(ledger: Ledger, root: str = "ES") -> float:
    """What orders not MIA's (typed into TWS, other programs) bought or sold in ``root``."""
    return sum(signed(e["side"], e["shares"]) for e in ledger["executions"]
               if e["symbol"] == root and not str(e["order_ref"]).startswith("mia:"))


_POSITION_ROW = re.compile(r"position\s*│\s*(flat|[+-]\d+ @ [\d.]+)\s*│")


def session_position(terminal_text: str) -> int | None:
    """The position the last status table of a `mia run` shows (None when it shows none)."""
    rows = _POSITION_ROW.findall(terminal_text)
    if not rows:
        return None
    last = rows[-1]
    return 0 if last == "flat" else int(last.split(" @ ")[0])


def latched_on_screen(terminal_text: str) -> bool:
    """Whether the last status table of a `mia run` shows the catastrophe latch."""
    tables = terminal_text.split("MIA ES paper session")
    return "LATCHED" in tables[-1]


@attrs.frozen
class TortureFigures:
    """The whole run: how often MIA was killed and the gateway hurt, and each system's figures."""

    kills: int
    gateway_restarts: int
    drops: int
    systems: tuple[SystemFigures, ...]
    account_position: float
    others_position: float
    latch_kept: bool | None = None
    exits: tuple[str, ...] = ()  # MIA processes that ended by themselves

    @property
    def orders(self) -> int:
        """Orders MIA placed, every system."""
        return sum(s.orders for s in self.systems)

    @property
    def fills(self) -> int:
        """Executions of MIA's orders at the gateway."""
        return sum(s.executions for s in self.systems)

    @property
    def duplicates(self) -> int:
        """Orders placed twice under one ref."""
        return sum(s.duplicates for s in self.systems)

    def mismatches(self) -> list[str]:
        """Every difference between MIA and the gateway, one line each (empty: none)."""
        out: list[str] = []
        for s in self.systems:
            who = f"client {s.client_id}"
            for name in ("duplicates", "lost", "double_booked", "adopted"):
                if getattr(s, name):
                    out.append(f"{who}: {getattr(s, name)} {name.replace('_', '-')} fills" if name != "duplicates"
                               else f"{who}: {s.duplicates} duplicate orders")
            if not s.position_matches:
                out.append(f"{who}: position IB {s.broker_position:+g}, MIA {s.session_position}")
            if s.journal_position != s.broker_position:
                out.append(f"{who}: journal position {s.journal_position:+g}, IB {s.broker_position:+g}")
            if not s.cash_matches:
                out.append(f"{who}: journal cash flow {s.journal_cash_cents / 100:+.2f}, "
                           f"IB {s.broker_cash_cents / 100:+.2f}")
        total = sum(s.broker_position for s in self.systems) + self.others_position
        if total != self.account_position:
            out.append(f"account: IB holds {self.account_position:+g}, its executions account for {total:+g}")
        if self.latch_kept is False:
            out.append("the latch was lost over a restart")
        return out

    def text(self) -> str:
        """The figures, printed at the end of the test."""
        lines = [f"torture: {self.kills} kills, {self.gateway_restarts} gateway restarts, {self.drops} drops; "
                 f"{self.orders} orders, {self.fills} fills, {self.duplicates} duplicates, "
                 f"{len(self.mismatches())} mismatches"]
        for s in self.systems:
            lines.append(f"  client {s.client_id}: {s.orders} orders, {s.executions} executions, {s.booked} booked, "
                         f"{s.lost} lost, {s.double_booked} double-booked, {s.adopted} adopted; position IB "
                         f"{s.broker_position:+g} journal {s.journal_position:+g} MIA {s.session_position}")
        lines += [f"  mismatch: {m}" for m in self.mismatches()]
        lines += [f"  MIA ended by itself: {e}" for e in self.exits]
        return "\n".join(lines)
