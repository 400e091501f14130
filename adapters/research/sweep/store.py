"""Rows streamed to Parquet part files as runs finish; the parts are the cache an interrupted sweep resumes from."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RUNS_FILE = "runs.parquet"
PARTS = "parts"


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

    def rows(self, keys: Iterable[str]) -> pd.DataFrame:
        """The rows of ``keys`` (each once, in run order): the sweep's result."""
        wanted = set(keys)
        frames = [pq.read_table(p).to_pandas() for p in sorted(self.parts.glob("part-*.parquet"))]
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        table = table[table["key"].isin(wanted)].drop_duplicates("key")
        return table.sort_values(["run"], kind="stable").reset_index(drop=True)

    def write_result(self, frame: pd.DataFrame) -> Path:
        path = self.directory / RUNS_FILE
        frame.to_parquet(path, index=False)
        return path
