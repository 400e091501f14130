"""``mia bench gex``: a full SPX-like chain of 20,000 options through greeks, GEX, zero gamma and the bias score.

The chain is synthetic (``adapters.options.synthetic``: 40 expiries × 250 strikes ×
call/put, SPX and SPXW, 0DTE included). Timed with ``perf_counter`` after warm-up runs,
median of ``runs`` runs each:

- ``analyse`` from columns with the chain's own IVs (missing ones implied from prices):
  screening, parity forwards, greeks, GEX by strike/expiry, zero gamma (and ex-0DTE)
  by re-pricing over 81 spots + Brent, walls, ratios and quality;
- the same with every IV implied from OTM mid prices (``iv_source: prices``);
- the values the ``dealers_bias`` analyzer (built from the plugin registry) publishes on a
  bar five minutes after the snapshot: levels, GEX, quality, score and confidence at that time;
- turning the snapshot's 20,000 quote objects into columns (paid once per snapshot).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

import attrs
from rich.table import Table

from adapters.options.dealers_bias import bias_analyzer
from adapters.options.synthetic import synthetic_chain
from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.chain import ChainArrays
from mia_core.gex.groups import IvSource
from mia_core.instruments import ES
from mia_core.market import Bar

BUDGET_MS = 50.0
SNAPSHOT_TIME = datetime(2025, 1, 6, 19, 0, tzinfo=UTC)  # a Monday, 14:00 New York: 0DTE still live


@attrs.frozen
class Timing:
    """One measured step: median, min and max over the runs, in milliseconds."""

    step: str
    median_ms: float
    min_ms: float
    max_ms: float


def _time(fn: Callable[[], object], runs: int, warmup: int = 2) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    return Timing("", statistics.median(samples), min(samples), max(samples))


def gex_bench(options: int = 20_000, runs: int = 15) -> tuple[int, list[Timing]]:
    """Measure the steps on a synthetic chain of about ``options`` options; returns (options, timings)."""
    expiries = 40
    per_expiry = max(1, options // (2 * expiries))
    snapshot = synthetic_chain(SNAPSHOT_TIME, expiries=expiries, strikes_per_expiry=per_expiry)
    chain = ChainArrays.from_snapshot(snapshot)
    quotes_settings = GexSettings()
    prices_settings = GexSettings(iv_source=IvSource.PRICES)
    analyzer = bias_analyzer(ES, {"underlying": snapshot.underlying})
    analyzer.on_event(snapshot)
    later = snapshot.ts + 5 * 60 * 1_000_000_000
    bar = Bar(ES, later, snapshot.spot, snapshot.spot, snapshot.spot, snapshot.spot, 0.0)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("full analysis, chain IVs", lambda: analyse(chain, quotes_settings)),
        ("full analysis, IVs from prices", lambda: analyse(chain, prices_settings)),
        ("published values", lambda: analyzer.on_event(bar)),
        ("quotes to columns", lambda: ChainArrays.from_snapshot(snapshot)),
    ]  # fmt: skip
    return len(snapshot.quotes), [attrs.evolve(_time(fn, runs), step=name) for name, fn in steps]


def gex_table(options: int, timings: list[Timing], runs: int) -> Table:
    """The figures as a rich table, against the 50 ms budget."""
    table = Table(
        title=f"dealer's bias, synthetic chain of {options:,} options, {runs} runs",
        caption="full analysis = screening, IVs, greeks, GEX, zero gamma (+ex-0DTE), walls, ratios, quality",
    )
    for column in ("step", "median ms", "min ms", "max ms", "budget ms"):
        table.add_column(column, justify="left" if column == "step" else "right", no_wrap=True)
    for i, t in enumerate(timings):
        budget = ("ok" if t.median_ms < BUDGET_MS else "OVER") + f" <{BUDGET_MS:.0f}" if i < 2 else ""
        table.add_row(t.step, f"{t.median_ms:.3f}", f"{t.min_ms:.3f}", f"{t.max_ms:.3f}", budget)
    return table
