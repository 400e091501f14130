"""A chain snapshot as columns (numpy arrays), the form every computation here works on."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.expiry import settlement_ns
from mia_core.options import OptionRight, OptionsChainSnapshot

F8 = NDArray[np.float64]


@attrs.frozen(slots=True, eq=False)
class ChainArrays:
    """One row per option series of one snapshot (``ts`` UTC ns, index ``spot``).

    ``settle_ns`` is each series' settlement instant (AM/PM already applied), which
    also identifies its expiry group: SPX (AM) and SPXW (PM) series of the same date
    are different groups. Missing values (``last``, ``iv``, ``vendor_gamma``) are NaN.
    ``rejected`` counts series the source could not read (they are not among the rows).
    """

    underlying: str
    ts: int
    spot: float
    settle_ns: NDArray[np.int64]
    strike: F8
    is_call: NDArray[np.bool_]
    bid: F8
    ask: F8
    last: F8
    volume: F8
    open_interest: F8
    iv: F8
    vendor_gamma: F8
    roots: tuple[str, ...] = ()
    rejected: int = 0

    def __len__(self) -> int:
        return int(self.strike.shape[0])

    def take(self, mask: NDArray[np.bool_]) -> ChainArrays:
        """The rows where ``mask`` is true."""
        fields = {
            f.name: getattr(self, f.name)[mask]
            if isinstance(getattr(self, f.name), np.ndarray)
            else getattr(self, f.name)
            for f in attrs.fields(ChainArrays)
        }
        return ChainArrays(**fields)

    @classmethod
    def from_snapshot(cls, snapshot: OptionsChainSnapshot) -> ChainArrays:
        """Columns of ``snapshot``'s quotes (AM/PM settlement from each quote's ``settlement``)."""
        quotes = snapshot.quotes
        n = len(quotes)
        cache: dict[tuple[object, object], int] = {}
        settle = np.empty(n, dtype=np.int64)
        for i, q in enumerate(quotes):
            key = (q.expiry, q.settlement)
            value = cache.get(key)
            if value is None:
                value = cache[key] = settlement_ns(q.expiry, q.settlement)
            settle[i] = value
        nan = float("nan")
        return cls(
            underlying=snapshot.underlying,
            ts=snapshot.ts,
            spot=snapshot.spot,
            settle_ns=settle,
            strike=np.fromiter((q.strike for q in quotes), np.float64, n),
            is_call=np.fromiter((q.right is OptionRight.CALL for q in quotes), np.bool_, n),
            bid=np.fromiter((q.bid for q in quotes), np.float64, n),
            ask=np.fromiter((q.ask for q in quotes), np.float64, n),
            last=np.fromiter((nan if q.last is None else q.last for q in quotes), np.float64, n),
            volume=np.fromiter((q.volume for q in quotes), np.float64, n),
            open_interest=np.fromiter((q.open_interest for q in quotes), np.float64, n),
            iv=np.fromiter((nan if q.iv is None else q.iv for q in quotes), np.float64, n),
            vendor_gamma=np.fromiter((nan if q.gamma is None else q.gamma for q in quotes), np.float64, n),
            roots=tuple(sorted({q.root for q in quotes})),
            rejected=snapshot.rejected,
        )
