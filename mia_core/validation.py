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
