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
