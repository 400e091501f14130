"""``BattleNavaleConfig``: the strategy's settings (an attrs class, left interpreted when strategy.py is compiled)."""

from __future__ import annotations

import attrs

from mia_core.validation import HOLD_BARS
from mia_plugins.battle_navale.decision.config import DecisionConfig
from mia_plugins.battle_navale.reading_keys import ReadingKeys


@attrs.frozen(slots=True)
class BattleNavaleConfig(DecisionConfig):
    """Settings of ``battle_navale``: the decision layer's plus how positions are exited.

    ``exit_on_reversal``: an opposite entry while in a position reverses it.
    ``max_hold_bars``: close a position held this many bars (0: no time exit).
    ``bracket``: send the stop/target as price hints (the planner makes them a real bracket).
    ``dealers_bias_analyzer``: the analyzer whose ``score`` in [-1, 1] is dealer's bias.
    ``readings``: where each elite reading is read (``"<technique or analyzer>.<output>"``);
    a reading whose source is not composed is absent and changes nothing.
    """

    exit_on_reversal: bool = True
    max_hold_bars: int = attrs.field(default=0, validator=HOLD_BARS)
    bracket: bool = True
    dealers_bias_analyzer: str = "dealers_bias"
    readings: ReadingKeys = attrs.Factory(ReadingKeys)
