"""Historical bars (reqHistoricalData, 20) replayed from files, and IB's historical pacing rules.

Sources, by bar size:
- 1 day and longer: the bundled real daily history (``adapters/replay/data``): S&P 500 for ES
  and SPX, NASDAQ Composite for NQ and NDX, VIX closes for VIX. The files end 2018-12-31; a
  window ending later is anchored at the file's last day (the bars keep their real dates).
- intraday: a one-minute bar file per root if given (``minute_bars={"ES": path}``; CSV or
  Parquet with ``ts``/``time``/``date`` and ``open high low close volume``), aggregated to
  the bar size; otherwise seeded :mod:`mia_core.synthetic` bars at the bar size, a deferred futures
  month 10 points a quarter above the front (carry, so a roll has a gap to back-adjust).
IB stamps bars at their start; MIA bars are stamped at the close, so start = close - size.

Pacing (``enforce_pacing``, on by default): an identical request within 15 s, more than 6
requests for one contract and type within 2 s, or more than 60 within 10 minutes is refused
with error 162 "... pacing violation", as IB does.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from adapters.ib.gateway.codec import Field, Fields
from adapters.ib.gateway.contracts import read_contract, resolve_or_refuse
from adapters.ib.gateway.pacing import PACING_TEXT

if TYPE_CHECKING:
    from adapters.ib.gateway.catalog import ContractSpec
    from adapters.ib.gateway.quotes import Book
    from adapters.ib.gateway.session import ClientSession

BAR_SECONDS = {"sec": 1, "secs": 1, "min": 60, "mins": 60, "hour": 3600, "hours": 3600, "day": 86400,
               "days": 86400, "week": 7 * 86400, "weeks": 7 * 86400, "month": 30 * 86400, "months": 30 * 86400}
DURATION_SECONDS = {"S": 1, "D": 86400, "W": 7 * 86400, "M": 31 * 86400, "Y": 365 * 86400}
DAILY_FILE = {"ES": "sp500_daily.csv.gz", "SPX": "sp500_daily.csv.gz", "NQ": "nasdaq_daily.csv.gz",
              "NDX": "nasdaq_daily.csv.gz", "VIX": "vix_daily.csv.gz"}
WHAT_TO_SHOW = frozenset({"TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK"})
MAX_BARS = 50_000
SEED = {"ES": 11, "NQ": 12, "SPX": 13, "NDX": 14, "VIX": 15}


class HistoryError(ValueError):
    """A request the historical service refuses (answered with error 162 and this text)."""


def parse_bar_size(text: str) -> int:
    """'5 mins' -> 300 seconds."""
    match = re.fullmatch(r"\s*(\d+)\s+([a-z]+)\s*", text.lower())
    if not match or match.group(2) not in BAR_SECONDS:
        raise HistoryError(f"invalid bar size {text!r} (e.g. '5 secs', '1 min', '5 mins', '1 hour', '1 day')")
    return int(match.group(1)) * BAR_SECONDS[match.group(2)]


def parse_duration(text: str) -> int:
    """'2 D' -> seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([SDWMY])\s*", text.upper())
    if not match:
        raise HistoryError(f"invalid duration {text!r} (e.g. '3600 S', '2 D', '1 W', '1 M', '1 Y')")
    return int(match.group(1)) * DURATION_SECONDS[match.group(2)]


def parse_end(text: str, now: dt.datetime) -> dt.datetime:
    """'' -> now; 'YYYYMMDD HH:MM:SS [zone]' or 'YYYYMMDD-HH:MM:SS' (UTC) -> aware datetime."""
    text = text.strip()
    if not text:
        return now
    try:
        if "-" in text and len(text) == 17:
            return dt.datetime.strptime(text, "%Y%m%d-%H:%M:%S").replace(tzinfo=dt.UTC)
        parts = text.split(" ")
        moment = dt.datetime.strptime(" ".join(parts[:2]), "%Y%m%d %H:%M:%S")
        zone = parts[2] if len(parts) > 2 else "UTC"
        from zoneinfo import ZoneInfo
        return moment.replace(tzinfo=ZoneInfo(zone))
    except (ValueError, KeyError) as exc:
        raise HistoryError(f"invalid end date/time {text!r}: {exc}") from None


@lru_cache(maxsize=8)
def _daily_frame(filename: str) -> pd.DataFrame:
    from importlib import resources
    with resources.files("adapters.replay").joinpath("data", filename).open("rb") as handle:
        frame = pd.read_csv(handle, compression="gzip")
    frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y")
    if "Close" not in frame.columns:  # the VIX file has one 'vix' column of closes
        for column in ("Open", "High", "Low", "Close"):
            frame[column] = frame["vix"]
        frame["Volume"] = 0
    return frame


