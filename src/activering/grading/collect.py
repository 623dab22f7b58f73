"""``verzamel``: put submissions from a folder or an LMS zip export into nbgrader's ``submitted/``.

Recognised file naming (the student is taken from the name, the rest is the file name):

* Brightspace: ``12345-67890 - Jan Jansen - 15 sep. 2025 1430 - oefening.ipynb``, or a folder
  ``12345-67890 - Jan Jansen - 15 sep. 2025 1430/`` with the files
  (``index.html`` in the export is ignored; with several attempts the latest file wins)
* Canvas: ``jansenjan_67890_1234567_oefening.ipynb`` or ``jansenjan_LATE_67890_…``;
  Canvas's ``-1``/``-2`` resubmission suffix is removed when that gives an expected name
* Moodle: folder ``Jan Jansen_123456_assignsubmission_file_/oefening.ipynb`` (or the same as
  a prefix of the file name)
* a plain folder per student: ``<student>/oefening.ipynb`` or ``<student>/<opdracht>/…``, also
  inside one wrapper folder (``Export/<student>/…``); files beside the student folders are
  reported, never given to a student. A layout that mixes student folders and wrapper folders
  is refused with the entries named.

The file-name parsing is nbgrader's plugin point for it, a ``FileNameCollectorPlugin``
(:class:`LmsFileNameCollector`): ``verzamel`` calls it for every file, and plain
``nbgrader zip_collect --collector=activering.grading.collect.LmsFileNameCollector`` can use it
too (student id there: the LMS id, or a slug of the name).

A zip inside the export (a student who handed in a zip, or an export zipped once more) is
unpacked in place. Paths that would leave the export (``../``, absolute) are refused per entry.

A class list (CSV with ``studentnummer``/``id``, ``naam`` and optionally ``lms_id``/``email``,
``;`` ``,`` or tab separated, UTF-8 with or without BOM or Windows-1252) maps LMS names and ids
to student numbers and is kept in ``nakijkverslag/klaslijst.csv`` so that the grade list can
show who handed in nothing; without it the student id is a slug of the name (with the LMS id
added when two students share a name). The identifiers an LMS needs to import grades
(``LMS_ID_COLUMNS``: ``orgdefinedid``, ``gebruikersnaam``, ``canvas_id``, ``sis_user_id``,
``sis_login_id``, ``idnumber``, ``email``) are kept with it for ``cijfers --formaat``.

Nothing collected earlier is lost: a student whose submission changed gets the new one and the
previous one is moved to ``nakijkverslag/eerdere-inzendingen/<student>/<opdracht>/<tijd>/``; a
student without a notebook in this export keeps what was collected before.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from nbgrader.plugins import FileNameCollectorPlugin

from activering.files import write_atomic
from activering.grading.config import Course, DocentError

BRIGHTSPACE = re.compile(r"^(?P<sub>\d+)-(?P<uid>\d+) - (?P<name>.+?) ?- (?P<date>[^-]+?) - (?P<file>.+)$")
BRIGHTSPACE_DIR = re.compile(r"^(?P<sub>\d+)-(?P<uid>\d+) - (?P<name>.+?) ?- (?P<date>[^-]+)$")
CANVAS = re.compile(r"^(?P<name>[a-z][a-z0-9]*)_(?:late_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$", re.I)
MOODLE_DIR = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assign(?:submission|feedback)_[a-z]+_?$", re.I)
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_file_(?P<file>.+)$", re.I)
IGNORED = {"index.html", ".DS_Store", "Thumbs.db", "desktop.ini"}
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")
MAX_UNPACKED = 4 * 2**30  # bytes: larger exports are refused (zip bombs)
MAX_ENTRIES = 200_000

NIEUW = "nieuw"
VERVANGEN = "vervangen — met de vorige bewaard"
ONGEWIJZIGD = "ongewijzigd"
GEEN_NOTEBOOK = "geen notebook in deze export"


class CollectError(DocentError):
    pass


@dataclass
class StudentResult:
    student: str
    naam: str
    status: str  # NIEUW, VERVANGEN, ONGEWIJZIGD or GEEN_NOTEBOOK
    files: list[str]
    note: str = ""
    backup: Path | None = None


@dataclass
class CollectResult:
    assignment: str
    placed: dict[str, list[str]] = field(default_factory=dict)  # student -> file names (now in submitted/)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (path in export, reason)
    lms: str = "map"
    students: list[StudentResult] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # collected earlier, not in this export (left as they were)
    roster_saved: Path | None = None


# --------------------------------------------------------------------------- class list


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "onbekend"


@dataclass
class Roster:
    students: dict[str, str] = field(default_factory=dict)  # student number -> name
    keys: dict[str, str] = field(default_factory=dict)  # lms id, e-mail, slug of the name -> student number
    extra: dict[str, dict[str, str]] = field(default_factory=dict)  # student number -> lms_id/email
    shared: set[str] = field(default_factory=set)  # name keys of more than one student
    lms_ids: dict[str, dict[str, str]] = field(default_factory=dict)  # student number -> LMS_ID_COLUMNS key -> value

    def shares_name(self, name: str) -> bool:
        return slug(name) in self.shared or name.replace(" ", "").lower() in self.shared

    def __bool__(self) -> bool:
        return bool(self.students)

    def get(self, key: str, default=None):
        return self.keys.get(key, default)

    def lookup(self, name: str, uid: str) -> str | None:
        if uid and uid.lower() in self.keys:
            return self.keys[uid.lower()]
        return self.keys.get(slug(name)) or self.keys.get(name.lower()) or self.keys.get(name.replace(" ", "").lower())


ID_COLUMNS = (
    "studentnummer",
    "studentnr",
    "student nummer",
    "studentnumber",
    "student number",
    "id",
    "student",
    "nummer",
    "org defined id",
    "orgdefinedid",
)
KEY_COLUMNS = (
    "lms_id",
    "lms-id",
    "lms id",
    "email",
    "e-mail",
    "e-mailadres",
    "emailadres",
    "gebruikersnaam",
    "username",
    "login",
)
# Identifiers an LMS needs to import grades (lms_export.py), by the key they are kept under; an
# OrgDefinedId as the student number column counts as the OrgDefinedId too.
LMS_ID_COLUMNS = {
    "orgdefinedid": ("orgdefinedid", "org defined id", "org_defined_id"),
    "gebruikersnaam": ("gebruikersnaam", "username", "user name"),
    "canvas_id": ("canvas_id", "canvas id"),
    "sis_user_id": ("sis_user_id", "sis user id"),
    "sis_login_id": ("sis_login_id", "sis login id"),
    "idnumber": ("idnumber", "id number", "id-nummer", "idnummer"),
    "email": ("email", "e-mail", "e-mailadres", "emailadres", "email address"),
}


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("cp1252", errors="replace")


def read_roster(path: Path | str | None) -> Roster:
    """Read and check a class list; DocentError with the file and row for anything wrong."""
    roster = Roster()
    if path is None:
        return roster
    path = Path(path)
    if not path.exists():
        raise CollectError(f"Klaslijst '{path}' bestaat niet.")
    if not path.is_file():
        raise CollectError(f"Klaslijst '{path}' is geen bestand.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CollectError(f"Klaslijst '{path}' is niet te lezen ({exc.strerror}).") from None
    if b"\0" in raw[:4096] and raw[:2] not in (b"\xff\xfe", b"\xfe\xff") or raw[:4] == b"PK\x03\x04":
        raise CollectError(f"Klaslijst '{path}' is geen CSV-bestand (sla hem in Excel op als CSV).")
    text = _decode(raw)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise CollectError(f"Klaslijst '{path}' is leeg.")
    header = lines[0]
    delimiter = max(";,\t", key=header.count) if any(d in header for d in ";,\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [r for r in reader]
    columns = [c.strip().strip('"').lower() for c in rows[0]]
    id_col = next((columns.index(c) for c in ID_COLUMNS if c in columns), None)
    if id_col is None:
        found = ", ".join(c for c in columns if c) or "geen"
        raise CollectError(f"Klaslijst '{path}' heeft geen kolom 'studentnummer' (gevonden kolommen: {found}).")

    def column(*names: str) -> int | None:
        return next((columns.index(c) for c in names if c in columns), None)

    name_col = column("naam", "name", "volledige naam", "student naam", "studentnaam")
    first_col, middle_col, last_col = (
        column("voornaam", "first name"),
        column("tussenvoegsel"),
        column("achternaam", "last name"),
    )
    key_cols = [columns.index(c) for c in KEY_COLUMNS if c in columns]
    lms_cols = {key: column(*names) for key, names in LMS_ID_COLUMNS.items() if column(*names) is not None}
    if columns[id_col] in LMS_ID_COLUMNS["orgdefinedid"]:
        lms_cols["orgdefinedid"] = id_col
    explicit_owner: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        sid = cell(id_col)
        if columns[id_col] in LMS_ID_COLUMNS["orgdefinedid"]:
            sid = sid.removeprefix("#")  # as Brightspace exports it
        if not sid:
            raise CollectError(f"Klaslijst '{path}', regel {number}: geen studentnummer.")
        if not STUDENT_ID.match(sid):
            raise CollectError(
                f"Klaslijst '{path}', regel {number}: studentnummer '{sid}' mag alleen letters, "
                "cijfers en - _ . @ bevatten."
            )
        if sid in roster.students:
            raise CollectError(f"Klaslijst '{path}', regel {number}: studentnummer '{sid}' staat er twee keer in.")
        naam = cell(name_col) or " ".join(p for p in (cell(first_col), cell(middle_col), cell(last_col)) if p)
        naam = unicodedata.normalize("NFC", naam)
        roster.students[sid] = naam
        roster.extra[sid] = {}
        values = {key: cell(i) for key, i in lms_cols.items()}
        for key in ("orgdefinedid", "gebruikersnaam"):  # Brightspace exports these as "#<value>"
            values[key] = values.get(key, "").removeprefix("#")
        roster.lms_ids[sid] = {key: value for key, value in values.items() if value}
        explicit = [sid.lower()]
        derived = []
        for i in key_cols:
            if cell(i):
                explicit.append(cell(i).lower())
                roster.extra[sid][columns[i]] = cell(i)
                if "@" in cell(i):
                    derived.append(cell(i).lower().split("@")[0])
        if naam:
            parts = slug(naam).split("-")
            derived += [slug(naam), "".join(parts[1:] + parts[:1]), "".join(parts[-1:] + parts[:-1])]
        for key in explicit:
            if roster.keys.get(key) not in (None, "", sid) and key in explicit_owner:
                raise CollectError(
                    f"Klaslijst '{path}', regel {number}: '{key}' hoort ook bij student {roster.keys[key]}."
                )
            roster.keys[key] = sid
            explicit_owner.add(key)
        for key in derived:
            if key in explicit_owner:
                continue
            owner = roster.keys.get(key)
            roster.keys[key] = sid if owner in (None, sid) else ""  # a shared name: never guess between two
            if roster.keys[key] == "":
                roster.shared.add(key)
    roster.keys = {k: v for k, v in roster.keys.items() if v}
    if not roster.students:
        raise CollectError(f"Klaslijst '{path}' bevat geen studenten (alleen een kopregel).")
    return roster


def roster_path(course: Course) -> Path:
    """Where ``verzamel`` keeps the class list (outside git: student data)."""
    return course.status_dir / "klaslijst.csv"


def save_roster(course: Course, roster: Roster) -> Path:
    """Keep the class list with the course; a different earlier list is kept beside it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    lms_keys = [k for k in LMS_ID_COLUMNS if k != "email" and any(k in ids for ids in roster.lms_ids.values())]
    writer.writerow(["studentnummer", "naam", "lms_id", "email", *lms_keys])
    for sid, naam in roster.students.items():
        extra = roster.extra.get(sid, {})
        email = next((v for k, v in extra.items() if "mail" in k), "")
        lms = next((v for k, v in extra.items() if "mail" not in k), "")
        ids = roster.lms_ids.get(sid, {})
        writer.writerow([sid, naam, lms, email, *(ids.get(k, "") for k in lms_keys)])
    path = roster_path(course)
    content = buffer.getvalue()
    if path.exists():
        old = path.read_text(encoding="utf-8-sig", errors="replace")
        if old == content:
            return path
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"klaslijst-vorige-{stamp}.csv")
        n = 1
        while backup.exists():
            n += 1
            backup = path.with_name(f"klaslijst-vorige-{stamp}-{n}.csv")
        shutil.copy2(path, backup)
    write_atomic(path, content)
    return path


