"""Registers the ``news_blackout`` risk policy (it reads a calendar file, so it lives with the adapters)."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.risk.news import blackout_policy
from mia_core.risk.windows import NewsBlackoutConfig
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """No entries around scheduled news (a CSV calendar file)."""
    return [
        ComponentSpec(
            kind=ComponentKind.RISK_POLICY,
            name="news_blackout",
            factory=lambda config, context: blackout_policy(config),
            config_class=NewsBlackoutConfig,
            summary="No entries from minutes_before to minutes_after each event of a news calendar file",
        )
    ]
