"""gamma_sizing: the gamma_cycles analyzer's allow_entries and size_factor gate and size the system's entries."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from adapters.bootstrap.backtest import backtest_plan
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from mia_core.instruments import ES
from mia_core.orders import OrderIntent, OrderSide
from mia_core.signals import RiskVerdict
from mia_plugins.gamma_cycles.analyzer import GammaCyclesAnalyzer, GammaCyclesConfig
from mia_plugins.gamma_cycles.rules import GammaSizingConfig, GammaSizingPolicy

DAILY = Path(__file__).parents[2] / "docs" / "examples" / "ml_daily.yaml"
POLICY = GammaSizingPolicy(GammaSizingConfig())


@attrs.frozen
class Context:
    """What gamma_sizing reads of a RiskContext: the exposure and the analyzers' values."""

    quantity: int = 0
    analyses: Mapping[str, Mapping[str, float]] = attrs.Factory(dict)

    @property
    def exposure(self) -> int:
        return self.quantity


def _intent(quantity: int, side: OrderSide = OrderSide.BUY) -> OrderIntent:
    return OrderIntent(ES, side, quantity)


def _values(allow: float = 1.0, factor: float = 1.0) -> dict[str, dict[str, float]]:
    return {"gamma_cycles": {"allow_entries": allow, "size_factor": factor}}


def test_entries_are_blocked_sized_down_or_refused_and_exits_pass() -> None:
    assert POLICY.evaluate(_intent(2), Context(analyses=_values()))  # type: ignore[arg-type].verdict is RiskVerdict.ALLOW
    blocked = POLICY.evaluate(_intent(2), Context(analyses=_values(allow=0.0)))
    assert blocked.verdict is RiskVerdict.REJECT and "no entries now" in blocked.reason
    half = POLICY.evaluate(_intent(3), Context(analyses=_values(factor=0.5)))
    assert (half.verdict, half.quantity) == (RiskVerdict.RESIZE, 1)
    none_left = POLICY.evaluate(_intent(1), Context(analyses=_values(factor=0.5)))
    assert none_left.verdict is RiskVerdict.REJECT and "leaves no contract of 1" in none_left.reason
    exit_ = POLICY.evaluate(_intent(2, OrderSide.SELL), Context(quantity=2, analyses=_values(allow=0.0)))
    assert exit_.verdict is RiskVerdict.ALLOW and exit_.quantity == 2
    missing = POLICY.evaluate(_intent(1), Context())
    assert missing.verdict is RiskVerdict.REJECT and "analyzer 'gamma_cycles'" in missing.reason


def _run(rules: dict[str, Any], policy: bool = True) -> tuple[Any, GammaCyclesAnalyzer]:
    data = yaml.safe_load(DAILY.read_text())
    data.pop("signal_filters")
    data["strategy"]["entry_grade"] = "buy"
    data["analyzers"] = [{"use": "gamma_cycles", **rules}]
    data["execution"]["contracts"] = 2
    if policy:
        data["risk_policies"].insert(0, {"use": "gamma_sizing"})
    run = backtest_plan(plan_system(data, discover(), source="test"), discover())
    return run, GammaCyclesAnalyzer(GammaCyclesConfig(**rules))


def _entries(run: Any) -> list[Any]:
    """The risk checks of the intents that open a position (signal entries), with the gamma_sizing decision."""
    checks = [e.payload["event"] for e in run.result.journal if e.kind == "risk"]
    return [c for c in checks if c.intent.reason.startswith("signal_entry")]


@pytest.mark.slow
def test_a_backtest_takes_no_entry_on_blocked_days_and_halves_size_on_opex_days() -> None:
    run, gamma = _run({"zero_dte_blocks_entries": True})
    blocked = allowed = 0
    for check in _entries(run):
        (decision,) = [d for d in check.decisions if d.policy == "gamma_sizing"]
        zero_dte = gamma.values_at(check.ts, 5000.0)["zero_dte"]
        assert (decision.verdict is RiskVerdict.REJECT) == bool(zero_dte), check
        blocked += bool(zero_dte)
        allowed += not zero_dte
    assert blocked >= 3 and allowed >= 20
    free, _ = _run({}, policy=False)
    assert len(run.result.round_trips) < len(free.result.round_trips)

    run, gamma = _run({"opex_size_factor": 0.5})
    sizes = {1: 0, 2: 0}
    for check in _entries(run):
        (decision,) = [d for d in check.decisions if d.policy == "gamma_sizing"]
        opex = gamma.values_at(check.ts, 5000.0)["opex_day"]
        assert decision.quantity == (1 if opex else 2), check
        sizes[decision.quantity] += 1
    assert sizes[1] >= 2 and sizes[2] >= 20
    assert {t.quantity for t in run.result.round_trips} == {1, 2}
