"""docs/architecture.md names the rings and every import contract the build enforces."""

from __future__ import annotations

import tomllib

from .markdown import DOCS, section

ARCHITECTURE_MD = (DOCS / "architecture.md").read_text()
IMPORT_LINTER = tomllib.loads((DOCS.parent / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_every_import_contract_is_named() -> None:
    names = [contract["name"] for contract in IMPORT_LINTER["contracts"]]
    assert names
    missing = [name for name in names if name not in ARCHITECTURE_MD]
    assert missing == [], f"docs/architecture.md does not describe the contracts {missing}"


def test_every_ring_has_a_row_in_the_rings_table() -> None:
    first_cells = " ".join(section(ARCHITECTURE_MD, "The rings").rows())
    for package in IMPORT_LINTER["root_packages"]:
        assert f"`{package}`" in first_cells, f"docs/architecture.md: describe the ring {package}"
    assert "lint-imports" in ARCHITECTURE_MD
