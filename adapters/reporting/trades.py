"""trades.csv: round trips with trade ids, entry reasons and fill times (docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mia_core.accounting import cme_day_bounds, round_trips_frame
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.journal import JournalEntry
from mia_core.series import BarSeries
from mia_core.timeutil import cme_trading_day

TRADE_COLUMNS = ["trade_id", "entry_reason"]


def bar_spacing(ts: np.ndarray) -> int:
    """The series' usual spacing between bar stamps (the median), nanoseconds; 0 for one bar."""
    return int(np.median(np.diff(ts))) if len(ts) > 1 else 0


def bar_open_time(ts: np.ndarray, i: int, step: int) -> int:
    """Bar ``i``'s open time (bars are stamped at their close): the latest of the previous bar's stamp,
    the start of the bar's CME trading day and its stamp minus the series' usual spacing ``step``."""
    stamp = int(ts[i])
    previous = int(ts[i - 1]) if i else stamp - step
    return max(previous, cme_day_bounds(cme_trading_day(stamp))[0], stamp - step)


def _at_open(price: float, bar_open: float, sign: int, slippage: float) -> bool:
    """A fill at the bar's open: at the open itself (limit) or the open plus slippage (market, gapped stop)."""
    return bool(np.isclose(price, bar_open) or np.isclose(price, bar_open + sign * slippage))


def fill_time(ts: int, price: float, sign: int, series: BarSeries, step: int, slippage: float) -> int:
    """The time of a fill the exchange stamped with its bar's close ``ts``: the bar's open time when
    it filled at the open, else ``ts`` (a fill inside the bar: the first moment it is known)."""
    i = int(np.searchsorted(series.ts, ts))
    if i < len(series) and series.ts[i] == ts and _at_open(price, float(series.open[i]), sign, slippage):
        return bar_open_time(series.ts, i, step)
    return ts


def entry_reasons(journal: Iterable[JournalEntry]) -> dict[tuple[int, str], str]:
    """``(fill ts, side) -> reason`` of the order whose fill opened (or added to, or reversed) the position."""
    reasons: dict[str, str] = {}
    opened: dict[tuple[int, str], str] = {}
    position = 0
    for entry in journal:
        event = entry.payload.get("event") if entry.kind in ("order", "fill") else None
        if entry.kind == "order" and event is not None:
            reasons.setdefault(event.order.order_id, event.order.intent.reason)
        elif entry.kind == "fill" and event is not None:
            fill = event.fill
            signed = fill.quantity * fill.side.sign
            if position * signed >= 0 or abs(signed) > abs(position):
                opened.setdefault((fill.ts, fill.side.value), reasons.get(fill.order_id, ""))
            position += signed
    return opened


def trades_frame(
    trips: list[RoundTrip], series: BarSeries, journal: Iterable[JournalEntry], slippage: float
) -> pd.DataFrame:
    """One row per round trip: ``trade_id`` (1, 2, ... in closing order), ``entry_reason``, then
    ``round_trips_frame``'s columns with the fill times docs/metrics.md defines."""
    frame = round_trips_frame(trips)
    step = bar_spacing(series.ts)
    reasons = entry_reasons(journal)
    entry, exit_, why = [], [], []
    for t in trips:
        sign = 1 if t.is_long else -1
        entry.append(fill_time(t.entry_ts, t.entry_price, sign, series, step, slippage))
        exit_.append(t.exit_ts if t.exit_reason == "end_of_data"
                     else fill_time(t.exit_ts, t.exit_price, -sign, series, step, slippage))
        why.append(reasons.get((t.entry_ts, t.side.value), ""))
    frame["entry_time"] = pd.to_datetime(np.asarray(entry, dtype=np.int64), utc=True)
    frame["exit_time"] = pd.to_datetime(np.asarray(exit_, dtype=np.int64), utc=True)
    frame.insert(0, "entry_reason", why)
    frame.insert(0, "trade_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    return frame
