"""No import circle between modules of MIA's four packages, counting imports made only for type checking."""

from __future__ import annotations

import grimp

PACKAGES = ("mia_core", "ports", "adapters", "mia_plugins")


def _graph() -> grimp.ImportGraph:
    # type-checking imports count: a circle mypy (and mypyc) must untangle is a circle (decision 4)
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan's algorithm, iterative)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in PACKAGES)
    imports = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i.split(".")[0] in PACKAGES)
               for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(imports[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, todo = work[-1]
            step = next(todo, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(imports[step])))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    lines = [" <-> ".join(group)]
    for importer in group:
        for imported in group:
            for detail in graph.get_import_details(importer=importer, imported=imported):
                where = f"{importer.replace('.', '/')}.py:{detail['line_number']}"
                lines.append(f"    {where} ({imported}): {detail['line_contents']}")
    return "\n".join(lines)


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("mia_core.a", "mia_core.b", "mia_core.c", "mia_core.d"):
        graph.add_module(module)
    graph.add_import(importer="mia_core.a", imported="mia_core.b")
    graph.add_import(importer="mia_core.b", imported="mia_core.c")
    graph.add_import(importer="mia_core.c", imported="mia_core.a")
    graph.add_import(importer="mia_core.c", imported="mia_core.d")
    assert _circles(graph) == [["mia_core.a", "mia_core.b", "mia_core.c"]]


def test_no_module_import_circles() -> None:
    graph = _graph()
    circles = [_describe(graph, group) for group in _circles(graph)]
    assert not circles, "import circles between modules (break them, see docs/decisions/0004):\n" + "\n".join(circles)
