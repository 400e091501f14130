"""One ib_async connection per host/port/client id, kept alive: backoff reconnects, fault reports, callbacks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import weakref
from collections.abc import Awaitable, Callable

from ib_async import IB

from adapters.ib.config import IbConnectionConfig
from adapters.ib.errors import (
    CONNECTIVITY_LOST,
    CONNECTIVITY_RESTORED,
    RESUBSCRIBE,
    IbConnectionError,
    Severity,
    describe,
    explain_connect_failure,
    severity,
)
from adapters.ib.execids import ExecutionLog
from adapters.ib.startup import StartupWatch
from mia_core.events import ConnectionChanged, ConnectionState
from ports.clock import Clock

log = logging.getLogger("mia.ib")
_LOGGERS = (
    "ib_async", "ib_async.ib", "ib_async.client", "ib_async.wrapper", "ib_async.Decoder", "mia.ib",
    "eventkit.event",  # logs the values (trades, orders: account ids) of an event whose handler raised
)


ACCOUNT_ID = re.compile(r"\b(?:DU|DF|U|F)\d{5,9}\b")  # IB's paper, live and advisor account ids


class AccountRedactor(logging.Filter):
    """Masks account ids in log records (ib_async logs whole orders and account values, ids included).

    Anything shaped like an IB account id is masked, and so is every id seen in the
    configuration or reported by TWS, before the record reaches any handler.
    """

    def __init__(self) -> None:
        super().__init__()
        self.accounts: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with account ids masked; never drops a record."""
        text = record.getMessage()
        masked = self.mask(text)
        if masked != text:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:  # a traceback's messages can hold ids too (orders in reprs)
            record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True

    def mask(self, text: str) -> str:
        """``text`` with every account id (shaped like one, configured or reported by TWS) masked."""
        masked = ACCOUNT_ID.sub(lambda m: mask_account(m.group(0)), text)
        for account in self.accounts:
            masked = masked.replace(account, mask_account(account))
        return masked


def mask_account(account: str) -> str:
    """An account id with only its first two and last two characters shown."""
    return account[:2] + "*" * max(len(account) - 4, 0) + account[-2:] if len(account) > 4 else "*" * len(account)


REDACTOR = AccountRedactor()
for _name in _LOGGERS:
    _logger = logging.getLogger(_name)
    if REDACTOR not in _logger.filters:
        _logger.addFilter(REDACTOR)


class RelayedByMia(logging.Filter):
    """Drops ib_async's own line for an IB error or status message while an :class:`IbConnection` exists.

    Each connection logs every such message itself, explained and with the contract it
    concerns; ib_async's ``Warning 2104, reqId -1: ...`` line would say it a second time.
    """

    LINE = re.compile(r"(?:Warning|Error) -?\d+, reqId -?\d+: ")

    def __init__(self) -> None:
        super().__init__()
        self.connections: weakref.WeakSet[IbConnection] = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        """False for ib_async's line of an IB message a live connection reports."""
        return not (len(self.connections) and self.LINE.match(record.getMessage()))


RELAYED = RelayedByMia()
_wrapper_log = logging.getLogger("ib_async.wrapper")
if RELAYED not in _wrapper_log.filters:
    _wrapper_log.addFilter(RELAYED)

Restored = Callable[[bool], Awaitable[None]]
"""Called after the link is back; the flag is True when market data must be requested again."""


