"""Every number of every built-in component has a range; a value outside it is refused naming it (issue 22)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from adapters.bootstrap.config import load_plan, plan_system
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import discover
from adapters.bootstrap.schema import COMPONENT_SECTIONS
from mia_core.validation import Range, range_of
from ports.components import ComponentSpec

HOST = discover()


def built_ins() -> list[ComponentSpec]:
    """The components MIA's own distribution registers."""
    found = []
    for kind, _, _ in COMPONENT_SECTIONS.values():
        for name in HOST.names(kind):
            spec, provider = HOST.component(kind, name)
            if provider.distribution == "mia-trading":
                found.append(spec)
    return found


BUILTINS = built_ins()
BASE: dict[str, Any] = {"data_feed": {"use": "bundled"}, "strategy": {"use": "sma_cross"}}
REQUIRED: dict[str, dict[str, Any]] = {"file": {"path": "bars.csv"}, "news_blackout": {"path": "news.csv"},
                                      "sierra_files": {"path": "ESZ25.scid"}, "ticks": {"path": "trades.csv"}}


def ranged_fields(cls: type, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], type, Range]]:
    """(key path, number type, range) of every ranged setting of attrs class ``cls``, nested ones included."""
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        name, tp = field.alias or field.name, hints[field.name]
        if isinstance(tp, type) and attrs.has(tp):
            yield from ranged_fields(tp, (*prefix, name))
        found = range_of(field.validator)
        if found is not None:
            number = int if int in (typing.get_args(tp) or (tp,)) else float
            yield (*prefix, name), number, found


def outside(number: type, rng: Range) -> list[Any]:
    """A value below the range and one far above it, of the setting's type."""
    low = rng.low if rng.low_open else rng.low - 1
    high = rng.high if rng.high_open else rng.high + max(1, abs(rng.high))
    return [number(low), number(high)]


def cases() -> Iterator[Any]:
    for spec in BUILTINS:
        for path, number, rng in ranged_fields(spec.config_class):
            for value in outside(number, rng):
                yield pytest.param(spec, path, value, rng, id=f"{spec.name}.{'.'.join(path)}={value}")


def nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    return {path[0]: value} if len(path) == 1 else {path[0]: nested(path[1:], value)}


def section_of(spec: ComponentSpec) -> tuple[str, bool]:
    return next((name, is_list) for name, (kind, is_list, _) in COMPONENT_SECTIONS.items() if kind == spec.kind)


@pytest.mark.parametrize(("spec", "path", "value", "rng"), list(cases()))
def test_a_value_outside_a_built_in_settings_range_is_refused_naming_the_range(
    spec: ComponentSpec, path: tuple[str, ...], value: Any, rng: Range
) -> None:
    section, is_list = section_of(spec)
    entry = {"use": spec.name, **REQUIRED.get(spec.name, {}), **nested(path, value)}
    with pytest.raises(ConfigError) as caught:
        plan_system({**BASE, section: [entry] if is_list else entry}, HOST)
    where = f"{section}[0]" if is_list else section
    assert caught.value.path == ".".join((where, *path))
    hint = f"; {rng.note}" if rng.note else ""
    assert caught.value.message == (
        f"got {value}; allowed range {rng.text}{hint} (settings of {spec.kind.value} {spec.name!r})"
    )


@pytest.mark.parametrize("spec", BUILTINS, ids=lambda s: f"{s.kind.value}:{s.name}")
def test_the_defaults_of_every_built_in_component_are_within_their_ranges(spec: ComponentSpec) -> None:
    section, is_list = section_of(spec)
    entry = {"use": spec.name, **REQUIRED.get(spec.name, {})}
    plan = plan_system({**BASE, section: [entry] if is_list else entry}, HOST)
    planned = plan.many(section)[0] if is_list else plan.one(section)
    assert planned.config == spec.config_class(**REQUIRED.get(spec.name, {}))


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("broker: {use: ib, port: 70000}\n", "broker.port",
         "got 70000; allowed range [1, 65535]; TWS 7497 paper / 7496 live, IB Gateway 4002 paper / 4001 live "
         "(settings of broker 'ib')"),
        ("data_feed: {use: ib_feed, client_id: 40000}\n", "data_feed.client_id",
         "got 40000; allowed range [0, 32767]; unique per connection to one TWS / IB Gateway "
         "(settings of data_feed 'ib_feed')"),
        ("strategy: {use: sma_cross, fast: 10, slow: 5000000}\n", "strategy.slow",
         "got 5000000; allowed range [2, 100000] (settings of strategy 'sma_cross')"),
        ("strategy: {use: battle_navale, stop_atr: 500}\n", "strategy.stop_atr",
         "got 500.0; allowed range (0, 100] (settings of strategy 'battle_navale')"),
        ("strategy: {use: random_entry, probability: 5}\n", "strategy.probability",
         "got 5.0; allowed range [0, 1] (settings of strategy 'random_entry')"),
        ("analyzers: [{use: dealers_bias, rate: 4.5}]\n", "analyzers[0].rate",
         "got 4.5; allowed range [-0.05, 0.25] (settings of analyzer 'dealers_bias')"),
        ("broker: {use: simulated, commission_per_contract: 2250}\n", "broker.commission_per_contract",
         "got 2250.0; allowed range [0, 1000] (settings of broker 'simulated')"),
    ],
)
def test_absurd_component_settings_in_a_file_are_refused_with_the_range_and_line(
    tmp_path: Path, text: str, path: str, message: str
) -> None:
    system = tmp_path / "system.yaml"
    base = [line for line in ("data_feed: bundled", "strategy: sma_cross") if not text.startswith(line.split(":")[0])]
    system.write_text("\n".join(base) + "\n" + text)
    with pytest.raises(ConfigError) as caught:
        load_plan(system, HOST)
    assert (caught.value.path, caught.value.message, caught.value.line) == (path, message, len(base) + 1)


def test_the_walk_sees_every_built_in_plugin() -> None:
    assert {spec.name for spec in BUILTINS} >= {"ib", "ib_feed", "simulated", "synthetic", "battle_navale"}
