"""Journal entries and notifications: what the system records and says."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mia_core.commands import AlertLevel
from mia_core.timeutil import to_ns
from mia_core.validation import non_empty


def _readonly(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType | OneItemPayload) else MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class JournalEntry:
    """One recorded fact: ``kind`` (signal, risk, order, fill, alert, ...) and its data."""

    ts: int = attrs.field(converter=to_ns)
    kind: str = attrs.field(validator=non_empty)
    payload: Mapping[str, Any] = attrs.field(factory=dict, converter=_readonly)


class OneItemPayload(Mapping[str, Any]):
    """A read-only mapping of exactly one key, the usual journal payload (``{"event": ...}``).

    One small object instead of a dict behind a read-only proxy: a backtest journals
    hundreds of thousands of entries, and each object kept is also one more for the
    cyclic garbage collector to scan (docs/performance.md).
    """

    __slots__ = ("_key", "_value")

    def __init__(self, key: str, value: Any) -> None:
        self._key = key
        self._value = value

    def __getitem__(self, key: str) -> Any:
        if key == self._key:
            return self._value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        yield self._key

    def __len__(self) -> int:
        return 1

    def __repr__(self) -> str:
        return f"{{{self._key!r}: {self._value!r}}}"


_new = object.__new__
_put = object.__setattr__


def record(ts: int, kind: str, payload: dict[str, Any]) -> JournalEntry:
    """A :class:`JournalEntry` from values the engine produced itself, built without re-checking them.

    ``ts`` must already be integer UTC ns, ``kind`` non-empty and ``payload`` a fresh dict
    nobody else holds (it is wrapped read-only, not copied; a one-key payload is kept as
    a :class:`OneItemPayload`). Outside data goes through ``JournalEntry(...)``, which
    converts and validates.
    """
    entry = _new(JournalEntry)
    _put(entry, "ts", ts)
    _put(entry, "kind", kind)
    if len(payload) == 1:
        for key, value in payload.items():
            _put(entry, "payload", OneItemPayload(key, value))
    else:
        _put(entry, "payload", MappingProxyType(payload))
    return entry


def record_one(ts: int, kind: str, key: str, value: Any) -> JournalEntry:
    """``record(ts, kind, {key: value})`` without building the dict."""
    entry = _new(JournalEntry)
    _put(entry, "ts", ts)
    _put(entry, "kind", kind)
    _put(entry, "payload", OneItemPayload(key, value))
    return entry


def record_event(kind: str, event: Any) -> JournalEntry:
    """``record_one(event.ts, kind, "event", event)``: an event the engine handled, stamped with its own time.

    Reading ``event.ts`` here keeps the entry's timestamp the same int object as the
    event's (a compiled caller would otherwise hand over a fresh copy of it per entry).
    """
    return record_one(event.ts, kind, "event", event)


@attrs.frozen(slots=True)
class Notification:
    """A message for the trader (trade executed, daily summary, alert, advice); ``image_png`` a chart, if any."""

    ts: int = attrs.field(converter=to_ns)
    level: AlertLevel
    title: str = attrs.field(validator=non_empty)
    body: str = ""
    image_png: bytes = attrs.field(default=b"", repr=False)
