"""Journal entries and notifications: what the system records and says."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mia_core.commands import AlertLevel
from mia_core.timeutil import to_ns
from mia_core.validation import non_empty


def _readonly(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class JournalEntry:
    """One recorded fact: ``kind`` (signal, risk, order, fill, alert, ...) and its data."""

    ts: int = attrs.field(converter=to_ns)
    kind: str = attrs.field(validator=non_empty)
    payload: Mapping[str, Any] = attrs.field(factory=dict, converter=_readonly)


_new = object.__new__
_put = object.__setattr__


def record(ts: int, kind: str, payload: dict[str, Any]) -> JournalEntry:
    """A :class:`JournalEntry` from values the engine produced itself, built without re-checking them.

    ``ts`` must already be integer UTC ns, ``kind`` non-empty and ``payload`` a fresh dict
    nobody else holds (it is wrapped read-only, not copied). Outside data goes through
    ``JournalEntry(...)``, which converts and validates.
    """
    entry = _new(JournalEntry)
    _put(entry, "ts", ts)
    _put(entry, "kind", kind)
    _put(entry, "payload", MappingProxyType(payload))
    return entry


@attrs.frozen(slots=True)
class Notification:
    """A message for the trader (trade executed, daily summary, alert, advice)."""

    ts: int = attrs.field(converter=to_ns)
    level: AlertLevel
    title: str = attrs.field(validator=non_empty)
    body: str = ""
