"""A real ``dask scheduler`` and two ``dask worker`` processes on loopback: same rows as locally, a killed worker."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.engine import dask_client
from adapters.research.sweep.search import load_spec, run_sweep

DASK = str(Path(sys.executable).parent / "dask")
MIA = str(Path(sys.executable).parent / "mia")
WAIT = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Cluster:
    """A scheduler and workers started as processes; every one stopped by ``close``."""

    def __init__(self, tmp: Path) -> None:
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.log = tmp / "dask.log"
        port = self.address.rsplit(":", 1)[1]
        self._start([DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--dashboard-address", ":0"])

    def _start(self, argv: list[str]) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def add_worker(self) -> None:
        self.workers.append(self._start([DASK, "worker", self.address, "--nthreads", "1", "--no-nanny",
                                         "--host", "127.0.0.1", "--dashboard-address", ":0"]))

    def wait_for_workers(self, client: object, count: int) -> None:
        client.wait_for_workers(count, timeout=WAIT)  # type: ignore[attr-defined]

    def close(self) -> None:
        for proc in reversed(self.procs):
            _stop(proc)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    running = Cluster(tmp_path)
    try:
        for _ in range(2):
            running.add_worker()
        yield running
    finally:
        running.close()


def _connect(cluster: Cluster) -> object:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return dask_client(cluster.address, None, connect_timeout=5.0)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_a_sweep_through_scheduler_gives_the_local_rows(cluster: Cluster, system: Path, grid: Path,
                                                        host: PluginHost, one_worker: object,
                                                        tmp_path: Path) -> None:
    local = run_sweep(load_spec(system, grid, host), host, one_worker, tmp_path / "local").rows
    deadline = time.monotonic() + WAIT
    while True:  # the scheduler process needs a moment to listen
        argv = [MIA, "sweep", str(system), "--grid", str(grid), "--out", str(tmp_path / "remote"),
                "--scheduler", cluster.address, "--connect-timeout", "5"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=180)
        if done.returncode == 0 or "not reachable" not in done.stderr + done.stdout or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert done.returncode == 0, done.stdout + done.stderr
    remote = pd.read_parquet(tmp_path / "remote" / "runs.parquet")
    pdt.assert_frame_equal(remote, local)


def test_a_worker_killed_mid_sweep_loses_and_duplicates_no_run(cluster: Cluster, system: Path, tmp_path: Path,
                                                              host: PluginHost, one_worker: object) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("strategy.stop_atr: [1.5, 2.0, 2.5, 3.0]\nstrategy.reward_risk: [1.5, 2.0, 3.0]\n"
                    "windows:\n  - {start: 2014-01-01, end: 2018-12-31}\n")
    spec = load_spec(system, grid, host)
    local = run_sweep(spec, host, one_worker, tmp_path / "local").rows
    messages: list[str] = []
    killed = threading.Event()

    def kill_one(row: dict[str, object]) -> None:
        if not killed.is_set():
            killed.set()
            cluster.workers[0].kill()
            cluster.workers[0].wait(10)

    with _connect(cluster) as client:  # type: ignore[attr-defined]
        cluster.wait_for_workers(client, 2)
        result = run_sweep(spec, host, client, tmp_path / "remote", report=messages.append, on_row=kill_one)
    assert killed.is_set()
    assert len(result.rows) == 12 and result.rows["key"].is_unique
    assert result.executed == 12
    pdt.assert_frame_equal(result.rows, local)
    assert any("left the cluster" in m for m in messages), messages
