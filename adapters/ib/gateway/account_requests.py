"""Account requests: positions, account updates, summary, multi, P&L; and the pushes after fills and marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.ib.gateway.account import (
    account_value_messages,
    multi_messages,
    pnl_fields,
    pnl_single_fields,
    portfolio_fields,
    position_fields,
    summary_messages,
)
from adapters.ib.gateway.codec import Fields

if TYPE_CHECKING:
    from adapters.ib.gateway.catalog import ContractSpec
    from adapters.ib.gateway.session import ClientSession, Gateway


def req_positions(session: ClientSession, f: Fields) -> None:
    """61|1 -> position* + positionEnd; later fills push fresh positions (a subscription)."""
    gw = session.gateway
    session.positions_subscribed = True
    for h in gw.ledger.holdings.values():
        session.send(position_fields(gw.account, h))
    session.send([62, 1])


def cancel_positions(session: ClientSession, f: Fields) -> None:
    """64|1: stop position pushes."""
    session.positions_subscribed = False


def req_account_updates(session: ClientSession, f: Fields) -> None:
    """6|2|subscribe|account -> values, portfolio, time, accountDownloadEnd (or unsubscribe)."""
    f.skip()
    subscribe = f.bool("subscribe")
    account = f.str("acctCode") or session.gateway.account
    session.account_updates_subscribed = subscribe
    if not subscribe:
        return
    gw = session.gateway
    if account != gw.account:
        session.send_error(-1, 321, f"Error validating request: unknown account {account!r}")
        return
    for message in account_value_messages(gw.ledger, gw.now().strftime("%H:%M")):
        session.send(message)
    session.send([54, 1, gw.account])


def req_account_summary(session: ClientSession, f: Fields) -> None:
    """62|1|reqId|group|tags -> accountSummary* + accountSummaryEnd."""
    f.skip()
    req_id = f.int("reqId")
    f.str("groupName")
    tags = f.str("tags")
    for message in summary_messages(session.gateway.ledger, req_id, tags):
        session.send(message)


def req_account_updates_multi(session: ClientSession, f: Fields) -> None:
    """76|1|reqId|account|modelCode|ledgerAndNLV -> accountUpdateMulti* + end."""
    f.skip()
    req_id = f.int("reqId")
    for message in multi_messages(session.gateway.ledger, req_id):
        session.send(message)


def ignore(session: ClientSession, f: Fields) -> None:
    """A request that needs no answer here (cancels of one-shot requests, reqAutoOpenOrders ...)."""


def req_managed_accounts(session: ClientSession, f: Fields) -> None:
    """17|1 -> managedAccounts."""
    session.send([15, 1, session.gateway.account])


def req_pnl(session: ClientSession, f: Fields) -> None:
    """92|reqId|account|modelCode -> pnl now and after every fill or price change."""
    req_id = f.int("reqId")
    session.pnl_subscriptions[req_id] = None
    session.send(pnl_fields(session.gateway.ledger, req_id))


def req_pnl_single(session: ClientSession, f: Fields) -> None:
    """94|reqId|account|modelCode|conId -> pnlSingle now and on changes."""
    req_id = f.int("reqId")
    f.str("account")
    f.str("modelCode")
    con_id = f.int("conId")
    session.pnl_subscriptions[req_id] = con_id
    session.send(pnl_single_fields(session.gateway.ledger, req_id, con_id))


def cancel_pnl(session: ClientSession, f: Fields) -> None:
    """93|reqId or 95|reqId: stop that P&L stream."""
    session.pnl_subscriptions.pop(f.int("reqId"), None)


def push_after_fill(gw: Gateway, spec: ContractSpec) -> None:
    """Fresh position (61) to position subscribers, portfolio and values to account subscribers, P&L."""
    h = gw.ledger.holdings.get(spec.con_id)
    for session in list(gw.sessions):
        if not session.ready:
            continue
        if session.positions_subscribed and h is not None:
            session.send(position_fields(gw.account, h))
        if session.account_updates_subscribed:
            for message in account_value_messages(gw.ledger, gw.now().strftime("%H:%M")):
                session.send(message)
    push_pnl(gw)


def push_marks(gw: Gateway, root: str) -> None:
    """After a price change: portfolio lines of that root's holdings and the P&L streams."""
    held = [h for h in gw.ledger.holdings.values() if h.spec.root == root and h.quantity]
    if not held:
        return
    for session in list(gw.sessions):
        if session.ready and session.account_updates_subscribed:
            for h in held:
                session.send(portfolio_fields(gw.ledger, h))
    push_pnl(gw)


def push_pnl(gw: Gateway) -> None:
    """Every P&L subscription's current figures."""
    for session in list(gw.sessions):
        for req_id, con_id in list(session.pnl_subscriptions.items()):
            if con_id is None:
                session.send(pnl_fields(gw.ledger, req_id))
            else:
                session.send(pnl_single_fields(gw.ledger, req_id, con_id))
