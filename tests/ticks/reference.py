"""Plain loops that build bars from a tape one trade at a time: what the vectorised builders must equal."""

from __future__ import annotations

from mia_core.ticks.tape import Tape

NS = 1_000_000_000
Row = tuple[int, float, float, float, float, int, int, int, int]  # ts, o, h, l, c, volume, bid, ask, trades


def _rows(tape: Tape, groups: list[list[int]], stamps: list[int] | None = None) -> list[Row]:
    rows: list[Row] = []
    previous = None
    for k, group in enumerate(groups):
        prices = [float(tape.price[i]) for i in group]
        sizes = [int(tape.size[i]) for i in group]
        sides = [int(tape.side[i]) for i in group]
        ts = int(tape.ts[group[-1]]) if stamps is None else stamps[k]
        if stamps is None and previous is not None and ts <= previous:
            ts = previous + 1
        previous = ts
        bid = sum(s for s, d in zip(sizes, sides, strict=True) if d < 0)
        ask = sum(s for s, d in zip(sizes, sides, strict=True) if d > 0)
        rows.append((ts, prices[0], max(prices), min(prices), prices[-1], sum(sizes), bid, ask, len(group)))
    return rows


def time_rows(tape: Tape, seconds: int) -> list[Row]:
    span = seconds * NS
    groups: list[list[int]] = []
    stamps: list[int] = []
    for i in range(len(tape)):
        period = int(tape.ts[i]) // span
        if not stamps or (period + 1) * span != stamps[-1]:
            groups.append([])
            stamps.append((period + 1) * span)
        groups[-1].append(i)
    return _rows(tape, groups, stamps)


def tick_rows(tape: Tape, trades: int) -> list[Row]:
    groups: list[list[int]] = []
    for i in range(len(tape)):
        if not groups or len(groups[-1]) == trades:
            groups.append([])
        groups[-1].append(i)
    return _rows(tape, groups)


def volume_rows(tape: Tape, contracts: int) -> list[Row]:
    groups: list[list[int]] = []
    volume = contracts
    for i in range(len(tape)):
        if volume >= contracts:
            groups.append([])
            volume = 0
        groups[-1].append(i)
        volume += int(tape.size[i])
    return _rows(tape, groups)


def range_rows(tape: Tape, ticks: int) -> list[Row]:
    size = tape.instrument.tick_size
    groups: list[list[int]] = []
    high = low = 0
    for i in range(len(tape)):
        p = round(float(tape.price[i]) / size)
        if not groups or max(high, p) - min(low, p) > ticks:
            groups.append([])
            high = low = p
        high, low = max(high, p), min(low, p)
        groups[-1].append(i)
    return _rows(tape, groups)
