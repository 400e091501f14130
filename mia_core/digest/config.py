"""The ``summary`` section: the daily summary of paper and live sessions and the mentor's bounds."""

from __future__ import annotations

import attrs

from mia_core.digest.blocked import ReplayCosts
from mia_core.digest.mentor import MentorConfig


@attrs.frozen
class SummaryConfig:
    """When a session's CME trading day ends (and when the session stops), tell its summary.

    Only days with a trade, a rule block or an alert are told; ``chart`` adds the PNG of
    the day's P&L, ``advice`` the mentor's advice (its tests' bounds in ``mentor``) over
    the journal up to the day's close, with the day's rule blocks replayed on the day's
    bars at the costs in ``replay``. The limits the day is measured against are
    ``alerts.daily_loss_limit`` and ``alerts.profit_target``.
    """

    enabled: bool = True
    chart: bool = True
    advice: bool = True
    mentor: MentorConfig = attrs.Factory(MentorConfig)
    replay: ReplayCosts = attrs.Factory(ReplayCosts)
