"""Price-action patterns of the last two bars (the patterns detector), on exact price comparisons.

Each pattern is a number per bar: +1 bullish, -1 bearish, 0 absent (``inside_bar`` and
``doji`` are 1/0, they carry no direction). With ``body = |c - o|``, ``range = h - l``,
``upper = h - max(o, c)``, ``lower = min(o, c) - l`` and ``1`` the previous bar:

- engulfing: a bullish body that covers the previous bearish body
  (``c > o``, ``c1 < o1``, ``o <= c1``, ``c >= o1``, ``body > body1``); mirror for bearish;
- pin bar: ``range > 0``, a tail of at least two thirds of the range and a body of at
  most a third (``3 lower >= 2 range``, ``3 body <= range``): +1 (hammer); the upper
  mirror is -1 (shooting star);
- inside bar: ``h < h1`` and ``l > l1``;
- outside bar: ``h > h1`` and ``l < l1``, signed by the bar's close against its open;
- doji: ``10 body <= range``.

The bar's ``signal`` is ``clip(engulfing + pin_bar + 0.5 outside_bar)`` in [-1, 1].
"""

from __future__ import annotations

import attrs
import numpy as np

from mia_core.calc.rolling import lag
from mia_core.calc.technique_base import FloatArray, clip


@attrs.frozen(slots=True)
class BarPatterns:
    """The patterns found on one bar (see the module docstring)."""

    engulfing: float
    pin_bar: float
    inside_bar: float
    outside_bar: float
    doji: float

    @property
    def signal(self) -> float:
        """Net direction of the bar's patterns in [-1, 1]."""
        return clip(self.engulfing + self.pin_bar + 0.5 * self.outside_bar)


NO_PATTERN = BarPatterns(0.0, 0.0, 0.0, 0.0, 0.0)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def detect(o: float, h: float, lo: float, c: float, prev: tuple[float, float, float, float] | None) -> BarPatterns:
    """Patterns of bar ``(o, h, lo, c)`` given the previous bar's ``(o, h, l, c)`` (None for the first bar)."""
    return BarPatterns(*found_patterns(o, h, lo, c, prev))


def found_patterns(
    o: float, h: float, lo: float, c: float, prev: tuple[float, float, float, float] | None
) -> tuple[float, float, float, float, float]:
    """:func:`detect` as a plain tuple ``(engulfing, pin_bar, inside_bar, outside_bar, doji)`` (no object built)."""
    body, span = abs(c - o), h - lo
    pin = 0.0
    if span > 0 and 3 * body <= span:
        upper, lower = h - max(o, c), min(o, c) - lo
        pin = 1.0 if 3 * lower >= 2 * span else -1.0 if 3 * upper >= 2 * span else 0.0
    doji = 1.0 if 10 * body <= span else 0.0
    if prev is None:
        return 0.0, pin, 0.0, 0.0, doji
    o1, h1, l1, c1 = prev
    engulfing = 0.0
    if body > abs(c1 - o1):
        if c > o and c1 < o1 and o <= c1 and c >= o1:
            engulfing = 1.0
        elif c < o and c1 > o1 and o >= c1 and c <= o1:
            engulfing = -1.0
    inside = 1.0 if h < h1 and lo > l1 else 0.0
    outside = _sign(c - o) if h > h1 and lo < l1 else 0.0
    return engulfing, pin, inside, outside, doji


def detect_arrays(o: FloatArray, h: FloatArray, lo: FloatArray, c: FloatArray) -> dict[str, FloatArray]:
    """Vectorised :func:`detect` over whole columns: one array per pattern, plus ``signal``."""
    body, span = np.abs(c - o), h - lo
    upper, lower = h - np.maximum(o, c), np.minimum(o, c) - lo
    pinnable = (span > 0) & (3 * body <= span)
    pin = np.where(pinnable & (3 * lower >= 2 * span), 1.0, np.where(pinnable & (3 * upper >= 2 * span), -1.0, 0.0))
    doji = np.where(10 * body <= span, 1.0, 0.0)
    o1, h1, l1, c1 = lag(o, 1), lag(h, 1), lag(lo, 1), lag(c, 1)
    bigger = body > np.abs(c1 - o1)
    bull = bigger & (c > o) & (c1 < o1) & (o <= c1) & (c >= o1)
    bear = bigger & (c < o) & (c1 > o1) & (o >= c1) & (c <= o1)
    engulfing = np.where(bull, 1.0, np.where(bear, -1.0, 0.0))
    inside = np.where((h < h1) & (lo > l1), 1.0, 0.0)
    outside = np.where((h > h1) & (lo < l1), np.sign(c - o), 0.0)
    signal = np.clip(engulfing + pin + 0.5 * outside, -1, 1)
    return {"engulfing": engulfing, "pin_bar": pin, "inside_bar": inside, "outside_bar": outside, "doji": doji,
            "signal": signal}
