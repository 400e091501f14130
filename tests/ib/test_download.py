"""History downloads to a Parquet file: pieces across a roll, back-adjusted, resumable after an interruption."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from ib_async import IB

from adapters.ib.download import DownloadRequest, DownloadResult, download_history, trading_day_bounds
from adapters.ib.gateway import SimulatedGateway
from adapters.ib.history import HistoryError, PacedHistory
from adapters.ib.pacing import PacingGovernor
from adapters.replay.file import FileFeedConfig, read_file
from mia_core.instruments import ES

from .test_history_faults import FakeTime

NOW = dt.datetime(2025, 12, 17, 15, 0, tzinfo=dt.UTC)  # ESZ5 expires Fri Dec 19: the 8-day rule rolls on Thu Dec 11
DAYS = (dt.date(2025, 12, 9), dt.date(2025, 12, 12))  # Tue..Fri: the roll in the middle


def _request(**changes: object) -> DownloadRequest:
    start, end = trading_day_bounds(*DAYS)
    return DownloadRequest("ES", "1 min", start, end, **changes)  # type: ignore[arg-type]


def _run(out: Path, request: DownloadRequest, prepare: Callable[[SimulatedGateway], None] = lambda gw: None,
         ) -> tuple[DownloadResult | HistoryError, int]:
    """Download through the simulated gateway (pacing waits on a fake clock); the result and requests sent."""
    fake = FakeTime()

    async def scenario() -> tuple[DownloadResult | HistoryError, int]:
        async with SimulatedGateway(port=0, clock=lambda: NOW, monotonic=fake.seconds) as gw:
            prepare(gw)
            ib = IB()
            await ib.connectAsync("127.0.0.1", gw.port, clientId=71, timeout=5)
            paced = PacedHistory(ib, PacingGovernor(clock=fake.clock_ns), timeout=10, retries=1, sleep=fake.sleep)
            try:
                result: DownloadResult | HistoryError = await asyncio.wait_for(
                    download_history(ib, paced, ES, request, out), 120)
            except HistoryError as exc:
                result = exc
            finally:
                ib.disconnect()
            return result, paced.governor.sent

    return asyncio.run(scenario())


def _done(result: DownloadResult | HistoryError) -> DownloadResult:
    assert isinstance(result, DownloadResult), result
    return result


def test_a_download_across_a_roll_is_a_back_adjusted_parquet_file_that_data_reads(tmp_path: Path) -> None:
    result, sent = _run(tmp_path / "es.parquet", _request())
    done = _done(result)
    assert done.months == ("ESZ5", "ESH6") and done.rolls == ("2025-12-11: ESZ5 -> ESH6",)
    assert sent >= done.fetched > 0  # at least one request per piece fetched
    assert not (tmp_path / "es.parquet.parts").exists()  # the pieces go once the file is written
    reading = read_file(FileFeedConfig(path=str(tmp_path / "es.parquet")), ES)
    series = reading.checked.series
    assert reading.layout == "MIA" and reading.bar_size == "1 min" and len(series) == done.bars
    assert not reading.checked.report.counts  # nothing to repair: on the tick grid, ordered, no duplicates
    first, last = trading_day_bounds(*DAYS)
    assert first.timestamp() * 1e9 < series.ts[0] and series.ts[-1] <= last.timestamp() * 1e9
    days = {d.date() for d in pd.to_datetime(series.ts, utc=True)}
    assert dt.date(2025, 12, 10) in days and dt.date(2025, 12, 12) in days  # both sides of the roll

    raw = _done(_run(tmp_path / "raw.parquet", _request(back_adjust=False))[0])
    adjusted, unadjusted = (pd.read_parquet(tmp_path / name) for name in ("es.parquet", "raw.parquet"))
    assert raw.bars == done.bars and list(adjusted["ts"]) == list(unadjusted["ts"])
    shift = (adjusted["close"] - unadjusted["close"]).round(6)
    roll = pd.Timestamp("2025-12-10 23:00", tz="UTC")  # CME trading day Dec 11 starts 17:00 Chicago (CST) on Dec 10
    before, after = shift[adjusted["ts"] < roll], shift[adjusted["ts"] >= roll]
    assert set(after) == {0.0}  # the last segment is as traded
    assert len(set(before)) == 1 and next(iter(before)) != 0.0  # one gap added to everything before the roll


def test_an_interrupted_download_resumes_with_only_the_missing_pieces(tmp_path: Path) -> None:
    whole, sent_whole = _run(tmp_path / "whole.parquet", _request())
    total = _done(whole).fetched

    def refuse_after_four(gw: SimulatedGateway) -> None:
        gw.fail_next_historical(162, "Historical Market Data Service error message:No market data permissions",
                                after=4)

    out = tmp_path / "resumed.parquet"
    stopped, _ = _run(out, _request(), refuse_after_four)
    assert isinstance(stopped, HistoryError)
    assert "No market data permissions" in str(stopped) and "the same command again" in str(stopped)
    kept = sorted(p.name for p in (tmp_path / "resumed.parquet.parts").glob("*.parquet"))
    assert len(kept) == 4 and not out.exists()  # the four pieces answered before the refusal

    resumed, sent_again = _run(out, _request())
    done = _done(resumed)
    assert done.reused == len(kept) and done.fetched == total - len(kept)
    assert sent_again == sent_whole - 4, (sent_again, sent_whole)  # only the missing pieces were asked for
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(tmp_path / "whole.parquet"))
    assert out.read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_pieces_of_another_download_are_not_mixed_in(tmp_path: Path) -> None:
    out = tmp_path / "es.parquet"
    (tmp_path / "es.parquet.parts").mkdir()
    other = _request(back_adjust=False).manifest() | {"bar_size": "5 mins"}
    (tmp_path / "es.parquet.parts" / "manifest.json").write_text(pd.Series(other).to_json())
    result, sent = _run(out, _request())
    assert isinstance(result, HistoryError) and "another download" in str(result) and "bar_size" in str(result)
    assert sent == 0


def test_a_period_that_ends_before_it_starts_is_refused_naming_both_ends() -> None:
    with pytest.raises(HistoryError, match=r"start 2025-12-11 23:00 UTC is not before its end 2025-12-09 23:00 UTC"):
        start, end = trading_day_bounds(dt.date(2025, 12, 12), dt.date(2025, 12, 9))
        DownloadRequest("ES", "1 min", start, end)
