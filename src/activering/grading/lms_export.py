"""Grade import files for Brightspace, Canvas and Moodle, from the grades table and the class list.

One job: the table that ``cijfers`` makes (points and maximum per assignment) plus the LMS
identifiers of each student in the class list → the CSV file each LMS documents for importing
grades. Each format is one :class:`LmsFormat` in :data:`FORMATS`: which class-list columns identify
a student, and how the rows look. What each column means and where that is documented is in
``book/voor-docenten.md`` (*De cijfers in Brightspace, Canvas of Moodle*).

All three files are UTF-8 without byte-order mark, comma-separated, quoted where needed (RFC 4180,
Python's ``csv``), with CRLF line ends, and carry points (not the 1–10 grade) with a decimal point.
Bad input (a student without the identifier the LMS needs, a bad item name) is a DocentError
before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from activering.grading.config import Course, DocentError

POINTS = " punten"  # suffix of a points column in the grades table
MAXIMUM = " max"

# Class-list keys (see collect.LMS_ID_COLUMNS) and how the docent reads them.
KEY_LABELS = {
    "orgdefinedid": "OrgDefinedId (kolom orgdefinedid)",
    "gebruikersnaam": "gebruikersnaam (kolom gebruikersnaam)",
    "canvas_id": "Canvas-ID (kolom canvas_id)",
    "sis_user_id": "SIS User ID (kolom sis_user_id)",
    "sis_login_id": "SIS Login ID (kolom sis_login_id)",
    "idnumber": "ID-nummer (kolom idnumber)",
    "email": "e-mailadres (kolom email)",
}


@dataclass(frozen=True)
class Item:
    """One assignment as one grade item in the LMS."""

    assignment: str
    lms_name: str
    maximum: float


@dataclass(frozen=True)
class Student:
    sid: str
    naam: str
    ids: dict[str, str]  # class-list key -> value
    points: dict[str, float]  # assignment -> points


@dataclass(frozen=True)
class LmsFormat:
    """One LMS's grade import file.

    ``keys``: class-list columns that identify a student in this LMS, in order of preference.
    ``one_key_for_all``: the LMS matches on one column, so one key must be there for every student
    (otherwise each student needs at least one of ``keys``)."""

    label: str
    filename: str
    keys: tuple[str, ...]
    one_key_for_all: bool
    rows: Callable[[list[str], list[Item], list[Student]], list[list[str]]] = field(repr=False)


def number(value: float) -> str:
    """Points as the LMSs read them: decimal point, at most two decimals, no thousands separator."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _brightspace(keys: list[str], items: list[Item], students: list[Student]) -> list[list[str]]:
    # As Brightspace exports it: "#" before the identifiers (so Excel keeps leading zeros) and
    # "#" in the last column, End-of-Line Indicator.
    headers = {"orgdefinedid": "OrgDefinedId", "gebruikersnaam": "Username"}
    rows = [[headers[k] for k in keys] + [f"{i.lms_name} Points Grade" for i in items] + ["End-of-Line Indicator"]]
    for s in students:
        ids = [f"#{s.ids[k]}" if s.ids.get(k) else "" for k in keys]
        rows.append(ids + [number(s.points[i.assignment]) for i in items] + ["#"])
    return rows


CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_POSSIBLE = "    Points Possible"  # the second row of Canvas's own export


def _canvas(keys: list[str], items: list[Item], students: list[Student]) -> list[list[str]]:
    rows = [CANVAS_STUDENT_COLUMNS + [i.lms_name for i in items]]
    rows.append([CANVAS_POINTS_POSSIBLE, "", "", "", ""] + [number(i.maximum) for i in items])
    for s in students:
        ids = [s.ids.get(k, "") for k in ("canvas_id", "sis_user_id", "sis_login_id")]
        rows.append([s.naam, *ids, ""] + [number(s.points[i.assignment]) for i in items])
    return rows


# Moodle's own (English) names for the user fields it can map from; a column with that name is
# picked by Moodle's import form, and "<item> (Real)" is mapped to the grade item <item>.
MOODLE_HEADERS = {"gebruikersnaam": "Username", "idnumber": "ID number", "email": "Email address"}


def _moodle(keys: list[str], items: list[Item], students: list[Student]) -> list[list[str]]:
    (key,) = keys
    rows = [[MOODLE_HEADERS[key]] + [f"{i.lms_name} (Real)" for i in items]]
    for s in students:
        rows.append([s.ids[key]] + [number(s.points[i.assignment]) for i in items])
    return rows


FORMATS: dict[str, LmsFormat] = {
    "brightspace": LmsFormat(
        "Brightspace", "cijfers-brightspace.csv", ("orgdefinedid", "gebruikersnaam"), False, _brightspace
    ),
    "canvas": LmsFormat("Canvas", "cijfers-canvas.csv", ("canvas_id", "sis_user_id", "sis_login_id"), False, _canvas),
    "moodle": LmsFormat("Moodle", "cijfers-moodle.csv", ("gebruikersnaam", "idnumber", "email"), True, _moodle),
}


def check_format(formaat: str | None) -> LmsFormat | None:
    if formaat is None:
        return None
    spec = FORMATS.get(formaat.strip().lower())
    if spec is None:
        raise DocentError(f"Onbekend formaat '{formaat}': kies brightspace, canvas of moodle.")
    return spec


