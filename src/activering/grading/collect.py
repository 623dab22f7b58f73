"""``verzamel``: put submissions from a folder or an LMS zip export into nbgrader's ``submitted/``.

Recognised file naming (the student is taken from the name, the rest is the file name):

* Brightspace: ``12345-67890 - Jan Jansen - 15 sep. 2025 1430 - oefening.ipynb``
  (``index.html`` in the export is ignored; with several attempts the latest file wins)
* Canvas: ``jansenjan_67890_1234567_oefening.ipynb`` or ``jansenjan_LATE_67890_…``;
  Canvas's ``-1``/``-2`` resubmission suffix is removed when that gives an expected name
* Moodle: folder ``Jan Jansen_123456_assignsubmission_file_/oefening.ipynb`` (or the same as
  a prefix of the file name)
* a plain folder per student: ``<student>/oefening.ipynb`` or ``<student>/<opdracht>/…``

A class list (CSV with ``studentnummer``/``id``, ``naam`` and optionally ``lms_id``/``email``,
``;`` or ``,`` separated) maps LMS names and ids to student numbers; without it the student id
is a slug of the name (or the LMS id when the name is missing).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from activering.grading.config import Course

BRIGHTSPACE = re.compile(r"^(?P<sub>\d+)-(?P<uid>\d+) - (?P<name>.+?) ?- (?P<date>[^-]+?) - (?P<file>.+)$")
CANVAS = re.compile(r"^(?P<name>[a-z][a-z0-9]*)_(?:late_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$", re.I)
MOODLE_DIR = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assign(?:submission|feedback)_[a-z]+_?$", re.I)
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_file_(?P<file>.+)$", re.I)
IGNORED = {"index.html", ".DS_Store", "Thumbs.db"}


@dataclass
class CollectResult:
    assignment: str
    placed: dict[str, list[str]] = field(default_factory=dict)  # student -> file names
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (path in export, reason)
    lms: str = "map"


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "onbekend"


def read_roster(path: Path | None) -> dict[str, str]:
    """Keys (lms id, e-mail, slug of the name) -> student number."""
    if path is None:
        return {}
    text = Path(path).read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    mapping: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text), dialect=dialect):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        sid = row.get("studentnummer") or row.get("id") or row.get("student")
        if not sid:
            continue
        for key in ("lms_id", "email", "e-mail", "gebruikersnaam"):
            if row.get(key):
                mapping[row[key].lower()] = sid
        if row.get("naam"):
            mapping[slug(row["naam"])] = sid
            parts = slug(row["naam"]).split("-")
            mapping["".join(parts[1:] + parts[:1])] = sid  # Canvas "lastfirst"
        mapping[sid.lower()] = sid
    return mapping


def _identify(rel: Path, assignment: str) -> tuple[str, str, str, str] | None:
    """(lms, student key from the name, lms id, file name inside the submission) or None."""
    parts = rel.parts
    for i, part in enumerate(parts[:-1]):
        m = MOODLE_DIR.match(part)
        if m:
            return "moodle", m["name"], m["uid"], "/".join(parts[i + 1:])
    base = parts[-1]
    if m := MOODLE_FILE.match(base):
        return "moodle", m["name"], m["uid"], m["file"]
    if m := BRIGHTSPACE.match(base):
        return "brightspace", m["name"], m["uid"], m["file"]
    if m := CANVAS.match(base):
        return "canvas", m["name"], m["uid"], m["file"]
    if len(parts) >= 2:
        rest = parts[2:] if len(parts) >= 3 and parts[1] == assignment else parts[1:]
        return "map", parts[0], "", "/".join(rest)
    return None


def _strip_export_root(files: list[Path], root: Path, assignment: str) -> Path:
    """LMS zips sometimes wrap everything in one folder; use that folder as root then.

    A single folder that holds notebooks directly, or an ``<opdracht>/`` folder, is a student.
    """
    entries = [p for p in root.iterdir() if p.name not in IGNORED and p.name != "__MACOSX"]
    if len(entries) != 1 or not entries[0].is_dir() or MOODLE_DIR.match(entries[0].name):
        return root
    inner = entries[0]
    if any(BRIGHTSPACE.match(f.name) or CANVAS.match(f.name) or MOODLE_FILE.match(f.name) for f in files):
        return inner
    if (inner / assignment).is_dir() or any(p.is_file() for p in inner.iterdir()):
        return root
    return inner


def verzamel(assignment: str, bron: Path | str, course: Course | None = None, *,
             klaslijst: Path | str | None = None, notebooks: list[str] | None = None) -> CollectResult:
    """Copy submissions from ``bron`` (folder or zip) to ``submitted/<student>/<assignment>/``."""
    course = course or Course.default()
    bron = Path(bron)
    if notebooks is None:
        release = course.folder("release") / assignment
        notebooks = sorted(p.name for p in release.glob("*.ipynb")) if release.is_dir() else []
    roster = read_roster(Path(klaslijst) if klaslijst else None)
    result = CollectResult(assignment)
    with tempfile.TemporaryDirectory(prefix="activering-verzamel-") as tmp:
        if bron.is_file() and zipfile.is_zipfile(bron):
            root = Path(tmp) / "export"
            with zipfile.ZipFile(bron) as zf:
                for info in zf.infolist():
                    target = (root / info.filename).resolve()
                    if not target.is_relative_to(root.resolve()):
                        result.unplaced.append((info.filename, "onveilig pad in zip"))
                        continue
                    zf.extract(info, root)
                    if not info.is_dir():
                        stamp = datetime(*info.date_time).timestamp()
                        os.utime(target, (stamp, stamp))
        elif bron.is_dir():
            root = bron
        else:
            raise FileNotFoundError(f"Bron '{bron}' is geen map en geen zipbestand.")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        root = _strip_export_root(files, root, assignment) if files else root
        found: dict[str, dict[str, tuple[Path, float]]] = {}
        kinds: set[str] = set()
        for path in files:
            rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
            if rel.name in IGNORED or "__MACOSX" in rel.parts or ".ipynb_checkpoints" in rel.parts:
                continue
            ident = _identify(rel, assignment)
            if ident is None or not ident[3]:
                result.unplaced.append((str(rel), "bestandsnaam niet herkend (geen student te bepalen)"))
                continue
            lms, name, uid, filename = ident
            kinds.add(lms)
            key = roster.get(uid.lower()) if uid else None
            sid = key or roster.get(slug(name)) or roster.get(name.lower())
            if sid is None:
                if roster:
                    result.unplaced.append((str(rel), f"student '{name}' staat niet in de klaslijst"))
                    continue
                sid = slug(name) if name else uid
            filename = _normalise(filename, notebooks)
            mtime = path.stat().st_mtime
            previous = found.setdefault(sid, {}).get(filename)
            if previous is None or previous[1] <= mtime:
                found[sid][filename] = (path, mtime)
        result.lms = "/".join(sorted(kinds)) or "map"
        for sid, entries in sorted(found.items()):
            dest = course.folder("submitted") / sid / assignment
            if dest.exists():
                shutil.rmtree(dest)
            dest.mkdir(parents=True)
            latest = 0.0
            for filename, (path, mtime) in sorted(entries.items()):
                target = dest / filename
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                latest = max(latest, mtime)
            # nbgrader reads the submission time from timestamp.txt (used for late penalties)
            (dest / "timestamp.txt").write_text(
                datetime.fromtimestamp(latest).strftime("%Y-%m-%d %H:%M:%S.%f"), encoding="utf-8")
            result.placed[sid] = sorted(entries)
    return result


def _normalise(filename: str, notebooks: list[str]) -> str:
    """Undo Canvas's ``-1`` resubmission suffix when that yields an expected notebook name."""
    if filename in notebooks:
        return filename
    m = re.match(r"^(?P<stem>.+?)-\d+(?P<ext>\.ipynb)$", filename)
    if m and f"{m['stem']}{m['ext']}" in notebooks:
        return f"{m['stem']}{m['ext']}"
    return filename
