"""The torture test's processes: the simulated gateway and `mia run` sessions, each started and always stopped."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from adapters.ib.gateway.control import control

CLI = [sys.executable, "-c", "from adapters.bootstrap.cli import main; main()"]
START_LIMIT = 60.0  # seconds a process may take to come up on a loaded 2-core machine


def _env(home: Path) -> dict[str, str]:
    """The environment of a child: HOME in the test's directory (nothing lands in the user's ~/.mia)."""
    return {**os.environ, "HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}


def _stop(process: subprocess.Popen[Any], limit: float = 15.0) -> None:
    """SIGTERM, a bounded wait, then SIGKILL (idempotent)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(limit)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(limit)


class GatewayProcess:
    """`python -m adapters.ib.gateway` on 127.0.0.1 with a control port, in its own process."""

    def __init__(self, home: Path, seed: int, tick: float = 0.05, lifetime: float = 600.0) -> None:
        self.log = home / "gateway.out"
        command = [sys.executable, "-m", "adapters.ib.gateway", "--port", "0", "--control-port", "0",
                   "--seed", str(seed), "--tick", str(tick), "--lifetime", str(lifetime)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True,
                                        env=_env(home))
        try:
            assert self.process.stdout is not None
            banner = self.process.stdout.readline()
            match = re.search(r"127\.0\.0\.1:(\d+) .*control on 127\.0\.0\.1:(\d+)", banner)
            if match is None:
                raise RuntimeError(f"the simulated gateway did not start: {banner!r} (log: {self.log})")
            self.port, self.control_port = int(match.group(1)), int(match.group(2))
        except BaseException:
            self.stop()
            raise

    def control(self, op: str, **args: Any) -> dict[str, Any]:
        """One control operation (see :mod:`adapters.ib.gateway.control`)."""
        return control(self.control_port, op, **args)

    def ledger(self) -> dict[str, Any]:
        """The account as the gateway knows it."""
        return self.control("ledger")

    def stop(self) -> None:
        """Stop it (bounded)."""
        _stop(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()


def system_file(home: Path, name: str, port: int, client_id: int, seed: int) -> Path:
    """A paper system trading ES often (random entries on one-second bars), its journal and latch in ``home``."""
    link = {"port": port, "client_id": client_id, "account_env": "", "connect_timeout": 30.0,
            "request_timeout": 30.0, "reconnect_initial_delay": 0.2, "reconnect_max_delay": 1.0}
    journal = str(home / f"{name}.journal")
    data = {
        "mode": "paper",
        "instrument": "ES",
        "data_feed": {"use": "ib_feed", **link, "bars": "trades", "bar_seconds": 1, "heartbeat": 0.5},
        "broker": {"use": "ib", **link, "journal_path": journal, "commission_wait": 5.0},
        "strategy": {"use": "random_entry", "probability": 1.0, "atr_period": 2, "max_hold_bars": 2, "seed": seed},
        "journal": {"path": journal},
        "reconcile": {"account": "shared"},  # two systems trade ES on one account (docs/adapters/ib.md)
        "catastrophe": {"enabled": True, "state_file": str(home / f"{name}.risk.json"),
                        "connection_timeout_seconds": 600},
    }
    path = home / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


class MiaProcess:
    """`mia run SYSTEM` in its own process; its terminal output goes to a file."""

    def __init__(self, home: Path, system: Path, tag: str) -> None:
        self.out = home / f"{tag}.out"
        self.process = subprocess.Popen([*CLI, "run", str(system)], stdout=self.out.open("w"),
                                        stderr=subprocess.STDOUT, env=_env(home), start_new_session=True)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(15)

    def stop(self) -> str:
        """A clean stop (SIGTERM, as Ctrl-C); returns what it showed."""
        _stop(self.process, 30.0)
        return self.text()

    def text(self) -> str:
        """Its terminal output so far."""
        return self.out.read_text(encoding="utf-8", errors="replace")


def wait_until(what: str, condition: Any, limit: float = START_LIMIT, every: float = 0.05) -> bool:
    """Poll ``condition()`` until true (True) or ``limit`` s pass (False); ``what`` names it in logs."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if condition():
                return True
        time.sleep(every)
    print(f"torture: gave up waiting for {what} after {limit:g} s")
    return False


def risk_stop(home: Path, system: Path, reason: str) -> None:
    """`mia risk stop SYSTEM --reason ...`: the manual latch."""
    subprocess.run([*CLI, "risk", "stop", str(system), "--reason", reason], env=_env(home), check=True,
                   capture_output=True, timeout=120)
