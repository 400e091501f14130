"""``.scid`` decoding speed (records/second): memory-mapped, vectorised, every check included (``run``).

A synthetic tick file of ``records`` records (adapters.sierra.files.writer) is written to a
temporary folder and read ``runs`` times after a warm-up (the page cache holds it, as it
does for the file Sierra Chart keeps writing). One decode = header check, memory map,
times converted to UTC ns with the absurd/out-of-order checks, prices checked, and the
trade/tick/split-marker masks. Also timed: the same records to one-minute bars with
bid/ask volume. ``mia bench sierra`` prints these figures; run alone with
``python -m adapters.bench.sierra_files``. Target: 20,000,000 records/s or more.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from adapters.sierra.files.bars import file_bars
from adapters.sierra.files.scid import ScidRecords, read_scid
from adapters.sierra.files.writer import scid_header, synthetic_ticks, write_file
from mia_core.instruments import ES

TARGET = 20_000_000
START_NS = 1_764_547_200_000_000_000  # 2025-12-01 00:00 UTC


@attrs.frozen
class SierraFilesFigures:
    """Records per second of the decode and of decode + one-minute bars (medians of the runs)."""

    records: int
    runs: int
    decode_per_second: float
    decode_best_per_second: float
    bars_per_second: float

    @property
    def meets_target(self) -> bool:
        """The median decode reaches the 20,000,000 records/s target."""
        return self.decode_per_second >= TARGET

    def lines(self) -> list[str]:
        """The figures as text lines."""
        verdict = "meets" if self.meets_target else "BELOW"
        return [
            f".scid decode: {self.decode_per_second:,.0f} records/s median, {self.decode_best_per_second:,.0f} best "
            f"({self.records:,} records, {self.runs} runs; {verdict} the target of {TARGET:,}/s)",
            f".scid to 1-minute bars with bid/ask volume: {self.bars_per_second:,.0f} records/s median",
        ]


def decode(path: Path) -> ScidRecords:
    """One full decode (what the bench times)."""
    records = read_scid(path)
    records.traded  # noqa: B018  (the masks are part of decoding)
    records.is_tick  # noqa: B018
    records.first_of_split  # noqa: B018
    return records


def _seconds(fn: Callable[[], object], runs: int) -> list[float]:
    fn()
    out = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return out


def run(records: int = 5_000_000, runs: int = 7, directory: Path | None = None) -> SierraFilesFigures:
    """Write a synthetic file of ``records`` tick records and time decoding it; returns the figures."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        path = write_file(Path(tmp) / "ESZ25-CME.scid", scid_header(), synthetic_ticks(records, START_NS))
        decoded = _seconds(lambda: decode(path), runs)
        bars = _seconds(lambda: file_bars(path, ES, 60), max(1, runs // 2))
    return SierraFilesFigures(records, runs, records / statistics.median(decoded), records / min(decoded),
                              records / statistics.median(bars))


def main(argv: list[str] | None = None) -> None:
    """``python -m adapters.bench.sierra_files [RECORDS]``: print the figures."""
    args = sys.argv[1:] if argv is None else argv
    figures = run(int(args[0])) if args else run()
    for line in figures.lines():
        print(line)


if __name__ == "__main__":
    main()
