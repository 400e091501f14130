"""`mia start`: the pre-flight checklist, and nothing started when a check fails."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ib.gateway import SimulatedGateway
from adapters.launcher.cli import with_choices
from adapters.risk.store import write_latch
from mia_core.risk.catastrophe import LatchState

runner = CliRunner()


def system(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "system.yaml"
    path.write_text("data_feed: bundled\nstrategy: sma_cross\nmode: paper\nsession: {speed: 0}\n"
                    f"catastrophe: {{enabled: true, state_file: {tmp_path / 'state.json'}}}\n{extra}")
    return path


def rows(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) == 3 and cells[0]:
            found[cells[0]] = cells[1]
    return found


def test_a_simulation_passes_every_check(tmp_path: Path) -> None:
    done = runner.invoke(app, ["start", str(system(tmp_path)), "--mode", "simulation", "--check-only"],
                         terminal_width=200)
    assert done.exit_code == 0, done.output
    marks = rows(done.output)
    for check in ("configuration", "plugins", "data", "broker", "clock skew", "risk state", "disk"):
        assert marks.get(check) == "ok", (check, done.output)
    assert marks.get("market hours") in ("ok", "warn")  # the market may be closed when the test runs


def test_a_latched_system_does_not_start(tmp_path: Path) -> None:
    write_latch(tmp_path / "state.json", LatchState(latched=True, trigger="manual", detail="fat finger", since_ns=1))
    done = runner.invoke(app, ["start", str(system(tmp_path)), "--mode", "simulation"], terminal_width=200)
    assert done.exit_code != 0
    assert rows(done.output)["risk state"] == "FAIL" and "fat finger" in done.output
    assert "pre-flight failed: nothing was started" in done.output and "session ended" not in done.output


def test_live_needs_the_switch(tmp_path: Path) -> None:
    done = runner.invoke(app, ["start", str(system(tmp_path)), "--mode", "live", "--check-only"], terminal_width=200)
    assert done.exit_code != 0
    assert rows(done.output)["configuration"] == "FAIL" and "live_trading" in done.output


def test_an_unreachable_broker_fails_its_check(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = system(tmp_path, f"broker: {{use: ib, port: {port}, client_id: 41}}\n")
    done = runner.invoke(app, ["start", str(config), "--mode", "paper", "--check-only"], terminal_width=200)
    assert done.exit_code != 0
    assert rows(done.output)["broker"] == "FAIL", done.output
    assert "could not connect" in done.output


def test_choices_on_the_command_line_replace_the_files() -> None:
    data = {"mode": "paper", "broker": {"use": "ib", "port": 4002}}
    assert with_choices(data, "simulation", None) == {"mode": "paper", "broker": {"use": "simulated"}}
    assert with_choices(data, "live", None) == {"mode": "live", "broker": {"use": "ib", "port": 4002}}
    assert with_choices(data, None, "sierra")["broker"] == {"use": "sierra"}
    assert data == {"mode": "paper", "broker": {"use": "ib", "port": 4002}}  # the file's data is left alone


def test_against_the_simulated_gateway_the_account_and_clock_are_checked(tmp_path: Path) -> None:
    async def serve_and_run() -> tuple[int, str]:
        async with SimulatedGateway(port=0, account="DU7654321", prices={"ES": 6001.25}) as gw:
            config = system(tmp_path, f"broker: {{use: ib, port: {gw.port}, client_id: 43}}\n")
            args = ["start", str(config), "--mode", "paper", "--check-only"]
            result = await asyncio.to_thread(runner.invoke, app, args, terminal_width=200)
            return result.exit_code, result.output

    code, output = asyncio.run(serve_and_run())
    marks = rows(output)
    assert marks["broker"] == "ok" and "equity $1,000,000.00" in output, output
    assert "DU7654321" not in output  # the account id is a secret: never printed
    assert marks["clock skew"] == "ok" and re.search(r"[+-]\d+\.\d\d s against the broker", output), output
    assert code == 0, output
