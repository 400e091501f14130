"""What a broker reports of the account at one moment, and how reconciliation is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from mia_core.timeutil import to_ns
from mia_core.validation import within


@attrs.frozen
class ReconcileConfig:
    """The ``reconcile`` section: when paper and live sessions compare their books with the broker's.

    The engine's position and working orders are compared with the broker's on every
    connect and reconnect and every ``interval_seconds`` (0: only on connects). A
    position difference that booking the broker's executions does not explain is a
    mismatch once it has been seen on ``confirm_checks`` checks in a row with no fill
    still on its way; then the catastrophe monitor latches, the difference is journaled
    and alerted, and with ``on_mismatch: flatten`` the position the broker holds is closed.

    ``account: shared`` is for an account other programs or sessions also trade (another
    MIA system under another client id, a human in TWS): the broker reports one position
    and one net liquidation value for the whole account, which are not this system's, so
    they are neither compared with its books nor taken as its equity. Its orders and
    executions (recognised by their order reference) are still reconciled: missed fills
    are booked once, orders the broker no longer works are settled.
    """

    enabled: bool = True
    interval_seconds: float = attrs.field(default=30.0, validator=within(0, 86400))
    on_mismatch: Literal["latch", "flatten"] = "latch"
    confirm_checks: int = attrs.field(default=2, validator=within(1, 100))
    account: Literal["dedicated", "shared"] = "dedicated"


@attrs.frozen(slots=True)
class BrokerState:
    """The account at the broker for one instrument: the truth reconciliation compares against.

    ``position`` is signed contracts (``None`` when the broker has not reported
    positions: a missing report is never taken to mean flat), ``average_price`` its
    average entry price when open. ``open_orders`` are the
    ids of MIA's orders still working there; ``executed`` the contracts executed per
    order id of MIA's (today's executions the broker lists); ``in_flight`` counts
    executions the broker has seen but not yet reported as fills (waiting for their
    commission), so the position may legitimately lead the books. ``net_liquidation_cents``
    is the account's value when the broker reports it.
    """

    ts: int = attrs.field(converter=to_ns)
    position: int | None
    open_orders: frozenset[str] = frozenset()
    average_price: float | None = None
    executed: Mapping[str, int] = attrs.Factory(dict)
    in_flight: int = 0
    net_liquidation_cents: int | None = None
