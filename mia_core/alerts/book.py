"""The alert book: raises a rule once while it holds, escalates it when it persists, says when it clears."""

from __future__ import annotations

import enum

import attrs

from mia_core.alerts.rules import RULES, AlertsConfig, Observation, Rule
from mia_core.commands import AlertLevel

_LOUDER = {
    AlertLevel.INFO: AlertLevel.WARNING,
    AlertLevel.WARNING: AlertLevel.CRITICAL,
    AlertLevel.CRITICAL: AlertLevel.CRITICAL,
}


class AlertState(enum.Enum):
    """What happened to a rule's alert."""

    RAISED = "raised"
    ESCALATED = "escalated"
    CLEARED = "cleared"


@attrs.frozen(slots=True)
class AlertEvent:
    """A rule raised, escalated or cleared at ``ts``, with its level and message."""

    ts: int
    rule: str
    state: AlertState
    level: AlertLevel
    message: str
    since_ns: int


@attrs.define(slots=True)
class _Active:
    since_ns: int
    level: AlertLevel
    next_ns: int  # when it is said again, louder, if it still holds
    wait_ns: int  # the wait after that: doubled at each escalation


class AlertBook:
    """Evaluates every rule on each :class:`Observation`; keeps which alerts are active.

    Pure: time comes only from the observations. An active rule says nothing more
    until it has held ``escalate_after_seconds`` (then once more, one level louder;
    again after twice as long, four times, ..., so a condition that lasts days is not
    repeated every few minutes) or it clears (one INFO event).
    """

    def __init__(self, config: AlertsConfig, rules: tuple[Rule, ...] = RULES) -> None:
        self.config = config
        self.rules = tuple(r for r in rules if r.name not in config.disabled)
        self.active: dict[str, _Active] = {}
        self._escalate_ns = round(config.escalate_after_seconds * 1_000_000_000)
        self._failures = 0
        self._last_failure_ns: int | None = None

    def observe(self, obs: Observation) -> list[AlertEvent]:
        """The alerts raised, escalated or cleared by ``obs`` (usually none)."""
        if not self.config.enabled:
            return []
        if obs.plugin_failures > self._failures:
            self._failures, self._last_failure_ns = obs.plugin_failures, obs.ts
        events: list[AlertEvent] = []
        for rule in self.rules:
            message = rule.check(self.config, obs, self._last_failure_ns)
            active = self.active.get(rule.name)
            if message is not None and active is None:
                self.active[rule.name] = _Active(obs.ts, rule.level, obs.ts + self._escalate_ns, 2 * self._escalate_ns)
                events.append(AlertEvent(obs.ts, rule.name, AlertState.RAISED, rule.level, message, obs.ts))
            elif message is not None and active is not None and rule.escalates and obs.ts >= active.next_ns:
                active.level, active.next_ns, active.wait_ns = (
                    _LOUDER[active.level],
                    obs.ts + active.wait_ns,
                    2 * active.wait_ns,
                )
                minutes = (obs.ts - active.since_ns) / 60e9
                text = f"{message} (still, for {minutes:.0f} min)"
                events.append(AlertEvent(obs.ts, rule.name, AlertState.ESCALATED, active.level, text, active.since_ns))
            elif message is None and active is not None:
                del self.active[rule.name]
                events.append(
                    AlertEvent(obs.ts, rule.name, AlertState.CLEARED, AlertLevel.INFO, rule.cleared, active.since_ns)
                )
        return events
