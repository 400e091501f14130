"""Fat-finger spike detection for bars: a price far outside both neighbouring bars."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

SpikeRepair = Literal["clip", "drop"]
DEFAULT_SPIKE_THRESHOLD = 20.0
PRICE_FIELDS = ("open", "high", "low", "close")


def spike_scale(c: dict[str, npt.NDArray[Any]], tick: float) -> float:
    """The yardstick: the larger of the median bar range and the median close-to-close move (at least a tick)."""
    if len(c["close"]) < 2:
        return tick
    return max(float(np.median(c["high"] - c["low"])), float(np.median(np.abs(np.diff(c["close"])))), tick)


def neighbour_envelope(c: dict[str, npt.NDArray[Any]]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """For each interior bar, the lowest low and highest high of the bars before and after it (NaN at the ends)."""
    n = len(c["close"])
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    if n >= 3:
        lo[1:-1] = np.minimum(c["low"][:-2], c["low"][2:])
        hi[1:-1] = np.maximum(c["high"][:-2], c["high"][2:])
    return lo, hi


def find_spikes(c: dict[str, npt.NDArray[Any]], tick: float, threshold: float) -> dict[str, npt.NDArray[np.bool_]]:
    """Per price field, bars whose price lies more than ``threshold`` x the scale outside the neighbours' range.

    Only interior bars are judged (a first or last bar has one neighbour, which cannot tell a
    spike from a move). A move that stays (the next bar trades there too) is not a spike.
    """
    band = threshold * spike_scale(c, tick)
    lo, hi = neighbour_envelope(c)
    with np.errstate(invalid="ignore"):
        return {name: (c[name] > hi + band) | (c[name] < lo - band) for name in PRICE_FIELDS}


def clip_spikes(c: dict[str, npt.NDArray[Any]], spiked: dict[str, npt.NDArray[np.bool_]]) -> npt.NDArray[np.bool_]:
    """Clip spiked prices into the neighbours' range in place and re-order high/low; returns rows to drop.

    A bar whose four prices all spiked (a decimal slip) has nothing left to trust and is dropped.
    """
    lo, hi = neighbour_envelope(c)
    for name in PRICE_FIELDS:
        mask = spiked[name]
        c[name][mask] = np.clip(c[name][mask], lo[mask], hi[mask])
    any_spike = np.logical_or.reduce([spiked[name] for name in PRICE_FIELDS])
    prices = np.vstack([c[name][any_spike] for name in PRICE_FIELDS])
    c["high"][any_spike], c["low"][any_spike] = prices.max(axis=0), prices.min(axis=0)
    every: npt.NDArray[np.bool_] = np.logical_and.reduce([spiked[name] for name in PRICE_FIELDS])
    return every
