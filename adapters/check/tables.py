"""Rich tables of a look-ahead check: one per component, what each check covered and where it failed."""

from __future__ import annotations

from rich.table import Table

from adapters.check.lookahead import CheckedComponent, SystemCheck
from mia_core.lookahead import ComponentReport, iso


def _span(check: SystemCheck) -> str:
    series = check.series
    if not len(series):
        return "no bars"
    return f"{len(series):,} bars, {iso(int(series.ts[0]))} .. {iso(int(series.ts[-1]))}"


def _values(report: ComponentReport, check: str, form: str) -> tuple[str, str]:
    found = next((f for f in report.findings if f.check == check and form.startswith(f.form)), None)
    if found is None:
        return "[green]pass[/]", "-"
    where = (f"{found.output} at bar {found.bar} ({iso(found.ts)}): {found.got!r} {found.how}; "
             f"{found.expected!r} point in time")
    return "[red]FAIL[/]", where


def component_table(item: CheckedComponent) -> Table:
    """One component: a row per check with its coverage, result and first failing bar with both values."""
    r = item.report
    verdict = "[green]pass[/]" if r.passed else "[red]FAIL[/]"
    forms = " + ".join(r.forms) or "none"
    note = "; one form only: checked by cutting" if r.single_form else ""
    table = Table(title=f"{r.kind} {item.use} from {item.provider}: {verdict}", title_justify="left",
                  caption=f"forms: {forms}{note}", caption_justify="left")
    for column in ("check", "form", "coverage", "result", "first failing bar"):
        table.add_column(column, overflow="fold")
    for cover in r.coverage:
        result, where = _values(r, cover.check, cover.form)
        if cover.scope.startswith("not run"):
            result = "[yellow]skipped[/]"
        table.add_row(cover.check, cover.form, cover.scope, result, where)
    for error in r.errors:
        table.add_row("error", "-", "-", "[red]FAIL[/]", error)
    return table


def tables(check: SystemCheck) -> list[Table]:
    """A table per component, then a summary of them all."""
    out = [component_table(item) for item in check.components]
    summary = Table(title=f"look-ahead check on {_span(check)}", title_justify="left")
    for column in ("component", "kind", "plugin", "forms", "result", "first failure"):
        summary.add_column(column, overflow="fold")
    for item in check.components:
        r = item.report
        first = r.first
        where = first.describe() if first is not None else (r.errors[0] if r.errors else "-")
        summary.add_row(item.use, item.section, item.provider, " + ".join(r.forms) or "none",
                        "[green]pass[/]" if r.passed else "[red]FAIL[/]", where)
    out.append(summary)
    return out