class IbConnection:
    """Owns an ``ib_async.IB``; connects on demand and reconnects with exponential backoff after a drop.

    A drop is a closed socket (TWS/Gateway restart, the nightly reset, a network
    fault) or IB code 1100 (TWS lost IB's servers). If the link stays down longer
    than ``disconnect_alert_after`` seconds, a :class:`ConnectionChanged` LOST event
    (stamped with the moment the link went down) goes to every state listener, and
    RESTORED once it is back; shorter drops are only logged. Users register
    ``on_restored`` callbacks to resubscribe and reconcile.
    """

    def __init__(self, config: IbConnectionConfig, clock: Clock, ib: IB | None = None) -> None:
        if config.account:
            REDACTOR.accounts.add(config.account)
        self.config = config
        self.clock = clock
        self.ib = ib or IB()
        self.ib.RequestTimeout = config.request_timeout
        self.executions = ExecutionLog(self.ib)  # before any connect: executions with reused ids are kept
        self.users: set[object] = set()
        self.state_listeners: list[Callable[[ConnectionChanged], None]] = []
        self.restored_callbacks: list[Restored] = []
        self.last_error: tuple[int, str] | None = None
        self.reconnects = 0
        self._wanted = False
        self._down_since: int | None = None
        self._alerted = False
        self._alert_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None
        self.ib.disconnectedEvent += self._on_disconnected
        self.ib.errorEvent += self._on_error
        RELAYED.connections.add(self)

    @property
    def connected(self) -> bool:
        """True while the API session is up."""
        return bool(self.ib.isConnected())

    @property
    def link_up(self) -> bool:
        """True when connected and IB has not reported lost connectivity (1100) since."""
        return self.connected and self._down_since is None

    @property
    def account(self) -> str:
        """The configured account, or the single managed account once connected ('' if unknown)."""
        if self.config.account:
            return self.config.account
        accounts = self.ib.managedAccounts() if self.connected else []
        return accounts[0] if len(accounts) == 1 else ""

    async def acquire(self, user: object) -> None:
        """Register ``user`` and make sure the connection is up (raises IbConnectionError with what to do)."""
        self.users.add(user)
        self._wanted = True
        await self.ensure_connected()

    async def release(self, user: object) -> None:
        """Forget ``user``; the last one out disconnects. Idempotent."""
        self.users.discard(user)
        if not self.users:
            self.close()

    async def ensure_connected(self) -> None:
        """Connect unless connected; one attempt, bounded by ``connect_timeout``."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.connected:
                return
            await self._connect_once()

    async def _connect_once(self) -> None:
        cfg = self.config
        conn = self.ib.client.conn
        self.last_error = None  # a 326 from an earlier attempt must not explain this one's failure
        if conn.transport is not None and not self.connected:
            # a socket closed on an event loop that no longer runs never reports its end; forget it
            with contextlib.suppress(Exception):
                conn.transport.abort()
            conn.reset()
        watch = StartupWatch(self.ib)
        try:
            await watch.run(
                self.ib.connectAsync(
                    cfg.host, cfg.port, clientId=cfg.client_id, timeout=cfg.connect_timeout, account=cfg.account
                )
            )
        except (OSError, TimeoutError, ConnectionError) as exc:
            if self.last_error and self.last_error[0] == 326:
                raise IbConnectionError(describe(326, self.last_error[1])) from exc
            known = watch.explain(f"{cfg.host}:{cfg.port}", cfg.connect_timeout)
            raise IbConnectionError(
                known or explain_connect_failure(exc, cfg.host, cfg.port, cfg.client_id)
            ) from exc
        REDACTOR.accounts.update(a for a in (cfg.account, *self.ib.managedAccounts()) if a)
        if cfg.market_data_type != "realtime":
            self.ib.reqMarketDataType(cfg.market_data_type_code)
        log.info("connected to IB at %s:%s as client %s", cfg.host, cfg.port, cfg.client_id)

    def close(self) -> None:
        """Disconnect and stop reconnecting (what the composition root calls at shutdown)."""
        self._wanted = False
        for task in (self._reconnect_task, self._alert_task):
            if task is not None and not task.done():
                task.cancel()
        self._reconnect_task = self._alert_task = None
        # a deliberate close ends the outage being watched: the next connect starts with the link up
        self._down_since, self._alerted = None, False
        if self.connected:
            self.ib.disconnect()

    # --- faults -------------------------------------------------------------------------

    def _on_error(self, req_id: int, code: int, message: str, contract: object = None) -> None:
        self.last_error = (code, message)
        level = severity(code)
        text = describe(code, message)
        if level is Severity.INFO:
            log.info("%s", text)
        elif level is Severity.CONNECTION or level is Severity.WARNING:
            log.warning("%s", text)
        else:
            about = getattr(contract, "localSymbol", "") or getattr(contract, "symbol", "")
            log.error("request %s%s: %s", req_id, f" ({about})" if about else "", text)
        if code in CONNECTIVITY_LOST:
            self._went_down(text)
        elif code in CONNECTIVITY_RESTORED:
            self._came_back(resubscribe=code in RESUBSCRIBE)

    def _on_disconnected(self) -> None:
        if not self._wanted:
            return
        self._went_down("socket to TWS/IB Gateway closed")
        if self._reconnect_task is None or self._reconnect_task.done():
            with contextlib.suppress(RuntimeError):  # no running loop: nothing to reconnect from
                self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    def _went_down(self, detail: str) -> None:
        if self._down_since is not None:
            return
        self._down_since = self.clock.now_ns()
        log.warning("IB link down: %s", detail)
        with contextlib.suppress(RuntimeError):
            self._alert_task = asyncio.get_running_loop().create_task(self._alert_after(detail))

    async def _alert_after(self, detail: str) -> None:
        await asyncio.sleep(self.config.disconnect_alert_after)
        if self._down_since is None:
            return
        self._alerted = True
        seconds = (self.clock.now_ns() - self._down_since) / 1e9
        # stamped when the link went down, so the catastrophe monitor measures the whole outage
        self._emit(ConnectionState.LOST, f"no connection to IB for {seconds:.0f} s ({detail})", self._down_since)

    def _came_back(self, resubscribe: bool) -> None:
        if self._down_since is None:
            return
        down_for = (self.clock.now_ns() - self._down_since) / 1e9
        self._down_since = None
        if self._alert_task is not None:
            self._alert_task.cancel()
            self._alert_task = None
        if self._alerted:
            self._alerted = False
            self._emit(ConnectionState.RESTORED, f"connection to IB restored after {down_for:.0f} s")
        log.info("IB link back after %.1f s", down_for)
        for callback in list(self.restored_callbacks):
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(_guarded(callback(resubscribe)))

    async def _reconnect(self) -> None:
        delay = self.config.reconnect_initial_delay
        while self._wanted and not self.connected:
            await asyncio.sleep(delay)
            try:
                await self.ensure_connected()
            except IbConnectionError as exc:
                log.warning("reconnect failed (next try in %.0f s): %s", delay, exc)
                delay = min(delay * 2, self.config.reconnect_max_delay)
                continue
            except Exception:  # odd data or an ib_async bug must not end the reconnect loop for the session
                log.exception("reconnect failed unexpectedly (next try in %.0f s)", delay)
                delay = min(delay * 2, self.config.reconnect_max_delay)
                continue
            self.reconnects += 1
            self._came_back(resubscribe=True)

    def _emit(self, state: ConnectionState, detail: str, ts: int | None = None) -> None:
        event = ConnectionChanged(self.clock.now_ns() if ts is None else ts, "ib", state, detail)
        log.warning("%s: %s", state.value, detail)
        for listener in list(self.state_listeners):
            listener(event)


async def _guarded(awaitable: Awaitable[None]) -> None:
    try:
        await awaitable
    except Exception:  # a failing resubscription must not kill the loop; it is logged
        log.exception("after reconnect")
