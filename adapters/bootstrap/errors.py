"""Start-up errors: plugins and configuration."""

from __future__ import annotations

from mia_core.errors import MiaError


class PluginError(MiaError):
    """A plugin could not be loaded or registers something invalid."""


class DuplicateComponentError(PluginError):
    """Two plugins register a component of one kind under one name."""


class UnknownComponentError(MiaError):
    """A configuration names a component nobody registered."""


class ConfigError(MiaError):
    """A configuration file is malformed: names the file, the key path and what is allowed."""

    def __init__(self, source: str, path: str, message: str) -> None:
        self.source = source
        self.path = path
        self.message = message
        super().__init__(f"{source}: {path}: {message}")
