"""Row screening: bad rows are counted and reported, never silently used."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.chain import ChainArrays

#: IVs above this (decimal) are treated as missing (deep-ITM vendor values such as 4.285).
MAX_IV = 5.0
#: IVs below this are treated as missing (CBOE writes 0 for "no IV").
MIN_IV = 0.005
#: Open interest above this (contracts in one series) is a data error, not a position: set aside.
MAX_OPEN_INTEREST = 10_000_000.0
#: Reasons a row is set aside, in the order reports list them: (ScreenReport field, words).
REASONS = (
    ("rejected", "rejected by the reader"),
    ("expired", "expired"),
    ("crossed", "crossed"),
    ("duplicate", "duplicate"),
    ("absurd_open_interest", "open interest out of bounds"),
    ("far_strike", "far strike"),
)


@attrs.frozen(slots=True)
class ScreenReport:
    """How many rows of a snapshot were set aside, and why (a row may have several reasons).

    ``expired``: settlement at or before the snapshot; ``crossed``: bid above a non-zero
    ask; ``duplicate``: a second row of the same series; ``far_strike``: strike more than
    ``max_moneyness`` from spot; ``missing_iv``: IV absent, zero or absurd (repairable from
    prices); ``zero_open_interest``: contributes no exposure; ``bad``: rows excluded for a data
    problem (expired, crossed, duplicate or absurd open interest); ``used``: rows kept;
    ``iv_in_percent``: the source wrote IVs in percent and they were divided by 100;
    ``absurd_open_interest``: open interest above :data:`MAX_OPEN_INTEREST` (or not finite);
    ``rejected``: series the source listed but its reader rejected (not among ``total``).
    """

    total: int
    expired: int
    crossed: int
    duplicate: int
    far_strike: int
    missing_iv: int
    zero_open_interest: int
    bad: int
    used: int
    iv_in_percent: bool = False
    absurd_open_interest: int = 0
    rejected: int = 0

    def explain(self) -> str:
        """``"34 rows, 30 used; set aside: expired 2, crossed 1"``: every non-zero reason, in words."""
        reasons = ", ".join(f"{words} {getattr(self, name)}" for name, words in REASONS if getattr(self, name))
        head = f"{self.total} rows, {self.used} used" if self.used else f"{self.total} rows, none usable"
        if not reasons:
            return head
        return f"{head}; set aside: {reasons}" if self.used else f"{head}: {reasons}"

    def as_dict(self) -> dict[str, int]:
        """Counts by reason, for reports."""
        return {f.name: int(getattr(self, f.name)) for f in attrs.fields(ScreenReport)}


def screen(chain: ChainArrays, max_moneyness: float) -> tuple[ChainArrays, ScreenReport]:
    """Drop expired, crossed, duplicate, absurd-OI and far-strike rows; normalise IV units; count everything.

    Missing IVs are kept (as NaN) for the implied-volatility step to repair from prices.
    """
    n = len(chain)
    expired = chain.settle_ns <= chain.ts
    crossed = (chain.ask > 0) & (chain.bid > chain.ask)
    duplicate = _duplicates(chain)
    far = np.abs(chain.strike / chain.spot - 1.0) > max_moneyness
    absurd = ~np.isfinite(chain.open_interest) | (chain.open_interest > MAX_OPEN_INTEREST)
    iv = chain.iv.copy()
    positive = iv[np.isfinite(iv) & (iv > 0)]
    in_percent = bool(positive.size and np.median(positive) > 3.0)
    if in_percent:
        iv = iv / 100.0
    missing = ~np.isfinite(iv) | (iv < MIN_IV) | (iv > MAX_IV)
    iv[missing] = np.nan
    bad = expired | crossed | duplicate | absurd
    keep = ~bad & ~far
    report = ScreenReport(
        total=n,
        expired=int(expired.sum()),
        crossed=int(crossed.sum()),
        duplicate=int(duplicate.sum()),
        far_strike=int(far.sum()),
        missing_iv=int((missing & keep).sum()),
        zero_open_interest=int(((chain.open_interest <= 0) & keep).sum()),
        bad=int(bad.sum()),
        used=int(keep.sum()),
        iv_in_percent=in_percent,
        absurd_open_interest=int(absurd.sum()),
        rejected=chain.rejected,
    )
    cleaned = attrs.evolve(chain, iv=iv).take(keep)
    return cleaned, report


def _duplicates(chain: ChainArrays) -> NDArray[np.bool_]:
    """True on every repeat of a (settlement, right, strike) already seen earlier in the rows."""
    n = len(chain)
    if n == 0:
        return np.zeros(0, dtype=np.bool_)
    key = np.empty(n, dtype=[("s", np.int64), ("c", np.bool_), ("k", np.float64)])
    key["s"], key["c"], key["k"] = chain.settle_ns, chain.is_call, chain.strike
    _, first = np.unique(key, return_index=True)
    dup = np.ones(n, dtype=np.bool_)
    dup[first] = False
    return dup
