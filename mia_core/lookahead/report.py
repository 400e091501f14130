"""What the look-ahead check found for one component: what it covered and the first bar each check failed at."""

from __future__ import annotations

import attrs

from mia_core.engine.failures import iso_utc as iso

#: The checks, in the order they run.
__all__ = ["CHECKS", "ComponentReport", "Coverage", "Finding", "iso"]

CHECKS = ("forms", "cut", "shared memory", "rerun")


@attrs.frozen
class Finding:
    """The first bar at which one check failed, with the point-in-time value and the value that differs.

    ``expected`` is the value computed with nothing after the bar handed to the
    component; ``got`` is the value that differs from it (with all bars, with the data
    shared with the full series, or the other form's).
    """

    check: str
    form: str
    output: str
    bar: int
    ts: int
    expected: float
    got: float
    how: str

    def describe(self) -> str:
        """One line for a report: component form, output, bar index and time, both values."""
        return (f"{self.check}: {self.form} {self.output} at bar {self.bar} ({iso(self.ts)}): "
                f"{self.got!r} {self.how}, {self.expected!r} point in time")


@attrs.frozen
class Coverage:
    """One check that ran: what it compared, on how many bars."""

    check: str
    form: str
    scope: str


@attrs.frozen
class ComponentReport:
    """The look-ahead check of one component: its forms, what was covered, and what failed."""

    name: str
    kind: str
    forms: tuple[str, ...]
    coverage: tuple[Coverage, ...]
    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no check failed and the component raised nothing."""
        return not self.findings and not self.errors

    @property
    def first(self) -> Finding | None:
        """The finding at the earliest bar (``None`` when there is none)."""
        return min(self.findings, key=lambda f: (f.bar, CHECKS.index(f.check))) if self.findings else None

    @property
    def single_form(self) -> bool:
        """True when the component has one form only (checked by cutting alone)."""
        return len(self.forms) == 1

    def finding(self, check: str) -> Finding | None:
        """The finding of ``check``, if it failed."""
        return next((f for f in self.findings if f.check == check), None)

    def describe(self) -> str:
        """Every finding and error, one per line."""
        return "\n".join([*(f.describe() for f in self.findings), *self.errors])
