"""Market data: reqMktData ticks (streaming and snapshot), tick-by-tick, 5-second bars, market depth.

Streams belong to a session (``session.subscriptions[reqId]``) and are fed by the quotes'
listener: every ``set_price`` sends the changed ticks to each stream of that root. Options
quote Black-Scholes values on their index and carry model greeks (tickOptionComputation 13).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from typing import TYPE_CHECKING

import attrs

from adapters.ib.gateway.catalog import ContractSpec
from adapters.ib.gateway.codec import Field, Fields
from adapters.ib.gateway.contracts import NO_DEFINITION, read_contract, resolve_one, resolve_or_refuse
from adapters.ib.gateway.quotes import Book, option_theory

if TYPE_CHECKING:
    from adapters.ib.gateway.session import ClientSession

LIVE = {"bid": 1, "ask": 2, "last": 4, "high": 6, "low": 7, "close": 9, "open": 14, "volume": 8}
DELAYED = {"bid": 66, "ask": 67, "last": 68, "high": 72, "low": 73, "close": 75, "open": 76, "volume": 74}
TICK_BY_TICK = {"LAST": 1, "ALLLAST": 2, "BIDASK": 3, "MIDPOINT": 4}


@attrs.define(eq=False)
class Stream:
    """One subscription: what it streams and for which contract."""

    req_id: int
    kind: str  # "mkt", "tbt", "bars", "depth"
    spec: ContractSpec
    option: str = ""  # tick-by-tick type, depth rows as text, ...
    rows: int = 0
    task: asyncio.Task[None] | None = None

    def cancel(self) -> None:
        """Stop its timer task, if any."""
        if self.task is not None:
            self.task.cancel()


def _epoch(session: ClientSession) -> int:
    return int(session.gateway.now().timestamp())


def _size_ok(session: ClientSession, req_id: int, spec: ContractSpec) -> bool:
    """Whether data may flow: 354 for a root marked not subscribed, 10197 during a competing session."""
    faults = session.gateway.faults
    if spec.root in faults.not_subscribed and session.market_data_type == 1:
        session.send_error(req_id, 354, "Requested market data is not subscribed. Displaying delayed market data.")
        return False
    if faults.competing_session:
        session.send_error(req_id, 10197, "No market data during competing live session")
        return False
    return True


def quote_ticks(session: ClientSession, stream: Stream, book: Book, full: bool) -> list[list[Field]]:
    """tickPrice/tickSize/tickString/tickOptionComputation messages for the current state of ``book``."""
    ids = DELAYED if session.market_data_type in (3, 4) else LIVE
    req_id, spec = stream.req_id, stream.spec
    out: list[list[Field]] = []
    if spec.sec_type == "OPT":
        return _option_ticks(session, stream, book, ids, full)
    if book.has_quote and spec.sec_type == "FUT":
        out.append([1, 6, req_id, ids["bid"], book.bid, book.bid_size, 1])
        out.append([1, 6, req_id, ids["ask"], book.ask, book.ask_size, 1])
    out.append([1, 6, req_id, ids["last"], book.last, book.last_size if spec.sec_type == "FUT" else 0, 0])
    out.append([46, 6, req_id, 45, _epoch(session)])
    if spec.sec_type == "FUT":
        out.append([2, 6, req_id, ids["volume"], book.volume])
    out.append([1, 6, req_id, ids["high"], book.high, 0, 0])
    out.append([1, 6, req_id, ids["low"], book.low, 0, 0])
    if full:
        out.append([1, 6, req_id, ids["close"], book.close, 0, 0])
        out.append([1, 6, req_id, ids["open"], book.open, 0, 0])
        if spec.sec_type == "FUT":
            out.append([2, 6, req_id, 86, 2_000_000 + 1000 * (int(spec.contract_month or 0) % 7)])
    return out


def _option_ticks(session: ClientSession, stream: Stream, book: Book, ids: dict[str, int],
                  full: bool) -> list[list[Field]]:
    spec, req_id = stream.spec, stream.req_id
    expiry = dt.datetime.strptime(spec.last_trade, "%Y%m%d").replace(hour=20, tzinfo=dt.UTC)
    years = max((expiry - session.gateway.now()).total_seconds(), 0.0) / (365.25 * 86400)
    theory = option_theory(book.last, spec.strike, years, spec.right)
    half = max(0.05, round(theory.price * 0.01 / 0.05) * 0.05)
    mid = round(theory.price / 0.05) * 0.05
    bid, ask = max(mid - half, 0.05), mid + half
    out: list[list[Field]] = [[1, 6, req_id, ids["bid"], round(bid, 2), 10, 1],
                              [1, 6, req_id, ids["ask"], round(ask, 2), 10, 1],
                              [1, 6, req_id, ids["last"], round(mid, 2), 1, 0],
                              [2, 6, req_id, ids["volume"], 100 + int(spec.strike) % 400],
                              [21, req_id, 13, 0, theory.iv, theory.delta, theory.price, 0.0, theory.gamma,
                               theory.vega, theory.theta, book.last]]
    if full:
        out.append([2, 6, req_id, 27 if spec.right == "C" else 28, 1000 + int(spec.strike) % 900])
    return out


def req_mkt_data(session: ClientSession, f: Fields) -> None:
    """1|11|reqId|C12|dnc...|genericTicks|snapshot|regulatory|options: stream ticks (or one snapshot)."""
    f.skip()
    req_id = f.int("reqId")
    query = read_contract(f)
    if query.sec_type == "BAG":
        session.send_error(req_id, 321, "Error validating request: combo (BAG) market data is not simulated")
        return
    if f.bool("deltaNeutralContract"):
        f.skip(3)
    f.str("genericTickList")
    snapshot = f.bool("snapshot")
    spec = resolve_or_refuse(session, req_id, query)
    if spec is None:
        return
    if not _size_ok(session, req_id, spec):
        return
    stream = Stream(req_id, "mkt", spec)
    session.send([58, 1, req_id, session.market_data_type])
    session.send([81, req_id, spec.min_tick, "9c0001", 3])
    for message in quote_ticks(session, stream, session.gateway.quotes.book(spec.root), full=True):
        session.send(message)
    if snapshot:
        session.send([57, 1, req_id])
    else:
        session.subscriptions[req_id] = stream


def cancel_stream(session: ClientSession, f: Fields) -> None:
    """cancelMktData (2|2|id), cancelMktDepth (11|1|id|smart), cancelRealTimeBars (51|1|id): stop at once."""
    f.skip()
    stream = session.subscriptions.pop(f.int("reqId"), None)
    if stream is not None:
        stream.cancel()


def cancel_tick_by_tick(session: ClientSession, f: Fields) -> None:
    """98|reqId: stop tick-by-tick data."""
    stream = session.subscriptions.pop(f.int("reqId"), None)
    if stream is not None:
        stream.cancel()


def req_market_data_type(session: ClientSession, f: Fields) -> None:
    """59|1|type: 1 live, 2 frozen, 3 delayed, 4 delayed-frozen."""
    f.skip()
    kind = f.int("marketDataType")
    if kind not in (1, 2, 3, 4):
        session.send_error(-1, 321, f"Error validating request: market data type {kind} (1-4 are valid)")
        return
    session.market_data_type = kind


def req_tick_by_tick(session: ClientSession, f: Fields) -> None:
    """97|reqId|C12|tickType|numberOfTicks|ignoreSize: the current tick, then one per change."""
    req_id = f.int("reqId")
    query = read_contract(f)
    kind = f.str("tickType").upper()
    spec = resolve_or_refuse(session, req_id, query)
    if spec is None:
        return
    if kind not in TICK_BY_TICK:
        session.send_error(req_id, 321, f"Error validating request: tick-by-tick type {kind!r} "
                                        "(Last, AllLast, BidAsk, MidPoint are valid)")
        return
    if not _size_ok(session, req_id, spec):
        return
    stream = Stream(req_id, "tbt", spec, option=kind)
    session.subscriptions[req_id] = stream
    session.send(tick_by_tick_fields(session, stream, session.gateway.quotes.book(spec.root)))


def tick_by_tick_fields(session: ClientSession, stream: Stream, book: Book) -> list[Field]:
    """tickByTick (99) of the stream's type for the current book."""
    code = TICK_BY_TICK[stream.option]
    head: list[Field] = [99, stream.req_id, code, _epoch(session)]
    if code in (1, 2):
        return [*head, book.last, book.last_size, 0, stream.spec.exchange, ""]
    if code == 3:
        return [*head, book.bid, book.ask, book.bid_size, book.ask_size, 0]
    return [*head, (book.bid + book.ask) / 2]


