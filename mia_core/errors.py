"""Domain errors that name the field and the reason."""

from __future__ import annotations


class MiaError(Exception):
    """Base class for every error MIA raises on purpose."""


class DomainValueError(MiaError, ValueError):
    """An impossible value for a domain object: names the object, the field and why."""

    def __init__(self, owner: str, field: str, value: object, reason: str) -> None:
        self.owner = owner
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{owner}.{field} = {value!r}: {reason}")
