"""History downloads against the simulated gateway: pacing errors mid-way, empty weekend chunks, the gap named."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from ib_async import IB

from adapters.ib.contracts import resolve_front
from adapters.ib.gateway import SimulatedGateway
from adapters.ib.history import HistoryError, PacedHistory
from adapters.ib.pacing import NS, PacingGovernor
from mia_core.instruments import ES
from mia_core.rolls import RollRule
from mia_core.series import BarSeries

NOW = dt.datetime(2025, 11, 24, 15, 0, tzinfo=dt.UTC)  # a Monday
WEEKDAYS = (dt.datetime(2025, 11, 18, 21, tzinfo=dt.UTC), dt.datetime(2025, 11, 21, 21, tzinfo=dt.UTC))
OVER_WEEKEND = (dt.datetime(2025, 11, 20, 21, tzinfo=dt.UTC), dt.datetime(2025, 11, 24, 15, tzinfo=dt.UTC))


class FakeTime:
    """One fake monotonic clock for the client's pacing governor and the gateway's pacing windows."""

    def __init__(self) -> None:
        self.ns = 10**12
        self.slept = 0.0

    def clock_ns(self) -> int:
        return self.ns

    def seconds(self) -> float:
        return self.ns / NS

    async def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.ns += int(seconds * NS)
        await asyncio.sleep(0)


def _download(
    window: tuple[dt.datetime, dt.datetime],
    prepare: Callable[[SimulatedGateway], None] = lambda gw: None,
    **paced: Any,
) -> tuple[BarSeries | HistoryError, FakeTime, int]:
    """The 1-minute history of the ES front month over ``window``; the error instead if it raised."""
    fake = FakeTime()

    async def scenario() -> tuple[BarSeries | HistoryError, int]:
        async with SimulatedGateway(port=0, clock=lambda: NOW, monotonic=fake.seconds) as gw:
            prepare(gw)
            ib = IB()
            ib.RequestTimeout = 10
            await ib.connectAsync("127.0.0.1", gw.port, clientId=62, timeout=5)
            try:
                es = await resolve_front(ib, "ES", NOW.date(), RollRule())
                history = PacedHistory(ib, PacingGovernor(clock=fake.clock_ns), timeout=10, sleep=fake.sleep, **paced)
                try:
                    result: BarSeries | HistoryError = await asyncio.wait_for(
                        history.series(ES, es, *window, "1 min"), 60
                    )
                except HistoryError as exc:
                    result = exc
                return result, history.governor.sent
            finally:
                ib.disconnect()

    result, sent = asyncio.run(scenario())
    return result, fake, sent


def _bars(result: BarSeries | HistoryError) -> BarSeries:
    assert isinstance(result, BarSeries), result
    return result


def test_a_pacing_error_in_the_middle_of_a_download_is_retried_and_nothing_is_lost() -> None:
    clean, _, chunks = _download(WEEKDAYS)
    whole = _bars(clean)
    assert len(whole) == 3 * 1380 and chunks == 3  # three sessions of one-minute bars, one request each
    result, fake, sent = _download(WEEKDAYS, lambda gw: gw.fail_next_historical(162, after=1))
    assert list(_bars(result).ts) == list(whole.ts)  # the refused chunk was asked again, not dropped (was 1,380)
    assert sent == chunks + 1 and fake.slept >= 15  # one retry, sent within IB's 15 s identical-request rule


def test_a_pacing_error_on_the_first_request_is_retried() -> None:
    result, _, _ = _download(WEEKDAYS, lambda gw: gw.fail_next_historical(162))
    assert len(_bars(result)) == len(_bars(_download(WEEKDAYS)[0]))


def test_an_empty_weekend_chunk_is_skipped_not_the_end_of_the_download() -> None:
    bars = _bars(_download(OVER_WEEKEND)[0])
    days = {dt.datetime.fromtimestamp(t / 1e9, dt.UTC).date() for t in bars.ts}
    assert dt.date(2025, 11, 21) in days and dt.date(2025, 11, 24) in days  # Friday and Monday both there


def test_a_history_that_cannot_be_completed_is_an_error_naming_the_gap() -> None:
    def refuse_always(gw: SimulatedGateway) -> None:
        for _ in range(10):
            gw.fail_next_historical(162, after=0)
        gw.faults.history_failures.appendleft(None)  # the first chunk arrives; every later request is refused

    result, _, _ = _download(WEEKDAYS, refuse_always, retries=2)
    assert isinstance(result, HistoryError)
    text = str(result)
    assert "2025-11-18 21:00" in text and "2025-11-20 21:00" in text  # the missing period: start to the first bar
    assert "3 attempts" in text and "pacing violation" in text and "162" in text


def test_an_error_that_is_not_pacing_is_not_retried() -> None:
    result, _, sent = _download(
        WEEKDAYS, lambda gw: gw.fail_next_historical(162, "Historical Market Data Service error message:"
                                                            "No market data permissions for CME FUT")
    )
    assert isinstance(result, HistoryError) and "No market data permissions" in str(result)
    assert sent == 1


@pytest.mark.parametrize("message", ["HMDS query returned no data: ESZ5@CME Trades"])
def test_ibs_no_data_answer_for_a_chunk_is_an_empty_chunk(message: str) -> None:
    result, _, _ = _download(WEEKDAYS, lambda gw: gw.fail_next_historical(162, message, after=1))
    bars = _bars(result)
    days = {dt.datetime.fromtimestamp(t / 1e9, dt.UTC).date() for t in bars.ts}
    assert dt.date(2025, 11, 18) in days  # the download went on past the empty chunk
