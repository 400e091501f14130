"""Walls, absolute-gamma strike and put/call ratios from a strike profile."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.exposure import StrikeProfile

F8 = NDArray[np.float64]


def argmax_toward_spot(values: F8, strikes: F8, spot: float, mask: NDArray[np.bool_] | None = None) -> float | None:
    """Strike of the largest positive value (ties go to the strike nearest spot); ``None`` if all are 0."""
    v = values if mask is None else np.where(mask, values, 0.0)
    if v.size == 0 or not np.any(v > 0):
        return None
    best = np.flatnonzero(v == v.max())
    return float(strikes[best[np.argmin(np.abs(strikes[best] - spot))]])


@attrs.frozen(slots=True)
class Levels:
    """Key strikes (index points; ``None`` when no such strike).

    ``call_wall``: largest call gamma exposure (sign ignored); ``put_wall``: largest put
    gamma exposure; ``abs_gamma_strike``: largest calls + puts; ``call_oi_wall`` /
    ``put_oi_wall``: largest call OI at or above spot / put OI at or below spot.
    """

    call_wall: float | None
    put_wall: float | None
    abs_gamma_strike: float | None
    call_oi_wall: float | None
    put_oi_wall: float | None


def key_levels(profile: StrikeProfile, spot: float) -> Levels:
    """The walls of one profile (the caller chooses its expiry window)."""
    k = profile.strike
    return Levels(
        call_wall=argmax_toward_spot(profile.call_gross, k, spot),
        put_wall=argmax_toward_spot(profile.put_gross, k, spot),
        abs_gamma_strike=argmax_toward_spot(profile.absolute, k, spot),
        call_oi_wall=argmax_toward_spot(profile.call_oi, k, spot, k >= spot),
        put_oi_wall=argmax_toward_spot(profile.put_oi, k, spot, k <= spot),
    )


def put_call_ratio(puts: float, calls: float) -> float | None:
    """``puts / calls``, or ``None`` when there are no calls."""
    return puts / calls if calls > 0 else None
