"""Purged and embargoed walk-forward folds: a test block is judged by models fitted on labels that ended before it."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mia_core.errors import MiaError


def purged_walk_forward(start_ns: NDArray[np.int64], end_ns: NDArray[np.int64], folds: int, embargo_ns: int,
                        min_train: int = 20) -> list[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """(train, test) index arrays of ``folds`` walk-forward folds over rows sorted by ``start_ns``.

    The rows are cut into ``folds + 1`` consecutive blocks; fold ``k`` tests block
    ``k + 1``. Its training rows are the earlier ones whose label span ended before the
    test block starts minus ``embargo_ns`` (purge + embargo): a label still open when the
    test begins would tell the model about the test period. Folds with fewer than
    ``min_train`` training rows are left out.
    """
    n = len(start_ns)
    if np.any(np.diff(start_ns) < 0):
        raise MiaError("purged_walk_forward: rows must be sorted by start time")
    if folds < 1 or n < folds + 1:
        raise MiaError(f"purged_walk_forward: {n} rows cannot make {folds} folds (need at least {folds + 1})")
    edges = np.linspace(0, n, folds + 2).astype(int)
    out = []
    for k in range(1, folds + 1):
        test = np.arange(edges[k], edges[k + 1])
        if test.size == 0:
            continue
        cutoff = start_ns[test[0]] - embargo_ns
        train = np.flatnonzero((np.arange(n) < test[0]) & (end_ns < cutoff))
        if train.size >= min_train:
            out.append((train, test))
    return out