def depth_messages(stream: Stream, book: Book, operation: int) -> list[list[Field]]:
    """updateMktDepth (12) for every row of both sides: sizes grow away from the touch."""
    out: list[list[Field]] = []
    for row in range(stream.rows):
        size = 10 + 4 * row + (book.updates * (row + 1)) % 7
        out.append([12, 1, stream.req_id, row, operation, 1, round(book.bid - row * book.tick, 8), size])
        out.append([12, 1, stream.req_id, row, operation, 0, round(book.ask + row * book.tick, 8), size + 1])
    return out


def req_mkt_depth(session: ClientSession, f: Fields) -> None:
    """10|5|reqId|C12|numRows|isSmartDepth|options: insert every row, then update them on each change."""
    f.skip()
    req_id = f.int("reqId")
    query = read_contract(f)
    rows = f.int("numRows", 5)
    spec = resolve_one(session, query)
    if spec is None or spec.sec_type != "FUT":
        session.send_error(req_id, 200, NO_DEFINITION)
        return
    if not _size_ok(session, req_id, spec):
        return
    stream = Stream(req_id, "depth", spec, rows=max(1, min(rows, 10)))
    session.subscriptions[req_id] = stream
    for message in depth_messages(stream, session.gateway.quotes.book(spec.root), operation=0):
        session.send(message)


