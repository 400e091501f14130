"""Scripted faults of the simulated gateway: what state they set and the texts IB sends with them."""

from __future__ import annotations

import collections

import attrs

from adapters.ib.gateway.pacing import PACING_TEXT

MESSAGES = {
    162: PACING_TEXT,
    200: "No security definition has been found for the request",
    326: "Unable to connect as the client id is already in use. Retry with a unique client id.",
    354: "Requested market data is not subscribed.",
    420: "Invalid Real-time Query:Historical data request pacing violation",
    1100: "Connectivity between IB and Trader Workstation has been lost.",
    1101: "Connectivity between IB and Trader Workstation has been restored - data lost.",
    1102: "Connectivity between IB and Trader Workstation has been restored - data maintained.",
    2103: "Market data farm connection is broken:usfarm",
    2104: "Market data farm connection is OK:usfarm",
    2105: "HMDS data farm connection is broken:ushmds",
    2106: "HMDS data farm connection is OK:ushmds",
    2157: "Sec-def data farm connection is broken:secdefil",
    2158: "Sec-def data farm connection is OK:secdefil",
    10197: "No market data during competing live session",
}


@attrs.define
class FaultState:
    """What the scripted faults currently change.

    ``trading_allowed`` is False between 1100 and 1101/1102 (no ticks, no fills);
    ``competing_session`` stops market data (10197); ``not_subscribed`` roots answer market
    data with 354 unless delayed data is asked for; ``history_failures`` are (code, text)
    answers for the next historical requests, in order (``None``: answer that one normally).
    Faults of the API itself (what ``mia ib check`` must explain): ``managed_accounts``
    replaces the account list sent at start-up (``[]``: none); ``handshake_version``
    answers the handshake with that server version whatever the client speaks;
    ``legacy_error_layout`` sends error messages without their last field (the pre-166
    layout ib_async 2.1 cannot decode at 178); ``silent`` request ids are never answered;
    ``texts`` replaces IB's text of an error code (an echo of the account id, say).
    Faults of the account's life (the torture test's): ``fill_delay`` holds each fill that
    many seconds after its order could first fill (the fill is then made at the price of
    that moment, or waits for the next one a limit allows); ``drop_next_order`` closes the
    connection of the next transmitted new order's client, ``"before_ack"`` (the order is
    kept and worked, the client hears nothing of it) or ``"after_ack"`` (its openOrder and
    orderStatus are sent first).
    """

    trading_allowed: bool = True
    competing_session: bool = False
    not_subscribed: set[str] = attrs.field(factory=set)
    history_failures: collections.deque[tuple[int, str] | None] = attrs.field(factory=collections.deque)
    managed_accounts: list[str] | None = None
    handshake_version: int | None = None
    legacy_error_layout: bool = False
    silent: set[int] = attrs.field(factory=set)
    texts: dict[int, str] = attrs.field(factory=dict)
    fill_delay: float = 0.0
    drop_next_order: str = ""


DROP_MOMENTS = ("before_ack", "after_ack")


def text_for(code: int, message: str | None) -> str:
    """The message to send with ``code``: the given one, IB's usual text, or a generic one."""
    if message is not None:
        return message
    return MESSAGES.get(code, f"Simulated gateway message {code}")
