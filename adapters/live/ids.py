"""Client order ids: unique across restarts and broker order-id rollbacks, made before an order is sent."""

from __future__ import annotations

import re
import secrets

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def base36(value: int) -> str:
    """A non-negative integer in base 36 (lower case)."""
    if value < 0:
        raise ValueError(f"base36 needs a non-negative integer, got {value}")
    out = ""
    while True:
        value, digit = divmod(value, 36)
        out = _DIGITS[digit] + out
        if not value:
            return out


class ClientOrderIds:
    """``<system>.<start>.<n>``: the system's name, when this session started (ns, base 36) and a counter.

    The start time plus 2 random hex digits make ids of two runs differ even on the
    same nanosecond clock reading, and they do not depend on the broker's order ids
    (which a restarted IB Gateway may hand out again). Only ``[A-Za-z0-9_.-]`` are
    used (safe in IB's ``orderRef``), at most 48 characters.
    """

    def __init__(self, system: str, start_ns: int) -> None:
        name = _UNSAFE.sub("-", system).strip("-")[:20] or "mia"
        self.prefix = f"{name}.{base36(max(start_ns, 0))}{secrets.token_hex(1)}"
        self.count = 0

    def next(self) -> str:
        """A new id, never returned before by this generator."""
        self.count += 1
        return f"{self.prefix}.{self.count}"