def req_real_time_bars(session: ClientSession, f: Fields) -> None:
    """50|3|reqId|C12|barSize|whatToShow|useRTH|options: a 5-second bar every ``gateway.bar_interval`` s."""
    f.skip()
    req_id = f.int("reqId")
    query = read_contract(f)
    f.int("barSize", 5)
    spec = resolve_or_refuse(session, req_id, query)
    if spec is None:
        return
    if not _size_ok(session, req_id, spec):
        return
    stream = Stream(req_id, "bars", spec)
    stream.task = asyncio.get_running_loop().create_task(_bar_loop(session, stream))
    session.subscriptions[req_id] = stream


async def _bar_loop(session: ClientSession, stream: Stream) -> None:
    """Each interval: one bar from the trades seen (flat at the last price when there were none)."""
    gw = session.gateway
    book = gw.quotes.book(stream.spec.root)
    start = (_epoch(session) // 5) * 5
    volume0 = book.volume
    prices: list[float] = []
    listener = _collector(stream.spec.root, prices)
    gw.quotes.listeners.append(listener)
    try:
        while not session.closed and session.subscriptions.get(stream.req_id) is stream:
            prices.clear()
            open_price = book.last
            await asyncio.sleep(gw.bar_interval)
            seen = [open_price, *prices]
            volume = max(book.volume - volume0, 0)
            volume0 = book.volume
            wap = sum(seen) / len(seen)
            if gw.faults.trading_allowed:
                session.send([50, 3, stream.req_id, start, open_price, max(seen), min(seen), seen[-1], volume,
                              round(wap, 6), len(prices)])
            start += 5
    finally:
        gw.quotes.listeners.remove(listener)


def _collector(root: str, prices: list[float]):  # type: ignore[no-untyped-def]
    def collect(changed: str, book: Book) -> None:
        if changed == root and math.isfinite(book.last):
            prices.append(book.last)
    return collect


def on_price(session: ClientSession, root: str, book: Book) -> None:
    """Send the changes of ``root`` to each of this session's streams on it."""
    if session.gateway.faults.competing_session or not session.gateway.faults.trading_allowed:
        return
    for stream in list(session.subscriptions.values()):
        if not isinstance(stream, Stream):
            if getattr(stream, "root", None) == root:
                stream.on_price(session, book)  # e.g. keepUpToDate history (history.BarUpdates)
            continue
        if stream.spec.root != root:
            continue
        if stream.kind == "mkt":
            for message in quote_ticks(session, stream, book, full=False):
                session.send(message)
        elif stream.kind == "tbt":
            session.send(tick_by_tick_fields(session, stream, book))
        elif stream.kind == "depth":
            for message in depth_messages(stream, book, operation=1):
                session.send(message)
