"""Techniques that need intraday bars, told (or refused) when the bars are daily."""

from __future__ import annotations

import numpy as np

from adapters.bootstrap.container import System
from adapters.bootstrap.errors import ConfigError
from mia_core.series import BarSeries

DAILY_SPACING_NS = 20 * 3600 * 10**9  # median bar spacing from which bars count as daily (or longer)


def intraday_needs(system: System, series: BarSeries) -> list[str]:
    """A note per composed technique marked ``needs_intraday`` when ``series`` is daily; a ConfigError instead
    when ``backtest.on_daily_bars`` is ``refuse``."""
    if len(series) < 3:
        return []
    spacing = float(np.median(np.diff(series.ts)))
    if spacing < DAILY_SPACING_NS:
        return []
    labels = system.technique_names or tuple(t.name for t in system.techniques)
    names = [name for technique, name in zip(system.techniques, labels, strict=True)
             if getattr(technique, "needs_intraday", False)]
    if not names:
        return []
    hours = spacing / 3600e9
    message = (f"technique(s) {', '.join(names)} need intraday bars (one to five minutes) and degenerate on these "
               f"bars (median spacing {hours:.0f} h); use the daily system (battle_navale_daily.yaml) or "
               "intraday data")
    plan = system.plan
    if plan.settings.backtest.on_daily_bars == "refuse":
        raise ConfigError(plan.source, "backtest.on_daily_bars", message)
    return [message]


def stale_open_notes(series: BarSeries, share: float = 0.5) -> list[str]:
    """A note naming the calendar years in which more than ``share`` of the bars open exactly at the previous close.

    The bundled S&P 500 file has this artefact (1999-2005: about 99% of days, docs/results.md):
    there the open is not a traded price, so a gap never shows and fills at the open are at
    the previous close; candle bodies and open-based setups mean less.
    """
    if len(series) < 3 or float(np.median(np.diff(series.ts))) < DAILY_SPACING_NS:
        return []
    same = series.open[1:] == series.close[:-1]
    years = (series.ts[1:].astype("datetime64[ns]").astype("datetime64[Y]").astype(np.int64) + 1970)
    flagged = []
    for year in np.unique(years).tolist():
        inside = years == year
        if inside.sum() >= 20 and float(same[inside].mean()) > share:
            flagged.append(f"{year} ({float(same[inside].mean()):.0%})")
    if not flagged:
        return []
    return [f"data: the open equals the previous close on most days of {', '.join(flagged)}: those opens are not "
            "traded prices (no gaps; fills at the open are at the previous close; see docs/results.md)"]
