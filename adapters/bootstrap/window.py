"""A backtest's date window: the bars in it, the warm-up bars before it, and errors that speak in dates."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np

from adapters.bootstrap.container import System
from mia_core.accounting import cme_trading_days
from mia_core.errors import MiaError
from mia_core.series import BarSeries
from mia_core.timeutil import CHICAGO, to_ns


class WindowError(MiaError):
    """The requested dates select no usable bars; says which date is wrong and what the data holds."""


@attrs.frozen
class Bounds:
    """The first and last day asked for, each with the flag or key that set it (for messages)."""

    start: dt.date | None = None
    end: dt.date | None = None
    start_label: str = "--from"
    end_label: str = "--to"


@attrs.frozen
class Window:
    """The bars a backtest runs: ``warmup`` bars before the window, then the window's own."""

    series: BarSeries
    warmup: int
    needed: int
    needed_by: str
    at_data_start: bool = False  # no first day asked for: the run starts on the data's first bar

    @property
    def notes(self) -> list[str]:
        """What the summary should say about the warm-up (empty without one)."""
        if self.needed <= 1 or self.at_data_start:
            return []
        lacking = self.needed - 1 - self.warmup
        short = "" if lacking <= 0 else f"; only {self.warmup} before the window: its first {lacking} cannot trade"
        return [f"warm-up: {self.warmup} bar(s) before the window (the system needs {self.needed - 1}, "
                f"{self.needed_by}){short}"]


def system_warmup(system: System) -> tuple[int, str]:
    """The most bars any technique, analyzer or the strategy needs before its first value, and whose it is."""
    parts = [("technique", t) for t in system.techniques] + [("analyzer", a) for a in system.analyzers]
    parts.append(("strategy", system.strategy))
    best, whose = 0, ""
    for kind, component in parts:
        bars = getattr(component, "warmup_bars", 0)
        if isinstance(bars, int) and bars > best:
            best, whose = bars, f"{kind} {getattr(component, 'name', type(component).__name__)!r}"
    return best, whose


def _end_ns(day: dt.date) -> int:
    return to_ns(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CHICAGO))


def select(full: BarSeries, bounds: Bounds, system: System) -> Window:
    """The window's bars with up to the system's warm-up before them; a :class:`WindowError` when none fit."""
    if len(full) == 0:
        raise WindowError("the data feed has no bars")
    days = cme_trading_days(full.ts)
    first, last = days[0].item(), days[-1].item()
    start, end = bounds.start, bounds.end
    if start and end and start > end:
        raise WindowError(f"{bounds.start_label} {start} is after {bounds.end_label} {end}")
    if start and start > last:
        raise WindowError(f"{bounds.start_label} {start} is after the data's last day {last}")
    if end and end < first:
        raise WindowError(f"{bounds.end_label} {end} is before the data's first day {first}")
    lo = 0 if start is None else int(np.searchsorted(days, np.datetime64(start, "D"), side="left"))
    hi = len(full) if end is None else int(np.searchsorted(full.ts, _end_ns(end), side="right"))
    if hi <= lo:
        raise WindowError(f"no bars from {start or first} to {end or last}: the data has none on those days "
                          f"(it runs {first} to {last})")
    needed, whose = system_warmup(system)
    warm_from = max(0, lo - max(needed - 1, 0)) if start is not None else lo
    warmup = lo - warm_from
    if needed and warmup + (hi - lo) < needed:
        raise WindowError(
            f"the window {start or first} to {end or last} has {hi - lo} bar(s) and the data {lo} before it, "
            f"but the system needs {needed - 1} bars of warm-up before it can trade ({whose}): start the window "
            "later or widen it")
    return Window(full.slice(warm_from, hi), warmup, needed, whose, at_data_start=start is None)
