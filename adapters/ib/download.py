"""``mia data download ib``: IB history in resumable pieces, stitched across rolls, written as a Parquet bar file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pandas as pd
from ib_async import IB, Contract, Future

from adapters.ib.continuous import fetch_windows
from adapters.ib.contracts import FUTURES_EXCHANGE, months_of
from adapters.ib.history import BAR_SIZES, HistoryError, PacedHistory
from mia_core.instruments import Instrument
from mia_core.rolls import FuturesContract, RollMethod, RollRule, daily_volume, roll_schedule, stitch
from mia_core.series import BarSeries

log = logging.getLogger("mia.ib")
CHICAGO = ZoneInfo("America/Chicago")
COLUMNS = ("open", "high", "low", "close", "volume")
Window = tuple[FuturesContract, Contract, dt.datetime, dt.datetime]


def trading_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """CME trading days ``first``..``last`` as UTC moments: 17:00 Chicago the evening before ``first`` to 17:00 on
    ``last`` (the days ``mia backtest --from/--to`` select)."""
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(17), CHICAGO)
    end = dt.datetime.combine(last, dt.time(17), CHICAGO)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@attrs.frozen
class DownloadRequest:
    """What to download: ``symbol`` futures bars of IB size ``bar_size`` in [start, end), rolled by ``rule``."""

    symbol: str
    bar_size: str
    start: dt.datetime
    end: dt.datetime
    rule: RollRule = attrs.field(factory=RollRule)
    back_adjust: bool = True
    what: str = "TRADES"
    use_rth: bool = False

    def __attrs_post_init__(self) -> None:
        if self.bar_size not in BAR_SIZES:
            raise HistoryError(f"bar size {self.bar_size!r}: IB sizes MIA knows are {', '.join(BAR_SIZES)}")
        if self.start >= self.end:
            raise HistoryError(f"download of {self.symbol}: start {self.start:%Y-%m-%d %H:%M} UTC is not before its "
                               f"end {self.end:%Y-%m-%d %H:%M} UTC")
        if self.rule.method is RollMethod.OPEN_INTEREST:
            raise HistoryError("roll by open interest: IB's history has no open interest; use days_before_expiry "
                               "or volume")

    def manifest(self) -> dict[str, object]:
        """Everything that decides the pieces' content (a resumed download must match it)."""
        return {"symbol": self.symbol, "bar_size": self.bar_size, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "roll_method": self.rule.method.value,
                "roll_days_before_expiry": self.rule.days_before_expiry, "what": self.what, "use_rth": self.use_rth}


@attrs.frozen
class Piece:
    """Bars of one contract month closing in (lo, hi]: one file in the parts directory."""

    month: FuturesContract
    contract: Contract = attrs.field(eq=False)
    lo: dt.datetime
    hi: dt.datetime

    @property
    def filename(self) -> str:
        """The piece's file name in the parts directory."""
        return f"{self.month.key}_{self.lo:%Y%m%dT%H%M%S}_{self.hi:%Y%m%dT%H%M%S}.parquet"


def plan_pieces(windows: list[Window], span_s: int) -> list[Piece]:
    """Each month's window cut at multiples of ``span_s`` since the epoch (one IB request each, mostly) (pure)."""
    pieces: list[Piece] = []
    for month, contract, lo, hi in windows:
        cursor = lo
        while cursor < hi:
            step = int(cursor.timestamp()) // span_s * span_s + span_s
            upper = min(hi, dt.datetime.fromtimestamp(step, dt.UTC))
            pieces.append(Piece(month, contract, cursor, upper))
            cursor = upper
    return pieces


class PartsDirectory:
    """``OUT.parts/``: a manifest and one Parquet file per piece fetched, kept until the output is written."""

    def __init__(self, out: Path, request: DownloadRequest) -> None:
        self.path = out.with_name(out.name + ".parts")
        self.manifest = request.manifest()

    def open(self) -> None:
        """Create the directory, or check that the one there belongs to the same download."""
        file = self.path / "manifest.json"
        if file.is_file():
            found = json.loads(file.read_text())
            if found != self.manifest:
                differ = ", ".join(f"{k}: {found.get(k)!r} there, {v!r} now" for k, v in self.manifest.items()
                                   if found.get(k) != v)
                raise HistoryError(f"{self.path} holds the pieces of another download ({differ}): rerun that "
                                   "download, delete the directory, or choose another --out")
            return
        self.path.mkdir(parents=True, exist_ok=True)
        _write_atomic(file, lambda tmp: tmp.write_text(json.dumps(self.manifest, indent=1)))

    def has(self, piece: Piece) -> bool:
        """True when the piece was fetched by an earlier (or this) run."""
        return (self.path / piece.filename).is_file()

    def save(self, piece: Piece, series: BarSeries) -> None:
        """Store the piece's bars (an empty piece too: it is known to hold none)."""
        frame = pd.DataFrame({"ts": series.ts, **{c: getattr(series, c) for c in COLUMNS}})
        _write_atomic(self.path / piece.filename, lambda tmp: frame.to_parquet(tmp, index=False))

    def load(self, piece: Piece) -> pd.DataFrame:
        """The piece's bars as stored."""
        return pd.read_parquet(self.path / piece.filename)

    def remove(self) -> None:
        """Delete the directory (the output file holds everything now)."""
        shutil.rmtree(self.path, ignore_errors=True)


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


