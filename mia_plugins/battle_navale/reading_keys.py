"""``ReadingKeys``: where the strategy reads each elite reading (a settings class, left interpreted)."""

from __future__ import annotations

import attrs

from mia_plugins.battle_navale.decision.elite import READINGS


@attrs.frozen(slots=True)
class ReadingKeys:
    """Where each elite reading is read: ``"<technique or analyzer instance>.<output>"``, or null to ignore it."""

    tick_momentum: str | None = "tick_momentum.score"
    delta_divergence: str | None = "delta_divergence.score"
    smart_money: str | None = "smart_money.score"
    order_book_imbalance: str | None = "order_book_imbalance.score"
    volatility_regime: str | None = "volatility_regime.regime"
    session_ok: str | None = "session_optimizer.trade_ok"

    def items(self) -> list[tuple[str, str]]:
        """(reading, key) of the readings that are read."""
        return [(name, key) for name in READINGS if (key := getattr(self, name)) is not None]
