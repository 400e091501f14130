"""Settlement instants and calendar time to expiry.

SPX/NDX standard monthlies (roots ``SPX``, ``NDX``) are AM-settled: the settlement
value is the special opening quotation of the expiry date, taken as 09:30 New York
time. Weeklies/dailies (``SPXW``, ``NDXP``, ``XSP``, ``XND``) are PM-settled at the 16:00
close. Time to expiry is calendar time, ``seconds / (365·86400)`` (ACT/365, the
convention of vendor IVs), floored so that 0DTE options near the close keep a finite
gamma.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from mia_core.options import SettlementStyle

NEW_YORK = ZoneInfo("America/New_York")
AM_SETTLEMENT = time(9, 30)
PM_SETTLEMENT = time(16, 0)
NS_PER_YEAR = 365 * 86_400 * 1_000_000_000
#: Roots whose expiring series settle in the morning (special opening quotation).
AM_ROOTS = frozenset({"SPX", "NDX", "RUT", "VIX"})
#: Default floor of time to expiry: one hour, in years.
ONE_HOUR_YEARS = 3600.0 / (365 * 86_400)


def settlement_for_root(root: str) -> SettlementStyle:
    """AM for the standard monthly roots (SPX, NDX), PM for every other root (SPXW, NDXP, ...)."""
    return SettlementStyle.AM if root.strip().upper() in AM_ROOTS else SettlementStyle.PM


#: Index roots whose AM series are the standard (third-Friday) monthlies only; other dates are PM weeklies.
MONTHLY_AM_ROOTS = frozenset({"SPX", "NDX", "RUT"})


def is_third_friday(expiry: date) -> bool:
    """True on the third Friday of a month (the standard monthly expiration)."""
    return expiry.weekday() == 4 and 15 <= expiry.day <= 21


def settlement_without_root(underlying: str, expiry: date) -> SettlementStyle:
    """Best guess of a series' settlement when its root is unknown.

    For SPX/NDX/RUT the AM-settled series exist only on the third-Friday monthly
    expiration; any other expiry date can only be a PM-settled weekly or daily (SPXW,
    NDXP, ...). Other underlyings follow :func:`settlement_for_root`. A monthly moved to
    Thursday by a holiday needs the root or settlement column.
    """
    name = underlying.strip().upper()
    if name in MONTHLY_AM_ROOTS:
        return SettlementStyle.AM if is_third_friday(expiry) else SettlementStyle.PM
    return settlement_for_root(name)


def settlement_ns(expiry: date, style: SettlementStyle) -> int:
    """UTC nanoseconds of the settlement instant of an option expiring on ``expiry``."""
    clock = AM_SETTLEMENT if style is SettlementStyle.AM else PM_SETTLEMENT
    local = datetime.combine(expiry, clock, tzinfo=NEW_YORK)
    return int(local.timestamp()) * 1_000_000_000


def years_to_settlement(
    settle_ns: NDArray[np.int64], now_ns: int, floor_years: float = ONE_HOUR_YEARS
) -> NDArray[np.float64]:
    """Calendar years from ``now_ns`` to each settlement instant, at least ``floor_years``.

    Expired series (settlement at or before now) also get the floor: callers drop them
    first with ``settle_ns > now_ns``.
    """
    years = (np.asarray(settle_ns, dtype=np.int64) - np.int64(now_ns)).astype(np.float64) / NS_PER_YEAR
    return np.maximum(years, floor_years)


def is_regular_hours(ns: int) -> bool:
    """True at 09:30-16:00 New York time on a weekday (exchange holidays are not known here)."""
    local = datetime.fromtimestamp(ns / 1e9, tz=NEW_YORK)
    return local.weekday() < 5 and AM_SETTLEMENT <= local.time() < PM_SETTLEMENT
