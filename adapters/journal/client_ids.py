"""Client order ids unique across restarts, IB Gateway order-id rollbacks and systems sharing an account."""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Sequences(Protocol):
    """A journal that keeps named counters across restarts (all three journals do)."""

    def next_sequence(self, name: str) -> int:
        """The next value of counter ``name``: 1, 2, ... never repeated for one journal."""
        ...


def base36(value: int) -> str:
    """``value`` (>= 0) in lower-case base 36."""
    digits = ""
    while True:
        value, rest = divmod(value, 36)
        digits = _ALPHABET[rest] + digits
        if not value:
            return digits


def system_tag(system: str) -> str:
    """A short tag for ``system``: up to 10 of its letters and digits and 4 hex digits of its name's hash.

    Two systems never share a tag by accident (different names hash differently even when
    their first letters agree), and the tag holds neither ':' nor '-', so an id can be
    taken apart and IB's ``orderRef`` (``mia:<id>:<role>``) stays parseable.
    """
    letters = re.sub(r"[^A-Za-z0-9]", "", system)[:10] or "mia"
    return letters + hashlib.sha1(system.encode("utf-8")).hexdigest()[:4]


def next_client_order_id(system: str, journal: Sequences, session_ns: int) -> str:
    """The next client order id of ``system``: ``<tag>-<session>-<n>`` (``n`` counted in ``journal``).

    ``session`` is the session's start (``session_ns``, seconds in base 36) and ``n`` a
    counter the journal keeps across restarts, so an id is never handed out twice by
    one system on one journal, nor by two sessions started at different seconds even if
    the journal was lost; nothing depends on IB's order ids, which roll back when the
    Gateway restarts. The id is at most 26 characters (it fits IB's ``orderRef``).
    """
    tag = system_tag(system)
    sequence = journal.next_sequence(f"client_order_id:{tag}")
    return f"{tag}-{base36(max(0, session_ns) // 1_000_000_000)}-{base36(sequence)}"
