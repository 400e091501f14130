"""Rich renderings of plugins and plans for the terminal."""

from __future__ import annotations

from rich.table import Table
from rich.tree import Tree

from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.structure import unstructure


def plugins_table(host: PluginHost) -> Table:
    """One row per plugin: name, distribution, version, components by kind, status (loaded, failed, disabled, clash)."""
    table = Table(title="MIA plugins (entry-point group 'mia')")
    for column in ("plugin", "distribution", "version", "components", "status"):
        table.add_column(column)
    clashing = {p.name for clash in host.clashes for p in clash.providers}
    for info in host.plugins:
        by_kind: dict[str, list[str]] = {}
        for spec in info.components:
            by_kind.setdefault(spec.kind.value, []).append(spec.name)
        components = "\n".join(f"{kind}: {', '.join(names)}" for kind, names in sorted(by_kind.items()))
        status = "disabled" if info.disabled else ("[red]failed[/]" if info.error else "[green]loaded[/]")
        if info.name in clashing:
            status = "[yellow]clash[/]"
        table.add_row(info.name, info.distribution, info.version, components, status)
    return table


def plan_tree(plan: SystemPlan) -> Tree:
    """The resolved system: settings, then each section's components with their settings."""
    settings = plan.settings
    tree = Tree(f"[bold]{plan.source}[/] mode={settings.mode.value} instrument={plan.instrument.symbol}")
    for section, planned in plan.sections.items():
        if not planned:
            continue
        branch = tree.add(f"[bold]{section}[/]")
        for p in planned:
            values = ", ".join(
                f"{k}={plan.redactor.shown(f'{p.ref.path}.{k}', v)}" for k, v in unstructure(p.config).items()
            )
            name = p.ref.instance_name
            branch.add(f"{name} [dim]({p.spec.name} from {p.provider.label})[/] {values}")
    for key in ("backtest", "journal", "session", "plugins"):
        values = ", ".join(
            f"{k}={plan.redactor.shown(f'{key}.{k}', v)}" for k, v in unstructure(getattr(settings, key)).items()
        )
        tree.add(f"[bold]{key}[/] {values}")
    return tree
