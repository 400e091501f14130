"""Settings taken from the environment, and error texts cleaned of their values."""

from __future__ import annotations

import re

import attrs


@attrs.frozen
class EnvValue:
    """A scalar at ``path`` whose text came (in part) from environment variables ``names`` (values ``texts``)."""

    path: str
    names: tuple[str, ...]
    texts: tuple[str, ...]

    @property
    def label(self) -> str:
        """How an error names the value instead of printing it."""
        return "the value of " + " and ".join(f"${name}" for name in self.names)

    def covers(self, path: str) -> bool:
        """True when an error at ``path`` is about this value (or a value built from it)."""
        return path == self.path or path.startswith((self.path + ".", self.path + "["))


@attrs.frozen
class Redactor:
    """Replaces, in error messages, every value that came from the environment with the variable's name."""

    values: tuple[EnvValue, ...] = ()

    def shown(self, path: str, value: object) -> str:
        """``value`` as a listing prints it: the variable's name instead when it came from the environment."""
        for env in self.values:
            if env.path == path or path.startswith((env.path + ".", env.path + "[")) or env.path.startswith(
                (path + ".", path + "[")
            ):
                return f"<{env.label}>"
        return repr(value)

    def redact(self, message: str, path: str = "") -> str:
        """``message`` without the environment's values: quoted, bare, or (at their own key) as numbers."""
        for value in self.values:
            for text in value.texts:
                if not text:
                    continue
                message = message.replace(repr(text), value.label)
                if len(text) >= 4:  # shorter bare texts would match unrelated figures (ranges, indices)
                    message = message.replace(text, value.label)
            if value.covers(path):  # the parsed number or flag: got 5 (int)
                message = re.sub(r"\bgot (?!the value of )[^\s;]+", f"got {value.label}", message)
        return message
