"""The ``mia`` command line."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap import views
from adapters.bootstrap.config import load_plan, read_yaml
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.plugins import discover
from mia_core.errors import MiaError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="MIA: automated trading of ES/NQ futures.")
plugins_app = typer.Typer(no_args_is_help=True, help="Installed plugins.")
config_app = typer.Typer(no_args_is_help=True, help="System configuration files.")
app.add_typer(plugins_app, name="plugins")
app.add_typer(config_app, name="config")
console = Console()
err = Console(stderr=True)

ConfigPath = Annotated[Path, typer.Argument(help="A system YAML file.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` as an error and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def host_for(config: Path | None = None):  # type: ignore[no-untyped-def]
    """Discover plugins, honouring ``plugins.disable`` of ``config`` when given."""
    disabled: list[str] = []
    if config is not None:
        raw = read_yaml(config).get("plugins") or {}
        disabled = list(raw.get("disable") or []) if isinstance(raw, dict) else []
    return discover(disabled)


@plugins_app.command("list")
def plugins_list() -> None:
    """Each plugin with its distribution, version and components by kind."""
    try:
        host = discover()
    except PluginError as exc:
        raise fail(str(exc)) from exc
    console.print(views.plugins_table(host))
    for info in host.failures:
        err.print(f"[yellow]plugin {info.label} failed:[/] {info.error}", highlight=False)


@config_app.command("check")
def config_check(
    config: ConfigPath,
    live: Annotated[bool, typer.Option("--live", help="Consent to live trading (also needs live_trading: true).")] = False,
) -> None:
    """Validate a system file and print the resolved system."""
    try:
        host = host_for(config)
        plan = load_plan(config, host)
        plan.require_live_consent(live)
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from exc
    console.print(views.plan_tree(plan))
    console.print(f"[green]ok[/]: {config} is a valid {plan.settings.mode.value} system")


@app.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the example.")] = Path("mia.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example system configuration."""
    if path.exists() and not force:
        raise fail(f"{path} exists; pass --force to overwrite")
    text = resources.files("adapters.bootstrap").joinpath("templates", "system.yaml").read_text()
    path.write_text(text)
    console.print(f"wrote {path}; check it with: mia config check {path}")


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app()
    except MiaError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise SystemExit(2) from exc
