"""Dask as the engine: a local cluster (processes, all cores) or an existing scheduler; runs go out, rows come back."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence

from adapters.research.sweep.space import SweepError
from adapters.research.sweep.store import RunStore
from adapters.research.sweep.tasks import RunTask
from adapters.research.sweep.worker import run_task

Report = Callable[[str], None]
#: How long the sweep waits with no worker on the cluster before it stops (seconds).
NO_WORKER_TIMEOUT = 60.0
#: How often one run is submitted again when its result is lost while being read.
LOST_RESULT_RETRIES = 3


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None, connect_timeout: float = 10.0) -> Iterator[object]:
    """A client of ``scheduler`` (``tcp://HOST:PORT``), else of a local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)  # the scheduler's chatter is not the sweep's
    if scheduler is None:
        count = workers or os.cpu_count() or 1
        with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise SweepError(f"scheduler {scheduler}: not reachable within {connect_timeout:g} s ({exc}); "
                         "start one with `dask scheduler` and workers with `dask worker ADDRESS`") from exc
    try:
        yield client
    finally:
        client.close()


def _workers(client: object) -> set[str]:
    info = client.scheduler_info()  # type: ignore[attr-defined]
    return set(info.get("workers", {}))


def run_tasks(client: object, tasks: Sequence[RunTask], store: RunStore, report: Report,
              on_row: Callable[[dict[str, object]], None] | None = None) -> int:
    """Run the tasks whose key is not in ``store`` yet; each row is written as it comes. Returns how many ran.

    A worker that leaves is reported and its runs go to the others (Dask reschedules them);
    a run that fails, or that kills workers again and again, stops the sweep with its
    parameters named; the rows written so far stay in the cache for the next try.
    """
    from distributed import wait
    from distributed.client import FIRST_COMPLETED

    done = store.done_keys()
    unique = {t.key: t for t in tasks if t.key not in done}
    if not unique:
        return 0
    # the seed is in the Dask key (not in the cache key): a result an earlier sweep left on the scheduler under
    # the same key would otherwise be handed back with that sweep's seed
    futures = {client.submit(run_task, t, key=f"mia-sweep-{t.key}-seed{t.seed}", pure=False): t  # type: ignore[attr-defined]
               for t in unique.values()}
    pending = set(futures)
    known = _workers(client)
    alone_since: float | None = None
    executed = 0
    retries: dict[str, int] = {}
    try:
        while pending:
            finished, pending = _wait_some(wait, pending, FIRST_COMPLETED)
            for future in finished:
                task = futures[future]
                row, again = read_row(client, future, task, retries, report)
                if again is not None:
                    futures[again] = task
                    pending.add(again)
                    continue
                store.add(row)
                executed += 1
                if on_row is not None:
                    on_row(row)
            now = _workers(client)
            for gone in sorted(known - now):
                report(f"worker {gone} left the cluster: its unfinished runs are rescheduled on the others")
            known = now
            if now:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKER_TIMEOUT:
                raise SweepError(f"no worker on the cluster for {NO_WORKER_TIMEOUT:g} s with {len(pending)} runs "
                                 "to go; start workers (`dask worker ADDRESS`) and rerun to resume")
    finally:
        for future in pending:
            future.cancel()
        store.flush()
    return executed


def _wait_some(wait: Callable[..., object], pending: set[object], when: str) -> tuple[set[object], set[object]]:
    try:
        result = wait(list(pending), timeout=2, return_when=when)
    except TimeoutError:
        return set(), pending
    finished, left = result  # type: ignore[misc]
    return set(finished), set(left)


def read_row(client: object, future: object, task: RunTask, retries: dict[str, int],
             report: Report) -> tuple[dict[str, object], object | None]:
    """``(row, None)`` from a finished run, or ``({}, new future)`` when its result was lost as it was read.

    A run that failed, or whose result was lost more than ``LOST_RESULT_RETRIES`` times,
    is a :class:`SweepError` naming it.
    """
    try:
        return future.result(), None  # type: ignore[attr-defined]
    except RuntimeError as exc:
        if not _lost_in_reading(exc) or retries.get(task.key, 0) >= LOST_RESULT_RETRIES:
            raise SweepError(_failure(task, exc)) from exc
        retries[task.key] = retries.get(task.key, 0) + 1
        report(f"run {task.index}: its result was lost with a worker as it was read; running it again")
        again = client.submit(run_task, task, key=f"mia-sweep-{task.key}-{retries[task.key]}",  # type: ignore[attr-defined]
                              pure=False)
        return {}, again
    except Exception as exc:
        raise SweepError(_failure(task, exc)) from exc


def _lost_in_reading(exc: RuntimeError) -> bool:
    """True for distributed's error when a finished run's result goes with a killed worker as it is read.

    The future is reset to pending from the scheduler's thread and ``result()`` then
    waits on an event bound to another event loop; the run itself did not fail, so it
    is submitted again (runs are deterministic and rows are keyed, so nothing doubles).
    """
    return "bound to a different event loop" in str(exc)


def _failure(task: RunTask, exc: BaseException) -> str:
    where = f"run {task.index} ({dict(task.overrides)}, dataset {task.data.name}, window {task.window.label})"
    if type(exc).__name__ == "KilledWorker":
        return (f"{where} was lost with every worker that ran it ({exc}); the rows finished so far are cached: "
                "rerun to resume")
    return f"{where} failed: {type(exc).__name__}: {exc}"
