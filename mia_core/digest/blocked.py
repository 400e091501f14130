"""What an entry the risk rules blocked would have made: its bracket played on the following bars, after costs."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import attrs

from mia_core.digest.entries import Block
from mia_core.instruments import Instrument
from mia_core.series import BarSeries
from mia_core.timeutil import cme_day_bounds, cme_trading_day
from mia_core.validation import within

STOP, TARGET, TIME, END = "stop", "target", "time", "end of data"


@attrs.frozen
class ReplayCosts:
    """What a replayed trade pays: commission per contract per round trip (dollars) and slippage ticks per fill."""

    commission_per_contract: float = attrs.field(default=4.5, validator=within(0, 1000))
    slippage_ticks: int = attrs.field(default=1, validator=within(0, 100))


@attrs.frozen(slots=True)
class BlockedOutcome:
    """The estimate for one blocked entry: net cents after costs, how it would have ended, bars held."""

    decision: int
    policy: str
    net_cents: int
    exit: str
    bars: int


def hold_ns(durations: Sequence[int], default: int = 86_400_000_000_000) -> int:
    """The system's typical holding time: the median of its trades' durations (``default`` without trades)."""
    if not durations:
        return default
    ordered = sorted(durations)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) // 2


def replay_block(block: Block, series: BarSeries, instrument: Instrument, hold: int,
                 costs: ReplayCosts) -> BlockedOutcome | None:
    """Enter at the open of the first bar after the block (market, with slippage), then the system's exits.

    The blocked intent's bracket decides: a bar touching the stop exits there (less
    slippage), one reaching the target exits at the target; a bar touching both is
    counted as the stop (the adverse assumption). Without either by ``hold`` ns after the
    entry, the trade closes at that bar's close (less slippage); at the end of the data,
    at the last close. ``None`` when no bar follows the block.
    """
    ts = series.ts
    first = int(ts.searchsorted(block.ts, side="right"))
    if first >= len(series) or block.quantity <= 0:
        return None
    sign = 1 if block.side == "buy" else -1
    slip = costs.slippage_ticks * instrument.tick_size
    entry = float(series.open[first]) + sign * slip
    deadline = int(ts[first]) + hold
    exit_price, how, last = float(series.close[-1]) - sign * slip, END, len(series) - 1
    for j in range(first, len(series)):
        low, high = float(series.low[j]), float(series.high[j])
        adverse, favourable = (low, high) if sign > 0 else (high, low)
        if block.stop_loss is not None and sign * (adverse - block.stop_loss) <= 0:
            exit_price, how, last = block.stop_loss - sign * slip, STOP, j
            break
        if block.take_profit is not None and sign * (favourable - block.take_profit) >= 0:
            exit_price, how, last = block.take_profit, TARGET, j
            break
        if int(ts[j]) >= deadline:
            exit_price, how, last = float(series.close[j]) - sign * slip, TIME, j
            break
    gross = sign * (exit_price - entry) * instrument.multiplier * block.quantity * 100
    if not math.isfinite(gross):  # a bar with a missing price
        return None
    net = round(gross) - round(costs.commission_per_contract * 100) * block.quantity
    return BlockedOutcome(block.index, block.policy, net, how, last - first + 1)


def replay_blocks(blocks: Sequence[Block], series: BarSeries, instrument: Instrument, hold: int,
                  costs: ReplayCosts) -> list[BlockedOutcome]:
    """Every whole-entry block (a REJECT, not a RESIZE) that bars follow, replayed."""
    outcomes = []
    for block in blocks:
        if block.verdict != "reject":
            continue
        outcome = replay_block(block, series, instrument, hold, costs)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def replay_by_day(blocks: Sequence[Block], series: BarSeries, instrument: Instrument, hold: int,
                  costs: ReplayCosts) -> list[BlockedOutcome]:
    """As :func:`replay_blocks`, each block on the bars of its own CME trading day only.

    A session holds only the day's bars, so this is what its daily summary can judge;
    an entry still open at the day's last bar ends at that bar's close (``end of data``).
    """
    by_day: dict[date, list[Block]] = defaultdict(list)
    for block in blocks:
        by_day[cme_trading_day(block.ts)].append(block)
    outcomes = []
    for day, members in by_day.items():
        start, end = cme_day_bounds(day)
        lo, hi = (int(series.ts.searchsorted(bound, side="left")) for bound in (start, end))
        outcomes += replay_blocks(members, series.slice(lo, hi), instrument, hold, costs)
    return outcomes
