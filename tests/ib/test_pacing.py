"""The pacing governor keeps every IB historical-data rule (checked on the schedule it produces)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ib.pacing import NS, HistoricalRequest, PacingGovernor, PacingLimits


class Clock:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def _run(arrivals: list[tuple[int, HistoricalRequest]], limits: PacingLimits) -> list[tuple[int, HistoricalRequest]]:
    """Simulate: requests arrive at given times; release whatever the governor allows, as early as it allows."""
    clock = Clock()
    gov = PacingGovernor(limits, clock)
    pending = sorted(enumerate(arrivals), key=lambda x: (x[1][0], x[0]))
    sent: list[tuple[int, HistoricalRequest]] = []
    i = 0
    for _ in range(100_000):
        while i < len(pending) and pending[i][1][0] <= clock.now:
            gov.enqueue(pending[i][1][1], ticket=pending[i][0])
            i += 1
        for item in gov.release():
            sent.append((clock.now, item.request))
        wait = gov.wait_ns()
        nxt = [clock.now + wait] if wait is not None else []
        if i < len(pending):
            nxt.append(pending[i][1][0])
        if not nxt:
            break
        assert min(nxt) > clock.now or wait == 0
        clock.now = max(clock.now, min(nxt))
    return sent


def _max_in_window(times: list[int], span: int) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - span:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


requests = st.builds(
    HistoricalRequest,
    contract=st.sampled_from(["ES", "NQ", "VIX"]),
    what_to_show=st.sampled_from(["TRADES", "BID_ASK"]),
    end=st.sampled_from(["", "20251201 00:00:00 UTC", "20251202 00:00:00 UTC"]),
    duration=st.sampled_from(["1 D", "2 D"]),
    bar_size=st.just("1 min"),
)
arrivals = st.lists(
    st.tuples(st.integers(min_value=0, max_value=30 * NS), requests), min_size=1, max_size=90
)


@settings(max_examples=60, deadline=None)
@given(arrivals)
def test_every_rule_holds_and_every_request_goes_out(items: list[tuple[int, HistoricalRequest]]) -> None:
    limits = PacingLimits()
    sent = _run(items, limits)
    assert len(sent) == len(items)
    last_identical: dict[HistoricalRequest, int] = {}
    for t, req in sorted(sent, key=lambda s: s[0]):
        if req in last_identical:
            assert t - last_identical[req] >= 15 * NS
        last_identical[req] = t
    per_series: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for t, req in sent:
        per_series[req.series_key].append(t)
    assert all(_max_in_window(ts, 2 * NS) <= limits.per_contract_max for ts in per_series.values())
    assert _max_in_window([t for t, _ in sent], 600 * NS) <= 60
    assert _max_in_window([t for t, _ in sent], NS) < 50


@settings(max_examples=40, deadline=None)
@given(arrivals)
def test_requests_are_never_sent_before_they_arrive_and_keep_series_order(
    items: list[tuple[int, HistoricalRequest]],
) -> None:
    sent = _run(items, PacingLimits())
    arrival_of = defaultdict(list)
    for t, req in sorted(items, key=lambda x: x[0]):
        arrival_of[req].append(t)
    for t, req in sent:
        assert t >= arrival_of[req].pop(0)


def test_a_lone_request_goes_at_once_and_a_repeat_waits_fifteen_seconds() -> None:
    clock = Clock()
    gov = PacingGovernor(clock=clock)
    req = HistoricalRequest("ES", "TRADES", duration="1 D", bar_size="1 min")
    gov.enqueue(req)
    assert [q.request for q in gov.release()] == [req]
    gov.enqueue(req)
    assert gov.release() == [] and len(gov.queue) == 1
    assert gov.wait_ns() == 15 * NS
    clock.now = 15 * NS
    assert len(gov.release()) == 1 and gov.queue == ()


def test_sixth_request_for_one_series_within_two_seconds_waits() -> None:
    clock = Clock()
    gov = PacingGovernor(clock=clock)
    for day in range(6):
        gov.enqueue(HistoricalRequest("ES", "TRADES", end=f"2025120{day + 1} 00:00:00 UTC"))
    gov.enqueue(HistoricalRequest("NQ", "TRADES"))
    released = gov.release()
    assert [q.request.contract for q in released] == ["ES"] * 5 + ["NQ"]
    assert gov.wait_ns() == 2 * NS


def test_sixty_one_requests_take_ten_minutes() -> None:
    clock = Clock()
    gov = PacingGovernor(clock=clock)
    items = [HistoricalRequest(f"C{i}", "TRADES") for i in range(61)]
    for req in items:
        gov.enqueue(req)
    first = gov.release()
    assert len(first) == 45  # the message rule (45/s) binds first
    clock.now = NS
    assert len(gov.release()) == 15
    assert gov.wait_ns() == 600 * NS - NS


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="under 50"):
        PacingLimits(messages_per_second=50)
    with pytest.raises(ValueError, match="at least 1"):
        PacingLimits(total_max=0)


def test_a_request_given_up_while_waiting_leaves_the_queue_and_is_not_counted_as_sent() -> None:
    import asyncio

    from ib_async import Contract

    from adapters.ib.history import PacedHistory

    es = Contract(conId=495512563, exchange="CME")
    paced = PacedHistory(ib=None)  # type: ignore[arg-type]  # never reached: the request waits for its turn
    same = HistoricalRequest("495512563", "TRADES", "", "1 D", "1 min", False, "CME")  # what bars() asks for
    paced.governor.enqueue(same)
    assert len(paced.governor.release()) == 1  # sent a moment ago: an identical request must wait 15 s

    async def give_up() -> None:
        await asyncio.wait_for(paced.bars(es, None, "1 min"), 0.2)

    with pytest.raises(TimeoutError):
        asyncio.run(give_up())
    assert paced.governor.queue == ()
    assert paced.governor.sent == 1
