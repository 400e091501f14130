"""Reconciling the Sierra broker with the DTC server: after logon and after every reconnect."""

from __future__ import annotations

from typing import Any, Protocol

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient, Predicate, reply_to
from adapters.sierra.errors import DtcConnectionError
from mia_core.orders import Order


class Reconciled(Protocol):
    """What reconciling needs of the broker (:class:`~adapters.sierra.broker.SierraBroker`)."""

    client: DtcClient
    account_id: str
    orders: dict[str, Order]
    server_ids: dict[str, str]


def _either(first: Predicate, second: Predicate) -> Predicate:
    def match(k: int, m: dict[str, Any]) -> bool:
        return first(k, m) or second(k, m)

    return match


async def reconcile(broker: Reconciled) -> None:
    """Ask for trade accounts, open orders, positions and the balance; the reports update the broker's state."""
    client = broker.client
    rid = client.next_id()
    answers = await client.request(t.TRADE_ACCOUNTS_REQUEST, {"RequestID": rid},
                                   *reply_to(t.TRADE_ACCOUNT_RESPONSE, rid, "TotalNumberMessages"))
    accounts = [m["TradeAccount"] for _, m in answers if m["TradeAccount"]]
    if not broker.account_id and accounts:
        broker.account_id = accounts[0]
    elif broker.account_id and accounts and broker.account_id not in accounts:
        raise DtcConnectionError(f"trade account {broker.account_id!r} is not offered by the DTC server "
                                 f"(it offers {', '.join(accounts)}); set trade_account")
    account = broker.account_id
    rid = client.next_id()
    listed = await client.request(t.OPEN_ORDERS_REQUEST, {"RequestID": rid, "TradeAccount": account},
                                  *reply_to(t.ORDER_UPDATE, rid, "TotalNumMessages"))
    await _catch_up(broker, {m["ClientOrderID"] for _, m in listed})
    rid = client.next_id()
    await client.request(t.CURRENT_POSITIONS_REQUEST, {"RequestID": rid, "TradeAccount": account},
                         *reply_to(t.POSITION_UPDATE, rid, "TotalNumberMessages"))
    rid = client.next_id()
    await client.request(t.ACCOUNT_BALANCE_REQUEST, {"RequestID": rid, "TradeAccount": account},
                         lambda k, m: k in (t.ACCOUNT_BALANCE_UPDATE, t.ACCOUNT_BALANCE_REJECT)
                         and m["RequestID"] == rid, lambda k, m: True)


async def _catch_up(broker: Reconciled, listed: set[str]) -> None:
    """Orders MIA holds as live that the server no longer lists finished while disconnected: ask for each."""
    for oid, order in list(broker.orders.items()):
        server_id = broker.server_ids.get(oid)
        if order.status.is_terminal or oid in listed or not server_id:
            continue
        rid = broker.client.next_id()
        update, done = reply_to(t.ORDER_UPDATE, rid)
        reject, _ = reply_to(t.OPEN_ORDERS_REJECT, rid)
        await broker.client.request(
            t.OPEN_ORDERS_REQUEST,
            {"RequestID": rid, "RequestAllOrders": 0, "ServerOrderID": server_id, "TradeAccount": broker.account_id},
            _either(update, reject), done)