@attrs.frozen
class DownloadResult:
    """What a download wrote: the file, its bars and span, the months and rolls, pieces fetched and reused."""

    path: Path
    bars: int
    first_ns: int
    last_ns: int
    months: tuple[str, ...]
    rolls: tuple[str, ...]
    fetched: int
    reused: int


async def download_history(ib: IB, paced: PacedHistory, instrument: Instrument, request: DownloadRequest,
                           out: Path) -> DownloadResult:
    """Fetch every piece not in ``OUT.parts/`` yet, then stitch the months and write ``out`` (Parquet).

    An interrupted run (an error, Ctrl-C) leaves the pieces it had; the same command
    again fetches only the rest. The parts directory is removed once ``out`` is written.
    """
    query = Future(request.symbol.upper(), exchange=FUTURES_EXCHANGE.get(request.symbol.upper(), "CME"),
                   currency="USD")
    query.includeExpired = True
    months = months_of(await ib.reqContractDetailsAsync(query))
    windows = fetch_windows(months, request.rule, request.start, request.end)
    if not windows:
        raise HistoryError(f"IB lists no {request.symbol} futures month for {request.start:%Y-%m-%d}.."
                           f"{request.end:%Y-%m-%d}")
    pieces = plan_pieces(windows, BAR_SIZES[request.bar_size][2])
    parts = PartsDirectory(out, request)
    parts.open()
    fetched = reused = 0
    for number, piece in enumerate(pieces, 1):
        if parts.has(piece):
            reused += 1
            continue
        piece.contract.includeExpired = True
        try:
            series = await paced.series(instrument, piece.contract, piece.lo, piece.hi, request.bar_size,
                                        request.what, request.use_rth, allow_empty=True)
        except HistoryError as exc:
            raise HistoryError(f"{exc}. {fetched + reused} of {len(pieces)} pieces are saved in {parts.path}: the "
                               "same command again fetches only the rest") from exc
        parts.save(piece, series.between(int(piece.lo.timestamp() * 1e9) + 1, int(piece.hi.timestamp() * 1e9)))
        fetched += 1
        log.info("piece %d/%d: %s %s..%s, %d bars", number, len(pieces), piece.month.key,
                 f"{piece.lo:%Y-%m-%d %H:%M}", f"{piece.hi:%Y-%m-%d %H:%M}", len(series))
    series, month_list, rolls = _stitch(parts, pieces, windows, instrument, request)
    frame = pd.DataFrame({"ts": pd.to_datetime(series.ts, unit="ns", utc=True),
                          **{c: getattr(series, c) for c in COLUMNS}})
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(out, lambda tmp: frame.to_parquet(tmp, index=False))
    parts.remove()
    return DownloadResult(out, len(series), int(series.ts[0]), int(series.ts[-1]),
                          tuple(m.key for m in month_list), rolls, fetched, reused)


def _stitch(parts: PartsDirectory, pieces: list[Piece], windows: list[Window], instrument: Instrument,
            request: DownloadRequest) -> tuple[BarSeries, list[FuturesContract], tuple[str, ...]]:
    """The pieces joined per month, stitched by the roll rule, cut to the request; the months and the rolls."""
    frames: dict[str, list[pd.DataFrame]] = {}
    for piece in pieces:
        frames.setdefault(piece.month.key, []).append(parts.load(piece))
    bars: dict[str, BarSeries] = {}
    for key, chunks in frames.items():
        joined = pd.concat(chunks, ignore_index=True).sort_values("ts", kind="stable")
        joined = joined.drop_duplicates("ts")
        bars[key] = BarSeries(instrument, joined["ts"].to_numpy(np.int64),
                              *(joined[c].to_numpy(np.float64) for c in COLUMNS))
    month_list = [m for m, _, _, _ in windows]
    empty = [k for k, s in bars.items() if not len(s)]
    if len(empty) == len(bars):
        raise HistoryError(f"IB has no {request.bar_size} {request.what} bars of {request.symbol} between "
                           f"{request.start:%Y-%m-%d %H:%M} and {request.end:%Y-%m-%d %H:%M} UTC: check the period "
                           "(IB keeps about two years of intraday futures bars) and the market data subscription")
    activity = {key: daily_volume(b) for key, b in bars.items()} if request.rule.method is RollMethod.VOLUME else None
    series = stitch(bars, month_list, request.rule, activity=activity, back_adjust=request.back_adjust)
    lo, hi = int(request.start.timestamp() * 1e9) + 1, int(request.end.timestamp() * 1e9)
    kept = series.between(lo, hi)
    if not len(kept):
        raise HistoryError(f"no {request.symbol} bars between {request.start:%Y-%m-%d %H:%M} and "
                           f"{request.end:%Y-%m-%d %H:%M} UTC after stitching")
    inside = [r for r in roll_schedule(month_list, request.rule, activity) if lo <= _day_ns(r.day) <= hi]
    return kept, month_list, tuple(f"{r.day}: {r.from_key} -> {r.to_key}" for r in inside)


def _day_ns(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp() * 1e9)
