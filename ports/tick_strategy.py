"""The TickStrategy port: a strategy that also sees each trade (the tick-driven backtest)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.signals import Signal
from ports.context import StrategyContext
from ports.strategy import Strategy


@runtime_checkable
class TickStrategy(Strategy, Protocol):
    """A :class:`~ports.strategy.Strategy` with an optional ``on_tick`` hook, called for every trade.

    ``mia_core.ticks.backtest.run_tick_backtest`` drives it: for each trade of a tape, in
    order, the portfolio is first marked at the end of each closed marking period, working
    orders then meet the trade at the simulated exchange, and then ``on_tick`` sees the
    trade. Its signal goes through the same signal filters, order planner, risk policies,
    exchange (market orders fill at the next trade, with slippage and commissions) and
    journal as a bar strategy's. ``on_bar`` is what the same strategy does on bars (return
    ``None`` from it when the strategy only trades ticks); the tick backtest never calls it.

    A strategy registers as any other (``mia_strategies`` hook); having ``on_tick`` is
    what makes it a tick strategy.
    """

    def on_tick(self, ts: int, price: float, size: int, side: int, context: StrategyContext) -> Signal | None:
        """Called once per trade, in tape order, after the trade met the working orders.

        ``ts`` is the trade's time (UTC ns; several trades may share one), ``price`` its
        price on the instrument's tick grid, ``size`` whole contracts, ``side`` +1 when the
        buyer crossed the spread (traded at the ask), -1 the seller (at the bid), 0 unknown.
        The arguments are plain Python values, not a :class:`~mia_core.market.Trade`: a
        tape of millions of trades is walked at a million or more per second, so the hook
        should do constant, small work. Returns a :class:`~mia_core.signals.Signal` (its
        ``ts`` should be ``ts``) or ``None``. ``context`` holds only what is known at this
        trade (position, equity, working orders).
        """
        ...
