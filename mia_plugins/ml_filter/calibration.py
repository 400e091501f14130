"""Calibration of the blended probability: a Platt sigmoid on few rows, isotonic regression on many."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.errors import MiaError

METHODS = ("auto", "sigmoid", "isotonic")
EPS = 1e-6


def logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(p / (1 - p)), with p kept inside (1e-6, 1 - 1e-6)."""
    q = np.clip(p, EPS, 1 - EPS)
    return np.asarray(np.log(q / (1 - q)), dtype=float)


@attrs.frozen
class Calibration:
    """A monotone map of the blend to a probability.

    ``sigmoid``: ``1 / (1 + exp(-(a · logit(p) + b)))`` with ``params = (a, b)``; ``isotonic``:
    the piecewise-linear map through the points ``xs`` → ``ys`` (flat outside them).
    """

    method: str
    params: tuple[float, ...] = ()
    xs: tuple[float, ...] = ()
    ys: tuple[float, ...] = ()

    def apply(self, blend: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities of blended ones."""
        if self.method == "isotonic":
            return np.asarray(np.interp(blend, self.xs, self.ys), dtype=float)
        a, b = self.params
        return np.asarray(1.0 / (1.0 + np.exp(-(a * logit(blend) + b))), dtype=float)

    def apply_one(self, blend: float) -> float:
        """The same for one value (the filter's per-signal path)."""
        if self.method == "isotonic":
            return float(np.interp(blend, self.xs, self.ys))
        q = min(1 - EPS, max(EPS, blend))
        a, b = self.params
        return 1.0 / (1.0 + math.exp(-(a * math.log(q / (1 - q)) + b)))

    def metadata(self) -> list[float] | dict[str, Any]:
        """What the registry records: ``[a, b]`` for a sigmoid, ``{"method": "isotonic", "x": .., "y": ..}``."""
        if self.method == "isotonic":
            return {"method": "isotonic", "x": list(self.xs), "y": list(self.ys)}
        return [float(v) for v in self.params]

    @classmethod
    def of(cls, value: Sequence[float] | Mapping[str, Any]) -> Calibration:
        """The calibration a model's metadata records (either form of :meth:`metadata`)."""
        if isinstance(value, Mapping):
            if value.get("method") != "isotonic":
                raise MiaError(f"ml_filter: unknown calibration {value.get('method')!r} in the model's metadata")
            xs, ys = tuple(float(v) for v in value["x"]), tuple(float(v) for v in value["y"])
            if not xs or len(xs) != len(ys) or any(np.diff(xs) < 0):
                raise MiaError("ml_filter: the model's isotonic calibration points are not increasing pairs")
            return cls("isotonic", xs=xs, ys=ys)
        a, b = (float(v) for v in value)
        return cls("sigmoid", (a, b))


def platt(blend: NDArray[np.float64], y: NDArray[np.int64]) -> tuple[Calibration, float]:
    """Platt's sigmoid fitted by maximum likelihood on his smoothed targets, and the p-value of its slope.

    A winner counts as ``(N+ + 1) / (N+ + 2)``, a loser as ``1 / (N- + 2)`` (Platt 1999):
    on few rows the fit cannot push probabilities to 0 or 1 on the strength of a handful
    of outcomes. The p-value is the likelihood-ratio test of the slope against none (a
    constant forecast): how likely a blend with no skill would fit a slope this strong.
    """
    from scipy.optimize import minimize
    from scipy.stats import chi2

    wins, n = int(np.sum(y == 1)), len(y)
    hi, lo = (wins + 1) / (wins + 2), 1 / (n - wins + 2)
    target = np.where(y == 1, hi, lo)
    z = logit(blend)

    def loss(ab: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        s = ab[0] * z + ab[1]
        p = 1 / (1 + np.exp(-s))
        value = float(np.sum(np.logaddexp(0, s) - target * s))
        residual = p - target
        return value, np.array([float(np.dot(residual, z)), float(residual.sum())])

    prior = float(np.log(target.mean() / (1 - target.mean())))
    found = minimize(loss, np.array([1.0, prior]), jac=True, method="L-BFGS-B")
    a, b = (float(v) for v in found.x)
    constant = loss(np.array([0.0, prior]))[0]  # the best slope-free fit: the smoothed base rate everywhere
    p_value = float(chi2.sf(max(0.0, 2 * (constant - float(found.fun))), 1))
    return Calibration("sigmoid", (a, b)), p_value


def constant(y: NDArray[np.int64]) -> Calibration:
    """The (smoothed) win rate of ``y`` whatever the blend: the calibrated forecast of a blend without skill."""
    wins, n = int(np.sum(y == 1)), len(y)
    rate = (wins + 1) / (n + 2)
    return Calibration("sigmoid", (0.0, math.log(rate / (1 - rate))))


def isotonic(blend: NDArray[np.float64], y: NDArray[np.int64]) -> Calibration:
    """Isotonic regression of the outcome on the blend (needs many rows: it has no shape to lean on)."""
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(blend, y.astype(float))
    return Calibration("isotonic", xs=tuple(float(v) for v in model.X_thresholds_),
                       ys=tuple(float(v) for v in model.y_thresholds_))


def fit_calibration(blend: NDArray[np.float64], y: NDArray[np.int64], method: str = "auto",
                    isotonic_min_rows: int = 1000, skill_p: float = 0.05) -> Calibration:
    """The calibration of out-of-fold ``blend`` for ``y``.

    Without evidence that the blend ranks winners above losers (the Platt slope not
    positive, or its likelihood-ratio p-value at or above ``skill_p``) the forecast is the
    smoothed win rate, whatever the blend: a slope fitted to noise on few rows is what
    makes a forecast overconfident. Otherwise ``auto`` takes isotonic regression from
    ``isotonic_min_rows`` rows on and Platt's sigmoid below.
    """
    if method not in METHODS:
        raise MiaError(f"ml_filter.training.calibration: {method!r} is not one of {', '.join(METHODS)}")
    sigmoid, p_value = platt(blend, y)
    if sigmoid.params[0] <= 0 or p_value >= skill_p:
        return constant(y)
    if method == "isotonic" or (method == "auto" and len(y) >= isotonic_min_rows):
        return isotonic(blend, y)
    return sigmoid
