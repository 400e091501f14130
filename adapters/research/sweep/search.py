"""The sweep itself: the grid file read, runs planned (grid, random or Optuna), sent to Dask, rows gathered."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.yamlread import read_document
from adapters.research.sweep.engine import Report, run_tasks
from adapters.research.sweep.space import (
    Parameter,
    Range,
    SweepError,
    check_points,
    grid_points,
    parse_space,
    random_points,
)
from adapters.research.sweep.store import RunStore
from adapters.research.sweep.tasks import DataRef, RunTask, Window, code_version, data_ref
from adapters.research.sweep.worker import METRICS

SEARCHES = ("grid", "random", "optuna")


@attrs.frozen
class SweepSpec:
    """The system (its data as read), the parameters, datasets, windows and the metric to rank by."""

    data: Mapping[str, Any]
    params: list[Parameter]
    datasets: list[DataRef]
    windows: list[Window]
    metric: str = "sharpe"


@attrs.frozen
class SweepResult:
    """Every row of the sweep (run order), how many runs ran now and from the cache, the runs' daily returns."""

    rows: pd.DataFrame
    executed: int
    cached: int
    runs_file: Path
    daily: pd.DataFrame = attrs.field(factory=pd.DataFrame)


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SweepError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from exc


def parse_window(text: str) -> Window:
    """``START:END`` (either side may be empty)."""
    start, sep, end = text.partition(":")
    if not sep:
        raise SweepError(f"window {text!r}: expected START:END (e.g. 2015-01-01:2016-12-31)")
    return Window(_date(start or None, f"window {text!r}"), _date(end or None, f"window {text!r}"))


def load_spec(system: Path, grid: Path, host: PluginHost, datasets: Sequence[str] = (),
              windows: Sequence[str] = (), metric: str | None = None) -> SweepSpec:
    """Read the system and the grid file; the command line's datasets and windows replace the file's."""
    try:
        document = read_document(system)
        data = document.data
        try:
            plan_system(data, host, source=str(system))
        except ConfigError as exc:
            raise document.explain(exc) from exc
        raw = read_document(grid).data
    except ConfigError as exc:
        raise SweepError(str(exc)) from exc
    params = parse_space(raw, str(grid))
    names = list(datasets) or [str(n) for n in raw.get("datasets") or []] or [_own_dataset(data, system)]
    refs = [data_ref(name, grid.parent) for name in names]
    spans = [parse_window(w) for w in windows] or [
        Window(_date(w.get("start"), f"{grid}: windows[{i}].start"), _date(w.get("end"), f"{grid}: windows[{i}].end"))
        for i, w in enumerate(raw.get("windows") or [{}])]
    chosen = metric or str(raw.get("metric") or "sharpe")
    if chosen not in METRICS:
        raise SweepError(f"metric {chosen!r}: choose from {', '.join(METRICS)}")
    return SweepSpec(data, params, refs, spans, chosen)


def _own_dataset(data: Mapping[str, Any], system: Path) -> str:
    feed = data.get("data_feed")
    if isinstance(feed, Mapping) and feed.get("use") == "bundled":
        return str(feed.get("dataset", "sp500"))
    raise SweepError(f"{system}: its data feed is not a bundled dataset; name the data in the grid file "
                     "('datasets: [path/to/bars.csv]') or with --datasets")


def tasks_for(spec: SweepSpec, points: Sequence[Mapping[str, Any]], seed: int, first: int = 0) -> list[RunTask]:
    """One run per point × dataset × window, numbered from ``first`` in that order."""
    version = code_version()
    tasks = []
    index = first
    for point in points:
        for ref in spec.datasets:
            for window in spec.windows:
                tasks.append(RunTask(index, spec.data, dict(point), ref, window, seed, version))
                index += 1
    return tasks


