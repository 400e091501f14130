"""IB's historical-data pacing rules, and the text of the error 162 that refuses a request breaking them."""

from __future__ import annotations

import collections

PACING_TEXT = "Historical Market Data Service error message:Historical data request pacing violation"


class PacingMonitor:
    """IB's historical-data pacing rules over the gateway's monotonic clock."""

    def __init__(self) -> None:
        self.recent: collections.deque[tuple[float, tuple[object, ...]]] = collections.deque()

    def violation(self, now: float, key: tuple[object, ...], contract_key: tuple[object, ...]) -> bool:
        """Record a request; True when it breaks a rule (the refused request is recorded too, as IB counts it)."""
        while self.recent and now - self.recent[0][0] > 600:
            self.recent.popleft()
        identical = any(k == key and now - t < 15 for t, k in self.recent)
        burst = sum(1 for t, k in self.recent if k[:2] == contract_key and now - t < 2) >= 6
        too_many = len(self.recent) >= 60
        self.recent.append((now, key))
        return identical or burst or too_many
