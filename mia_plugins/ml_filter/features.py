"""The decision-time feature row of a candidate signal: the signal's evidence, techniques, analyzers, the clock."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from mia_core.signals import Signal

NEW_YORK = ZoneInfo("America/New_York")
NS = 1_000_000_000


def decision_row(signal: Signal, features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]],
                 analyzers: Iterable[str]) -> dict[str, float]:
    """Every number known when ``signal`` was decided, by name.

    ``signal.*``: direction, strength, confluence and each component the strategy
    recorded (Battle Navale's feature scores, dealer's bias, regime, setup);
    ``feature.*``: every technique output in the context (tick momentum, delta
    divergence, volatility regime, ...); ``<analyzer>.*``: the values of each analyzer
    named in ``analyzers`` (e.g. ``gamma_cycles``); ``time.*``: hour of day and weekday
    in New York. All are as of the signal's bar close, so none can look ahead.
    """
    row: dict[str, float] = {
        "signal.direction": float(signal.direction),
        "signal.strength": float(signal.strength),
        "signal.confluence": math.nan if signal.confluence is None else float(signal.confluence),
    }
    for key, value in signal.components.items():
        if not key.startswith("ml."):
            row[f"signal.{key}"] = float(value)
    for key, value in features.items():
        row[f"feature.{key}"] = float(value)
    for name in analyzers:
        for key, value in analyses.get(name, {}).items():
            row[f"{name}.{key}"] = float(value)
    when = datetime.fromtimestamp(signal.ts / NS, tz=NEW_YORK)
    row["time.hour"] = when.hour + when.minute / 60.0
    row["time.weekday"] = float(when.weekday())
    return row
