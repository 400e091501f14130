"""The health verdict of a running session: ready, degraded or down, with the reasons."""

from __future__ import annotations

from typing import Any, Protocol


class _Limits(Protocol):
    latency_ms: float
    error_rate: float
    disk_free_pct: float
    loop_lag_ms: float


def verdict(picture: dict[str, Any], limits: _Limits) -> tuple[str, list[str]]:
    """``("ready" | "degraded" | "down", reasons)`` from a board picture.

    Down: the session halted (books in doubt) or its broker link is lost, so it cannot
    trade safely. Degraded: it trades, but something needs a look (the latch, a data
    link lost, a slow broker or loop, orders rejected, the disk filling up).
    """
    system, latch = picture["system"], picture["latch"]
    down: list[str] = []
    degraded: list[str] = []
    if system["halted"]:
        down.append("trading halted: books in doubt")
    for link in system["lost_links"]:
        (down if "broker" in link.lower() or link.lower() in ("ib", "sierra") else degraded).append(
            f"link lost: {link}")
    if latch["latched"]:
        degraded.append(f"catastrophe latch set ({latch['trigger']})")
    latency = system["broker_latency_ms"]
    if latency is not None and latency > limits.latency_ms:
        degraded.append(f"broker latency {latency:.0f} ms over {limits.latency_ms:.0f} ms")
    if system["error_rate"] > limits.error_rate:
        degraded.append(f"order error rate {system['error_rate']:.0%} over {limits.error_rate:.0%}")
    disk = system["disk_free_pct"]
    if disk is not None and disk < limits.disk_free_pct:
        degraded.append(f"disk {disk:.1f}% free, under {limits.disk_free_pct:.0f}%")
    if system["loop_lag_p99_ms"] > limits.loop_lag_ms:
        degraded.append(f"event loop lag p99 {system['loop_lag_p99_ms']:.0f} ms over {limits.loop_lag_ms:.0f} ms")
    if down:
        return "down", down + degraded
    return ("degraded" if degraded else "ready"), degraded
