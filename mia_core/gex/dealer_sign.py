"""The auto-inferred dealer sign: a fractional sign per side and expiry bucket.

For each side (calls, puts) and bucket (0DTE, 1–7 d, 8–45 d, > 45 d):

- prior ``p``: +1 for calls, −1 for puts (the naive index convention);
- flow ``f``: customer aggressor proxy ``a = clip((last − mid)/half_spread, −1, 1)`` of
  rows traded today (volume > 0, a two-sided quote and a last price), weighted by
  ``volume·Γ``: +1 means customers bought that side's gamma, so dealers sold it;
- skew ``e`` (calls only): −1 when the 25-delta risk reversal ``IV(25Δ call) − IV(25Δ put)``
  is positive (speculative call buying), else +1;
- ``s = clip((1 − α − β)·p + α·(−f) + β·e, −1, 1)`` with α = 0.3, β = 0.2 (β = 0 for puts).

Same-day (0DTE) signs are halved: the evidence on who holds 0DTE gamma conflicts.
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

F8 = NDArray[np.float64]
I8 = NDArray[np.int64]
B1 = NDArray[np.bool_]

FLOW_WEIGHT = 0.3
SKEW_WEIGHT = 0.2
ZERO_DTE_FACTOR = 0.5
BUCKET_EDGES_DAYS = (1.0, 8.0, 46.0)  # bucket 0: same day; 1: 1-7 d; 2: 8-45 d; 3: > 45 d


def buckets(days: F8, zero_dte: B1) -> I8:
    """Bucket of each row: 0 same-day, 1 up to 7 days, 2 up to 45 days, 3 beyond."""
    b = np.searchsorted(np.asarray(BUCKET_EDGES_DAYS), days, side="right").astype(np.int64)
    b = np.maximum(b, 1)
    b[zero_dte] = 0
    return b


@attrs.frozen(slots=True)
class InferredSigns:
    """Per-row signs, and the gross-gamma-weighted mean sign of calls and of puts."""

    signs: F8
    call_sign: float
    put_sign: float
    confidence: float


def infer_signs(
    is_call: B1, bucket: I8, bid: F8, ask: F8, last: F8, volume: F8, gamma: F8, iv: F8, delta: F8, gross: F8
) -> InferredSigns:
    """Fractional dealer signs from flow and skew, with their confidence (mean ``|s|`` by gross gamma)."""
    half = 0.5 * (ask - bid)
    mid = 0.5 * (ask + bid)
    traded = (volume > 0) & np.isfinite(last) & (last > 0) & (bid > 0) & (half > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        aggressor = np.clip(np.where(traded, (last - mid) / half, 0.0), -1.0, 1.0)
    flow_w = np.where(traded, volume * np.nan_to_num(gamma), 0.0)
    signs = np.zeros(is_call.shape)
    for b in range(4):
        in_bucket = bucket == b
        skew = _call_skew_sign(in_bucket, is_call, iv, delta)
        for side_is_call, prior in ((True, 1.0), (False, -1.0)):
            rows = in_bucket & (is_call == side_is_call)
            if not rows.any():
                continue
            weight = flow_w[rows].sum()
            flow = float((aggressor[rows] * flow_w[rows]).sum() / weight) if weight > 0 else 0.0
            beta = SKEW_WEIGHT if side_is_call else 0.0
            value = (1 - FLOW_WEIGHT - beta) * prior + FLOW_WEIGHT * (-flow) + beta * (skew if side_is_call else 0.0)
            value = float(np.clip(value, -1.0, 1.0))
            signs[rows] = value * (ZERO_DTE_FACTOR if b == 0 else 1.0)
    total = gross.sum()
    conf = float((np.abs(signs) * gross).sum() / total) if total > 0 else 0.0

    def side_mean(mask: B1) -> float:
        g = gross[mask].sum()
        return float((signs[mask] * gross[mask]).sum() / g) if g > 0 else 0.0

    return InferredSigns(signs, side_mean(is_call), side_mean(~is_call), conf)


def _call_skew_sign(rows: B1, is_call: B1, iv: F8, delta: F8) -> float:
    """−1 when the bucket's 25-delta risk reversal is positive, +1 otherwise (or without data)."""
    calls = np.flatnonzero(rows & is_call & np.isfinite(delta))
    puts = np.flatnonzero(rows & ~is_call & np.isfinite(delta))
    if calls.size == 0 or puts.size == 0:
        return 1.0
    c = calls[np.argmin(np.abs(delta[calls] - 0.25))]
    p = puts[np.argmin(np.abs(delta[puts] + 0.25))]
    return -1.0 if iv[c] - iv[p] > 0 else 1.0
