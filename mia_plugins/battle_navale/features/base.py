"""Base of Battle Navale's features: ``mia_core.calc.technique_base.Feature``'s rules in a class mypyc compiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mia_core.calc.outputs import Outputs
from mia_core.calc.technique_base import NAN, FloatArray, warm_columns
from mia_core.market import Bar
from mia_core.series import BarSeries


class BarFeature:
    """A feature whose ``update`` is compiled with its subclass (``setup.py`` ``COMPILED``).

    The same contract as :class:`mia_core.calc.technique_base.Feature` (NaN while
    ``i + 1 < warmup_bars``, in both forms), for subclasses that implement ``update``
    (one bar's outputs as ``Outputs(self._names, (...))``, values in ``outputs`` order:
    the engine publishes its tuple without a copy; ending with
    ``return self._warm(values) if self._warming else values``: no second call per bar
    once warm), ``_reset`` and ``_columns``. ``Feature`` stays interpreted so that a
    third party can subclass it. A subclass sets ``name`` and ``outputs`` in its class
    body and ``warmup_bars`` before calling ``__init__``.
    """

    name: ClassVar[str] = ""
    outputs: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.warmup_bars: int
        self._seen = 0
        self._warming = True
        self._names: tuple[str, ...] = self.outputs  # the very tuple: the engine checks the names by identity
        self._nan = Outputs(self._names, (NAN,) * len(self._names))  # read only: returned on every warm-up bar
        self._reset()

    def reset(self) -> None:
        """Forget all state, as if no bar had been seen."""
        self._seen = 0
        self._warming = True
        self._reset()

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        raise NotImplementedError

    def _warm(self, values: Outputs) -> Outputs:
        """What ``update`` returns while ``_warming``: NaN until bar ``warmup_bars``, then ``values``."""
        self._seen += 1
        if self._seen < self.warmup_bars:
            return self._nan
        self._warming = False
        return values

    def compute(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        """Every output over ``bars`` at once (what feeding them to ``update`` one by one returns)."""
        return warm_columns(self._columns(bars), self.outputs, self.warmup_bars)

    def _reset(self) -> None:
        raise NotImplementedError

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        raise NotImplementedError
