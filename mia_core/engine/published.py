"""The features techniques publish: ``<instance name>.<output>``, and what a missing name says."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from mia_core.engine.failures import is_number
from mia_core.errors import MiaError

if TYPE_CHECKING:
    from ports.technique import Technique

#: A technique as the engine publishes it: the technique, its prefix ``"<instance name>."``, its place in the
#: list, its declared outputs as a set and in order, and the published name of each output in that order.
Publisher = tuple["Technique", str, int, frozenset[str], tuple[str, ...], tuple[str, ...]]


class FeatureMap(Mapping[str, float]):
    """The engine's latest technique outputs, read as ``"<instance name>.<output>"``.

    The engine checks each technique's outputs when it returns them (its declared
    outputs, every value a number) and keeps their values in :attr:`latest` as a tuple
    in the declared order, one per technique: a name is read through that tuple (its
    technique's place and its own), not copied into a flat dict on every bar (a strategy
    reads a few names on some bars; every technique publishes every output on every
    bar). A name is published once its technique has published; a missing name is a
    KeyError that lists what is published.
    """

    __slots__ = ("_names", "_slots", "_where", "latest")

    def __init__(self, publishers: Sequence[Publisher] = ()) -> None:
        #: per technique, the values it published last in its declared order (None before its first bar); the
        #: engine writes them, and only tuples it has checked
        #: (Any: compiled, a float would turn an int or a numpy float published as such into a float)
        self.latest: list[tuple[Any, ...] | None] = [None] * len(publishers)
        self._where: dict[str, tuple[int, int]] = {}  # name: (its technique's place, its place in the outputs)
        for _, _, index, _, _, names in publishers:
            self._where.update((name, (index, slot)) for slot, name in enumerate(names))
        # per technique, the names it answers for, in its declared order (a name two techniques would
        # publish is the later one's, as when each bar's outputs were written one technique after the other)
        self._names = [tuple(name for name in names if self._where[name][0] == index)
                       for _, _, index, _, _, names in publishers]
        self._slots = [tuple(self._where[name][1] for name in names) for names in self._names]

    def __getitem__(self, key: object) -> Any:
        where = self._where.get(key) if isinstance(key, str) else None
        if where is not None:
            values = self.latest[where[0]]
            if values is not None:
                return values[where[1]]
        published = ", ".join(sorted(self)) or "nothing yet"
        raise KeyError(
            f"no feature {key!r} is published; published: {published} (a technique publishes "
            "'<instance name>.<output>', the instance name being its YAML 'as:' name, else its registered name)"
        )

    def get(self, key: object, default: Any = None) -> Any:
        """The value published under ``key``, else ``default`` (no message built)."""
        where = self._where.get(key) if isinstance(key, str) else None
        if where is None:
            return default
        values = self.latest[where[0]]
        return default if values is None else values[where[1]]

    def __contains__(self, key: object) -> bool:
        where = self._where.get(key) if isinstance(key, str) else None
        return where is not None and self.latest[where[0]] is not None

    def __iter__(self) -> Iterator[str]:
        for names, values in zip(self._names, self.latest, strict=True):
            if values is not None:
                yield from names

    def __len__(self) -> int:
        return sum(len(names) for names, values in zip(self._names, self.latest, strict=True) if values is not None)

    def __repr__(self) -> str:
        return f"FeatureMap({dict(self)!r})"

    def items(self) -> ItemsView[str, float]:
        """(name, value) pairs, read slot by slot (not one lookup per name)."""
        return _Items(self)

    def values(self) -> ValuesView[float]:
        """The values, in the names' order."""
        return _Values(self)

    def pairs(self) -> Iterator[tuple[str, float]]:
        """Every published (name, value), technique by technique, in the declared order."""
        return chain.from_iterable(  # a technique's pairs at C speed
            zip(names, map(values.__getitem__, slots), strict=True)
            for names, slots, values in zip(self._names, self._slots, self.latest, strict=True)
            if values is not None)


class _Items(ItemsView[str, float]):
    """``FeatureMap.items()``: iterated through :meth:`FeatureMap.pairs`."""

    _mapping: FeatureMap

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return self._mapping.pairs()


class _Values(ValuesView[float]):
    """``FeatureMap.values()``: iterated through :meth:`FeatureMap.pairs`."""

    _mapping: FeatureMap

    def __iter__(self) -> Iterator[float]:
        return map(itemgetter(1), self._mapping.pairs())


#: ``IS_FLOAT(value)``: ``isinstance(value, float)``, callable from ``map`` (a check at C speed)
IS_FLOAT = float.__instancecheck__


def declared_floats(values: dict[Any, Any], order: tuple[str, ...]) -> bool:
    """True when ``values`` has exactly the keys ``order``, in that order, and every value is a float.

    The compiled build's form of ``tuple(values) == order and all(map(IS_FLOAT, values.values()))``:
    the same answers in one pass (``tests/engine/test_declared_outputs.py``).
    """
    if len(values) != len(order):
        return False
    return all(key == order[i] and isinstance(value, float) for i, (key, value) in enumerate(values.items()))


def all_floats(numbers: tuple[object, ...]) -> bool:
    """True when every one of ``numbers`` is a float (the compiled build's ``all(map(IS_FLOAT, numbers))``)."""
    return all(isinstance(number, float) for number in numbers)


def checked_outputs(values: Mapping[str, object], declared: frozenset[str], order: tuple[str, ...]) -> tuple[Any, ...]:
    """``values``' values in the declared ``order``: ValueError unless its keys are ``declared``, TypeError for a
    value not a number (each value is read once: a mapping that answers differently twice slips nothing through)."""
    if values.keys() != declared:
        raise ValueError("not its declared outputs")
    copy: dict[str, object] = {}
    for key, value in values.items():
        if type(value) is not float and not is_number(value):
            raise TypeError("not a number")
        copy[key] = value
    return tuple(map(copy.__getitem__, order))


class DuplicateNameError(MiaError):
    """Two techniques of one engine would publish under one name."""


def publishing(techniques: Sequence[Technique], names: Sequence[str] | None) -> list[Publisher]:
    """Each technique with the prefix it publishes under, its place in the list and its declared outputs.

    ``names`` are the instance names (YAML ``as:``) in the techniques' order; without
    them each technique publishes under its own ``name``. Two techniques publishing
    under one name would overwrite each other's outputs: that is an error. The published
    names are worked out once.
    """
    chosen = [t.name for t in techniques] if names is None else list(names)
    if len(chosen) != len(techniques):
        raise ValueError(f"{len(chosen)} technique names for {len(techniques)} techniques")
    seen: set[str] = set()
    for name in chosen:
        if name in seen:
            raise DuplicateNameError(
                f"two techniques publish under the name {name!r}; give each instance its own 'as:' name"
            )
        seen.add(name)
    found: list[Publisher] = []
    for i, (technique, name) in enumerate(zip(techniques, chosen, strict=True)):
        order = tuple(technique.outputs)
        found.append((technique, name + ".", i, frozenset(order), order, tuple(f"{name}.{key}" for key in order)))
    return found
