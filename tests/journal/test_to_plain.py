"""``to_plain`` (made faster for the file journal) gives exactly what the original definition gave."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from adapters.journal.jsonl import to_plain
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.events import FillReceived, OrderUpdated, RiskChecked, SignalGenerated
from mia_core.instruments import Instrument, instrument_for
from mia_core.orders import Bracket, Fill, Order, OrderIntent, OrderSide, OrderStatus, OrderType
from mia_core.signals import Direction, RiskDecision, Signal

ES = instrument_for("ES")


def reference(value: Any) -> Any:
    """The definition before it was made faster (kept as the specification)."""
    if isinstance(value, Instrument):
        return value.symbol
    if attrs.has(type(value)):
        data = {
            f.name: reference(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if not (f.metadata.get("omit_default") and getattr(value, f.name) == f.default)
        }
        return {"type": type(value).__name__, **data}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): reference(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [reference(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_every_kind_of_payload_converts_as_before() -> None:
    intent = OrderIntent(ES, OrderSide.SELL, 2, OrderType.LIMIT, limit_price=5000.25,
                         bracket=Bracket(5010.0, 4980.0), client_ref="a-1", reason="signal_entry")
    values = [
        {"event": OrderUpdated(1, Order("7", intent, OrderStatus.REJECTED, refused_offline=True), OrderStatus.PENDING)},
        {"event": OrderUpdated(1, Order("8", intent, OrderStatus.WORKING))},
        {"event": FillReceived(2, Fill("7", ES, OrderSide.SELL, 2, 5000.25, 2, 450, "E1"))},
        {"event": RiskChecked(3, intent, (RiskDecision.reject("max_position", "too big"),))},
        {"event": SignalGenerated(4, Signal(4, "bn", Direction.LONG, 0.5, components={"a": 1.0}, reason="r"))},
        {"trip": RoundTrip(1, 2, OrderSide.BUY, 1, 5000.0, 5001.0, 5000, 450, 4550, 1, 4, "stop_loss")},
        {"level": "warning", "message": "x", "day": date(2024, 3, 5), "n": [1, (2, 3)], "none": None, "flag": True},
    ]
    for value in values:
        assert to_plain(value) == reference(value)
        assert json.dumps(to_plain(value), default=str) == json.dumps(reference(value), default=str)  # key order too
