"""Reading casus files, with errors that name the file, the line and the field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from activering.casus.model import Casus
from activering.paths import REPO_ROOT

CASUS_DIR = REPO_ROOT / "casussen"


class CasusError(ValueError):
    """A casus file is unusable. The message says which file, which line and which field."""


def _line_of(root: yaml.Node, location: tuple) -> int:
    """Follow a pydantic error location through the YAML node tree to a 1-based line number."""
    node = root
    for step in location:
        if isinstance(node, yaml.MappingNode):
            match = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            match = node.value[step]
        else:
            match = None
        if match is None:
            break
        node = match
    return node.start_mark.line + 1


def parse_casus(text: str, path: Path) -> Casus:
    """Validate one casus; raises CasusError naming file, line and field."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", regel {mark.line + 1}" if mark else ""
        raise CasusError(f"{path}{line}: geen geldige YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict):
        raise CasusError(f"{path}: een casus is een YAML-mapping met velden als 'titel' en 'beslissingen'")
    try:
        casus = Casus.model_validate(data)
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            field = ".".join(str(step) for step in issue["loc"]) or "(casus)"
            problems.append(f"{path}, regel {_line_of(root, issue['loc'])}: veld '{field}': {issue['msg']}")
        raise CasusError("\n".join(problems)) from error
    if casus.slug != path.stem:
        raise CasusError(
            f"{path}, regel {_line_of(root, ('slug',))}: veld 'slug': '{casus.slug}' moet gelijk zijn aan de bestandsnaam '{path.stem}'"
        )
    return casus


def load_casus_file(path: Path) -> Casus:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CasusError(f"{path}: kan het bestand niet lezen: {error}") from error
    return parse_casus(text, path)


def casus_paths(directory: Path = CASUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yml"))


@cache
def load_casus(slug: str, directory: Path = CASUS_DIR) -> Casus:
    path = directory / f"{slug}.yml"
    if not path.exists():
        known = ", ".join(p.stem for p in casus_paths(directory)) or "geen"
        raise CasusError(f"{path}: casus '{slug}' bestaat niet (beschikbaar: {known})")
    return load_casus_file(path)


def load_all_casussen(directory: Path = CASUS_DIR) -> list[Casus]:
    return [load_casus_file(path) for path in casus_paths(directory)]