def check_item_name(name: str) -> str:
    if not name.strip():
        raise DocentError("De naam bij --lms-item is leeg: geef de naam van het cijferonderdeel in het LMS.")
    if any(c in name for c in "\r\n"):
        raise DocentError("De naam bij --lms-item mag geen regeleinde bevatten.")
    return name.strip()


def assignments_in(table: pd.DataFrame) -> list[str]:
    """The assignments of a grades table, in its column order (names have no spaces)."""
    return [c.removesuffix(POINTS) for c in table.columns if c.endswith(POINTS)]


def items_for(course: Course, table: pd.DataFrame, lms_item: str | None) -> list[Item]:
    """One LMS grade item per assignment: ``lms_item``, else the title in config.yml, else the name."""
    names = assignments_in(table)
    if lms_item is not None and len(names) != 1:
        raise DocentError(
            f"--lms-item geeft één naam, maar de cijferlijst heeft {len(names)} opdrachten "
            f"({', '.join(names)}): kies er één met --opdracht, of zet per opdracht een titel in "
            f"{course.grading_dir / 'config.yml'}."
        )
    settings = course.config.opdrachten
    items = []
    for name in names:
        title = settings[name].titel if name in settings else None
        lms_name = check_item_name(lms_item) if lms_item is not None else (title or "").strip() or name
        items.append(Item(name, lms_name, float(table[f"{name}{MAXIMUM}"].max())))
    seen: dict[str, str] = {}
    for item in items:
        if item.lms_name in seen:
            raise DocentError(
                f"De opdrachten {seen[item.lms_name]} en {item.assignment} krijgen in het LMS allebei de naam "
                f"'{item.lms_name}': geef ze een eigen titel in {course.grading_dir / 'config.yml'}."
            )
        seen[item.lms_name] = item.assignment
    return items


def _students(table: pd.DataFrame, ids: dict[str, dict[str, str]], items: list[Item]) -> list[Student]:
    return [
        Student(
            str(row["student"]),
            str(row.get("naam", "") or ""),
            dict(ids.get(str(row["student"]), {})),
            {i.assignment: float(row[f"{i.assignment}{POINTS}"]) for i in items},
        )
        for _, row in table.iterrows()
    ]


def _named(students: list[Student]) -> str:
    shown = ", ".join(f"{s.sid} ({s.naam})" if s.naam else s.sid for s in students[:10])
    return shown + (" …" if len(students) > 10 else "")


def _alternatives(keys: tuple[str, ...]) -> str:
    return " of ".join(", ".join(KEY_LABELS[k] for k in keys).rsplit(", ", 1))


def _keys_for(spec: LmsFormat, students: list[Student], roster_file: Path) -> list[str]:
    """The class-list columns the file uses; DocentError naming the students the LMS cannot find."""

    def has(s: Student, key: str) -> bool:
        return bool(s.ids.get(key, "").strip())

    wanted = _alternatives(spec.keys)
    if spec.one_key_for_all:
        for key in spec.keys:
            if all(has(s, key) for s in students):
                return [key]
        best = max(spec.keys, key=lambda k: sum(has(s, k) for s in students))
        missing = [s for s in students if not has(s, best)]
        need = f"voor iedere student hetzelfde gegeven uit de klaslijst nodig: {wanted}"
        column = f"de kolom {best}"
    else:
        missing = [s for s in students if not any(has(s, k) for k in spec.keys)]
        if not missing:
            return [k for k in spec.keys if any(has(s, k) for s in students)]
        need = f"per student een {wanted} uit de klaslijst nodig"
        column = "een van die kolommen"
    raise DocentError(
        f"{spec.label} heeft {need}; dat ontbreekt bij {len(missing)} "
        f"{'student' if len(missing) == 1 else 'studenten'}: {_named(missing)}. "
        f"Vul {column} in de klaslijst {roster_file} in en maak de cijferlijst opnieuw."
    )


def render(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def lms_file(
    spec: LmsFormat,
    course: Course,
    table: pd.DataFrame,
    ids: dict[str, dict[str, str]] | None,
    lms_item: str | None = None,
    roster_file: Path | None = None,
) -> str:
    """The import file of ``spec`` for ``table`` (one row per student), with the identifiers ``ids``
    (student number -> class-list key -> value; None: no class list)."""
    from activering.grading.collect import roster_path

    roster_file = roster_file or roster_path(course)
    if table.empty:
        raise DocentError("Er zijn nog geen studenten: verzamel en kijk eerst inzendingen na.")
    items = items_for(course, table, lms_item)
    if ids is None:
        raise DocentError(
            f"{spec.label} heeft per student een {_alternatives(spec.keys)} uit de klaslijst nodig, "
            f"maar er is nog geen klaslijst ({roster_file}): geef er een mee met 'verzamel --klaslijst'."
        )
    students = _students(table, ids, items)
    keys = _keys_for(spec, students, roster_file)
    return render(spec.rows(keys, items, students))


def lms_files(course: Course, formaat: str, lms_item: str | None = None) -> Callable[[pd.DataFrame, Path], dict]:
    """For ``cijfers``: given the grades table and the output folder, the LMS file to write with it."""
    from activering.grading.collect import load_roster

    spec = check_format(formaat)
    if lms_item is not None:
        check_item_name(lms_item)

    def files(table: pd.DataFrame, out: Path) -> dict[Path, str]:
        roster = load_roster(course)
        ids = dict(roster.lms_ids) if roster else None
        return {out / spec.filename: lms_file(spec, course, table, ids, lms_item)}

    return files
