"""The ``mia ml`` commands: evaluate, train (retrain once), retrain on a schedule, drift."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from adapters.bootstrap.config import read_yaml
from adapters.bootstrap.plugins import discover
from adapters.ml.dataset import ml_settings
from mia_core.errors import MiaError

ml_app = typer.Typer(no_args_is_help=True, help="The ML signal filter: evaluate, train, retrain, drift (docs/ml.md).")
console = Console()
SystemFile = Annotated[Path, typer.Argument(help="A system YAML with `- use: ml_filter` under signal_filters.")]


JournalOption = Annotated[Path | None, typer.Option(
    "--journal", help="Rows from a paper/live JSONL journal (labelled on the system's bars) instead of a backtest.")]


def _dataset(config: Path, journal: Path | None = None) -> tuple[Any, dict[str, Any]]:
    dataset, settings, _ = _dataset_and_bars(config, journal)
    return dataset, settings


def _dataset_and_bars(config: Path, journal: Path | None = None) -> tuple[Any, dict[str, Any], Any]:
    from adapters.journal.jsonl import JsonLinesJournal
    from adapters.ml.dataset import from_backtest, from_journal, system_series

    data = read_yaml(config)
    if journal is not None:
        dataset = from_journal(data, discover(), JsonLinesJournal(journal).entries("signal"), source=str(journal))
        series = system_series(data, discover(), str(config))
    else:
        dataset, series = from_backtest(data, discover(), source=str(config))
    console.print(f"{len(dataset.y)} candidate signals labelled ({dataset.y.mean():.1%} winners after costs; "
                  f"{len(dataset.names)} features; time limit {dataset.max_hold} bars; costs "
                  f"{dataset.cost_points:g} points a round trip)", highlight=False)
    return dataset, ml_settings(data), series


@ml_app.command("evaluate")
def evaluate_command(
    config: SystemFile,
    out: Annotated[Path, typer.Option("--out", help="Folder for the reliability plot.")] = Path("ml-report"),
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Write (or replace) the section in this page.")
                        ] = None,
    title: Annotated[str, typer.Option("--title", help="Heading of the Markdown section.")] = "ML filter",
    journal: JournalOption = None,
    random_runs: Annotated[int, typer.Option(
        "--random-runs", min=0, help="Backtests per fold with a random filter at the filter's take-rate.")] = 20,
) -> None:
    """Out-of-sample accuracy, precision, Brier, ECE, reliability plot, importance, backtests with/without the filter.

    Each test fold's period is backtested without the filter, with the fold's model, and at random (after costs).
    """
    from adapters.ml.evaluate import evaluate
    from adapters.ml.folds import FoldBacktests, compare, fold_windows, installed, stored
    from adapters.ml.report import markdown as render
    from adapters.ml.report import reliability_svg

    dataset, settings, series = _dataset_and_bars(config, journal)
    learner = dataset.learner
    cv = learner.cross_validate(dataset.x, dataset.y, dataset.start_ns, dataset.end_ns, dataset.names)
    windows = fold_windows(cv["fold"], dataset.start_ns)
    judges = {k: installed(stored(k, model)) for k, model in cv["models"].items()}
    console.print(f"backtesting {len(windows)} test folds' periods: without, with the filter and "
                  f"{random_runs} random filters each", highlight=False)
    runner = FoldBacktests(read_yaml(config), discover(), series, str(config))
    ev = evaluate(dataset, cv, float(settings.get("threshold", 0.65)), compare(runner, windows, judges, random_runs))
    final = learner.fit(dataset.x, dataset.y, dataset.start_ns, dataset.end_ns, dataset.names)
    text = render(title, ev, final.metadata["importance"], f"mia ml evaluate {config}")
    console.print(text, highlight=False, markup=False, soft_wrap=True)
    svg = reliability_svg(ev, out / "reliability.svg")
    console.print(f"reliability plot: {svg}", highlight=False)
    if markdown is not None:  # its own marked section of the page: replaced on a rerun, the rest kept
        from adapters.ml.sections import put_section, slug

        page = markdown.read_text() if markdown.exists() else ""
        markdown.write_text(put_section(page, slug(title), text))


@ml_app.command("train")
def train_command(
    config: SystemFile,
    min_samples: Annotated[int, typer.Option("--min-samples", help="Refuse to train on fewer.")] = 1000,
    validation: Annotated[float, typer.Option("--validation", help="Newest share of rows held out.")] = 0.2,
    journal: JournalOption = None,
) -> None:
    """Fit on the older rows, validate on the newest, save in the registry; deploy only if it validates better."""
    from adapters.ml.lifecycle import RetrainSettings

    _train_once(config, RetrainSettings(min_samples=min_samples, validation=validation), journal)


def _train_once(config: Path, settings: Any, journal: Path | None = None) -> None:
    from adapters.ml.lifecycle import retrain
    from adapters.ml.registry import ModelRegistry

    dataset, ml = _dataset(config, journal)
    registry = ModelRegistry(ml.get("model_dir", "models"))
    name = str(ml.get("model", "battle_navale"))
    outcome = retrain(dataset, registry, name, settings, float(ml.get("threshold", 0.65)))
    s = outcome.validation_scores
    console.print(
        f"model {name!r} version {outcome.version}: validation on the newest {outcome.validation_rows} rows: "
        f"accuracy {s.accuracy:.1%}, precision {s.precision:.1%} (take-rate {s.take_rate:.1%}, win rate "
        f"{s.base_rate:.1%}), Brier {s.brier:.4f}, ECE {s.ece:.4f}. {outcome.reason}", highlight=False)


@ml_app.command("retrain")
def retrain_command(
    config: SystemFile,
    every_hours: Annotated[float, typer.Option("--every-hours", help="Hours between retrainings.")] = 24.0,
    min_samples: Annotated[int, typer.Option("--min-samples")] = 1000,
    validation: Annotated[float, typer.Option("--validation")] = 0.2,
    times: Annotated[int, typer.Option("--times", help="Stop after this many (0: run until stopped).")] = 0,
    journal: JournalOption = None,
) -> None:
    """The scheduled retraining job: `mia ml train` every ``--every-hours`` (a failure is reported, the job goes on)."""
    from adapters.ml.lifecycle import RetrainSettings

    settings = RetrainSettings(every_hours=every_hours, min_samples=min_samples, validation=validation)
    done = 0
    while True:
        try:
            _train_once(config, settings, journal)
        except MiaError as exc:
            console.print(f"retraining failed: {exc}", highlight=False, markup=False)
        done += 1
        if times and done >= times:
            return
        time.sleep(settings.every_hours * 3600)


@ml_app.command("drift")
def drift_command(
    config: SystemFile,
    journal: Annotated[Path | None, typer.Option("--journal", help="A JSONL journal (default: a backtest).")] = None,
    limit: Annotated[float, typer.Option("--psi", help="Alert when a feature's PSI exceeds this.")] = 0.25,
) -> None:
    """Population stability index of each model feature, recent rows against the training rows; alert on drift."""
    from adapters.ml.drift_alert import check_drift

    raise typer.Exit(check_drift(config, journal, limit, console))
