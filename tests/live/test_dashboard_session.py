"""The dashboard of a running paper session (`mia run` in its own process), read by headless Chromium."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from reporting.browser import dump_dom  # tests/ is on sys.path (its packages are top-level)

RUN = "from adapters.bootstrap.cli import main; main()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Any, what: str, seconds: float = 90.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"gave up waiting for {what} after {seconds:.0f} s")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """sma_cross on the bundled daily bars, paced at about 12 bars a second, serving its dashboard."""
    root = tmp_path_factory.mktemp("dashboard")
    port = free_port()
    config = root / "paper_es.yaml"
    config.write_text(
        "data_feed: bundled\nstrategy: sma_cross\nmode: paper\nsession: {speed: 1000000}\n"
        f"journal: {{path: {root / 'journal.jsonl'}}}\n"
        f"dashboard: {{enabled: true, port: {port}}}\n"
    )
    log = (root / "session.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-c", RUN, "run", str(config), "--max-events", "4000"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(lambda: httpx.get(url + "health", timeout=2).status_code == 200, "the dashboard to answer")
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


def state(url: str) -> dict[str, Any]:
    return dict(httpx.get(url + "api/state", timeout=5).json())


def text_of(dom: str, element: str) -> str:
    found = re.search(rf'id="{element}"[^>]*>([^<]*)<', dom)
    assert found is not None, f"no #{element} in the page"
    return found.group(1)


def test_the_page_shows_the_running_session_in_a_browser(session: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, _ = session
    wait_for(lambda: state(url)["trading"]["round_trips"] >= 2, "two round trips")
    dom, _ = dump_dom(url, budget_ms=2_000)
    after = state(url)
    assert 'data-ready="yes"' in dom, "the page's script never rendered the state"
    assert text_of(dom, "system-name") == "paper_es ES"
    assert text_of(dom, "limits") == "-$500.00 / $1,000.00"
    assert text_of(dom, "health-status") in ("ready", "degraded")
    assert re.fullmatch(r"flat|[+-]\d+", text_of(dom, "position"))
    assert re.fullmatch(r"-?\$[\d,]+\.\d\d", text_of(dom, "day-pnl"))
    assert text_of(dom, "latch") == "armed"
    trades = dom.split('id="trades"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert 2 <= trades.count("<tr>") <= after["trading"]["round_trips"]
    points = re.search(r'id="equity-line"[^>]*points="([^"]*)"', dom) or re.search(
        r'points="([^"]*)"[^>]*id="equity-line"', dom)
    assert points is not None and len(points.group(1).split()) >= 10, "the equity curve was not drawn"
    updates = re.search(r'data-updates="(\d+)"', dom)
    assert updates is not None and int(updates.group(1)) >= 2, "the page did not update live"


def test_metrics_in_prometheus_text_and_a_health_verdict(session: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, _ = session
    text = httpx.get(url + "metrics", timeout=5).text
    names = {family.name for family in text_string_to_metric_families(text)}
    for name in ("mia_process_cpu_percent", "mia_process_resident_megabytes", "mia_disk_free_percent",
                 "mia_event_loop_lag_p99_milliseconds", "mia_order_error_ratio", "mia_market_events",
                 "mia_position_contracts", "mia_day_pnl_dollars", "mia_drawdown_percent", "mia_working_orders",
                 "mia_rule_blocks", "mia_latched", "mia_health_state"):
        assert name in names, f"{name} missing from /metrics"
    health = httpx.get(url + "health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] in ("ready", "degraded")


def test_refusals_say_nothing_more(session: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, _ = session
    unknown = httpx.get(url + "admin/../etc/passwd", timeout=5)
    assert (unknown.status_code, unknown.text) == (404, "not found")
    control = httpx.post(url + "api/control/halt", timeout=5)  # no token configured: control is off
    assert (control.status_code, control.text) == (401, "unauthorized")
    assert state(url)["latch"]["latched"] is False


def test_a_closed_browser_leaves_the_session_running(session: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, proc = session
    for _ in range(5):  # open the live stream, read one update, drop the connection
        with httpx.stream("GET", url + "api/stream", timeout=10) as stream:
            first = next(stream.iter_lines())
            assert first.startswith("data: {")
    before = state(url)["system"]["events"]
    wait_for(lambda: state(url)["system"]["events"] > before, "the session to go on")
    assert proc.poll() is None


def test_a_browser_that_stops_reading_does_not_hold_up_the_session(
    session: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, proc = session
    port = int(url.rsplit(":", 1)[1].strip("/"))
    stalled = []
    try:
        for _ in range(10):  # ten clients that ask for the live stream and never read a byte of it
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.connect(("127.0.0.1", port))
            client.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            stalled.append(client)
        before = state(url)["system"]["events"]
        wait_for(lambda: state(url)["system"]["events"] > before + 20, "the session to go on", seconds=60)
        assert httpx.get(url + "health", timeout=5).status_code == 200
    finally:
        for client in stalled:
            client.close()
    assert proc.poll() is None


def test_sigterm_stops_the_session_cleanly(session: tuple[str, subprocess.Popen[bytes]]) -> None:
    """What systemd does on `systemctl stop`: the session ends its loop, closes the dashboard and exits 0."""
    url, proc = session
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "health", timeout=2)
