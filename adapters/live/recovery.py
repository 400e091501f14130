"""After a restart: the engine's lots, working orders, day figures and latch rebuilt from the session's journal."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from mia_core.engine.core import TradingEngine
from mia_core.events import FillReceived, OrderUpdated
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry, record
from mia_core.orders import Bracket, Fill, Order, OrderIntent, OrderSide, OrderStatus, OrderType, TimeInForce
from mia_core.timeutil import cme_trading_day

log = logging.getLogger("mia.live")
RISK_DAY = "risk_day"


@attrs.frozen
class Recovered:
    """What a restart took from the journal."""

    fills: int = 0
    orders: int = 0
    working: int = 0
    day_figures: bool = False
    latched: bool = False


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else getattr(value, key, None)


def fill_from(data: Any, instrument: Instrument) -> Fill | None:
    """A Fill from a journal payload (the object itself, or its plain form); ``None`` for another instrument."""
    if isinstance(data, Fill):
        return data if data.instrument == instrument else None
    if _get(data, "instrument") != instrument.symbol:
        return None
    return Fill(str(data["order_id"]), instrument, OrderSide(data["side"]), int(data["quantity"]),
                float(data["price"]), int(data["ts"]), int(data.get("commission_cents") or 0),
                str(data.get("fill_id") or ""))


def intent_from(data: Any, instrument: Instrument) -> OrderIntent:
    """An OrderIntent from its journal form."""
    if isinstance(data, OrderIntent):
        return data
    bracket = data.get("bracket")
    return OrderIntent(
        instrument, OrderSide(data["side"]), int(data["quantity"]), OrderType(data["order_type"]),
        limit_price=data.get("limit_price"), stop_price=data.get("stop_price"),
        time_in_force=TimeInForce(data.get("time_in_force") or "day"),
        bracket=None if not bracket else Bracket(bracket.get("stop_loss"), bracket.get("take_profit")),
        client_ref=str(data.get("client_ref") or ""), reason=str(data.get("reason") or ""),
    )


def order_from(data: Any, instrument: Instrument) -> Order | None:
    """An Order from a journal payload; ``None`` for another instrument."""
    if isinstance(data, Order):
        return data if data.intent.instrument == instrument else None
    intent = data.get("intent") or {}
    if intent.get("instrument") != instrument.symbol:
        return None
    return Order(str(data["order_id"]), intent_from(intent, instrument), OrderStatus(data["status"]),
                 int(data.get("filled_quantity") or 0), data.get("average_fill_price"), data.get("parent_id"),
                 str(data.get("reject_reason") or ""), int(data.get("updated_ts") or 0))


def day_figures(engine: TradingEngine) -> dict[str, Any]:
    """The ledger's figures of the day, as the ``risk_day`` journal entry keeps them.

    The day's start is also kept over the books' initial cash (``day_start_over_initial_cents``):
    that difference survives a restart whose equity is taken from the broker again, which
    moves the initial cash and the day's start alike (the absolute figure would be moved twice).
    """
    ledger = engine.ledger
    return {"day": ledger.day.isoformat() if ledger.day else None, "entries_today": ledger.entries_today,
            "risk_today_cents": ledger.risk_today_cents, "day_start_equity_cents": ledger.day_start_equity_cents,
            "day_start_over_initial_cents": ledger.day_start_equity_cents - engine.portfolio.initial_cash_cents}


def restore(engine: TradingEngine, entries: Iterable[JournalEntry], now_ns: int) -> Recovered:
    """Replay the journal's orders and fills through ``engine``; restore today's figures and the latch.

    Fills rebuild the lots, cash, round trips and the day's P&L (the ledger's day
    starts at the equity before today's first fill); order updates rebuild the working
    orders; the last ``risk_day`` entry of today restores the entry count and risk sent;
    a ``catastrophe`` entry after the last ``rearm`` latches again. Nothing replayed is
    journaled twice and no command is carried out (a latched position is flattened at
    the next bar, after reconciliation with the broker).
    """
    instrument = engine.instrument
    fills = orders = 0
    figures: Mapping[str, Any] | None = None
    latch: JournalEntry | None = None
    for entry in entries:
        event = entry.payload.get("event")
        if entry.kind == "fill":
            fill = fill_from(_get(event, "fill"), instrument)
            if fill is not None:
                engine.handle(FillReceived(entry.ts, fill))
                fills += 1
        elif entry.kind == "order":
            order = order_from(_get(event, "order"), instrument)
            if order is not None:
                engine.handle(OrderUpdated(entry.ts, order, None))
                orders += 1
        elif entry.kind == RISK_DAY:
            figures = entry.payload
        elif entry.kind == "catastrophe":
            latch = entry
        elif entry.kind == "rearm":
            latch = None
    today = cme_trading_day(now_ns)
    restored_day = figures is not None and figures.get("day") == today.isoformat()
    if restored_day and figures is not None:
        ledger = engine.ledger
        ledger.roll(now_ns, engine.portfolio.equity_cents)
        ledger.entries_today = int(figures["entries_today"])
        ledger.risk_today_cents = int(figures["risk_today_cents"])
        over_initial = figures.get("day_start_over_initial_cents")
        ledger.day_start_equity_cents = (engine.portfolio.initial_cash_cents + int(over_initial)
                                         if over_initial is not None else int(figures["day_start_equity_cents"]))
    elif fills and engine.ledger.day != today:
        engine.ledger.roll(now_ns, engine.portfolio.equity_cents)
    latched = False
    if latch is not None and not engine.desk.latched:
        event = latch.payload.get("event")
        trigger, detail = str(_get(event, "trigger") or "restored"), str(_get(event, "detail") or "")
        engine.desk.latch(trigger, f"{detail} (restored from the journal)")
        latched = True
    engine.journal.clear()  # replayed, not new: nothing is recorded twice
    result = Recovered(fills, orders, len(engine.working), restored_day, latched or engine.desk.latched)
    if fills or orders:
        log.info("restored from the journal: %s", result)
    return result


def risk_day_entry(engine: TradingEngine, ts: int) -> JournalEntry:
    """The ``risk_day`` entry for the engine's current figures."""
    return record(ts, RISK_DAY, day_figures(engine))
