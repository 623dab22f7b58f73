"""The package's layers: who may import whom, and what an import may load.

The rule, read from the bottom up: a part of the package may import from its own part and from the
parts in the layers below it, never from its own layer or above. ``activering/__init__.py`` imports
nothing. The command line (``activering.cli``) is the top: only the console script
(``activering = "activering.cli:app"`` in pyproject.toml) loads it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from activering.paths import REPO_ROOT

#: The import rule of src/activering, lowest layer first. A part may import from the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "vocabulary",
        "paths",
        "files",
        "processes",
        "chromium",
        "cli_nl",
    ),  # 0 shared words and colours, locations, safe writing, workers, the browser, Dutch CLI texts: no package imports
    ("bibliography", "glossary", "data", "journal", "lab"),  # 1 sources, terms, course data, the local journal, Lab
    ("anonimisering", "preamble", "vormtoetsen", "lab_contents"),  # 2 anonymiser (may use data); helpers for
    # pages and notebooks; JupyterLab's contents manager (citations as the book shows them)
    ("casus", "grading"),  # 3 interactive cases; nbgrader tooling
    ("reflectie", "sphinx_ext", "zelftoets", "boekroutes"),  # 4 self-study (uses casus, journal, anonimisering);
    # the book's Sphinx extension, its self-check directive, its notebook/JupyterLab block and PDF
    ("cli",),  # 5 the command line: imported by nothing in the package
)

#: What importing a module may not load (checked in a fresh interpreter). "third-party": only the
#: standard library and the package itself.
IMPORT_PROMISES: dict[str, tuple[str, ...]] = {
    "activering.vocabulary": ("third-party",),
    "activering.reflectie.portfolio": ("ipywidgets",),  # exporting a portfolio needs no widgets
    "activering.reflectie.identiteit": ("pyarrow",),  # the journal's identity check needs no table code
    "activering.anonimisering.identifiers": ("pyarrow",),
    "activering.sphinx_ext": ("altair", "pandas"),  # the book's extension: casus pages need no chart library
    "activering.casus.page": ("altair", "pandas"),
    "activering.data.databron": ("pandas",),  # where the data are, without loading them
}

PACKAGE = REPO_ROOT / "src" / "activering"
LAYER_OF = {part: number for number, parts in enumerate(LAYERS) for part in parts}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """``activering.data.loader`` -> ``data``; the package itself -> ``activering``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "activering"


def imports_in(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in ``source``, also inside functions."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "activering":  # from activering import data
                found += [(node.lineno, f"activering.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name == "activering" or name.startswith("activering.")]


def imports_of(path: Path) -> list[tuple[int, str]]:
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer():
    parts = {part_of(module_name(path)) for path in MODULES} - {"activering"}
    assert parts - set(LAYER_OF) == set(), "zet elk nieuw deel van het pakket in LAYERS (tests/test_layers.py)"
    assert set(LAYER_OF) - parts == set(), "LAYERS noemt een deel dat niet (meer) bestaat"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_only_go_down(path):
    importer = part_of(module_name(path))
    wrong = []
    for line, target in imports_of(path):
        imported = part_of(target)
        if imported == importer:
            continue
        if importer == "activering" or LAYER_OF.get(imported, len(LAYERS)) >= LAYER_OF[importer]:
            wrong.append(f"regel {line}: {target}")
    assert wrong == [], f"{path.relative_to(PACKAGE)} ({importer}) importeert van gelijk of hoger: {wrong}"


def test_the_rule_check_sees_absolute_relative_and_lazy_imports():
    source = (
        "import os\nfrom activering.casus import load\nfrom ..reflectie import model\nfrom . import codebook\n"
        "def later():\n    import activering.cli\n"
    )
    found = [target for _, target in imports_in(source, "activering.data.example")]
    assert found == ["activering.casus", "activering.reflectie", "activering.data", "activering.cli"]
    assert [part_of(target) for target in found] == ["casus", "reflectie", "data", "cli"]


def loaded_by(module: str) -> list[str]:
    """Top-level names of the modules that importing ``module`` adds, in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"import {module}\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in set(sys.modules) - before})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("module", "forbidden"), sorted(IMPORT_PROMISES.items()))
def test_import_promise(module, forbidden):
    loaded = loaded_by(module)
    if forbidden == ("third-party",):
        allowed = set(sys.stdlib_module_names) | {"activering"}
        assert sorted(set(loaded) - allowed) == [], f"{module} laadt meer dan de standaardbibliotheek"
    else:
        assert sorted(set(forbidden) & set(loaded)) == [], (
            f"import {module} laadt {sorted(set(forbidden) & set(loaded))}"
        )


def _module_edges() -> dict[str, set[str]]:
    """Module -> the package modules it imports (also inside functions); ``from a.b import c`` counts as
    an import of ``a.b.c`` when that is a module, else of ``a.b``."""
    known = {module_name(path): path for path in MODULES}
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                for alias in node.names:
                    found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        edges[name] = {target for target in found if target in known and target != name}
    return edges


def test_no_import_cycles_between_modules():
    edges = _module_edges()
    assert edges["activering.grading.autograde"], "de importgrafiek is leeg: de test ziet niets"
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target) :] + [target] if target in trail else [node, target])
            elif not state.get(target):
                visit(target, [*trail, target])
        state[node] = 2

    for start in sorted(edges):
        if not state.get(start):
            visit(start, [start])
    assert cycles == [], f"importkringen: {cycles}"
