"""A run whose result is lost with a killed worker as it is read is run again, a bounded number of times."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.research.sweep.engine import LOST_RESULT_RETRIES, read_row
from adapters.research.sweep.space import SweepError
from adapters.research.sweep.tasks import DataRef, RunTask, Window

LOST = RuntimeError("<asyncio.locks.Event object at 0x1 [unset]> is bound to a different event loop")
TASK = RunTask(index=3, system={"strategy": {"use": "sma_cross"}}, overrides={"strategy.fast": 5},
               data=DataRef("sp500", "", "ab" * 32, True), window=Window(), seed=0, code_version="v")


class Finished:
    """A finished run's future: its result, or the error reading it raises."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome

    def result(self) -> Any:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class Cluster:
    """Takes submissions and remembers their keys (what a Dask client does, minus running them)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def submit(self, fn: Any, task: RunTask, key: str, pure: bool) -> Finished:
        assert not pure
        self.keys.append(key)
        return Finished({"key": task.key})


def test_a_finished_run_gives_its_row() -> None:
    cluster = Cluster()
    row, again = read_row(cluster, Finished({"key": "k"}), TASK, {}, print)
    assert row == {"key": "k"} and again is None and cluster.keys == []


def test_a_result_lost_while_read_is_submitted_again_then_given_up() -> None:
    cluster, retries, said = Cluster(), {}, []
    for attempt in range(1, LOST_RESULT_RETRIES + 1):
        row, again = read_row(cluster, Finished(LOST), TASK, retries, said.append)
        assert row == {} and again is not None
        assert cluster.keys[-1] == f"mia-sweep-{TASK.key}-{attempt}"  # a new key: not the lost future again
    assert len(said) == LOST_RESULT_RETRIES and "run 3" in said[0]
    with pytest.raises(SweepError, match=r"run 3 \(\{'strategy.fast': 5\}.*different event loop"):
        read_row(cluster, Finished(LOST), TASK, retries, said.append)
    assert len(cluster.keys) == LOST_RESULT_RETRIES


@pytest.mark.parametrize("error", [RuntimeError("the backtest broke"), ValueError("bad bars")])
def test_any_other_failure_stops_the_sweep_naming_the_run(error: Exception) -> None:
    cluster = Cluster()
    with pytest.raises(SweepError, match=r"run 3 .* failed"):
        read_row(cluster, Finished(error), TASK, {}, print)
    assert cluster.keys == []
