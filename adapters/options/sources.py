"""File- and synthetic-backed OptionsChainSource implementations (the IB one is adapters.ib.options)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from adapters.options.files import read_any
from adapters.options.synthetic import synthetic_chain
from mia_core.errors import MiaError
from mia_core.options import OptionsChainSnapshot

log = logging.getLogger("mia.options")


class SyntheticSource:
    """Synthetic chains at the current time, the index following a seeded random walk (demos, tests)."""

    name = "synthetic"

    def __init__(
        self,
        *,
        spot: float = 5000.0,
        seed: int = 0,
        expiries: int = 12,
        strikes_per_expiry: int = 80,
        now_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        self.spot, self.expiries, self.strikes = spot, expiries, strikes_per_expiry
        self.now_ns = now_ns
        self._rng = np.random.default_rng(seed)
        self._seed = seed

    async def snapshot(self, underlying: str) -> OptionsChainSnapshot:
        """A fresh synthetic chain; the spot moves by a 0.1 % normal step each call."""
        self.spot *= float(np.exp(0.001 * self._rng.standard_normal()))
        self._seed += 1
        return synthetic_chain(
            self.now_ns(),
            spot=round(self.spot, 2),
            expiries=self.expiries,
            strikes_per_expiry=self.strikes,
            seed=self._seed,
            underlying=underlying.upper(),
        )


class DirectorySource:
    """The newest chain file in an inbox directory (e.g. CBOE downloads saved every few minutes).

    Reads ``*.csv`` (CBOE quotedata or long format), ``*.parquet`` and stored ``*.json``
    files; the snapshot time is what the file says (the CBOE ``Date:`` line), never
    the time of reading. A file already returned is not returned twice. Rejected rows are
    logged (logger ``mia.options``) and counted in the snapshot's ``rejected``.
    """

    name = "directory"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._seen: set[Path] = set()

    async def snapshot(self, underlying: str) -> OptionsChainSnapshot:
        """The newest unseen file's snapshot; MiaError when there is none."""
        files = [
            p
            for p in self.directory.glob("*")
            if p.suffix in (".csv", ".parquet", ".json") and p.is_file() and p not in self._seen
        ]
        if not files:
            raise MiaError(f"no new chain file in {self.directory}")
        newest = max(files, key=lambda p: p.stat().st_mtime_ns)
        self._seen.add(newest)
        result = read_any(newest, underlying=underlying.upper())
        if result.rejected:
            shown = "; ".join(result.rejected[:3]) + ("; ..." if len(result.rejected) > 3 else "")
            log.warning("%s: %d row(s) rejected, stored without them (confidence lowered): %s",
                        newest.name, len(result.rejected), shown)
        return result.snapshot
