"""Journal entries and notifications: what the system records and says."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mia_core.builders import builder, twin_of
from mia_core.commands import AlertLevel
from mia_core.timeutil import same_instant, to_ns
from mia_core.validation import non_empty


def _readonly(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType | OneItemPayload) else MappingProxyType(dict(value))


@attrs.frozen(slots=True, weakref_slot=False)
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
_TS_SLOT: Any = JournalEntry.__dict__["ts"]
_KIND_SLOT: Any = JournalEntry.__dict__["kind"]
_PAYLOAD_SLOT: Any = JournalEntry.__dict__["payload"]


class _OneItem:
    """Mixed into a JournalEntry whose one-key payload's slot holds the value alone (the key is the class's).

    What the engine journals on every order, fill and signal: one object per entry instead
    of two (an entry and its one-key mapping), 48 bytes less each. ``payload`` builds the
    read-only mapping when read; equality, repr, pickling and file journals see a
    :class:`JournalEntry` with a :class:`OneItemPayload`, as before.
    """

    __slots__ = ()
    key = ""
    ts: int
    kind: str

    @property  # overrides the attrs field's slot with a computed value
    def payload(self) -> Mapping[str, Any]:
        return OneItemPayload(self.key, _PAYLOAD_SLOT.__get__(self))

    def __init__(self, ts: Any, kind: str, payload: Mapping[str, Any] | None = None) -> None:
        # Reached only through attrs.evolve or a direct call: converted and checked like any entry.
        entry = JournalEntry(ts, kind, {} if payload is None else payload)
        _put(self, "__class__", JournalEntry)
        _TS_SLOT.__set__(self, entry.ts)
        _KIND_SLOT.__set__(self, entry.kind)
        _PAYLOAD_SLOT.__set__(self, entry.payload)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JournalEntry):
            return NotImplemented
        return (self.ts, self.kind, self.payload) == (other.ts, other.kind, other.payload)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = JournalEntry.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return record_one, (self.ts, self.kind, self.key, _PAYLOAD_SLOT.__get__(self))


_ONE_ITEM: dict[str, type[JournalEntry]] = {}


def _one_item_class(key: str) -> type[JournalEntry]:
    """The entry class of payloads ``{key: ...}`` (one per key; named JournalEntry, as it reads)."""
    cls = _ONE_ITEM.get(key)
    if cls is None:
        cls = type("JournalEntry", (_OneItem, JournalEntry), {"__slots__": (), "key": key, "__module__": __name__})
        cls.__qualname__ = "JournalEntry"
        _ONE_ITEM[key] = cls
    return cls


_EVENT_ENTRY = _one_item_class("event")
# the one-key entries are built as plain slotted twins given their class (builders.builder): no setter calls
_BUILD_EVENT = builder(_EVENT_ENTRY)
_EVENT_TWIN: Any = twin_of(_EVENT_ENTRY)
_BUILDERS: dict[str, Callable[..., JournalEntry]] = {}


def record(ts: int, kind: str, payload: dict[str, Any]) -> JournalEntry:
    """A :class:`JournalEntry` from values the engine produced itself, built without re-checking them.

    ``ts`` must already be integer UTC ns, ``kind`` non-empty and ``payload`` a fresh dict
    nobody else holds (it is wrapped read-only, not copied; a one-key payload is kept as
    its value alone and read as a :class:`OneItemPayload`). Outside data goes through
    ``JournalEntry(...)``, which converts and validates.
    """
    if len(payload) == 1:
        for key, value in payload.items():
            return record_one(ts, kind, key, value)
    entry = _new(JournalEntry)
    _put(entry, "ts", same_instant(ts))
    _put(entry, "kind", kind)
    _put(entry, "payload", MappingProxyType(payload))
    return entry


def record_one(ts: int, kind: str, key: str, value: Any) -> JournalEntry:
    """``record(ts, kind, {key: value})`` without building the dict."""
    build = _BUILD_EVENT if key == "event" else _BUILDERS.get(key)
    if build is None:
        build = _BUILDERS[key] = builder(_one_item_class(key))
    return build(same_instant(ts), kind, value)


def record_event(kind: str, event: Any) -> JournalEntry:
    """``record_one(event.ts, kind, "event", event)``: an event the engine handled, stamped with its own time.

    Reading ``event.ts`` here keeps the entry's timestamp the same int object as the
    event's (a compiled caller would otherwise hand over a fresh copy of it per entry).
    """
    if _EVENT_TWIN is None:
        return _BUILD_EVENT(event.ts, kind, event)
    entry = _EVENT_TWIN()  # what _BUILD_EVENT does, written out: one call less for every order and fill journaled
    entry.ts = event.ts
    entry.kind = kind
    entry.payload = event
    entry.__class__ = _EVENT_ENTRY
    return entry  # type: ignore[no-any-return]


@attrs.frozen(slots=True)
class Notification:
    """A message for the trader (trade executed, daily summary, alert, advice); ``image_png`` a chart, if any."""

    ts: int = attrs.field(converter=to_ns)
    level: AlertLevel
    title: str = attrs.field(validator=non_empty)
    body: str = ""
    image_png: bytes = attrs.field(default=b"", repr=False)