def load_roster(course: Course) -> Roster | None:
    """The class list kept by ``verzamel``, or None."""
    path = roster_path(course)
    if not path.exists():
        return None
    try:
        return read_roster(path)
    except DocentError:
        return None


def student_names(course: Course) -> dict[str, str]:
    """Student number -> name from the kept class list (empty without one)."""
    roster = load_roster(course)
    return dict(roster.students) if roster else {}


# --------------------------------------------------------------------------- export on disk


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zip tools on Windows and macOS write UTF-8 names without the UTF-8 flag: undo cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _unsafe(name: str) -> bool:
    pure = PurePosixPath(name)
    return name.startswith("/") or re.match(r"^[A-Za-z]:", name) is not None or ".." in pure.parts


def _extract(zip_path: Path, target: Path, label: str, result: CollectResult, fallback_time: float) -> None:
    """Unpack ``zip_path`` into ``target``; unsafe entries are reported, never written."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CollectError(f"'{label}' is geen leesbaar zipbestand ({exc}).") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise CollectError(
                f"'{label}' is te groot om uit te pakken (meer dan {MAX_UNPACKED // 2**30} GB "
                f"of {MAX_ENTRIES} bestanden)."
            )
        for info in infos:
            name = _zip_name(info)
            shown = f"{label}:{name}" if label else name
            if _unsafe(name):
                result.unplaced.append((shown, "onveilig pad in zip (buiten de export); niet uitgepakt"))
                continue
            if info.is_dir() or name.endswith("/"):
                (target / name).mkdir(parents=True, exist_ok=True)
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                result.unplaced.append((shown, "symbolische koppeling in zip; niet uitgepakt"))
                continue
            dest = target / name
            if not dest.resolve().is_relative_to(target.resolve()):
                result.unplaced.append((shown, "onveilig pad in zip (buiten de export); niet uitgepakt"))
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
                dest.unlink(missing_ok=True)
                result.unplaced.append((shown, f"beschadigd in de zip ({type(exc).__name__}); niet uitgepakt"))
                continue
            try:
                stamp = datetime(*info.date_time).timestamp()
            except (ValueError, OverflowError, OSError):
                stamp = fallback_time  # an impossible date in the zip: use the zip's own time
            os.utime(dest, (stamp, stamp))


def _stage(bron: Path, staging: Path, result: CollectResult) -> None:
    """Copy or unpack the export into ``staging``; nested zips are unpacked (two levels)."""
    if not bron.exists():
        raise CollectError(f"Bron '{bron}' bestaat niet.")
    if bron.is_dir():
        shutil.copytree(bron, staging, symlinks=True)
    elif bron.is_file():
        if not zipfile.is_zipfile(bron):
            raise CollectError(f"Bron '{bron}' is geen zipbestand en geen map (download de inzendingen als zip).")
        staging.mkdir()
        _extract(bron, staging, "", result, bron.stat().st_mtime)
    else:
        raise CollectError(f"Bron '{bron}' is geen map en geen zipbestand.")
    tried: set[Path] = set()
    for _level in range(2):
        nested = [p for p in staging.rglob("*.zip") if p.is_file() and not p.is_symlink() and p not in tried]
        for inner in nested:
            tried.add(inner)
            label = str(inner.relative_to(staging))
            if not zipfile.is_zipfile(inner):
                continue  # reported later as a file nobody can grade
            try:
                with zipfile.ZipFile(inner) as zf:
                    size = sum(i.file_size for i in zf.infolist())
            except (zipfile.BadZipFile, OSError, ValueError):
                result.unplaced.append((label, "beschadigde zip in de export; niet uitgepakt"))
                continue
            unpacked = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file() and not p.is_symlink())
            if unpacked + size > MAX_UNPACKED:
                raise CollectError(
                    f"'{label}' in de export is te groot om uit te pakken (samen meer dan {MAX_UNPACKED // 2**30} GB)."
                )
            target = inner.with_name(inner.stem)
            if target.exists():
                target = inner.with_name(inner.name + "-inhoud")
            target.mkdir()
            try:
                _extract(inner, target, label, result, inner.stat().st_mtime)
            except CollectError as exc:
                result.unplaced.append((label, str(exc)))
                shutil.rmtree(target)
                continue
            inner.unlink()


def _skip(rel: PurePosixPath) -> bool:
    return (
        rel.name in IGNORED or rel.name.startswith("._") or "__MACOSX" in rel.parts or ".ipynb_checkpoints" in rel.parts
    )


class LmsFileNameCollector(FileNameCollectorPlugin):
    """nbgrader's file-name collector for LMS exports (Brightspace, Canvas, Moodle).

    :meth:`collect` gets a file's path in the export (relative, or absolute inside nbgrader's
    extracted folder) and returns ``lms``, ``name``, ``uid`` and ``file_id`` (the file name inside
    the submission, "" when nothing follows the student), plus nbgrader's ``student_id``; ``None``
    when the path follows no LMS naming. Every file counts, not only notebooks (``timestamp.txt``
    and data files belong to a submission too).
    """

    def _relative(self, submitted_file: str) -> PurePosixPath:
        path = PurePosixPath(Path(submitted_file).as_posix())
        parent = self.parent
        if path.is_absolute() and parent is not None and hasattr(parent, "extracted_directory"):
            root = PurePosixPath(
                Path(
                    parent.coursedir.format_path(parent.extracted_directory, ".", parent.coursedir.assignment_id)
                ).as_posix()
            )
            if path.is_relative_to(root):
                return path.relative_to(root)
        return path

    def collect(self, submitted_file: str) -> dict | None:
        parts = self._relative(submitted_file).parts
        found = None
        for i, part in enumerate(parts[:-1]):
            for lms, pattern in (("moodle", MOODLE_DIR), ("brightspace", BRIGHTSPACE_DIR), ("canvas", CANVAS)):
                if m := pattern.match(part):
                    found = lms, m["name"], m["uid"], "/".join(parts[i + 1 :])
                    break
            if found:
                break
        if found is None and parts:
            base = parts[-1]
            for lms, pattern in (("moodle", MOODLE_FILE), ("brightspace", BRIGHTSPACE), ("canvas", CANVAS)):
                if m := pattern.match(base):
                    found = lms, m["name"], m["uid"], m["file"]
                    break
        if found is None:
            return None
        lms, name, uid, file_id = found
        return {"lms": lms, "name": name, "uid": uid, "file_id": file_id, "student_id": uid or slug(name)}


_COLLECTOR = LmsFileNameCollector()


def _identify_lms(rel: PurePosixPath) -> tuple[str, str, str, str] | None:
    """(lms, student name, lms id, file name inside the submission) from LMS naming, or None."""
    info = _COLLECTOR.collect(str(rel))
    return None if info is None else (info["lms"], info["name"], info["uid"], info["file_id"])


def _map_layout(
    map_files: list[PurePosixPath], has_lms: bool, assignment: str, result: CollectResult
) -> dict[PurePosixPath, tuple[str, str]]:
    """Files of plain per-student folders -> (student folder name, file name inside the submission).

    Wrapper folders are recognised; loose files are reported; a mix of student folders and
    wrapper folders is refused with the entries named.
    """
    files_in: dict[PurePosixPath, list[PurePosixPath]] = {}
    dirs_in: dict[PurePosixPath, set[PurePosixPath]] = {}
    for f in map_files:
        files_in.setdefault(f.parent, []).append(f)
        for parent in list(f.parents)[:-1]:
            dirs_in.setdefault(parent.parent, set()).add(parent)

    def direct_notebook(d: PurePosixPath) -> bool:
        return any(f.suffix == ".ipynb" for f in files_in.get(d, []))

    def is_student(d: PurePosixPath) -> bool:
        return (
            direct_notebook(d) or (d / assignment) in dirs_in.get(d, set()) or (not has_lms and bool(files_in.get(d)))
        )

    def is_wrapper(d: PurePosixPath) -> bool:
        return (
            not files_in.get(d)
            and (d / assignment) not in dirs_in.get(d, set())
            and any(is_student(c) for c in dirs_in.get(d, set()))
        )

    base = PurePosixPath(".")
    while not files_in.get(base) and len(dirs_in.get(base, set())) == 1 and not has_lms:
        only = next(iter(dirs_in[base]))
        if is_student(only):
            break
        base = only
    children = sorted(dirs_in.get(base, set()))
    wrappers = [d for d in children if not is_student(d) and is_wrapper(d)]
    students = [d for d in children if is_student(d)]

    def names(ds: list[PurePosixPath]) -> str:
        return ", ".join(f"'{d.name}/'" for d in ds[:6]) + (" …" if len(ds) > 6 else "")

    if wrappers and students:
        raise CollectError(
            f"De export mengt studentmappen ({names(students)}) met mappen vol studentmappen "
            f"({names(wrappers)}); geef als bron één map met een submap per student."
        )
    if len(wrappers) > 1:
        raise CollectError(
            f"De export heeft meer dan één map vol studentmappen ({names(wrappers)}); verzamel ze één voor één."
        )
    if wrappers:
        wrapper = wrappers[0]
        for f in files_in.get(base, []):
            result.unplaced.append(
                (str(f), f"los bestand naast de exportmap '{wrapper.name}/'; hoort bij geen student")
            )
        base = wrapper
        children = sorted(dirs_in.get(base, set()))
        students = [d for d in children if is_student(d)]
    else:
        for f in files_in.get(base, []):
            result.unplaced.append((str(f), "los bestand; hoort bij geen student (bestandsnaam niet herkend)"))
    placed: dict[PurePosixPath, tuple[str, str]] = {}
    student_set = set(students)
    for f in map_files:
        owner = next((p for p in f.parents if p in student_set), None)
        if owner is None:
            if f.parent != base and f.parent != PurePosixPath("."):
                result.unplaced.append((str(f), "staat niet in een studentmap; hoort bij geen student"))
            continue
        inner = f.relative_to(owner)
        if inner.parts[0] == assignment and len(inner.parts) > 1:
            inner = PurePosixPath(*inner.parts[1:])
        placed[f] = (owner.name, str(inner))
    return placed


# --------------------------------------------------------------------------- placing


def _content_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "timestamp.txt"):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _parse_timestamp(text: str) -> float | None:
    text = text.strip()
    for fmt in (
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%f %Z",
        "%Y-%m-%d %H:%M",
    ):
        try:
            return datetime.strptime(text, fmt).timestamp()
        except ValueError:
            continue
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:  # what nbgrader itself accepts (it parses timestamp.txt with dateutil)
        from dateutil import parser

        return parser.parse(text).timestamp()
    except (ValueError, OverflowError):
        return None


def _backup_dir(course: Course, sid: str, assignment: str) -> Path:
    base = course.status_dir / "eerdere-inzendingen" / sid / assignment
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target, n = base / stamp, 1
    while target.exists():
        n += 1
        target = base / f"{stamp}-{n}"
    return target


def _place(
    course: Course, sid: str, assignment: str, entries: dict[str, tuple[Path, float]], stamp: float | None
) -> tuple[str, Path | None, str]:
    """Put one student's files in submitted/ atomically; returns (status, backup, note)."""
    dest = course.folder("submitted") / sid / assignment
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{assignment}.nieuw-", dir=dest.parent))
    try:
        latest = 0.0
        for filename, (path, mtime) in sorted(entries.items()):
            target = staged / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            latest = max(latest, mtime)
        when = stamp if stamp is not None else latest
        # nbgrader reads the submission time from timestamp.txt (used for late penalties)
        (staged / "timestamp.txt").write_text(
            datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S.%f"), encoding="utf-8"
        )
        os.chmod(staged, 0o755)
        if not dest.exists():
            staged.rename(dest)
            return NIEUW, None, ""
        if _content_digest(dest) == _content_digest(staged):
            shutil.rmtree(staged)
            return ONGEWIJZIGD, None, ""
        note = ""
        old_stamp = dest / "timestamp.txt"
        if old_stamp.exists():
            previous = _parse_timestamp(old_stamp.read_text(encoding="utf-8", errors="replace"))
            if previous is not None and previous > when:
                note = "let op: deze inzending is ouder dan de vorige"
        backup = _backup_dir(course, sid, assignment)
        backup.parent.mkdir(parents=True, exist_ok=True)
        dest.rename(backup)
        try:
            staged.rename(dest)
        except OSError:
            backup.rename(dest)
            raise
        return VERVANGEN, backup, note
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)


