"""The OptionsChainSource port: where chain snapshots for dealer's bias come from."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.options import OptionsChainSnapshot


@runtime_checkable
class OptionsChainSource(Protocol):
    """Takes point-in-time snapshots of an index options chain (SPX, NDX).

    Implementations: the IB adapter (model greeks from IB), a directory of stored
    or downloaded files, a synthetic generator for demos. The snapshot scheduler
    (``adapters.options.scheduler``) calls :meth:`snapshot` every few minutes in
    paper and live sessions and stores each result with its timestamp, so that
    backtests later see exactly what was known at each moment.
    """

    name: str

    async def snapshot(self, underlying: str) -> OptionsChainSnapshot:
        """One snapshot of ``underlying``'s chain as of now.

        ``ts`` must be the moment the quotes were taken (UTC ns; the source's clock,
        not the time the call returns) and ``spot`` the index level at that moment.
        Raise :class:`mia_core.errors.MiaError` with an explanation when no snapshot
        can be taken (no connection, no market data permission, unknown underlying);
        the scheduler logs it and tries again at the next slot.
        """
        ...
