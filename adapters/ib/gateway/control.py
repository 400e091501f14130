"""A loopback control port for a simulated gateway in another process: faults on demand, and its ledger."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.ib.gateway.server import LOOPBACK, SimulatedGateway

Op = Callable[[SimulatedGateway, dict[str, Any]], Awaitable[dict[str, Any]]]


def ledger(gw: SimulatedGateway) -> dict[str, Any]:
    """The account as the gateway knows it: every order received, every execution, positions, cash."""
    orders = [
        {"client_id": o.client_id, "order_id": o.order_id, "perm_id": o.perm_id, "order_ref": o.order_ref,
         "action": o.action, "quantity": o.quantity, "order_type": o.order_type, "status": o.status,
         "filled": o.filled, "parent_id": o.parent_id, "epoch": o.epoch, "symbol": o.spec.symbol}
        for o in gw.orders_desk.received
    ]
    executions = [
        {"exec_id": e.exec_id, "client_id": e.order.client_id, "order_id": e.order.order_id,
         "perm_id": e.order.perm_id, "order_ref": e.order.order_ref, "side": e.side, "shares": e.shares,
         "price": e.price, "commission": e.commission, "time": e.time.isoformat(), "epoch": e.order.epoch,
         "symbol": e.order.spec.symbol, "local_symbol": e.order.spec.local_symbol}
        for e in gw.executions
    ]
    positions = {h.spec.local_symbol or h.spec.symbol: {"root": h.spec.root, "quantity": h.quantity,
                                                        "avg_price": h.avg_price}
                 for h in gw.ledger.holdings.values()}
    return {"orders": orders, "executions": executions, "positions": positions, "cash": gw.ledger.cash,
            "starting_cash": gw.ledger.starting_cash, "commissions": gw.ledger.commissions,
            "realized": gw.ledger.realized, "restarts": gw.restarts, "port": gw.port,
            "clients": sorted(s.client_id for s in gw.sessions if s.ready and not s.closed and s.client_id is not None),
            "subscribed": sorted(s.client_id for s in gw.sessions
                                 if s.ready and not s.closed and s.client_id is not None and s.subscriptions),
            "prices": {root: book.last for root, book in gw.quotes.books.items()},
            "faults": {"fill_delay_ms": gw.faults.fill_delay * 1000, "drop_next_order": gw.faults.drop_next_order}}


async def _restart(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    await gw.restart(float(a.get("downtime", 1.0)), rollback=bool(a.get("rollback", False)),
                     reuse_exec_ids=bool(a.get("reuse_exec_ids", False)))
    return {"restarts": gw.restarts}


async def _drop(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    await gw.drop_connections()
    return {}


async def _drop_next_order(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    gw.drop_next_order(str(a.get("moment", "before_ack")))
    return {}


async def _delay_fills(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    gw.delay_fills(float(a.get("ms", 0.0)))
    return {}


async def _walk(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    gw.walk(float(a.get("interval", 0.5)), int(a.get("seed", 7)))
    return {}


async def _set_price(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    book = gw.set_price(str(a["root"]), float(a["price"]))
    return {"last": book.last}


async def _manual_trade(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    o = gw.manual_trade(str(a["local_symbol"]), float(a["quantity"]))
    return {"order_id": o.order_id, "status": o.status}


async def _cancel_orders(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    client_id = a.get("client_id")
    return {"cancelled": gw.cancel_orders(None if client_id is None else int(client_id))}


async def _ledger(gw: SimulatedGateway, a: dict[str, Any]) -> dict[str, Any]:
    return ledger(gw)


OPS: dict[str, Op] = {"restart": _restart, "drop": _drop, "drop_next_order": _drop_next_order,
                      "delay_fills": _delay_fills, "walk": _walk, "set_price": _set_price, "ledger": _ledger,
                      "manual_trade": _manual_trade, "cancel_orders": _cancel_orders}


class ControlServer:
    """Serves :data:`OPS` for ``gateway`` on a loopback port (``port=0``: a free one, read :attr:`port`).

    One JSON object per line each way: ``{"op": "restart", "downtime": 1, "rollback": true}``
    is answered ``{"ok": true, ...}`` (or ``{"ok": false, "error": "..."}``) once done.
    Operations: ``restart`` (downtime, rollback, reuse_exec_ids), ``drop`` (every
    connection now), ``drop_next_order`` (moment), ``delay_fills`` (ms), ``walk``
    (interval, seed), ``set_price`` (root, price), ``manual_trade`` (local_symbol,
    quantity: an order typed into TWS), ``cancel_orders`` (client_id: working orders
    cancelled in TWS), ``ledger`` (orders, executions, positions, cash, connected clients:
    :func:`ledger`). :func:`control` is the client.
    """

    def __init__(self, gateway: SimulatedGateway, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"gateway control port: listen on a loopback address (127.0.0.1), not {host!r}")
        self.gateway, self.host, self.requested_port = gateway, host, port
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Start listening."""
        self._server = await asyncio.start_server(self._serve, self.host, self.requested_port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                writer.write((json.dumps(await self.answer(line), default=str) + "\n").encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def answer(self, line: bytes) -> dict[str, Any]:
        """Run one request line; errors are answered, never raised."""
        try:
            request = json.loads(line)
            op = OPS.get(str(request.get("op")))
            if op is None:
                return {"ok": False, "error": f"unknown op {request.get('op')!r}; known: {', '.join(sorted(OPS))}"}
            return {"ok": True, **await op(self.gateway, request)}
        except Exception as exc:  # a bad request must not stop the gateway
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def control(port: int, op: str, host: str = "127.0.0.1", timeout: float = 30.0, **args: Any) -> dict[str, Any]:
    """Send one operation to a gateway's control port and return its answer; RuntimeError if it failed."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall((json.dumps({"op": op, **args}) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    answer: dict[str, Any] = json.loads(data)
    if not answer.get("ok"):
        raise RuntimeError(f"simulated gateway control {op!r} on {host}:{port}: {answer.get('error')}")
    return answer
