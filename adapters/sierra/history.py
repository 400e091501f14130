"""Historical bars from the DTC Historical Data Port: one request per connection, refusals explained."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from adapters.sierra.config import SierraConnectionConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.logon import open_session
from adapters.sierra.dtc.times import epoch_ns
from adapters.sierra.errors import DtcConnectionError, DtcRefusal
from mia_core.instruments import Instrument
from mia_core.series import BarSeries

NS = 1_000_000_000
MAX_RECORDS = 1_000_000  # about two years of one-minute bars; each kept as 9 numbers


async def fetch_bars(config: SierraConnectionConfig, instrument: Instrument, seconds: int,
                     start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
    """Bars of ``seconds`` stamped at their close, from the historical port (a fresh connection, closed after).

    A refusal (Sierra Chart refuses CME history over DTC) raises :class:`DtcRefusal` with the
    server's text and what to do instead.
    """
    symbol = config.dtc_symbol(instrument.symbol)
    where = f"{config.host}:{config.historical_port}"
    session = await open_session(config, port=config.historical_port, heartbeat=0)
    records: list[tuple[float, ...]] = []
    try:
        session.send(t.HISTORICAL_PRICE_DATA_REQUEST, {
            "RequestID": 1, "Symbol": symbol, "Exchange": config.exchange, "RecordInterval": seconds,
            "StartDateTime": max(start_ns // NS - seconds, 0) if start_ns else 0,  # bars are asked by their start
            "EndDateTime": (end_ns or 0) // NS})
        deadline = time.monotonic() + config.request_timeout
        done = False
        pending = list(session.pending)
        while not done:
            for type_id, m in pending:
                if type_id == t.HISTORICAL_PRICE_DATA_REJECT:
                    raise DtcRefusal(f"historical data for {symbol} refused by {where}", _explain(m["RejectText"]))
                if type_id == t.HISTORICAL_PRICE_DATA_RESPONSE_HEADER and m["NoRecordsToReturn"]:
                    done = True
                elif type_id == t.HISTORICAL_PRICE_DATA_RECORD_RESPONSE:
                    if m["StartDateTime"]:
                        records.append(tuple(m[f] for f in _FIELDS))
                        if len(records) > MAX_RECORDS:
                            raise DtcConnectionError(f"{where} sent more than {MAX_RECORDS:,} records; ask for a "
                                                     "shorter span")
                    done = bool(m["IsFinalRecord"])
                elif type_id == t.HISTORICAL_PRICE_DATA_RESPONSE_TRAILER:
                    done = True
            if done:
                break
            try:
                data = await asyncio.wait_for(session.reader.read(65536), max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                raise DtcConnectionError(f"the historical port {where} sent no data for {config.request_timeout:.0f} "
                                         "s (request_timeout)") from None
            if not data:
                raise DtcConnectionError(f"the historical port {where} closed before the final record "
                                         f"({len(records)} records received)")
            deadline = time.monotonic() + config.request_timeout
            pending = session.codec.feed(data)
    finally:
        session.close()
    return _series(instrument, records, seconds, start_ns, end_ns)


def _explain(text: str) -> str:
    return (f"{text or 'no reason given'}. Sierra Chart does not serve CME (and other restricted) data over DTC: "
            "use the intraday .scid files (sierra_feed scid_path, or mia backtest --data FILE.scid)")


_FIELDS = ("StartDateTime", "OpenPrice", "HighPrice", "LowPrice", "LastPrice", "Volume", "BidVolume", "AskVolume")


def _series(instrument: Instrument, records: list[tuple[float, ...]], seconds: int, start_ns: int | None,
            end_ns: int | None) -> BarSeries:
    by_ts: dict[int, tuple[float, ...]] = {}
    span = max(seconds, 1) * NS
    for record in records:
        by_ts[epoch_ns(record[0]) + span] = record  # stamped at the bar's close; a repeat replaces
    ts = sorted(by_ts)
    rows = [by_ts[k] for k in ts]

    def col(name: str) -> list[float]:
        i = _FIELDS.index(name)
        return [float(r[i]) for r in rows]

    series = BarSeries(instrument, ts, col("OpenPrice"), col("HighPrice"), col("LowPrice"), col("LastPrice"),
                       col("Volume"), col("BidVolume"), col("AskVolume"))
    return series.between(start_ns, end_ns)


def run_blocking(coro: Any) -> Any:
    """Run ``coro`` to completion from synchronous code, also when an event loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: list[Any] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:  # handed back to the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=work, name="sierra-history")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]
