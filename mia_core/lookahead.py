"""Look-ahead harness: a feature's value at bar t must not change when the data is cut at t.

For each cut ``c`` the feature is recomputed on the first ``c`` bars only and every
value it gives there is compared with the value computed on all the bars. A
difference at bar ``i`` means the full-data value at ``i`` used bars after the cut,
i.e. after ``i``: that bar is reported as offending. Both forms are checked when the
feature has them: the vectorised one (``compute``) and the incremental one
(``reset`` then ``update`` bar by bar), which can only look ahead through a side
channel (data it was built with, a clock, a file), and that is what it catches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.engine.failures import describe_arrays, describe_outputs, iso_utc
from mia_core.errors import MiaError
from mia_core.series import BarSeries

FloatArray = npt.NDArray[np.float64]
RTOL = 1e-9
ATOL = 1e-12
#: The incremental form is re-run from the start for each cut, so it gets the last few cuts only.
INCREMENTAL_CUTS = 6


@attrs.frozen
class Offence:
    """The first bar whose value changed when the data was cut, and how."""

    form: str
    output: str
    bar: int
    ts: int
    cut: int
    full_value: float
    cut_value: float

    def describe(self) -> str:
        """One line for a report."""
        return (f"{self.form} {self.output} at bar {self.bar} (ts {self.ts}): {self.full_value!r} with all bars, "
                f"{self.cut_value!r} with the data cut after bar {self.cut - 1}")


@attrs.frozen
class LookaheadReport:
    """What the harness found for one feature."""

    name: str
    forms: tuple[str, ...]
    cuts: tuple[int, ...]
    offence: Offence | None
    forms_agree: bool | None
    error: str | None = None

    @property
    def passed(self) -> bool:
        """True when no value changed at any cut (and the feature did not fail)."""
        return self.offence is None and self.error is None


def cut_points(n: int, warmup: int, count: int = 24) -> tuple[int, ...]:
    """Prefix lengths to test (``n`` excluded): the first three, the bars after warm-up densely, then spread to the end.

    The first cuts catch values given before the declared warm-up that use later bars.
    """
    if n < 2:
        return ()
    start = max(1, min(warmup, n - 1))
    dense = [*range(1, min(4, n)), *range(start, min(start + count // 3, n))]
    spread = np.unique(np.geomspace(start, n - 1, num=max(0, count - len(dense))).astype(np.int64)).tolist()
    return tuple(sorted({*dense, *spread, n - 1}))


def _differ(a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
    same = np.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
    return ~same


def run_incremental(feature: Any, bars: BarSeries) -> dict[str, FloatArray]:
    """Reset ``feature`` and feed it ``bars`` one by one; one array per output.

    Each value is read when ``update`` returns it, as the engine does.
    """
    feature.reset()
    outputs = tuple(feature.outputs)
    rows = []
    for i, bar in enumerate(bars.trusted()):
        row = feature.update(bar)
        wrong = describe_outputs(row, outputs)
        if wrong:
            raise MalformedResult(f"update {wrong} (bar {i}, {iso_utc(bar.ts)})")
        rows.append([float(row[key]) for key in outputs])
    table = np.array(rows, dtype=np.float64).reshape(len(rows), len(outputs))
    return {key: table[:, j] for j, key in enumerate(outputs)}


def run_vectorised(feature: Any, bars: BarSeries) -> dict[str, FloatArray]:
    """``feature.compute(bars)`` as float arrays."""
    result = feature.compute(bars)
    wrong = describe_arrays(result, tuple(feature.outputs), len(bars))
    if wrong:
        raise MalformedResult(f"compute {wrong}")
    return {key: np.asarray(value, dtype=np.float64) for key, value in result.items()}


class MalformedResult(MiaError):
    """A form returned something else than its declared outputs (the report's ``error`` says what)."""


def _first_offence(form: str, full: Mapping[str, FloatArray], cut: Mapping[str, FloatArray], c: int,
                   bars: BarSeries) -> Offence | None:
    best: Offence | None = None
    for key, values in full.items():
        got = cut.get(key)
        if got is None or len(got) < c:
            return Offence(form, key, c - 1, int(bars.ts[c - 1]), c, float(values[c - 1]), float("nan"))
        bad = np.flatnonzero(_differ(values[:c], got[:c]))
        if bad.size and (best is None or int(bad[0]) < best.bar):
            i = int(bad[0])
            best = Offence(form, key, i, int(bars.ts[i]), c, float(values[i]), float(got[i]))
    return best


def _earliest(a: Offence | None, b: Offence | None) -> Offence | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a.bar <= b.bar else b


def _agree(a: Mapping[str, FloatArray], b: Mapping[str, FloatArray]) -> bool:
    return all(key in b and not _differ(a[key], b[key]).any() for key in a)


def check_lookahead(feature: Any, bars: BarSeries, cuts: Sequence[int] | None = None) -> LookaheadReport:
    """Cut ``bars`` at each of ``cuts`` (prefix lengths; :func:`cut_points` by default) and compare.

    ``feature`` needs ``name`` and ``outputs`` and at least one form: ``compute`` or
    ``reset`` + ``update``. The report names the earliest offending bar found, and
    whether the two forms agree on all the bars when both exist. An exception raised
    by the feature is reported as the ``error`` (with the cut it happened on), not raised.
    """
    warmup = int(getattr(feature, "warmup_bars", 1))
    chosen = tuple(cuts) if cuts is not None else cut_points(len(bars), warmup)
    forms: list[str] = []
    offence: Offence | None = None
    full: dict[str, dict[str, FloatArray]] = {}
    runs = []
    if callable(getattr(feature, "compute", None)):
        runs.append(("vectorised", run_vectorised, chosen))
    if callable(getattr(feature, "update", None)) and callable(getattr(feature, "reset", None)):
        runs.append(("incremental", run_incremental, chosen[-INCREMENTAL_CUTS:]))
    for form, run, form_cuts in runs:
        forms.append(form)
        c = len(bars)
        try:
            full[form] = run(feature, bars)
            for c in form_cuts:
                found = _first_offence(form, full[form], run(feature, bars.slice(0, c)), c, bars)
                offence = _earliest(offence, found)
        except MalformedResult as exc:
            error = f"{form} form on the first {c} bars: {exc}"
            return LookaheadReport(str(feature.name), tuple(forms), chosen, offence, None, error)
        except Exception as exc:  # a third-party feature failing is a finding, not a crash of the check
            error = f"{form} form raised on the first {c} bars: {type(exc).__name__}: {exc}"
            return LookaheadReport(str(feature.name), tuple(forms), chosen, offence, None, error)
    if "incremental" in full:
        feature.reset()
    agree = _agree(full["incremental"], full["vectorised"]) if len(full) == 2 else None
    return LookaheadReport(name=str(feature.name), forms=tuple(forms), cuts=chosen, offence=offence, forms_agree=agree)
