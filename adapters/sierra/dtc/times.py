"""DTC time fields to UTC nanoseconds: seconds, s.ms doubles, ms and µs integers, told apart by magnitude."""

from __future__ import annotations


def epoch_ns(value: float | int | None) -> int:
    """UTC ns from a DTC date-time whose unit the header left open (0 or None -> 0).

    Values above 1e17 are ns, above 1e14 µs, above 1e11 ms, otherwise (fractional) seconds:
    any date after 1973 is unambiguous, which is all a trading session can see.
    """
    if not value:
        return 0
    if value > 1e17:
        return int(value)
    if value > 1e14:
        return int(value) * 1_000
    if value > 1e11:
        return int(value) * 1_000_000
    seconds = int(value)
    return seconds * 1_000_000_000 + round((value - seconds) * 1_000_000) * 1_000  # a double holds ~µs here
