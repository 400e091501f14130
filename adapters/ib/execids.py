"""Executions a restarted IB Gateway gave an id already used: kept apart instead of dropped by ib_async."""

from __future__ import annotations

from typing import Any

from ib_async import IB, Contract, Execution
from ib_async import Fill as IbFill


def identity(execution: Execution) -> tuple[Any, ...]:
    """What tells one execution from another that a restarted Gateway gave the same id."""
    e = execution
    return e.clientId, e.orderId, e.permId, e.orderRef, e.side, e.shares, e.price, e.time


class ExecutionLog:
    """Every distinct execution the IB connection was told of, whatever its id.

    ib_async keeps executions (any client's, listed at connect) by id and silently drops
    a later one with an id it holds; a restarted Gateway hands ids out again, so an
    execution of ours could be lost behind another session's or an older one of ours.
    Installed on the ``IB`` object before it connects: an execution that differs from the
    one ib_async holds under its id (client, order, permId, orderRef, side, shares, price,
    time) replaces it there (so its live events and commission report reach MIA), and each
    one is kept in :attr:`fills` (the same execution listed again is not added twice).
    """

    def __init__(self, ib: IB) -> None:
        self.fills: list[IbFill] = []
        self._seen: set[tuple[Any, ...]] = set()
        wrapper = ib.wrapper
        original = wrapper.execDetails

        def exec_details(req_id: int, contract: Contract, execution: Execution) -> None:
            known = wrapper.fills.get(execution.execId)
            if known is not None and identity(known.execution) != identity(execution):
                del wrapper.fills[execution.execId]
            original(req_id, contract, execution)
            stored = wrapper.fills.get(execution.execId)
            key = (execution.execId, *identity(execution))
            if stored is not None and key not in self._seen:
                self._seen.add(key)
                self.fills.append(stored)

        wrapper.execDetails = exec_details  # type: ignore[method-assign]
