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
    """A configuration file is malformed: names the file, the key path, what is allowed and (when known) the line."""

    def __init__(self, source: str, path: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.path = path
        self.message = message
        self.line = line
        super().__init__(f"{source}: {path}: {message}" + (f" (line {line})" if line else ""))
