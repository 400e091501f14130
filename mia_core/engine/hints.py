"""A signal's stop/target hints made safe to send: rounded onto the tick grid towards the entry, or refused."""

from __future__ import annotations

import math
from typing import Protocol

import attrs

from mia_core.commands import AlertLevel, Command, RaiseAlert
from mia_core.engine.failures import is_number, iso_utc
from mia_core.events import RiskChecked
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry, record
from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision, Signal


class HintJudge(Protocol):
    """What judging hints reads and writes on the engine (declared here so this module needs no engine import)."""

    @property
    def instrument(self) -> Instrument: ...
    @property
    def now_ns(self) -> int: ...
    last_close: float
    told: set[str]
    journal: list[JournalEntry]


#: The name a refusal is journaled under (a ``risk`` entry, like a risk policy's rejection).
REFUSER = "signal_bracket"


def _towards(price: float, instrument: Instrument, up: bool) -> float:
    """``price``, or the next tick up or down when it is off the grid (the exchange's own on-grid test)."""
    if instrument.on_grid(price):
        return price
    ticks = price / instrument.tick_size
    return (math.ceil(ticks) if up else math.floor(ticks)) * instrument.tick_size


def check(signal: Signal, instrument: Instrument, reference: float) -> tuple[Signal, str, str]:
    """``(signal to plan with, what was rounded, why refused)``; the strings are empty when nothing was.

    Off-grid hints are rounded towards the entry: a long's stop up and target down, a
    short's stop down and target up (less risk, a nearer target). ``reference`` is the
    entry price the hints are judged against: the bar's close, since the planner's
    entries are market orders whose fill price is not known yet (NaN: not judged). A
    stop at or beyond it on the winning side, or a target at or beyond it on the
    losing side, is refused; so is a hint that is not a finite number.
    """
    sign = int(signal.direction)
    if sign == 0:
        return signal, "", ""
    side = "long" if sign > 0 else "short"

    def head() -> str:  # built only when there is something to say (most signals' hints are fine)
        return f"strategy {signal.source!r}: a {side} signal at {iso_utc(signal.ts)}"

    changes: dict[str, float] = {}
    notes: list[str] = []
    for field, up, gain in (("stop_loss", sign > 0, "less risk"), ("take_profit", sign < 0, "a nearer target")):
        price = getattr(signal, field)
        if price is None:
            continue
        if not is_number(price) or not math.isfinite(price):
            return signal, "", f"{head()}: {field} {price!r} is not a finite price; entry refused"
        rounded = _towards(float(price), instrument, up)
        if rounded != price:
            changes[field] = rounded
            notes.append(f"{field} {price!r} to {rounded!r} ({gain})")
        losing = field == "stop_loss"
        if math.isfinite(reference) and (rounded - reference) * sign * (-1 if losing else 1) <= 0:
            where = ("below" if sign > 0 else "above") if losing else ("above" if sign > 0 else "below")
            return signal, "", (f"{head()}: {field} {price!r} is not {where} the entry reference {reference!r} "
                                "(the bar's close); entry refused")
    if not changes:
        return signal, "", ""
    said = (f"strategy {signal.source!r}: a signal at {iso_utc(signal.ts)} had prices off {instrument.symbol}'s "
            f"tick grid of {instrument.tick_size}: rounded towards the entry, {'; '.join(notes)} "
            "(said once per strategy)")
    stop, target = changes.get("stop_loss", signal.stop_loss), changes.get("take_profit", signal.take_profit)
    return attrs.evolve(signal, stop_loss=stop, take_profit=target), said, ""


def judge(engine: HintJudge, signal: Signal, commands: list[Command]) -> tuple[Signal, str]:
    """``(signal to plan with, why its entry is refused or '')`` against the engine's last close.

    A rounding is said once per strategy: a warning alert appended to ``commands``. A
    refused signal is planned without hints, so that its exit still goes out.
    """
    checked, rounded, refused = check(signal, engine.instrument, engine.last_close)
    if rounded and signal.source not in engine.told:
        engine.told.add(signal.source)
        commands.append(RaiseAlert(AlertLevel.WARNING, rounded))
    if refused:
        return attrs.evolve(signal, stop_loss=None, take_profit=None), refused
    return checked, ""


def refuse_entries(engine: HintJudge, intents: list[OrderIntent], reason: str) -> list[OrderIntent]:
    """Drop the entries of a signal whose bracket was refused, journaled as ``risk`` rejections; exits stay."""
    kept: list[OrderIntent] = []
    now = engine.now_ns
    for intent in intents:
        if intent.reason.startswith("signal_entry"):
            checked = RiskChecked(now, intent, [RiskDecision.reject(REFUSER, reason)])
            engine.journal.append(record(now, "risk", {"event": checked}))
        else:
            kept.append(intent)
    return kept
