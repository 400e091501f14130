"""Equity resampled to CME trading days (last value of each day) and daily returns."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.accounting.tradingdays import cme_trading_days
from mia_core.errors import DomainValueError


@attrs.frozen(slots=True, eq=False)
class DailySeries:
    """One row per CME trading day that has at least one equity point.

    ``equity_cents`` is the last equity of the day; ``pnl_cents`` its change from the
    previous day's last equity (from the initial cash for the first day);
    ``returns`` is ``pnl_cents / previous equity``. ``valid`` is False when a previous
    equity is not positive, where a return has no meaning (those returns are NaN).
    """

    days: npt.NDArray[np.datetime64]
    equity_cents: npt.NDArray[np.int64]
    pnl_cents: npt.NDArray[np.int64]
    returns: npt.NDArray[np.float64]
    valid: bool

    def __len__(self) -> int:
        return int(self.days.size)


def daily_series(equity_ts: npt.ArrayLike, equity_cents: npt.ArrayLike, initial_cash_cents: int) -> DailySeries:
    """Resample an equity curve (UTC ns, cents; non-decreasing times) to CME trading days.

    Days run from 17:00 America/Chicago to 17:00 the next day and are named after the
    day they end on (``mia_core.timeutil.cme_trading_day``). Days without any equity
    point (weekends, holidays, gaps) are skipped, not filled.
    """
    ts = np.asarray(equity_ts, dtype=np.int64).ravel()
    equity = np.asarray(equity_cents, dtype=np.int64).ravel()
    if ts.size != equity.size:
        raise DomainValueError("daily_series", "equity_cents", equity.size, f"length differs from equity_ts {ts.size}")
    if ts.size > 1 and bool(np.any(ts[1:] < ts[:-1])):
        raise DomainValueError("daily_series", "equity_ts", "unsorted", "timestamps must not decrease")
    days = cme_trading_days(ts)
    if days.size == 0:
        empty_i = np.empty(0, dtype=np.int64)
        return DailySeries(days, empty_i, empty_i.copy(), np.empty(0, dtype=np.float64), True)
    last = np.flatnonzero(np.append(days[1:] != days[:-1], True))
    closes = equity[last]
    previous = np.concatenate(([initial_cash_cents], closes[:-1])).astype(np.int64)
    pnl = closes - previous
    valid = bool(np.all(previous > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.where(previous > 0, pnl / np.where(previous > 0, previous, 1), np.nan)
    return DailySeries(days[last], closes, pnl, returns.astype(np.float64), valid)
