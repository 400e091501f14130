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


@attrs.frozen(slots=True)
class Notification:
    """A message for the trader (trade executed, daily summary, alert, advice)."""

    ts: int = attrs.field(converter=to_ns)
    level: AlertLevel
    title: str = attrs.field(validator=non_empty)
    body: str = ""
