"""Commands: what the engine asks its shell to carry out."""

from __future__ import annotations

import enum

import attrs

from mia_core.instruments import Instrument
from mia_core.orders import OrderIntent
from mia_core.validation import fail, non_empty


@attrs.frozen(slots=True)
class SubmitOrder:
    """Send a new order (with its bracket children, if any)."""

    intent: OrderIntent


@attrs.frozen(slots=True)
class CancelOrder:
    """Cancel a working order by id."""

    order_id: str = attrs.field(validator=non_empty)
    reason: str = ""


@attrs.frozen(slots=True)
class ModifyOrder:
    """Change a working order's size or prices; ``None`` leaves a field as it is."""

    order_id: str = attrs.field(validator=non_empty)
    quantity: int | None = None
    limit_price: float | None = None
    stop_price: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.quantity is None and self.limit_price is None and self.stop_price is None:
            fail(self, "quantity", None, "a modification must change at least one field")
        if self.quantity is not None and self.quantity < 1:
            fail(self, "quantity", self.quantity, "must be at least 1")


@attrs.frozen(slots=True)
class FlattenPosition:
    """Cancel working orders and close the position in ``instrument`` at market."""

    instrument: Instrument
    reason: str = attrs.field(validator=non_empty)


class AlertLevel(enum.Enum):
    """How loudly to say it."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@attrs.frozen(slots=True)
class RaiseAlert:
    """Tell the trader something (through the notifiers)."""

    level: AlertLevel
    message: str = attrs.field(validator=non_empty)


Command = SubmitOrder | CancelOrder | ModifyOrder | FlattenPosition | RaiseAlert
