"""Errors that name the component which failed during a run, its method, bar and time."""

from __future__ import annotations

import numbers
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from mia_core.errors import MiaError
from mia_core.signals import Signal
from mia_core.timeutil import ns_to_datetime

TECHNIQUE = "technique"
STRATEGY = "strategy"
ANALYZER = "analyzer"
SIGNAL_FILTER = "signal_filter"


def iso_utc(ts: int) -> str:
    """UTC nanoseconds as ISO 8601 with a ``Z`` (seconds, or microseconds when there are any)."""
    moment = ns_to_datetime(ts)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{moment.microsecond:06d}Z" if moment.microsecond else "Z")


class ComponentError(MiaError):
    """A plugin's component raised, or returned the wrong thing, while the engine called it.

    ``kind`` is the YAML section's component kind (technique, strategy, analyzer,
    signal_filter), ``name`` the instance name (YAML ``as:``, else the registered
    name), ``index`` its place in its section, ``method`` what the engine called,
    ``ts`` the bar's time (``None`` before any bar), ``reason`` what went wrong. The
    shell that knows more fills in ``bar`` (index in the series) and ``plugin``
    (the distribution); the original exception is the ``__cause__``.
    """

    def __init__(self, kind: str, name: str, index: int, method: str, ts: int | None, reason: str) -> None:
        super().__init__(kind, name, method, reason)
        self.kind = kind
        self.name = name
        self.index = index
        self.method = method
        self.ts = ts
        self.reason = reason
        self.bar: int | None = None
        self.plugin: str | None = None

    @property
    def where(self) -> str:
        """``at bar N (time)``, or ``at <time>`` when the bar's index is not known, or ``before the first bar``."""
        if self.ts is None:
            return "before the first bar" if self.bar is None else f"at bar {self.bar}"
        when = iso_utc(self.ts)
        return f"at {when}" if self.bar is None else f"at bar {self.bar} ({when})"

    @property
    def stopped(self) -> str:
        """The line a partial report carries: ``stopped at bar N (time): <component> <method>: <reason>``."""
        return f"stopped {self.where}: {self.kind} {self.name!r} {self.method}: {self.reason}"

    def __str__(self) -> str:
        plugin = f" from plugin {self.plugin}" if self.plugin else ""
        return f"{self.kind} {self.name!r}{plugin}: {self.method} {self.where}: {self.reason}"


def raised(kind: str, name: str, index: int, method: str, ts: int | None, exc: BaseException) -> ComponentError:
    """The error for a component whose ``method`` raised ``exc`` (chain it: ``raise ... from exc``)."""
    if isinstance(exc, ComponentError):  # already named (a component calling another): keep the innermost
        return exc
    return chained(ComponentError(kind, name, index, method, ts, f"raised {type(exc).__name__}: {exc}"), exc)


def chained(error: ComponentError, cause: BaseException) -> ComponentError:
    """``error`` with ``cause`` as its ``__cause__`` (what ``raise error from cause`` does, also in compiled code)."""
    error.__cause__ = cause  # mypyc's ``raise ... from`` leaves __cause__ unset; setting it suppresses the context too
    return error


def checked_signal(result: object, strategy: str, ts: int, hook: str = "on_bar") -> Signal:
    """``result`` of a strategy's ``hook`` at ``ts`` when it is a Signal; else the error naming the strategy."""
    if isinstance(result, Signal):
        return result
    reason = f"returned {type(result).__name__} {result!r:.60}; expected a Signal or None"
    raise ComponentError(STRATEGY, strategy, 0, hook, ts, reason)


def _shown(value: object) -> str:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def is_number(value: object) -> bool:
    """True for a real number that is not a bool (float, int, numpy scalars)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _describe_keys(result: Mapping[object, object], outputs: Collection[str]) -> str:
    """How ``result``'s keys differ from ``outputs`` ('' when they are the same)."""
    missing = [key for key in outputs if key not in result]
    extra = [key for key in result if key not in outputs]
    if not missing and not extra:
        return ""
    parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + (
        [f"undeclared {', '.join(map(repr, extra))}"] if extra else [])
    return f"returned keys {tuple(result)!r} ({'; '.join(parts)})"


def describe_outputs(result: object, outputs: Collection[str]) -> str:
    """What is wrong with ``result`` as an ``update`` return for ``outputs`` ('' when nothing is)."""
    expected = f"expected a mapping of its declared outputs {tuple(outputs)!r} to floats"
    if not isinstance(result, Mapping):
        return f"returned {_shown(result)}; {expected}"
    wrong_keys = _describe_keys(result, outputs)
    if wrong_keys:
        return f"{wrong_keys}; {expected}"
    for key in outputs:
        value = result[key]
        if not is_number(value):
            return f"returned {_shown(value)} for {key!r}; {expected} (NaN during warm-up)"
    return ""


def describe_arrays(result: object, outputs: Collection[str], length: int) -> str:
    """What is wrong with ``result`` as a ``compute`` return over ``length`` bars ('' when nothing is)."""
    expected = f"expected a mapping of its declared outputs {tuple(outputs)!r} to arrays of {length} floats"
    if not isinstance(result, Mapping):
        return f"returned {_shown(result)}; {expected}"
    wrong_keys = _describe_keys(result, outputs)
    if wrong_keys:
        return f"{wrong_keys}; {expected}"
    for key in outputs:
        shape = getattr(result[key], "shape", None)
        if shape is None or len(shape) != 1 or shape[0] != length:
            got = f"shape {shape}" if shape is not None else _shown(result[key])
            return f"returned {got} for {key!r}; {expected}"
    return ""


def describe_directions(result: Any, length: int) -> str:
    """What is wrong with a ``target_directions`` return over ``length`` bars ('' when nothing is)."""
    expected = f"expected an integer array of {length} values in -1, 0, +1"
    shape = getattr(result, "shape", None)
    if shape is None or len(shape) != 1 or shape[0] != length:
        got = f"shape {shape}" if shape is not None else _shown(result)
        return f"returned {got}; {expected}"
    if not length:
        return ""
    if result.dtype.kind not in "biuf":
        return f"returned an array of {result.dtype}; {expected}"
    if result.dtype.kind == "f" and not np.isin(result, (-1.0, 0.0, 1.0)).all():
        return f"returned {result.dtype} values that are not -1, 0 or +1 (NaN, fractions); {expected}"
    low, high = int(result.min()), int(result.max())
    if low < -1 or high > 1:
        return f"returned values from {low} to {high}; {expected}"
    return ""