def run_sweep(spec: SweepSpec, host: PluginHost, client: object, out: Path, *, search: str = "grid",
              trials: int = 20, seed: int = 0, batch: int = 8, report: Report = lambda _: None,
              on_row: Callable[[dict[str, object]], None] | None = None) -> SweepResult:
    """Run the sweep on ``client``'s cluster, rows streamed to ``out``; results do not depend on the worker count."""
    if search not in SEARCHES:
        raise SweepError(f"search {search!r}: choose from {', '.join(SEARCHES)}")
    if search != "grid" and trials < 1:
        raise SweepError(f"--trials {trials}: a {search} search needs at least one trial")
    store = RunStore(out)
    cached_before = store.done_keys()
    if search == "optuna":
        tasks, executed = _optuna(spec, host, client, store, out, trials, seed, batch, report, on_row)
    else:
        points = grid_points(spec.params) if search == "grid" else random_points(spec.params, trials, seed)
        if not points:
            raise SweepError("the grid has no point to run")
        check_points(spec.data, host, spec.params, points)
        tasks = tasks_for(spec, points, seed)
        report(f"{len(tasks)} runs ({len(points)} points × {len(spec.datasets)} datasets × {len(spec.windows)} "
               f"windows), {sum(t.key in cached_before for t in tasks)} already in the cache")
        executed = run_tasks(client, tasks, store, report, on_row)
    rows = _one_row_per_task(store, tasks)
    daily = rows[["run", "key", "dataset", "window"]].merge(store.daily(t.key for t in tasks), on="key", how="left")
    daily = daily.drop(columns="key").dropna(subset=["day"]).reset_index(drop=True)
    path = store.write_result(rows, daily)
    return SweepResult(rows, executed, len({t.key for t in tasks}) - executed, path, daily)


def _one_row_per_task(store: RunStore, tasks: Sequence[RunTask]) -> pd.DataFrame:
    """Each task's row in run order (a point drawn twice by a search is run once and listed twice).

    ``run`` and ``seed`` are this sweep's: the same configuration found in the cache (or
    in a Dask future of an earlier sweep with the same key) may have run under others.
    """
    found = store.rows(t.key for t in tasks).set_index("key", drop=False)
    missing = sorted({t.index for t in tasks if t.key not in found.index})
    if missing:
        raise SweepError(f"runs {missing[:10]} have no row after the sweep (lost results); rerun to resume")
    rows = found.loc[[t.key for t in tasks]].reset_index(drop=True)
    rows["run"] = [t.index for t in tasks]
    rows["seed"] = [t.seed for t in tasks]  # the seed is not in the cache key: a row found there may carry another
    return rows


def _optuna(spec: SweepSpec, host: PluginHost, client: object, store: RunStore, out: Path, trials: int, seed: int,
            batch: int, report: Report, on_row: Callable[[dict[str, object]], None] | None,
            ) -> tuple[list[RunTask], int]:
    """Ask/tell from the client in fixed batches: the same trials whatever the number of workers."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    journal = out / "optuna.journal"
    journal.unlink(missing_ok=True)  # the study is replayed from the run cache: same seed, same trials
    storage = JournalStorage(JournalFileBackend(str(journal)))
    study = optuna.create_study(study_name="mia-sweep", storage=storage, direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    check_points(spec.data, host, spec.params, [{p.key: p.grid()[0] if not isinstance(p.values, Range)
                                                 else p.values.low for p in spec.params}])
    per_point = len(spec.datasets) * len(spec.windows)
    tasks: list[RunTask] = []
    executed = 0
    while len(tasks) < trials * per_point:
        size = min(batch, trials - len(tasks) // per_point)
        asked = [study.ask() for _ in range(size)]
        points = [_suggest(trial, spec.params) for trial in asked]
        check_points(spec.data, host, spec.params, points)
        batch_tasks = tasks_for(spec, points, seed, first=len(tasks))
        executed += run_tasks(client, batch_tasks, store, report, on_row)
        rows = store.rows(t.key for t in batch_tasks)
        by_key = dict(zip(rows["key"], rows[spec.metric], strict=True))
        for n, trial in enumerate(asked):
            values = [by_key.get(t.key) for t in batch_tasks[n * per_point:(n + 1) * per_point]]
            finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
            if len(finite) == len(values):
                study.tell(trial, sum(finite) / len(finite))
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
        tasks.extend(batch_tasks)
        report(f"optuna: {len(tasks) // per_point}/{trials} trials")
    return tasks, executed


def _suggest(trial: Any, params: Sequence[Parameter]) -> dict[str, Any]:
    point: dict[str, Any] = {}
    for p in params:
        spec = p.values
        if not isinstance(spec, Range):
            point[p.key] = trial.suggest_categorical(p.key, spec)
        elif spec.integer:
            point[p.key] = trial.suggest_int(p.key, int(spec.low), int(spec.high), step=int(spec.step or 1),
                                             log=spec.log)
        else:
            point[p.key] = trial.suggest_float(p.key, float(spec.low), float(spec.high), step=spec.step,
                                               log=spec.log)
    return point
