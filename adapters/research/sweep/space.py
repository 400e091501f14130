"""A sweep's parameter space: YAML key paths into a system file, their values, and the points to run."""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.schema import COMPONENT_SECTIONS


class SweepError(ValueError):
    """A sweep cannot run as declared: names the grid key, the value or the dataset at fault."""


_KEY = re.compile(r"^(?P<section>[A-Za-z_]\w*)(?:\[(?P<name>[^\]]+)\])?(?P<rest>(?:\.[A-Za-z_]\w*)+)$")
RESERVED = ("datasets", "windows", "metric")


@attrs.frozen
class Range:
    """``{low, high, step?, log?}``: a grid needs ``step``; random and Optuna searches may sample between."""

    low: float
    high: float
    step: float | None = None
    log: bool = False

    @property
    def integer(self) -> bool:
        return all(isinstance(v, int) and not isinstance(v, bool) for v in (self.low, self.high, self.step or 1))

    def values(self, key: str) -> list[Any]:
        """Every value from low to high by step (the grid's values)."""
        if self.step is None:
            raise SweepError(f"grid key {key!r}: a grid search needs 'step' (or a list of values); "
                             "random and optuna searches sample without one")
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        out = [self.low + i * self.step for i in range(count)]
        return [int(v) for v in out] if self.integer else [round(v, 12) for v in out]


Values = list[Any] | Range


@attrs.frozen
class Parameter:
    """One key path of the grid file and what it may take."""

    key: str
    values: Values

    def grid(self) -> list[Any]:
        return self.values.values(self.key) if isinstance(self.values, Range) else list(self.values)


def parse_space(raw: Mapping[str, Any], source: str) -> list[Parameter]:
    """The parameters of a grid file's mapping (``datasets``, ``windows`` and ``metric`` are not parameters)."""
    params = []
    for key, spec in raw.items():
        if key in RESERVED:
            continue
        if not isinstance(key, str) or not _KEY.match(key):
            raise SweepError(f"{source}: grid key {key!r}: expected a key path such as 'strategy.stop_atr' or "
                             "'techniques[vwap_trend].window'")
        params.append(Parameter(key, _values(key, spec, source)))
    if not params:
        raise SweepError(f"{source}: the grid declares no parameter (expected e.g. 'strategy.stop_atr: [1.5, 2.0]')")
    return params


def _values(key: str, spec: Any, source: str) -> Values:
    if isinstance(spec, list):
        if not spec:
            raise SweepError(f"{source}: grid key {key!r}: an empty list of values")
        return list(spec)
    if isinstance(spec, Mapping):
        extra = set(spec) - {"low", "high", "step", "log"}
        if extra or "low" not in spec or "high" not in spec:
            raise SweepError(f"{source}: grid key {key!r}: a range is {{low, high, step?, log?}}, got {dict(spec)}")
        low, high, step = spec["low"], spec["high"], spec.get("step")
        numbers = [v for v in (low, high, step) if v is not None]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
            raise SweepError(f"{source}: grid key {key!r}: low, high and step must be numbers, got {dict(spec)}")
        if high < low or (step is not None and step <= 0):
            raise SweepError(f"{source}: grid key {key!r}: needs low <= high and step > 0, got {dict(spec)}")
        return Range(low, high, step, bool(spec.get("log", False)))
    raise SweepError(f"{source}: grid key {key!r}: expected a list of values or {{low, high, step}}, got {spec!r}")


def grid_points(params: Sequence[Parameter]) -> list[dict[str, Any]]:
    """Every combination of the parameters' values, in the grid file's order."""
    keys = [p.key for p in params]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(p.grid() for p in params))]


def random_points(params: Sequence[Parameter], trials: int, seed: int) -> list[dict[str, Any]]:
    """``trials`` points drawn with ``seed`` (the same points whatever runs them)."""
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(trials):
        point: dict[str, Any] = {}
        for p in params:
            point[p.key] = _draw(rng, p)
        points.append(point)
    return points


def _draw(rng: np.random.Generator, p: Parameter) -> Any:
    spec = p.values
    if not isinstance(spec, Range):
        return spec[int(rng.integers(len(spec)))]
    if spec.step is not None:
        values = spec.values(p.key)
        return values[int(rng.integers(len(values)))]
    if spec.integer:
        return int(rng.integers(int(spec.low), int(spec.high) + 1))
    if spec.log:
        return float(math.exp(rng.uniform(math.log(spec.low), math.log(spec.high))))
    return float(rng.uniform(spec.low, spec.high))


def apply(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of system ``data`` with each key path of ``overrides`` set (a setting that names no component fails)."""
    out = copy.deepcopy(dict(data))
    for key, value in overrides.items():
        match = _KEY.match(key)
        if match is None:
            raise SweepError(f"grid key {key!r}: not a key path")
        section, name, rest = match["section"], match["name"], match["rest"][1:].split(".")
        target = _section_target(out, section, name, key)
        *parents, leaf = rest
        for part in parents:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                raise SweepError(f"grid key {key!r}: {part!r} is {child!r}, not a mapping of settings")
            target = child
        target[leaf] = value
    return out


def _entry(value: Any) -> dict[str, Any]:
    return {"use": value} if isinstance(value, str) else dict(value)


def _section_target(data: dict[str, Any], section: str, name: str | None, key: str) -> dict[str, Any]:
    if section in COMPONENT_SECTIONS and COMPONENT_SECTIONS[section][1]:
        entries = [_entry(e) for e in data.get(section) or []]
        names = [str(e.get("as") or e.get("use")) for e in entries]
        if name is None or name not in names:
            raise SweepError(f"grid key {key!r}: {section} is a list; name one of its entries as "
                             f"{section}[NAME] (entries: {', '.join(names) or 'none'})")
        data[section] = entries
        return entries[names.index(name)]
    if name is not None:
        raise SweepError(f"grid key {key!r}: {section} is not a list section; write {section}.SETTING")
    if section in COMPONENT_SECTIONS:
        if data.get(section) is None:
            raise SweepError(f"grid key {key!r}: the system has no {section}")
        data[section] = _entry(data[section])
        return data[section]  # type: ignore[no-any-return]
    current = data.setdefault(section, {})
    if not isinstance(current, dict):
        raise SweepError(f"grid key {key!r}: {section} is {current!r}, not a mapping of settings")
    return current


def check_points(data: Mapping[str, Any], host: PluginHost, params: Sequence[Parameter],
                 points: Sequence[Mapping[str, Any]]) -> None:
    """Plan the system at every point (and at each range's ends) before anything runs; errors name the key."""
    probes: list[dict[str, Any]] = [dict(p) for p in points]
    for param in params:
        if isinstance(param.values, Range) and points:
            for end in (param.values.low, param.values.high):
                probes.append(dict(points[0]) | {param.key: end})
    seen: set[str] = set()
    for point in probes:
        marker = repr(sorted(point.items()))
        if marker in seen:
            continue
        seen.add(marker)
        try:
            plan_system(apply(data, point), host, source="the system at these settings")
        except (ConfigError, PluginError) as exc:
            raise SweepError(f"sweep point {point}: {exc}") from exc
