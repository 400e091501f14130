"""Which trade prices cannot fill any working order: lets a tick walk skip the fill model on most trades."""

from __future__ import annotations

from collections.abc import Iterable

from mia_core.exchange.state import OrderState

FAR = 2**62


def quiet_band(active: Iterable[OrderState], next_expiry: int) -> tuple[int, int, int]:
    """``(below, above, until)``: a trade strictly between ``below`` and ``above`` (ticks), before ``until``
    (UTC ns, the next DAY-order expiry), fills, triggers and expires nothing.

    A resting order meets a trade at ``p`` when ``p <= level`` (``at_or_below``) or
    ``p >= level``; a market-like or IOC/FOK order meets any trade, which leaves the band
    empty. Orders not yet eligible (latency) are counted as if they were: the band is
    only ever too narrow, never too wide.
    """
    below, above = -FAR, FAR
    for state in active:
        if state.market_like or state.ioc:
            return FAR, -FAR, next_expiry
        if state.at_or_below:
            below = max(below, state.level)
        else:
            above = min(above, state.level)
    return below, above, next_expiry
