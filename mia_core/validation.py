"""attrs validators that raise DomainValueError naming the object and field."""

from __future__ import annotations

import math
from typing import Any

import attrs

from mia_core.errors import DomainValueError


def _fail(instance: Any, attribute: attrs.Attribute[Any], value: Any, reason: str) -> None:
    raise DomainValueError(type(instance).__name__, attribute.name, value, reason)


def finite(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Reject NaN and infinity."""
    if value is not None and not math.isfinite(value):
        _fail(instance, attribute, value, "must be a finite number")


def positive(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Reject zero, negatives, NaN and infinity."""
    finite(instance, attribute, value)
    if value is not None and value <= 0:
        _fail(instance, attribute, value, "must be greater than zero")


def non_negative(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Reject negatives, NaN and infinity."""
    finite(instance, attribute, value)
    if value is not None and value < 0:
        _fail(instance, attribute, value, "must not be negative")


def unit_interval(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Require a number in [0, 1]."""
    finite(instance, attribute, value)
    if value is not None and not 0.0 <= value <= 1.0:
        _fail(instance, attribute, value, "must be within [0, 1]")


def signed_unit_interval(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Require a number in [-1, 1]."""
    finite(instance, attribute, value)
    if value is not None and not -1.0 <= value <= 1.0:
        _fail(instance, attribute, value, "must be within [-1, 1]")


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Require a non-blank string."""
    if not isinstance(value, str) or not value.strip():
        _fail(instance, attribute, value, "must be a non-empty string")


def positive_int(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """Require an integer of at least one."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        _fail(instance, attribute, value, "must be a whole number of at least 1")


def non_negative_int(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """Require a whole number of at least zero (``None`` passes: use for optional fields)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        _fail(instance, attribute, value, "must be a whole number of at least 0")


def fail(instance: Any, field: str, value: Any, reason: str) -> None:
    """Raise a DomainValueError for a cross-field check in __attrs_post_init__."""
    raise DomainValueError(type(instance).__name__, field, value, reason)


@attrs.frozen
class Range:
    """A validator: a number (``None`` passes, for optional fields) within ``text``, e.g. ``(0, 100]``.

    ``low_open``/``high_open`` exclude the bound; ``note`` is a hint added to the error
    (the usual values). Errors and docs/config.md show ``text``; ``tests/docs`` checks
    that every numeric setting of the built-in components has one.
    """

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        """The interval as the docs and errors write it: ``[0, 1]``, ``(0, 100]``."""
        opening, closing = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"{opening}{_figure(self.low)}, {_figure(self.high)}{closing}"

    def __call__(self, instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            _fail(instance, attribute, value, f"must be a finite number within {self.text}")
        below = value <= self.low if self.low_open else value < self.low
        above = value >= self.high if self.high_open else value > self.high
        if below or above:
            hint = f"; {self.note}" if self.note else ""
            _fail(instance, attribute, value, f"got {value}; allowed range {self.text}{hint}")


def _figure(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else repr(bound)


def within(low: float, high: float, *, low_open: bool = False, high_open: bool = False, note: str = "") -> Range:
    """A Range validator: ``within(0, 100, low_open=True)`` allows ``(0, 100]``; ``note`` is added to its error."""
    return Range(low, high, low_open, high_open, note)


PERCENT = within(0, 100, low_open=True)
"""A percentage of the account: above 0, at most 100."""
FRACTION = within(0, 1)
"""A rate, share or weight: from 0 to 1."""
MONEY = within(0, 1_000_000_000, low_open=True)
"""An amount in dollars: above 0, at most a billion."""
ATR_MULTIPLE = within(0, 100, low_open=True)
"""A multiple of the ATR or of the risk (R): above 0, at most 100."""
RATIO = within(0, 100, low_open=True)
"""A ratio of one measure to its own average (volume, range, ATR): above 0, at most 100."""

MAX_BARS = 100_000
"""The longest window in bars a setting may ask for (about three months of one-minute Globex bars)."""
BARS = within(1, MAX_BARS)
"""A window in bars: from 1 to ``MAX_BARS``."""
HOLD_BARS = within(0, 1_000_000)
"""A count of bars where 0 switches the feature off (a time exit, a warm-up)."""
SEED = within(0, 2**32 - 1)
"""A random seed: the range numpy's generators accept everywhere."""


def range_of(validator: Any) -> Range | None:
    """The Range among ``validator``: itself, or inside attrs' ``and_``/``optional``/list validators."""
    if isinstance(validator, Range):
        return validator
    for inner in (*getattr(validator, "_validators", ()), getattr(validator, "validator", None)):
        found = range_of(inner) if inner is not None else None
        if found is not None:
            return found
    return None
