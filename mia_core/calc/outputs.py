"""``Outputs``: one bar's outputs of a technique, a read-only mapping the engine publishes without a copy."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from typing import Any


class Outputs(Mapping[str, float]):
    """A technique's outputs at one bar: ``names`` (its declared ``outputs``) and ``numbers``, in that order.

    What ``update`` may return instead of a dict: it reads as
    ``dict(zip(names, numbers))`` would. Its numbers are a tuple, which cannot change,
    so the engine publishes that tuple as it is once it has checked it (``names`` the
    declared outputs, the very tuple ``outputs`` or an equal one, every number a float),
    where a dict must be copied. The Battle Navale features return one per bar.
    """

    __slots__ = ("names", "numbers")

    def __init__(self, names: tuple[str, ...], numbers: tuple[float, ...]) -> None:
        if len(names) != len(numbers):
            raise ValueError(f"{len(numbers)} numbers for the {len(names)} names {names!r}")
        self.names = names
        self.numbers = numbers

    def __getitem__(self, key: object) -> Any:  # Any: the number as it is (compiled, float would convert an int)
        names = self.names
        numbers: tuple[object, ...] = self.numbers
        for i in range(len(names)):
            if names[i] == key:
                return numbers[i]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __reduce__(self) -> tuple[type[Outputs], tuple[tuple[str, ...], tuple[float, ...]]]:
        return Outputs, (self.names, self.numbers)

    def __repr__(self) -> str:
        return f"Outputs({dict(zip(self.names, self.numbers, strict=True))!r})"

    def items(self) -> ItemsView[str, float]:
        """(name, number) pairs, in the names' order."""
        return _Items(self)

    def values(self) -> ValuesView[float]:
        """The numbers, in the names' order."""
        return _Values(self)


class _Items(ItemsView[str, float]):
    """``Outputs.items()``: the names zipped with the numbers (no lookup per name)."""

    _mapping: Outputs

    def __init__(self, mapping: Outputs) -> None:  # compiled: no call to the interpreted MappingView.__init__
        self._mapping = mapping

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return zip(self._mapping.names, self._mapping.numbers, strict=True)


class _Values(ValuesView[float]):
    """``Outputs.values()``: the numbers."""

    _mapping: Outputs

    def __init__(self, mapping: Outputs) -> None:  # compiled: no call to the interpreted MappingView.__init__
        self._mapping = mapping

    def __iter__(self) -> Iterator[float]:
        return iter(self._mapping.numbers)