def verzamel(
    assignment: str,
    bron: Path | str,
    course: Course | None = None,
    *,
    klaslijst: Path | str | None = None,
    notebooks: list[str] | None = None,
    on_progress: Callable[[str | None, int, int], None] | None = None,
) -> CollectResult:
    """Copy submissions from ``bron`` (folder or zip) to ``submitted/<student>/<assignment>/``.

    All input is checked before anything is written; a CollectError (one Dutch line) names
    what is wrong. ``on_progress(student, done, total)`` is called while placing.
    """
    course = course or Course.default()
    bron = Path(bron)
    if notebooks is None:
        release = course.folder("release") / assignment
        if not release.is_dir():
            raise CollectError(f"Opdracht '{assignment}' is nog niet vrijgegeven ({release} ontbreekt).")
        notebooks = sorted(p.name for p in release.glob("*.ipynb"))
    roster = read_roster(Path(klaslijst) if klaslijst else None)
    if not roster:
        roster = load_roster(course) or Roster()
    result = CollectResult(assignment)
    with tempfile.TemporaryDirectory(prefix="activering-verzamel-") as tmp:
        root = Path(tmp) / "export"
        _stage(bron, root, result)
        files: list[tuple[PurePosixPath, Path]] = []
        for path in sorted(root.rglob("*")):
            rel = PurePosixPath(path.relative_to(root).as_posix())
            if path.is_symlink():
                if not _skip(rel):
                    result.unplaced.append((str(rel), "symbolische koppeling; overgeslagen"))
                continue
            if path.is_file() and not _skip(rel):
                files.append((rel, path))
        if not files:
            raise CollectError(f"Bron '{bron}' bevat geen bestanden (lege export?).")

        # who handed in what: (lms, name, uid, file name) per file
        identified: list[tuple[str, str, str, str, PurePosixPath, Path]] = []
        map_files = []
        for rel, path in files:
            if any(re.search(r"_assignfeedback_", part, re.I) for part in rel.parts):
                result.unplaced.append((str(rel), "feedbackbestand van een docent (Moodle); overgeslagen"))
                continue
            ident = _identify_lms(rel)
            if ident is None:
                map_files.append(rel)
            elif not ident[3]:
                result.unplaced.append((str(rel), "bestandsnaam niet herkend (geen bestandsnaam na de student)"))
            else:
                identified.append((*ident, rel, path))
        by_rel = dict(files)
        for rel, (folder, filename) in _map_layout(map_files, bool(identified), assignment, result).items():
            identified.append(("map", folder, "", filename, rel, by_rel[rel]))

        # student ids; two students with one name but different LMS ids are never merged
        uids_per_slug: dict[str, set[str]] = {}
        for _lms, name, uid, *_ in identified:
            if uid:
                uids_per_slug.setdefault(slug(name), set()).add(uid)
        found: dict[str, dict[str, tuple[Path, float]]] = {}
        names: dict[str, str] = {}
        stamps: dict[str, float] = {}
        kinds: set[str] = set()
        for lms, name, uid, filename, rel, path in identified:
            name = unicodedata.normalize("NFC", name.strip())
            sid = roster.lookup(name, uid) if roster else None
            if sid is None:
                if roster:
                    reason = (
                        f"naam '{name}' staat meer dan eens op de klaslijst; voeg de kolom lms_id toe"
                        if roster.shares_name(name)
                        else f"student '{name}' staat niet in de klaslijst"
                    )
                    result.unplaced.append((str(rel), reason))
                    continue
                sid = slug(name) if name else uid
                if uid and len(uids_per_slug.get(slug(name), ())) > 1:
                    sid = f"{sid}-{uid}"
            kinds.add(lms)
            names.setdefault(sid, roster.students.get(sid, "") if roster else name)
            if PurePosixPath(filename).name == "timestamp.txt":
                parsed = _parse_timestamp(path.read_text(encoding="utf-8", errors="replace"))
                if parsed is None:
                    result.unplaced.append(
                        (str(rel), "ongeldige datum in timestamp.txt; de tijd van de bestanden is gebruikt")
                    )
                else:
                    stamps[sid] = parsed
                continue
            filename = _normalise(filename, notebooks)
            mtime = path.stat().st_mtime
            previous = found.setdefault(sid, {}).get(filename)
            if previous is None or previous[1] <= mtime:
                found[sid][filename] = (path, mtime)
        result.lms = "/".join(sorted(kinds)) or "map"

        total = len(found)
        if on_progress:
            on_progress(None, 0, total)
        for done, (sid, entries) in enumerate(sorted(found.items()), start=1):
            filenames = sorted(entries)
            dest = course.folder("submitted") / sid / assignment
            if not any(f.endswith(".ipynb") for f in filenames):
                note = "de eerder verzamelde inzending blijft staan" if dest.exists() else ""
                result.students.append(StudentResult(sid, names.get(sid, ""), GEEN_NOTEBOOK, filenames, note))
                if dest.exists():
                    result.placed[sid] = sorted(
                        p.relative_to(dest).as_posix()
                        for p in dest.rglob("*")
                        if p.is_file() and p.name != "timestamp.txt"
                    )
            else:
                status, backup, note = _place(course, sid, assignment, entries, stamps.get(sid))
                if notebooks and not set(notebooks) & set(filenames):
                    wrong = ", ".join(f for f in filenames if f.endswith(".ipynb"))
                    note = "; ".join(
                        filter(None, [note, f"let op: verwacht {', '.join(notebooks)}, ingeleverd {wrong}"])
                    )
                result.students.append(StudentResult(sid, names.get(sid, ""), status, filenames, note, backup))
                result.placed[sid] = filenames
            if on_progress:
                on_progress(sid, done, total)
        submitted = course.folder("submitted")
        if submitted.is_dir():
            result.absent = sorted(
                p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir() and p.parent.name not in found
            )
    if klaslijst:
        result.roster_saved = save_roster(course, roster)
    return result


def _normalise(filename: str, notebooks: list[str]) -> str:
    """Undo Canvas's ``-1`` resubmission suffix when that yields an expected notebook name;
    an expected notebook inside a subfolder (a zip the student handed in) moves to the top."""
    if filename in notebooks:
        return filename
    base = PurePosixPath(filename).name
    if base in notebooks:
        return base
    m = re.match(r"^(?P<stem>.+?)-\d+(?P<ext>\.ipynb)$", base)
    if m and f"{m['stem']}{m['ext']}" in notebooks:
        return f"{m['stem']}{m['ext']}"
    return filename
