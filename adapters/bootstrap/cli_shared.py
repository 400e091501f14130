"""What the ``mia`` subcommands share: the error exit, a system file's plugin host, the shipped default system."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

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
    if config is None:
        return discover([])
    document = read_document(config)
    try:
        return host_for_data(document.data, str(config))
    except ConfigError as exc:
        raise document.explain(exc) from exc


def host_for_data(data: Mapping[str, Any], source: str) -> PluginHost:
    """Discover plugins, honouring ``plugins.disable`` of a system's parsed ``data`` (read from ``source``)."""
    try:
        settings = structure_attrs(PluginsConfig, data.get("plugins"), "plugins")
    except StructureError as exc:
        raise ConfigError(source, exc.path, exc.message) from exc
    return discover(settings.disable)


def default_config() -> Path:
    """The shipped default system (written next to nothing: read from the package)."""
    return Path(str(resources.files("adapters.bootstrap").joinpath("templates", DEFAULT_SYSTEM)))


def intraday_config() -> Path:
    """The shipped intraday Battle Navale (what ``mia init`` writes)."""
    return Path(str(resources.files("adapters.bootstrap").joinpath("templates", INTRADAY_SYSTEM)))