def trading_days(duration: str) -> int:
    """How many daily bars a duration asks for: N D -> N, W -> 5N, M -> 21N, Y -> 252N, S -> whole days."""
    match = re.fullmatch(r"\s*(\d+)\s*([SDWMY])\s*", duration.upper())
    if not match:
        raise HistoryError(f"invalid duration {duration!r} (e.g. '3600 S', '2 D', '1 W', '1 M', '1 Y')")
    n, unit = int(match.group(1)), match.group(2)
    return max(1, {"S": -(-n // 86400), "D": n, "W": 5 * n, "M": 21 * n, "Y": 252 * n}[unit])


def daily_bars(root: str, end: dt.datetime, count: int) -> pd.DataFrame:
    """The last ``count`` rows of the root's daily file up to min(end's date, the file's last day)."""
    frame = _daily_frame(DAILY_FILE[root])
    anchor = min(pd.Timestamp(end.astimezone(dt.UTC).date()), frame["Date"].iloc[-1])
    rows = frame[frame["Date"] <= anchor].tail(count)
    return pd.DataFrame({"start": rows["Date"].dt.strftime("%Y%m%d"), "open": rows["Open"], "high": rows["High"],
                         "low": rows["Low"], "close": rows["Close"], "volume": rows["Volume"]})


def month_carry(months: list[ContractSpec], con_id: int) -> float:
    """How far above the front month a deferred one starts its synthetic bars: 10 points a quarter (carry)."""
    return 10.0 * next((i for i, month in enumerate(months) if month.con_id == con_id), 0)


def synthetic_bars(root: str, end: dt.datetime, seconds: int, bar: int, price: float) -> pd.DataFrame:
    """Seeded synthetic bars of ``bar`` seconds whose close lies in (end - seconds, end]."""
    from mia_core.instruments import instrument_for
    from mia_core.synthetic import SyntheticConfig, generate_bars
    if 3600 % bar:
        raise HistoryError(f"intraday bar size of {bar} s must divide an hour")
    first_day = (end - dt.timedelta(seconds=seconds)).astimezone(dt.UTC).date()
    count = min(int(seconds / bar) + 3 * 86400 // bar + 2, 5 * MAX_BARS)
    instrument = instrument_for(root if root in ("ES", "NQ") else "ES")
    config = SyntheticConfig(seed=SEED.get(root, 7), bars=count, start=first_day.isoformat(), bar_seconds=bar,
                             start_price=price)
    series = generate_bars(instrument, config)
    end_ns, start_ns = int(end.timestamp() * 1e9), int((end.timestamp() - seconds) * 1e9)
    keep = (series.ts > start_ns) & (series.ts <= end_ns)
    return _frame(series.ts[keep] - bar * 10**9, series.open[keep], series.high[keep], series.low[keep],
                  series.close[keep], series.volume[keep])


def file_bars(path: Path, end: dt.datetime, seconds: int, bar: int) -> pd.DataFrame:
    """One-minute bars from ``path`` (stamped at their start), aggregated to ``bar`` seconds, in the window."""
    frame = _minute_frame(str(path))
    end_ts = pd.Timestamp(end).tz_convert("UTC")
    window = frame[(frame.index >= end_ts - pd.Timedelta(seconds=seconds)) & (frame.index < end_ts)]
    agg = window.resample(f"{bar}s").agg({"open": "first", "high": "max", "low": "min", "close": "last",
                                          "volume": "sum"}).dropna()
    ns = agg.index.as_unit("ns").asi8
    return _frame(ns, agg["open"].to_numpy(), agg["high"].to_numpy(), agg["low"].to_numpy(),
                  agg["close"].to_numpy(), agg["volume"].to_numpy())


@lru_cache(maxsize=4)
def _minute_frame(path: str) -> pd.DataFrame:
    frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
    column = next((c for c in ("ts", "time", "date", "datetime") if c in frame.columns), None)
    if column is None:
        raise HistoryError(f"{path}: no ts/time/date column (columns: {', '.join(map(str, frame.columns))})")
    stamps = frame[column]
    index = pd.to_datetime(stamps, unit="ns", utc=True) if pd.api.types.is_integer_dtype(stamps) \
        else pd.to_datetime(stamps, utc=True)
    return frame.set_index(index).sort_index()[["open", "high", "low", "close", "volume"]]


def _frame(start_ns: np.ndarray, o: np.ndarray, h: np.ndarray, lo: np.ndarray, c: np.ndarray,
           v: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"start_ns": start_ns, "open": o, "high": h, "low": lo, "close": c, "volume": v})


def bar_messages(req_id: int, bars: pd.DataFrame, end: dt.datetime, seconds: int, format_date: int) -> list[Field]:
    """historicalData (17): reqId, start, end, count, then date/o/h/l/c/volume/wap/count per bar."""
    fields: list[Field] = [17, req_id, (end - dt.timedelta(seconds=seconds)).strftime("%Y%m%d %H:%M:%S UTC"),
                           end.astimezone(dt.UTC).strftime("%Y%m%d %H:%M:%S UTC"), len(bars)]
    daily = "start" in bars.columns
    for row in bars.itertuples(index=False):
        if daily:
            date = row.start
        elif format_date == 2:
            date = str(int(row.start_ns // 10**9))
        else:
            date = dt.datetime.fromtimestamp(row.start_ns / 1e9, dt.UTC).strftime("%Y%m%d %H:%M:%S UTC")
        wap = round((row.open + row.high + row.low + row.close) / 4, 6)
        fields += [date, float(row.open), float(row.high), float(row.low), float(row.close), float(row.volume),
                   wap, max(int(row.volume // 3), 1) if row.volume else 0]
    return fields


def req_historical_data(session: ClientSession, f: Fields) -> None:
    """20|reqId|C12|includeExpired|end|barSize|duration|useRTH|whatToShow|formatDate|keepUpToDate|options."""
    gw = session.gateway
    req_id = f.int("reqId")
    query = read_contract(f)
    f.bool("includeExpired")
    end_text, bar_text, duration_text = f.str("endDateTime"), f.str("barSizeSetting"), f.str("durationStr")
    use_rth = f.bool("useRTH")
    what = f.str("whatToShow").upper()
    format_date = f.int("formatDate", 1)
    keep_up_to_date = f.bool("keepUpToDate") if query.sec_type != "BAG" else False
    spec = resolve_or_refuse(session, req_id, query)
    if spec is None:
        return
    scripted = gw.faults.history_failures.popleft() if gw.faults.history_failures else None
    if scripted is not None:
        session.send_error(req_id, scripted[0], scripted[1])
        return
    key = (spec.con_id, what, end_text, bar_text, duration_text, use_rth)
    if gw.enforce_pacing and gw.pacing.violation(gw.monotonic(), key, (spec.con_id, what)):
        session.send_error(req_id, 162, PACING_TEXT)
        return
    try:
        if what not in WHAT_TO_SHOW:
            raise HistoryError(f"whatToShow {what!r} is not simulated ({', '.join(sorted(WHAT_TO_SHOW))} are)")
        bar, seconds = parse_bar_size(bar_text), parse_duration(duration_text)
        end = parse_end(end_text, gw.now())
        if seconds // bar > MAX_BARS:
            raise HistoryError(f"{duration_text} of {bar_text} bars is more than {MAX_BARS} bars")
        if bar >= 86400:
            bars = daily_bars(spec.root, end, trading_days(duration_text))
        elif spec.root in gw.minute_bars:
            bars = file_bars(Path(gw.minute_bars[spec.root]), end, seconds, bar)
        else:
            price = gw.quotes.book(spec.root).close + month_carry(gw.catalog.futures.get(spec.root, []), spec.con_id)
            bars = synthetic_bars(spec.root, end, seconds, bar, price)
    except HistoryError as exc:
        session.send_error(req_id, 162, f"Historical Market Data Service error message:{exc}")
        return
    session.send(bar_messages(req_id, bars, end, seconds, format_date))
    if keep_up_to_date and bar < 86400:
        session.subscriptions[req_id] = BarUpdates(req_id, spec.root, bar, format_date)


class BarUpdates:
    """keepUpToDate: the current bar as historicalDataUpdate (90) after every trade, a new bar per period."""

    def __init__(self, req_id: int, root: str, bar_seconds: int, format_date: int) -> None:
        self.req_id, self.root, self.bar_seconds, self.format_date = req_id, root, bar_seconds, format_date
        self.start = -1
        self.ohlcv = [0.0, 0.0, 0.0, 0.0, 0.0]
        self.trades = 0

    def on_price(self, session: ClientSession, book: Book) -> None:
        """Fold the latest trade into the current bar and send it."""
        now = int(session.gateway.now().timestamp())
        start = now - now % self.bar_seconds
        price = book.last
        if start != self.start:
            self.start, self.ohlcv, self.trades = start, [price, price, price, price, 0.0], 0
        o, h, lo, _, v = self.ohlcv
        self.ohlcv = [o, max(h, price), min(lo, price), price, v + book.last_size]
        self.trades += 1
        date = str(start) if self.format_date == 2 else \
            dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y%m%d %H:%M:%S UTC")
        o, h, lo, c, v = self.ohlcv
        session.send([90, self.req_id, self.trades, date, o, c, h, lo, round((o + h + lo + c) / 4, 6), v])

    def cancel(self) -> None:
        """Nothing runs in the background."""


def cancel_historical_data(session: ClientSession, f: Fields) -> None:
    """25|1|reqId: stop keepUpToDate updates."""
    f.skip()
    session.subscriptions.pop(f.int("reqId"), None)
