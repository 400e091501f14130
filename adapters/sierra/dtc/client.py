"""DtcClient: a DTC connection kept alive (heartbeats both ways, watchdog, reconnect with backoff)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.sierra.config import SierraConnectionConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.codec import Message
from adapters.sierra.dtc.logon import DtcSession, open_session
from adapters.sierra.errors import DtcConnectionError, DtcProtocolError

log = logging.getLogger("mia.sierra")
Listener = Callable[[int, dict[str, Any]], None]


Predicate = Callable[[int, dict[str, Any]], bool]


def reply_to(type_id: int, request_id: int, total_field: str = "") -> tuple[Predicate, Predicate]:
    """``match`` and ``done`` for :meth:`DtcClient.request`: messages of ``type_id`` answering ``request_id``,
    complete at MessageNumber = ``total_field`` (or at the first one)."""

    def match(k: int, m: dict[str, Any]) -> bool:
        return k == type_id and m.get("RequestID") == request_id

    def done(k: int, m: dict[str, Any]) -> bool:
        return not total_field or bool(m["MessageNumber"] >= m[total_field])

    return match, done


class _Waiter:
    def __init__(self, match: Callable[[int, dict[str, Any]], bool], done: Callable[[int, dict[str, Any]], bool]):
        self.match, self.done = match, done
        self.messages: list[Message] = []
        self.future: asyncio.Future[list[Message]] = asyncio.get_running_loop().create_future()


class DtcClient:
    """The main-port connection shared by the ``sierra`` broker and feed.

    Messages go to ``listeners`` in arrival order (heartbeats and logoff are handled here).
    ``state_listeners`` hear ``(up, detail)`` on every loss and restore; ``restored``
    coroutines run after a reconnect (the broker reconciles, the feed subscribes again).
    A server that sends nothing for ``heartbeat_timeout`` x ``heartbeat`` seconds, closes
    the socket, or sends bytes that are not DTC is dropped and reconnected with backoff.
    """

    def __init__(self, config: SierraConnectionConfig) -> None:
        self.config = config
        self.listeners: list[Listener] = []
        self.state_listeners: list[Callable[[bool, str], None]] = []
        self.restored: list[Callable[[], Awaitable[None]]] = []
        self.session: DtcSession | None = None
        self.logon: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._waiters: list[_Waiter] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self._users: set[int] = set()
        self._last_rx = 0.0
        self.reconnects = 0
        self.last_problem = ""
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def connected(self) -> bool:
        """True while a logged-on session is open."""
        return self.session is not None

    def next_id(self) -> int:
        """A fresh RequestID / SymbolID for this connection."""
        return next(self._ids)

    async def acquire(self, user: object) -> None:
        """Connect on the first user; later users share the session."""
        self._users.add(id(user))
        if self.session is not None and self._loop is not asyncio.get_running_loop():
            self._abandon()  # opened on another event loop (a new asyncio.run): start over on this one
        if self.session is None and not self._tasks:
            await self.connect()

    async def release(self, user: object) -> None:
        """Close when the last user leaves."""
        self._users.discard(id(user))
        if not self._users:
            await self.aclose()

    async def connect(self) -> None:
        """Open the session (raises :class:`DtcConnectionError` with what to do); start heartbeats."""
        self._closing = False
        self._start(await open_session(self.config))

    def _start(self, session: DtcSession) -> None:
        self.session, self.logon = session, session.logon
        self._last_rx = time.monotonic()
        loop = self._loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._read(session)), loop.create_task(self._heartbeat(session))]
        for type_id, values in session.pending:
            self._dispatch(type_id, values)

    def send(self, type_id: int, values: dict[str, Any]) -> None:
        """Send one message now; raise :class:`DtcConnectionError` while disconnected."""
        if self.session is None:
            raise DtcConnectionError(f"not connected to the DTC server at {self.config.host}:{self.config.port}")
        self.session.send(type_id, values)

    async def request(self, type_id: int, values: dict[str, Any], match: Callable[[int, dict[str, Any]], bool],
                      done: Callable[[int, dict[str, Any]], bool], timeout: float | None = None) -> list[Message]:
        """Send a request; return the answering messages (those ``match`` accepts) up to the one ``done`` accepts."""
        waiter = _Waiter(match, done)
        self._waiters.append(waiter)
        try:
            self.send(type_id, values)
            limit = self.config.request_timeout if timeout is None else timeout
            return await asyncio.wait_for(waiter.future, limit)
        except TimeoutError:
            raise DtcConnectionError(
                f"the DTC server at {self.config.host}:{self.config.port} did not answer message type {type_id} "
                f"within {limit:.0f} s"
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    async def round_trip(self) -> None:
        """Return once every message the server sent before now has been dispatched (trade accounts request)."""
        rid = self.next_id()
        await self.request(t.TRADE_ACCOUNTS_REQUEST, {"RequestID": rid},
                           lambda k, m: k == t.TRADE_ACCOUNT_RESPONSE and m["RequestID"] == rid,
                           lambda k, m: m["MessageNumber"] >= m["TotalNumberMessages"])

    # --- reading, heartbeats, loss --------------------------------------------------------

    def _dispatch(self, type_id: int, values: dict[str, Any]) -> None:
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.match(type_id, values):
                waiter.messages.append((type_id, values))
                if waiter.done(type_id, values):
                    waiter.future.set_result(waiter.messages)
        for listener in self.listeners:
            listener(type_id, values)

    async def _read(self, session: DtcSession) -> None:
        try:
            while True:
                data = await session.reader.read(65536)
                if not data:
                    self._lost(session, "the DTC server closed the connection")
                    return
                self._last_rx = time.monotonic()
                for type_id, values in session.codec.feed(data):
                    if type_id == t.HEARTBEAT:
                        continue
                    if type_id == t.LOGOFF:
                        reason = values["Reason"] or "no reason given"
                        retry = not values["DoNotReconnect"]
                        self._lost(session, f"the DTC server logged MIA off: {reason}", retry=retry)
                        return
                    self._dispatch(type_id, values)
        except DtcProtocolError as exc:
            self._lost(session, f"{exc}; dropping the connection")
        except (ConnectionError, OSError) as exc:
            self._lost(session, f"the DTC connection failed: {exc}")

    async def _heartbeat(self, session: DtcSession) -> None:
        interval = self.config.heartbeat
        limit = interval * self.config.heartbeat_timeout
        tick = min(interval, 1.0)
        sent = time.monotonic()
        while self.session is session:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if now - self._last_rx > limit:
                self._lost(session, f"no heartbeat or message from the DTC server for {now - self._last_rx:.0f} s "
                                    f"(heartbeat {interval} s)")
                return
            if now - sent >= interval:
                sent = now
                with contextlib.suppress(Exception):
                    session.send(t.HEARTBEAT, {"NumDroppedMessages": 0, "CurrentDateTime": int(time.time())})

    def _lost(self, session: DtcSession, detail: str, retry: bool = True) -> None:
        if self.session is not session:
            return
        session.close()
        self.session = None
        self.last_problem = detail
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        self._tasks = []
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(DtcConnectionError(detail))
        if self._closing:
            return
        log.warning("Sierra Chart DTC: %s", detail)
        for listener in self.state_listeners:
            listener(False, detail)
        if retry:
            self._tasks = [asyncio.get_running_loop().create_task(self._reconnect())]
        else:
            log.error("Sierra Chart DTC: the server asked MIA not to reconnect")

    async def _reconnect(self) -> None:
        delay = self.config.reconnect_initial_delay
        while not self._closing:
            await asyncio.sleep(delay)
            try:
                session = await open_session(self.config)
            except (DtcConnectionError, DtcProtocolError) as exc:
                self.last_problem = str(exc)
                log.warning("Sierra Chart DTC: reconnect failed (%s); next try in %.1f s", exc, delay)
                delay = min(delay * 2, self.config.reconnect_max_delay)
                continue
            self.reconnects += 1
            self._tasks = []
            self._start(session)
            log.info("Sierra Chart DTC: reconnected to %s:%s", self.config.host, self.config.port)
            for listener in self.state_listeners:
                listener(True, "reconnected")
            for callback in self.restored:
                await callback()
            return

    def _abandon(self) -> None:
        if self.session is not None:
            self.session.close()
        for task in self._tasks:
            task.cancel()
        self.session, self._tasks = None, []

    def close(self) -> None:
        """Send LOGOFF (best effort) and close now; stop reconnecting. Idempotent; for the composition root."""
        self._closing = True
        session = self.session
        if session is not None:
            with contextlib.suppress(Exception):
                session.send(t.LOGOFF, {"Reason": "MIA is closing", "DoNotReconnect": 1})
            self._lost(session, "closed by MIA")
        self._abandon()

    async def aclose(self) -> None:
        """:meth:`close`, after the LOGOFF is flushed, waiting for the heartbeat and reader tasks to end."""
        self._closing = True  # the server may close first once it has read the LOGOFF
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        session = self.session
        if session is not None:
            with contextlib.suppress(Exception):
                session.send(t.LOGOFF, {"Reason": "MIA is closing", "DoNotReconnect": 1})
                await asyncio.wait_for(session.writer.drain(), 2.0)
        self.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
