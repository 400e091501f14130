"""Data-quality factors, each in [0, 1]; their product is the confidence in what a snapshot shows."""

from __future__ import annotations

import attrs

FRESH_SECONDS = 20 * 60
DAY_SECONDS = 24 * 3600
DAY_OLD_FACTOR = 0.3
OUTSIDE_RTH_FACTOR = 0.8
PARITY_TOLERANCE = 0.003
COVERAGE_STRIKES = 20
COVERAGE_BAND = 0.05
IV_SHARE_FULL = 0.9
NO_FLIP_FACTOR = 0.8


def age_factor(age_seconds: float, max_age_seconds: float, regular_hours: bool) -> float:
    """1 up to 20 minutes, linearly down to 0.3 at 24 hours, 0.3 until ``max_age_seconds``, then 0.

    A snapshot taken outside regular trading hours (stale index, wide quotes) is ×0.8.
    A snapshot from the future (negative age) is 0: it must never be used.
    """
    if age_seconds < 0 or age_seconds > max_age_seconds:
        return 0.0
    if age_seconds <= FRESH_SECONDS:
        factor = 1.0
    elif age_seconds <= DAY_SECONDS:
        span = (age_seconds - FRESH_SECONDS) / (DAY_SECONDS - FRESH_SECONDS)
        factor = 1.0 - (1.0 - DAY_OLD_FACTOR) * span
    else:
        factor = DAY_OLD_FACTOR
    return factor if regular_hours else factor * OUTSIDE_RTH_FACTOR


def iv_factor(valid_share: float) -> float:
    """``min(1, share / 0.9)`` of the gross gamma that comes from contracts with a usable IV."""
    return min(1.0, max(0.0, valid_share / IV_SHARE_FULL))


def parity_factor(passing_share: float) -> float:
    """``0.5 + 0.5·share`` of gross gamma in expiries whose parity forward is within 0.3 % of carry."""
    return 0.5 + 0.5 * min(1.0, max(0.0, passing_share))


def coverage_factor(strikes_with_oi: int, both_sides: bool) -> float:
    """``min(1, n/20)`` of strikes with OI within ±5 % of spot, halved when calls or puts are absent."""
    return min(1.0, strikes_with_oi / COVERAGE_STRIKES) * (1.0 if both_sides else 0.5)


def parse_factor(problem_rows: int, rows: int) -> float:
    """``1 − 2·share`` of rows that were crossed, duplicated, rejected or had an absurd OI (floored at 0)."""
    return max(0.0, 1.0 - 2.0 * problem_rows / rows) if rows else 0.0


@attrs.frozen(slots=True)
class Quality:
    """The factors that do not depend on the snapshot's age (``sign`` is 1 unless signs are inferred)."""

    iv: float
    parity: float
    coverage: float
    parse: float
    sign: float
    flip: float

    @property
    def static(self) -> float:
        """Product of the factors above."""
        return self.iv * self.parity * self.coverage * self.parse * self.sign * self.flip

    def with_age(self, age: float) -> float:
        """The confidence: the static product times the age factor."""
        return max(0.0, min(1.0, self.static * age))
