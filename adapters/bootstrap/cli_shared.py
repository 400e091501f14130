"""What the ``mia`` subcommands share: the error exit, a system file's plugin host, the shipped default system."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.console import Console

from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost, discover
from adapters.bootstrap.schema import PluginsConfig
from adapters.bootstrap.structure import StructureError, structure_attrs
from adapters.bootstrap.yamlread import read_document

err = Console(stderr=True)

DEFAULT_SYSTEM = "battle_navale_daily.yaml"  # on the bundled real daily history; `mia init` writes the intraday one
INTRADAY_SYSTEM = "battle_navale.yaml"  # the mission's intraday system (docs/decision.md)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` as an error and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def host_for(config: Path | None = None) -> PluginHost:
    """Discover plugins, honouring ``plugins.disable`` of ``config`` when given."""
    disabled: list[str] = []
    if config is not None:
        document = read_document(config)
        try:
            settings = structure_attrs(PluginsConfig, document.data.get("plugins"), "plugins")
        except StructureError as exc:
            raise document.explain(ConfigError(str(config), exc.path, exc.message)) from exc
        disabled = settings.disable
    return discover(disabled)


def default_config() -> Path:
    """The shipped default system (written next to nothing: read from the package)."""
    return Path(str(resources.files("adapters.bootstrap").joinpath("templates", DEFAULT_SYSTEM)))


def intraday_config() -> Path:
    """The shipped intraday Battle Navale (what ``mia init`` writes)."""
    return Path(str(resources.files("adapters.bootstrap").joinpath("templates", INTRADAY_SYSTEM)))
