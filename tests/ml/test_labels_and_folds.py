"""Triple-barrier labels with the system's exits and costs; purged, embargoed walk-forward folds."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.errors import MiaError
from mia_plugins.ml_filter.cv import purged_walk_forward
from mia_plugins.ml_filter.labels import triple_barrier

OPEN = np.array([100.0, 100.0, 101.0, 103.0, 96.0])
H = np.array([101.0, 102.0, 104.0, 104.0, 97.0])
L = np.array([99.0, 98.5, 100.0, 102.0, 95.0])
C = np.array([100.0, 101.0, 103.0, 103.5, 96.0])


def test_target_stop_time_and_costs() -> None:
    # long from bar 1's open (100): target 103 touched on bar 2
    assert triple_barrier(1, 1, 98.0, 103.0, 10, OPEN, H, L, C, 0.5) == (2.5, 2)
    # a bar touching both the stop and the target counts as stopped (the cautious reading)
    assert triple_barrier(1, 1, 99.0, 101.5, 10, OPEN, H, L, C, 0.0) == (-1.0, 1)
    # no barrier within 2 bars: out at the close of the 2nd bar
    assert triple_barrier(1, 1, 90.0, 110.0, 2, OPEN, H, L, C, 0.0) == (3.0, 2)
    # a short whose stop is gapped through fills at the worse open; no bar left: None
    assert triple_barrier(3, -1, 103.5, 90.0, 5, OPEN, H, L, C, 0.0) == (-0.5, 3)
    assert triple_barrier(2, -1, 102.0, 90.0, 5, OPEN, H, L, C, 0.0) == (-1.0, 2)
    assert triple_barrier(4, 1, 90.0, 99.0, 5, OPEN, H, L, C, 0.0) == (0.0, 4)
    assert triple_barrier(5, 1, None, None, 5, OPEN, H, L, C, 0.0) is None


def test_folds_purge_labels_that_reach_into_the_test_block_and_embargo() -> None:
    start = np.arange(60, dtype=np.int64) * 10
    end = start + 35  # each label spans the next 3.5 rows
    folds = purged_walk_forward(start, end, folds=3, embargo_ns=20, min_train=1)
    assert len(folds) == 3
    for train, test in folds:
        assert train.max() < test.min()
        assert np.all(end[train] < start[test[0]] - 20)  # purged and embargoed
        assert test[0] - train.max() > 3  # the rows just before the block were dropped
    unpurged = purged_walk_forward(start, start, folds=3, embargo_ns=0, min_train=1)
    assert unpurged[0][0].max() == unpurged[0][1].min() - 1


def test_folds_refuse_too_few_rows_and_unsorted_rows() -> None:
    with pytest.raises(MiaError, match="3 rows cannot make 5 folds"):
        purged_walk_forward(np.arange(3), np.arange(3), folds=5, embargo_ns=0)
    with pytest.raises(MiaError, match="sorted by start time"):
        purged_walk_forward(np.array([2, 1, 3]), np.array([2, 1, 3]), folds=1, embargo_ns=0)
