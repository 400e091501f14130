"""Real files for the tick CLI tests: trades as CSV, Parquet and .scid, a system YAML that trades them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from adapters.sierra.files.tape import tape_records, write_tape
from adapters.sierra.files.writer import scid_header, write_file
from mia_core.instruments import ES
from mia_core.ticks.synthetic import synthetic_tape
from mia_core.ticks.tape import Tape

OLD = 1_600_000_000  # a file written long ago is not being appended to (Sierra Chart's live files)
SYSTEM = """\
instrument: ES
data_feed:
  use: {feed}
  {feed_settings}
broker:
  use: simulated
  market_fill: {market_fill}
  commission_per_contract: 2.25
  slippage_ticks: 1
strategy:
  use: {strategy}
"""


def tape(trades: int = 20_000) -> Tape:
    return synthetic_tape(ES, trades, seed=3)


def frame(t: Tape) -> pd.DataFrame:
    return pd.DataFrame({"ts": pd.to_datetime(t.ts, utc=True).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                         "price": t.price, "size": t.size, "side": t.side})


def csv(path: Path, t: Tape) -> Path:
    frame(t).to_csv(path, index=False)
    return path


def scid(path: Path, t: Tape) -> Path:
    write_tape(path, t)
    os.utime(path, (OLD, OLD))
    return path


def scid_of_bars(path: Path, t: Tape) -> Path:
    """The tape's records made into bars (five trades a record), as a file stored as 1-minute bars holds."""
    records = tape_records(t)
    records["num_trades"] = 5
    records["open"] = records["close"]
    write_file(path, scid_header(), records)
    os.utime(path, (OLD, OLD))
    return path


def system(path: Path, *, feed: str = "ticks", data: str = "trades.csv", strategy: str = "order_flow\n  threshold: 60",
           market_fill: str = "next_trade") -> Path:
    settings = f"path: {data}" if feed == "ticks" else "dataset: sp500"
    path.write_text(SYSTEM.format(feed=feed, feed_settings=settings, strategy=strategy, market_fill=market_fill))
    return path
