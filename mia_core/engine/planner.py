"""The order planner: from a signal and the current position to order intents."""

from __future__ import annotations

from mia_core.commands import CancelOrder, Command, SubmitOrder
from mia_core.engine.config import ExecutionConfig
from mia_core.instruments import Instrument
from mia_core.orders import Bracket, Order, OrderIntent, OrderSide, TimeInForce
from mia_core.signals import Direction, Signal

# Planned orders work until filled or cancelled: a market order placed at a daily bar's close
# must survive to the next session's open.
GTC = TimeInForce.GTC


def target_position(signal: Signal, config: ExecutionConfig) -> int:
    """Signed contracts the signal asks for."""
    direction = signal.direction
    if direction is Direction.SHORT and not config.allow_short:
        direction = Direction.FLAT
    return int(direction) * config.contracts


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
    """
    target = target_position(signal, config)
    if target == position:
        return [], []
    cancels: list[Command] = [CancelOrder(o.order_id, reason="signal changed the target") for o in working]
    note = f": {signal.reason}" if signal.reason else ""
    intents: list[OrderIntent] = []
    keeps_side = position * target > 0
    if position != 0 and not keeps_side:
        side = OrderSide.SELL if position > 0 else OrderSide.BUY
        intents.append(
            OrderIntent(
                instrument=instrument, side=side, quantity=abs(position), time_in_force=GTC, reason="signal_exit" + note
            )
        )
        position = 0
    delta = target - position
    if delta:
        bracket = None
        hints = signal.stop_loss is not None or signal.take_profit is not None
        if position == 0 and config.use_signal_brackets and hints:
            bracket = Bracket(stop_loss=signal.stop_loss, take_profit=signal.take_profit)
        side = OrderSide.BUY if delta > 0 else OrderSide.SELL
        reason = "signal_entry" if abs(target) > abs(position) else "signal_exit"
        intents.append(
            OrderIntent(
                instrument=instrument,
                side=side,
                quantity=abs(delta),
                time_in_force=GTC,
                bracket=bracket,
                reason=reason + note,
            )
        )
    return cancels, intents


def close_position(instrument: Instrument, position: int, working: list[Order], reason: str) -> list[Command]:
    """Cancel every working order and close ``position`` at market (what FlattenPosition means)."""
    commands: list[Command] = [CancelOrder(o.order_id, reason=reason) for o in working]
    if position:
        side = OrderSide.SELL if position > 0 else OrderSide.BUY
        intent = OrderIntent(instrument=instrument, side=side, quantity=abs(position), time_in_force=GTC, reason=reason)
        commands.append(SubmitOrder(intent))
    return commands
