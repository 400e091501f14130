"""The look-ahead check of a set of components on one bar series (docs/lookahead.md says what it proves).

Three passes, in this order, so that each bar form is first run before any array
form has been handed the data:

1. bar by bar: every bar form (techniques' ``update``, analyzers' ``on_event``, the
   strategy's ``on_bar``) fed one bar at a time; at bar ``t`` nothing after ``t`` has
   been handed to any component, so these values are point in time;
2. array forms: ``compute`` and ``target_directions`` on a copy of the series, compared
   on every bar with the first pass's values when the component has a bar form
   ("forms"), with their own values on copies cut after bars ("cut": every bar for a
   single-form component while affordable), and with their values on cuts that share
   memory with the later bars ("shared memory"); the full series is handed last;
3. bar by bar again, after the array forms saw the full series, compared on every bar
   with the first pass ("rerun"): a bar form reading what was handed to an array form,
   or keeping state across ``reset``, differs here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from mia_core.lookahead.bar_run import Inputs, Recorded, bar_form, published_names, run_bars
from mia_core.lookahead.cuts import EVERY_BAR_ROWS, HEAD, cut_copy, cut_points, every_bar_cuts
from mia_core.lookahead.forms import (
    ArrayRun,
    Columns,
    first_difference,
    has_fast,
    has_vectorised,
    run_directions,
    run_vectorised,
)
from mia_core.lookahead.report import ComponentReport, Coverage, Finding
from mia_core.series import BarSeries


@attrs.frozen
class CheckSettings:
    """How hard to look: sampled cuts for two-form components, the row budget of every-bar cutting."""

    cuts: int = 24
    every_bar_rows: int = EVERY_BAR_ROWS


@attrs.define
class _Result:
    coverage: list[Coverage] = attrs.field(factory=list)
    findings: list[Finding] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)

    def compare(self, check: str, form: str, expected: Columns, got: Columns, n: int, bars: BarSeries,
                how: str) -> None:
        found = first_difference(expected, got, n)
        if found is None:
            return
        output, bar, want, have = found
        earlier = next((f for f in self.findings if f.check == check and f.form == form), None)
        if earlier is not None and earlier.bar <= bar:
            return
        if earlier is not None:
            self.findings.remove(earlier)
        self.findings.append(Finding(check, form, output, bar, int(bars.ts[bar]), want, have, how))


def _array_form(component: Any, kind: str) -> tuple[str, ArrayRun] | None:
    if kind == "strategy":
        return ("fast", run_directions) if has_fast(component) else None
    return ("vectorised", run_vectorised) if has_vectorised(component) else None


def _cut_plan(n: int, warmup: int, reference: bool, settings: CheckSettings) -> tuple[tuple[int, ...], str]:
    if reference:
        cuts = cut_points(n, warmup, settings.cuts)
        return cuts, f"{len(cuts)} sampled cuts (the forms check covers every bar)"
    cuts, stride = every_bar_cuts(n, settings.every_bar_rows)
    if stride == 1:
        return cuts, f"every bar: cut right after each of {len(cuts):,} bars"
    return cuts, (f"dense sample: {len(cuts):,} cuts (each of the first {HEAD} bars, then 1 bar in {stride}); "
                  f"one form only")


def _check_array(component: Any, kind: str, bars: BarSeries, full: BarSeries, reference: Columns | None,
                 bar_name: str | None, settings: CheckSettings, result: _Result) -> None:
    found = _array_form(component, kind)
    if found is None:
        return
    form, run = found
    n = len(full)
    c = n
    try:
        values = run(component, full)
        if reference is not None:
            result.coverage.append(Coverage("forms", f"{form} vs {bar_name}", f"every bar ({n:,})"))
            result.compare("forms", form, reference, values, n, full, f"from the {form} form")
        cuts, scope = _cut_plan(n, int(getattr(component, "warmup_bars", 1)), reference is not None, settings)
        result.coverage.append(Coverage("cut", form, scope))
        for c in cuts:
            result.compare("cut", form, run(component, cut_copy(full, c)), values, c, full,
                           f"with all bars, against the data cut after bar {c - 1}")
        probes = cut_points(n, int(getattr(component, "warmup_bars", 1)), settings.cuts)
        result.coverage.append(Coverage("shared memory", form, f"{len(probes)} cuts as views of the later bars"))
        for c in probes:
            own = run(component, cut_copy(full, c))
            result.compare("shared memory", form, own, run(component, bars.slice(0, c)), c, full,
                           f"on the data cut after bar {c - 1} as a view sharing memory with later bars")
        c = n
        run(component, full)  # hand the full history last: the rerun shows a bar form reading it
    except Exception as exc:  # a third-party component failing is a finding, not a crash of the check
        result.errors.append(f"{form} form raised on the first {c} bars: {type(exc).__name__}: {exc}")


def _inputs(components: Sequence[tuple[str, Any]], names: Sequence[str], runs: list[Recorded], n: int) -> Inputs:
    features = {}
    analyses = {}
    for (kind, _), name, record in zip(components, names, runs, strict=True):
        if kind == "technique":
            features.update({f"{name}.{key}": v for key, v in record.arrays(n).items()})
        elif kind == "analyzer":
            analyses[name] = record.arrays(n)
    return Inputs(features, analyses)


def check_components(bars: BarSeries, techniques: Sequence[Any] = (), analyzers: Sequence[Any] = (),
                     strategy: Any | None = None, settings: CheckSettings | None = None,
                     technique_names: Sequence[str] | None = None) -> list[ComponentReport]:
    """Check every component on ``bars`` (the module docstring's three passes); one report each, analyzers first.

    ``technique_names`` are the names the techniques publish under (their YAML ``as:``
    names, as the engine's), so the strategy reads its inputs under the keys it reads
    in a backtest; each technique's own ``name`` without them.

    Components are duck-typed: a technique has ``name``, ``outputs`` and ``update`` +
    ``reset`` and/or ``compute``; an analyzer ``on_event`` + ``latest`` or a
    technique's forms; a strategy ``on_bar`` + ``reset`` and/or ``target_directions``.
    An exception raised by a component is reported as an error, not raised.
    """
    chosen = settings or CheckSettings()
    components = [*(("analyzer", a) for a in analyzers), *(("technique", t) for t in techniques)]
    if strategy is not None:
        components.append(("strategy", strategy))
    explicit = None
    if technique_names is not None:
        tail = [str(getattr(strategy, "name", type(strategy).__name__))] if strategy is not None else []
        explicit = [*(str(a.name) for a in analyzers), *technique_names, *tail]
    names = published_names(components, explicit)
    full = cut_copy(bars, len(bars))
    n = len(full)
    first = run_bars(full, components, names=names)
    results = [_Result() for _ in components]
    for (kind, component), record, result in zip(components, first, results, strict=True):
        name = bar_form(component, kind)
        if name is not None:
            result.coverage.append(Coverage("cut", name, "every bar: run bar by bar before any array form saw "
                                                         "the data, so bar t's value had bars up to t only"))
        if record.error is not None:
            result.errors.append(record.error)
        reference = record.arrays(n) if name == "incremental" and record.error is None else None
        _check_array(component, kind, bars, full, reference, name, chosen, result)
    inputs = _inputs(components, names, first, n)
    again = run_bars(full, components, inputs, names)
    for (kind, component), before, after, result in zip(components, first, again, results, strict=True):
        name = bar_form(component, kind)
        if name is None or before.error is not None:
            continue
        if not callable(getattr(component, "reset", None)):
            result.coverage.append(Coverage("rerun", name, "not run: the component has no reset()"))
            continue
        result.coverage.append(Coverage("rerun", name, "every bar, after the array forms saw the full series"))
        if after.error is not None:
            result.errors.append(f"in the rerun: {after.error}")
        result.compare("rerun", name, before.arrays(n), after.arrays(n), n, full,
                       "in a second run, after the array forms were handed the full series")
    return [ComponentReport(name=name, kind=kind, forms=_forms(component, kind), coverage=tuple(result.coverage),
                            findings=tuple(result.findings), errors=tuple(result.errors))
            for (kind, component), name, result in zip(components, names, results, strict=True)]


def _forms(component: Any, kind: str) -> tuple[str, ...]:
    forms = [bar_form(component, kind), (_array_form(component, kind) or (None,))[0]]
    return tuple(form for form in forms if form is not None)


def check_lookahead(feature: Any, bars: BarSeries, settings: CheckSettings | None = None) -> ComponentReport:
    """Check one technique (or an analyzer with a technique's forms) on ``bars``."""
    return check_components(bars, techniques=[feature], settings=settings)[0]
