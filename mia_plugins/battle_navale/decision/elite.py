"""The elite techniques in the decision: confidence adjustments and vetoes, in both forms (docs/decision.md).

Directional readings (tick momentum, delta divergence, smart money, order book
imbalance) are scores in [0, 1], 0.5 neutral. Each one's lean the signal's way,
``(score - 0.5) * 2 * direction`` in [-1, 1], adds ``adjust`` times itself to the
confidence; a lean at or below ``-veto_lean`` (it points hard against the signal)
vetoes the entry. The volatility regime vetoes in its high state (2) when
``veto_high_volatility``; the session optimizer vetoes when its ``trade_ok`` is 0.
A reading that is absent or NaN (not composed, warming up) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.validation import FRACTION

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: The directional readings, each a technique's (or analyzer's) ``score`` in [0, 1].
DIRECTIONAL = ("tick_momentum", "delta_divergence", "smart_money", "order_book_imbalance")
#: Reading names the decision understands (besides the directional ones).
VOLATILITY, SESSION_OK = "volatility_regime", "session_ok"
READINGS = (*DIRECTIONAL, VOLATILITY, SESSION_OK)
HIGH_VOLATILITY = 2.0


@attrs.frozen(slots=True)
class EliteConfig:
    """How the elite readings move the confidence and when they veto an entry."""

    adjust: float = attrs.field(default=0.10, validator=FRACTION)
    veto_lean: float = attrs.field(default=0.5, validator=FRACTION)
    veto_high_volatility: bool = True
    veto_session: bool = True


def adjust(direction: int, readings: Mapping[str, float], config: EliteConfig) -> tuple[float, str]:
    """(confidence change, veto) for an entry ``direction`` given the readings; veto names the reading or is ''."""
    change = 0.0
    for name in DIRECTIONAL:
        score = readings.get(name)
        if score is None or score != score:
            continue
        lean = (score - 0.5) * 2.0 * direction
        if lean <= -config.veto_lean:
            return change, name
        change += config.adjust * lean
    volatility = readings.get(VOLATILITY)
    if config.veto_high_volatility and volatility == HIGH_VOLATILITY:
        return change, VOLATILITY
    if config.veto_session and readings.get(SESSION_OK) == 0.0:
        return change, SESSION_OK
    return change, ""


def adjust_arrays(
    direction: npt.NDArray[np.int8], readings: Mapping[str, FloatArray], config: EliteConfig
) -> tuple[FloatArray, BoolArray]:
    """The vectorised :func:`adjust`: per bar, the confidence change and whether the entry is vetoed."""
    n = len(direction)
    change, veto = np.zeros(n), np.zeros(n, dtype=np.bool_)
    d = direction.astype(np.float64)
    for name in DIRECTIONAL:
        score = readings.get(name)
        if score is None:
            continue
        lean = (score - 0.5) * 2.0 * d
        here = ~np.isnan(lean) & ~veto
        vetoed = here & (lean <= -config.veto_lean)
        veto |= vetoed
        step = here & ~vetoed
        change[step] = change[step] + config.adjust * lean[step]
    volatility = readings.get(VOLATILITY)
    if config.veto_high_volatility and volatility is not None:
        veto |= volatility == HIGH_VOLATILITY
    session = readings.get(SESSION_OK)
    if config.veto_session and session is not None:
        veto |= session == 0.0
    return change, veto
