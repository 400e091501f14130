"""The ``summary`` section: the daily summary of paper and live sessions and the mentor's bounds."""

from __future__ import annotations

import attrs

from mia_core.digest.mentor import MentorConfig


@attrs.frozen
class SummaryConfig:
    """When a session's CME trading day ends (and when the session stops), tell its summary.

    Only days with a trade or an alert are told; ``chart`` adds the PNG of the day's
    P&L, ``advice`` the mentor's advice (its tests' bounds in ``mentor``) over the whole journal. The limits the day is
    measured against are ``alerts.daily_loss_limit`` and ``alerts.profit_target``.
    """

    enabled: bool = True
    chart: bool = True
    advice: bool = True
    mentor: MentorConfig = attrs.Factory(MentorConfig)
