"""The SnapshotArchive port: stored options chain snapshots, found by time and read for a plugin."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.options import OptionsChainSnapshot


@runtime_checkable
class SnapshotArchive(Protocol):
    """The point-in-time chain snapshots stored in one place, one per underlying and timestamp.

    A plugin does no I/O: it asks its factory's ``BuildContext.snapshot_archive(directory)``
    for an archive and reads stored snapshots through it. The composition root implements
    it with the snapshot store (``adapters.options``), which ``mia gex-collect`` and the
    paper/live scheduler write to; snapshots written after the archive was made are found
    too. A snapshot is named by its underlying and its timestamp ``ts`` (UTC ns, the
    moment the quotes were taken).
    """

    def latest_before(self, underlying: str, ts: int) -> int | None:
        """The timestamp of the latest stored snapshot of ``underlying`` taken strictly before ``ts``.

        ``underlying`` is matched without regard to case (``SPX``, ``NDX``); ``ts`` and
        the result are UTC ns. Returns ``None`` when there is none, also when the place
        does not exist (yet). Cheap enough to ask on every bar: implementations list
        the place again only when it has changed. A snapshot stamped at ``ts`` itself is
        not returned, so a backtest never sees a chain taken at or after a bar's close.
        """
        ...

    def load(self, underlying: str, ts: int) -> OptionsChainSnapshot:
        """Read the stored snapshot of ``underlying`` taken at ``ts`` (a value :meth:`latest_before` gave).

        Raises :class:`mia_core.errors.MiaError` naming the file (or record) when it is
        missing, unreadable or not a valid snapshot; nothing else escapes.
        """
        ...
