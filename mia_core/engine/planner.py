"""The order planner: from a signal and the current position to order intents."""

from __future__ import annotations

from typing import Final

from mia_core import trusted
from mia_core.commands import CancelOrder, Command, SubmitOrder
from mia_core.engine.config import ExecutionConfig
from mia_core.instruments import Instrument
from mia_core.orders import Bracket, Order, OrderIntent, OrderSide, TimeInForce
from mia_core.risk.sizing import EntryPlan
from mia_core.signals import Direction, Signal

# Planned orders work until filled or cancelled: a market order placed at a daily bar's close
# must survive to the next session's open.
GTC: Final = TimeInForce.GTC
# Members read once: on Python 3.11 each read of ``OrderSide.BUY`` goes through EnumType.__getattr__ (slow)
_BUY: Final = OrderSide.BUY
_SELL: Final = OrderSide.SELL
_SHORT: Final = Direction.SHORT
_FLAT: Final = Direction.FLAT


# "signal_exit: <the signal's reason>" and the entry's, one str per reason: a strategy usually gives a few reasons,
# and each intent (kept by the journal through its orders) then shares the text instead of holding a copy
_EXITS: dict[str, str] = {}
_ENTRIES: dict[str, str] = {}
_NOTES_KEPT: Final = 1024  # a strategy writing a new reason each time gets fresh strs past this many


def _noted(notes: dict[str, str], head: str, why: str) -> str:
    """``head + ": " + why`` (``head`` alone for an empty ``why``), the same str object for the same ``why``."""
    text = notes.get(why)
    if text is None:
        text = f"{head}: {why}" if why else head
        if len(notes) < _NOTES_KEPT:
            notes[why] = text
    return text


def target_position(signal: Signal, config: ExecutionConfig) -> int:
    """Signed contracts the signal asks for."""
    direction = signal.direction
    if direction is _SHORT and not config.allow_short:
        direction = _FLAT
    return int(direction) * config.contracts


def target_direction(signal: Signal, config: ExecutionConfig) -> int:
    """+1, -1 or 0: the side the signal asks for (SHORT is FLAT when shorts are not allowed)."""
    direction = int(signal.direction)
    return 0 if direction < 0 and not config.allow_short else direction


def plan_managed(
    signal: Signal,
    instrument: Instrument,
    position: int,
    working: list[Order],
    config: ExecutionConfig,
    entry: EntryPlan | None,
) -> tuple[list[Command], list[OrderIntent]]:
    """Plan with the position manager: one sized, bracketed trade at a time.

    A signal on the side already held (or already being entered) changes nothing,
    so the protective orders keep working. A signal for the other side or FLAT
    cancels every working order and closes the position; a new side is then entered
    with ``entry``'s size and a real bracket (stop loss and take profit), or not at
    all when ``entry`` is ``None`` (sizing refused it).
    """
    wanted = target_direction(signal, config)
    held = (position > 0) - (position < 0)
    parents = [o for o in working if o.parent_id is None]
    entering = (parents[0].intent.side.sign if position == 0 and len(parents) == 1 else 0)
    if wanted != 0 and wanted in (held, entering):
        return [], []
    if wanted == 0 and position == 0 and not parents:
        return [], []
    cancels: list[Command] = [CancelOrder(o.order_id, reason="signal changed the target") for o in working]
    note = f": {signal.reason}" if signal.reason else ""
    intents: list[OrderIntent] = []
    if position:
        side = _SELL if position > 0 else _BUY
        intents.append(OrderIntent(instrument, side, abs(position), time_in_force=GTC, reason="signal_exit" + note))
    if wanted and entry is not None:
        intents.append(
            OrderIntent(
                instrument,
                _BUY if wanted > 0 else _SELL,
                entry.quantity,
                time_in_force=GTC,
                bracket=Bracket(stop_loss=entry.stop_loss, take_profit=entry.take_profit),
                reason="signal_entry" + note,
            )
        )
    return cancels, intents


def plan(
    signal: Signal,
    instrument: Instrument,
    position: int,
    working: list[Order],
    config: ExecutionConfig,
) -> tuple[list[Command], list[OrderIntent]]:
    """Cancels for working orders, then intents that take ``position`` to the signal's target.

    A reversal is two orders: one closing the old position, one opening the new
    (so a bracket protects exactly the new position). Nothing happens when the
    position already matches the target; working protective orders then stay.
    Adding on the side already held (after a resize or a partial fill) cancels only
    working entries: the held contracts keep their bracket children and the add-on
    gets its own bracket from the signal's hints, so a refused add-on never leaves
    the position unprotected.
    """
    target = target_position(signal, config)
    if target == position:
        return [], []
    keeps_side = position * target > 0
    adding = keeps_side and abs(target) > abs(position)
    cancel = [o for o in working if o.parent_id is None] if adding else working
    cancels: list[Command] = [CancelOrder(o.order_id, reason="signal changed the target") for o in cancel]
    why = signal.reason
    intents: list[OrderIntent] = []
    if position != 0 and not keeps_side:
        side = _SELL if position > 0 else _BUY
        intents.append(trusted.market_intent(instrument, side, abs(position), GTC, _noted(_EXITS, "signal_exit", why)))
        position = 0
    delta = target - position
    if delta:
        bracket = None
        hints = signal.stop_loss is not None or signal.take_profit is not None
        if (position == 0 or adding) and config.use_signal_brackets and hints:
            bracket = Bracket(stop_loss=signal.stop_loss, take_profit=signal.take_profit)
        side = _BUY if delta > 0 else _SELL
        if abs(target) > abs(position):
            reason = _noted(_ENTRIES, "signal_entry", why)
        else:
            reason = _noted(_EXITS, "signal_exit", why)
        if bracket is None:
            intents.append(trusted.market_intent(instrument, side, abs(delta), GTC, reason))
        else:
            intents.append(OrderIntent(instrument, side, abs(delta), time_in_force=GTC, bracket=bracket,
                                       reason=reason))  # fmt: skip
    return cancels, intents


def close_position(instrument: Instrument, position: int, working: list[Order], reason: str) -> list[Command]:
    """Cancel every working order and close ``position`` at market (what FlattenPosition means)."""
    commands: list[Command] = [CancelOrder(o.order_id, reason=reason) for o in working]
    if position:
        side = _SELL if position > 0 else _BUY
        intent = OrderIntent(instrument=instrument, side=side, quantity=abs(position), time_in_force=GTC, reason=reason)
        commands.append(SubmitOrder(intent))
    return commands
