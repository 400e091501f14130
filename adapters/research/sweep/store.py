"""Rows streamed to Parquet part files as runs finish; the parts are the cache an interrupted sweep resumes from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RUNS_FILE = "runs.parquet"
DAILY_FILE = "daily.parquet"
PARTS = "parts"
#: A row's columns holding the run's daily returns (CME days as ISO dates, returns after costs): in daily.parquet.
DAILY_DAYS, DAILY_RETURNS = "daily_days", "daily_returns"
#: Seconds the worker spent on the run: kept in the parts for ``mia bench sweep``, not part of the result.
RUN_SECONDS = "run_seconds"
#: CPU seconds of the worker process during the run (what it got of a core), for the bench too.
RUN_CPU_SECONDS = "run_cpu_seconds"
SIDE_COLUMNS = (DAILY_DAYS, DAILY_RETURNS, RUN_SECONDS, RUN_CPU_SECONDS)


class RunStore:
    """``DIR/parts/part-NNNNN.parquet`` written every ``batch`` rows (and on close); ``DIR/runs.parquet`` at the end.

    Only ``batch`` rows are ever held in memory; a run whose row reached a part file is
    found by its key next time and not run again.
    """

    def __init__(self, directory: Path, batch: int = 16) -> None:
        self.directory = directory
        self.parts = directory / PARTS
        self.parts.mkdir(parents=True, exist_ok=True)
        self.batch = batch
        self._pending: list[dict[str, Any]] = []
        self._next = len(list(self.parts.glob("part-*.parquet")))

    def done_keys(self) -> set[str]:
        """Keys of every run already written."""
        keys: set[str] = set()
        for part in sorted(self.parts.glob("part-*.parquet")):
            keys.update(pq.read_table(part, columns=["key"]).column("key").to_pylist())
        return keys

    def add(self, row: dict[str, Any]) -> None:
        self._pending.append(row)
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        table = pa.Table.from_pandas(pd.DataFrame(self._pending), preserve_index=False)
        target = self.parts / f"part-{self._next:05d}.parquet"
        scratch = target.with_suffix(".tmp")
        pq.write_table(table, scratch)
        scratch.replace(target)  # a part is there whole or not at all
        self._next += 1
        self._pending = []

    def _read(self, keys: Iterable[str], columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The part files' rows of ``keys`` (each once), every column but the side ones, or ``columns``."""
        wanted = set(keys)
        frames = []
        for part in sorted(self.parts.glob("part-*.parquet")):
            names = pq.read_schema(part).names
            chosen = [c for c in names if c not in SIDE_COLUMNS] if columns is None else ["key", *columns]
            frames.append(pq.read_table(part, columns=[c for c in chosen if c in names]).to_pandas())
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        return table[table["key"].isin(wanted)].drop_duplicates("key")

    def rows(self, keys: Iterable[str]) -> pd.DataFrame:
        """The rows of ``keys`` (each once, in run order): the sweep's result, without the daily returns."""
        table = self._read(keys)
        if table.empty:
            return table
        return table.sort_values(["run"], kind="stable").reset_index(drop=True)

    def daily(self, keys: Iterable[str]) -> pd.DataFrame:
        """Columns ``key``, ``day`` (ISO date) and ``daily_return``: one line per run and CME trading day."""
        table = self._read(keys, [DAILY_DAYS, DAILY_RETURNS])
        if table.empty or DAILY_DAYS not in table:
            return pd.DataFrame({"key": [], "day": [], "daily_return": []})
        long = table.explode([DAILY_DAYS, DAILY_RETURNS], ignore_index=True).dropna(subset=[DAILY_DAYS])
        return pd.DataFrame({"key": long["key"].astype(str), "day": long[DAILY_DAYS].astype(str),
                             "daily_return": long[DAILY_RETURNS].astype(float)})

    def seconds(self, keys: Iterable[str], column: str = RUN_SECONDS) -> list[float]:
        """The workers' wall (or, with ``RUN_CPU_SECONDS``, CPU) seconds per run of ``keys``."""
        table = self._read(keys, [column])
        return [] if table.empty or column not in table else [float(v) for v in table[column]]

    def write_result(self, frame: pd.DataFrame, daily: pd.DataFrame | None = None) -> Path:
        """``runs.parquet`` (and ``daily.parquet``: run, dataset, window, day, daily_return) in ``directory``."""
        path = self.directory / RUNS_FILE
        frame.to_parquet(path, index=False)
        if daily is not None:
            daily.to_parquet(self.directory / DAILY_FILE, index=False)
        return path
