"""Futures rolls: which contract month is the front, and continuous series stitched by the same rule.

The live adapter (Interactive Brokers) and the backtester call the same functions, so a
backtest on continuous history rolls on exactly the day a live session would.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise

import attrs
import numpy as np

from mia_core.errors import DomainValueError
from mia_core.series import BarSeries
from mia_core.timeutil import cme_trading_day
from mia_core.validation import non_empty

Activity = Mapping[str, Mapping[date, float]]
"""Per contract key, a daily figure (volume or open interest) by CME trading day."""


class RollMethod(enum.Enum):
    """When to leave the front month for the next one."""

    DAYS_BEFORE_EXPIRY = "days_before_expiry"
    VOLUME = "volume"
    OPEN_INTEREST = "open_interest"


def _non_negative_days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
        raise DomainValueError(type(instance).__name__, attribute.name, value, "must be a whole number in [0, 120]")


@attrs.frozen(slots=True)
class RollRule:
    """How to roll: a fixed number of calendar days before the last trade date, or a crossover.

    With ``VOLUME`` or ``OPEN_INTEREST`` the next contract becomes the front on the
    trading day after the first day its figure exceeds the front's (the day's figure is
    only known at its close, so there is no look-ahead); a contract past its last trade
    date is left in any case. ``days_before_expiry`` (default 8: the CME equity roll,
    the Thursday before the third-Friday expiry) applies to ``DAYS_BEFORE_EXPIRY`` only.
    """

    method: RollMethod = RollMethod.DAYS_BEFORE_EXPIRY
    days_before_expiry: int = attrs.field(default=8, validator=_non_negative_days)


@attrs.frozen(slots=True)
class FuturesContract:
    """One delivery month of a futures root: ``key`` names it (e.g. ``ESZ5``), ``expiry`` is its last trade date."""

    key: str = attrs.field(validator=non_empty)
    expiry: date
    month: str = ""


@attrs.frozen(slots=True)
class Roll:
    """From ``day`` (a CME trading day) on, ``to_key`` is the front instead of ``from_key``."""

    day: date
    from_key: str
    to_key: str


def _ordered(contracts: Sequence[FuturesContract]) -> list[FuturesContract]:
    if not contracts:
        raise DomainValueError("RollRule", "contracts", [], "at least one contract month is needed")
    ordered = sorted(contracts, key=lambda c: c.expiry)
    keys = [c.key for c in ordered]
    if len(set(keys)) != len(keys):
        raise DomainValueError("RollRule", "contracts", keys, "contract keys must be unique")
    return ordered


def roll_day(contract: FuturesContract, rule: RollRule) -> date:
    """The first trading day on which ``contract`` is no longer the front under a days rule."""
    return contract.expiry - timedelta(days=rule.days_before_expiry)


def roll_schedule(
    contracts: Sequence[FuturesContract], rule: RollRule, activity: Activity | None = None
) -> list[Roll]:
    """Every roll between ``contracts`` (any order), earliest first.

    Crossover rules need ``activity``: the daily volume or open interest of each
    contract by trading day (days missing for a contract count as zero).
    """
    ordered = _ordered(contracts)
    if rule.method is RollMethod.DAYS_BEFORE_EXPIRY:
        return [Roll(roll_day(a, rule), a.key, b.key) for a, b in pairwise(ordered)]
    if activity is None:
        raise DomainValueError("RollRule", "activity", None, f"the {rule.method.value} rule needs daily figures")
    days = sorted({d for figures in activity.values() for d in figures})
    rolls: list[Roll] = []
    current, pending = 0, False
    for day in days:
        while current + 1 < len(ordered) and (pending or day > ordered[current].expiry):
            rolls.append(Roll(day, ordered[current].key, ordered[current + 1].key))
            current, pending = current + 1, False
        if current + 1 < len(ordered):
            front = activity.get(ordered[current].key, {}).get(day, 0.0)
            following = activity.get(ordered[current + 1].key, {}).get(day, 0.0)
            pending = following > front
    return rolls


def front_contract(
    contracts: Sequence[FuturesContract], day: date, rule: RollRule, activity: Activity | None = None
) -> FuturesContract:
    """The contract that is the front on trading day ``day`` under ``rule``.

    Raises :class:`DomainValueError` when every given contract has rolled off by then.
    """
    ordered = _ordered(contracts)
    by_key = {c.key: c for c in ordered}
    active = ordered[0]
    for roll in roll_schedule(ordered, rule, activity):
        if roll.day <= day:
            active = by_key[roll.to_key]
    last = ordered[-1]
    by_days = rule.method is RollMethod.DAYS_BEFORE_EXPIRY
    if active is last and (day > last.expiry or (by_days and day >= roll_day(last, rule))):
        raise DomainValueError("RollRule", "contracts", [c.key for c in ordered], f"none is the front on {day}")
    return active


def daily_volume(series: BarSeries) -> dict[date, float]:
    """Volume per CME trading day of ``series`` (the activity a volume crossover compares)."""
    totals: dict[date, float] = {}
    for ts, volume in zip(series.ts.tolist(), series.volume.tolist(), strict=True):
        day = cme_trading_day(int(ts))
        totals[day] = totals.get(day, 0.0) + float(volume)
    return totals


def stitch(
    bars: Mapping[str, BarSeries],
    contracts: Sequence[FuturesContract],
    rule: RollRule,
    *,
    activity: Activity | None = None,
    back_adjust: bool = True,
) -> BarSeries:
    """One continuous series: each contract's bars while it is the front under ``rule``.

    With ``back_adjust`` every bar before a roll is shifted by the gap between the new
    and the old contract's last closes before the roll (difference adjustment: prices
    stay on the tick grid and the last segment is unchanged). With a volume rule and no
    ``activity``, daily volumes come from ``bars``. Missing keys in ``bars`` are errors.
    """
    ordered = _ordered(contracts)
    missing = [c.key for c in ordered if c.key not in bars]
    if missing:
        raise DomainValueError("stitch", "bars", missing, "no bars for these contract months")
    if activity is None and rule.method is RollMethod.VOLUME:
        activity = {key: daily_volume(series) for key, series in bars.items()}
    rolls = roll_schedule(ordered, rule, activity)
    edges = [None, *[r.day for r in rolls], None]
    active_keys = [ordered[0].key, *[r.to_key for r in rolls]]
    pieces: list[BarSeries] = []
    for key, (start, end) in zip(active_keys, pairwise(edges), strict=True):
        series = bars[key]
        days = np.array([cme_trading_day(int(t)) for t in series.ts.tolist()], dtype=object)
        keep = np.ones(len(series), dtype=bool)
        if start is not None:
            keep &= days >= start
        if end is not None:
            keep &= days < end
        pieces.append(_take(series, keep))
    if back_adjust:
        pieces = _back_adjust(pieces, [bars[k] for k in active_keys])
    return _concat(pieces, next(iter(bars.values())))


def _take(series: BarSeries, mask: np.ndarray) -> BarSeries:
    def col(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[mask]

    return BarSeries(
        series.instrument,
        series.ts[mask],
        series.open[mask],
        series.high[mask],
        series.low[mask],
        series.close[mask],
        series.volume[mask],
        col(series.bid_volume),
        col(series.ask_volume),
    )


def _back_adjust(pieces: list[BarSeries], sources: list[BarSeries]) -> list[BarSeries]:
    """Shift every piece by the sum of the gaps at the rolls after it."""
    offsets = [0.0] * len(pieces)
    for i in range(len(pieces) - 2, -1, -1):
        old = pieces[i]
        if len(old) == 0:
            offsets[i] = offsets[i + 1]
            continue
        last_ts = int(old.ts[-1])
        newer = sources[i + 1]
        before = np.nonzero(newer.ts <= last_ts)[0]
        gap = 0.0 if len(before) == 0 else float(newer.close[before[-1]]) - float(old.close[-1])
        offsets[i] = offsets[i + 1] + gap
    shifted: list[BarSeries] = []
    for piece, offset in zip(pieces, offsets, strict=True):
        if offset == 0.0 or len(piece) == 0:
            shifted.append(piece)
            continue
        if float(piece.low.min()) + offset <= 0:
            raise DomainValueError("stitch", "back_adjust", offset, "makes an earlier price non-positive")
        shifted.append(
            BarSeries(
                piece.instrument,
                piece.ts,
                piece.open + offset,
                piece.high + offset,
                piece.low + offset,
                piece.close + offset,
                piece.volume,
                piece.bid_volume,
                piece.ask_volume,
            )
        )
    return shifted


def _concat(pieces: list[BarSeries], template: BarSeries) -> BarSeries:
    flow = all(p.has_order_flow for p in pieces)

    def join(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in pieces]) if pieces else getattr(template, name)[:0]

    return BarSeries(
        template.instrument,
        join("ts"),
        join("open"),
        join("high"),
        join("low"),
        join("close"),
        join("volume"),
        join("bid_volume") if flow else None,
        join("ask_volume") if flow else None,
    )
