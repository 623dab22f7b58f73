"""``activering docent …`` as a docent meets it: hostile exports, bad input, rubric sheets, the class list.

Issue 15, items 3, 4, 5, 9, 10, 11 and the book. Exports are generated per test in the layouts of
Brightspace, Canvas, Moodle and plain folders, with wrapper folders, nested zips, duplicate
submissions, names with diacritics, path traversal and empty zips. Every bad input must give one
Dutch line, a non-zero exit code, no traceback and no change on disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from activering.grading import cli as docent_cli
from activering.grading.config import Course
from activering.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

ASSIGNMENT = "oefening"
NB = f"{ASSIGNMENT}.ipynb"
runner = CliRunner()


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Tables as on a wide terminal, so a cell's text is not wrapped over lines in the output."""
    monkeypatch.setattr(docent_cli.console, "width", 300)


make_course = synthetic.make_course


@pytest.fixture(scope="module")
def released_template(tmp_path_factory) -> Path:
    """A course with ``oefening`` released once; tests copy it."""
    from activering.grading.release import vrijgeven

    root = tmp_path_factory.mktemp("sjabloon")
    vrijgeven(ASSIGNMENT, make_course(root))
    return root


@pytest.fixture
def course(released_template, tmp_path) -> Course:
    root = tmp_path / "cursus"
    shutil.copytree(released_template, root)
    return Course.at(root / "exercises", root / "grading")


def docent(course: Course | None, *args: str):
    extra = ["--cursus", str(course.course_dir), "--instellingen", str(course.grading_dir)] if course else []
    return runner.invoke(docent_cli.app, [*args, *extra])


def notebook(text: str = "antwoord") -> bytes:
    """A small valid notebook whose content differs per ``text``."""
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": text}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb).encode()


def make_zip(path: Path, entries: dict[str, bytes | str], *, utf8_flag: bool = True) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 9, 12, 14, 2, 0))
            if not utf8_flag:
                info.flag_bits &= ~0x800
            zf.writestr(info, data)
    return path


def layout(lms: str, name: str, uid: str, filename: str, attempt: int = 0) -> str:
    """The path of one submitted file in an export of ``lms``."""
    first, *rest = name.split()
    if lms == "brightspace":
        return f"{148700 + int(uid) % 1000 + attempt}-{uid} - {name} - 1{2 + attempt} sep. 2025 1402 - {filename}"
    if lms == "brightspace-map":
        return f"{148700 + int(uid) % 1000}-{uid} - {name} - 12 sep. 2025 1402/{filename}"
    if lms == "canvas":
        canvas = re.sub(
            r"[^a-z]",
            "",
            unicodedata.normalize("NFKD", "".join(rest) + first).encode("ascii", "ignore").decode().lower(),
        )
        return f"{canvas}_{uid}_{5550000 + int(uid) % 1000}_{filename}"
    if lms == "moodle":
        return f"{name}_{uid}_assignsubmission_file_/{filename}"
    if lms == "map":
        return f"{uid}/{filename}"
    raise ValueError(lms)


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its content (to prove nothing changed)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def submitted(course: Course, sid: str) -> Path:
    return course.folder("submitted") / sid / ASSIGNMENT / NB


LMS_LAYOUTS = ["brightspace", "brightspace-map", "canvas", "moodle", "map"]
STUDENTS = [("Jan Jansen", "204501"), ("Zoë Çelik", "204502"), ("Anne-Marie de Vries", "204503")]


def roster_file(path: Path, rows=STUDENTS, extra_student: tuple[str, str] | None = ("Piet Niemand", "204599")) -> Path:
    """BOM, semicolons, an extra column; student numbers s<uid>."""
    lines = ["Studentnummer;Naam;lms_id;Klas;Opmerking"]
    for name, uid in list(rows) + ([extra_student] if extra_student else []):
        lines.append(f"s{uid};{name};{uid};2B;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


# --------------------------------------------------------------------------- item 3: nothing collected is lost


@pytest.mark.parametrize("lms", LMS_LAYOUTS)
def test_new_export_never_erases_or_overwrites_a_collected_notebook(course, tmp_path, lms):
    (jan, jan_id), (zoe, zoe_id), (anne, anne_id) = STUDENTS
    first = make_zip(
        tmp_path / "eerste.zip",
        {
            layout(lms, jan, jan_id, NB): notebook("jan v1"),
            layout(lms, zoe, zoe_id, NB): notebook("zoë v1"),
            layout(lms, anne, anne_id, NB): notebook("anne v1"),
        },
    )
    klaslijst = roster_file(tmp_path / "klaslijst.csv")
    result = docent(course, "verzamel", ASSIGNMENT, str(first), "--klaslijst", str(klaslijst))
    assert result.exit_code == 0, result.output
    assert result.output.count("nieuw") >= 3
    assert "Niet ingeleverd volgens de klaslijst (1): s204599 (Piet Niemand)" in result.output
    jan_v1 = submitted(course, f"s{jan_id}").read_bytes()

    # the later export: only notes for Jan, a new version for Zoë, the same notebook for Anne
    second = make_zip(
        tmp_path / "tweede.zip",
        {
            layout(lms, jan, jan_id, "notities.txt"): "ik lever later in",
            layout(lms, zoe, zoe_id, NB): notebook("zoë v2"),
            layout(lms, anne, anne_id, NB): notebook("anne v1"),
        },
    )
    result = docent(course, "verzamel", ASSIGNMENT, str(second))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert submitted(course, f"s{jan_id}").read_bytes() == jan_v1
    assert "geen notebook in deze export" in out and "blijft staan" in out
    assert "ongewijzigd" in out and "vervangen — met de vorige bewaard" in out
    assert json.loads(submitted(course, f"s{zoe_id}").read_text())["cells"][0]["source"] == "zoë v2"
    backups = list((course.status_dir / "eerdere-inzendingen" / f"s{zoe_id}" / ASSIGNMENT).glob(f"*/{NB}"))
    assert [json.loads(b.read_text())["cells"][0]["source"] for b in backups] == ["zoë v1"]
    assert "1 studenten klaargezet" not in out


def test_every_replaced_version_is_kept(course, tmp_path):
    from activering.grading.collect import VERVANGEN, verzamel

    for version in range(1, 4):
        export = tmp_path / f"v{version}"
        (export / "jan").mkdir(parents=True)
        (export / "jan" / NB).write_bytes(notebook(f"v{version}"))
        result = verzamel(ASSIGNMENT, export, course)
    assert result.students[0].status == VERVANGEN
    kept = sorted(
        json.loads(p.read_text())["cells"][0]["source"]
        for p in (course.status_dir / "eerdere-inzendingen" / "jan").rglob(NB)
    )
    assert kept == ["v1", "v2"]
    assert json.loads(submitted(course, "jan").read_text())["cells"][0]["source"] == "v3"


def test_duplicate_attempts_latest_wins_and_older_export_is_flagged(course, tmp_path):
    from activering.grading.collect import verzamel

    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        for attempt, day in ((0, 10), (1, 14), (2, 12)):
            info = zipfile.ZipInfo(
                layout("brightspace", "Jan Jansen", "204501", NB, attempt), date_time=(2025, 9, day, 14, 2, 0)
            )
            zf.writestr(info, notebook(f"poging {day}"))
    result = verzamel(ASSIGNMENT, export, course)
    assert json.loads(submitted(course, "jan-jansen").read_text())["cells"][0]["source"] == "poging 14"
    assert "2025-09-14" in (submitted(course, "jan-jansen").parent / "timestamp.txt").read_text()

    older = make_zip(tmp_path / "ouder.zip", {layout("brightspace", "Jan Jansen", "204501", NB): notebook("oud")})
    with zipfile.ZipFile(older, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo(layout("brightspace", "Jan Jansen", "204501", NB), (2025, 9, 1, 9, 0, 0)), notebook("oud")
        )
    result = verzamel(ASSIGNMENT, older, course)
    assert "ouder dan de vorige" in result.students[0].note


# --------------------------------------------------------------------------- item 4: layouts


def test_wrapper_folder_with_loose_notebook_beside_it(course, tmp_path):
    export = make_zip(
        tmp_path / "export.zip",
        {
            "Export/jan/oefening.ipynb": notebook("jan"),
            "Export/piet/oefening/oefening.ipynb": notebook("piet"),
            "Export/klaas/oefening.ipynb": notebook("klaas"),
            "Export/klaas/data/hulp.csv": "a;b\n",
            "los-notebook.ipynb": notebook("van wie?"),
        },
    )
    result = docent(course, "verzamel", ASSIGNMENT, str(export))
    assert result.exit_code == 0, result.output
    assert sorted(p.parent.name for p in course.folder("submitted").glob(f"*/{ASSIGNMENT}")) == ["jan", "klaas", "piet"]
    assert not (course.folder("submitted") / "export").exists()
    assert "los-notebook.ipynb" in result.output and "Export/" in result.output
    assert (course.folder("submitted") / "klaas" / ASSIGNMENT / "data" / "hulp.csv").exists()


@pytest.mark.parametrize(
    "entries, named",
    [
        (
            {"jan/oefening.ipynb": "{}", "Export/piet/oefening.ipynb": "{}", "Export/klaas/oefening.ipynb": "{}"},
            ["jan/", "Export/"],
        ),
        ({"Export/piet/oefening.ipynb": "{}", "Export (1)/klaas/oefening.ipynb": "{}"}, ["Export/", "Export (1)/"]),
    ],
)
def test_ambiguous_layouts_are_refused_naming_the_entries(course, tmp_path, entries, named):
    export = make_zip(tmp_path / "export.zip", entries)
    before = tree(course.course_dir.parent)
    result = docent(course, "verzamel", ASSIGNMENT, str(export))
    assert result.exit_code == 1, result.output
    for entry in named:
        assert f"'{entry}'" in result.output
    assert tree(course.course_dir.parent) == before
    assert "Traceback" not in result.output


def test_deep_wrappers_nested_zips_and_zipped_submissions(course, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("Cursus 2025/Opdracht oefening/jan/oefening.ipynb", notebook("jan"))
        zf.writestr("Cursus 2025/Opdracht oefening/piet/oefening.ipynb", notebook("piet"))
    handed_in = io.BytesIO()
    with zipfile.ZipFile(handed_in, "w") as zf:
        zf.writestr("oefening/oefening.ipynb", notebook("in een zip"))
    export = make_zip(tmp_path / "export.zip", {"inzendingen.zip": inner.getvalue()})
    result = docent(course, "verzamel", ASSIGNMENT, str(export))
    assert result.exit_code == 0, result.output
    assert submitted(course, "jan").exists() and submitted(course, "piet").exists()

    moodle = make_zip(
        tmp_path / "moodle.zip", {"Sanne Bakker_31_assignsubmission_file_/oefening.zip": handed_in.getvalue()}
    )
    result = docent(course, "verzamel", ASSIGNMENT, str(moodle))
    assert result.exit_code == 0, result.output
    assert json.loads(submitted(course, "sanne-bakker").read_text())["cells"][0]["source"] == "in een zip"


def test_moodle_feedback_files_and_online_text_are_not_submissions(course, tmp_path):
    from activering.grading.collect import GEEN_NOTEBOOK, verzamel

    export = make_zip(
        tmp_path / "moodle.zip",
        {
            f"Jan Jansen_11_assignsubmission_file_/{NB}": notebook("jan"),
            f"Jan Jansen_11_assignfeedback_file_/{NB}": notebook("feedback van de docent"),
            "Eva Smit_12_assignsubmission_onlinetext_/onlinetext.html": "<p>zie bijlage</p>",
        },
    )
    result = verzamel(ASSIGNMENT, export, course)
    assert json.loads(submitted(course, "jan-jansen").read_text())["cells"][0]["source"] == "jan"
    assert any("feedbackbestand" in why for _, why in result.unplaced)
    assert {s.student: s.status for s in result.students} == {"jan-jansen": "nieuw", "eva-smit": GEEN_NOTEBOOK}
    assert not (course.folder("submitted") / "eva-smit").exists()


def test_zip_bombs_and_broken_inner_zips(course, tmp_path, monkeypatch):
    from activering.grading import collect

    broken_inner = make_zip(tmp_path / "binnen.zip", {"x/oefening.ipynb": notebook()}).read_bytes()[:-30]
    export = make_zip(
        tmp_path / "export.zip", {"jan/oefening.ipynb": notebook("jan"), "piet/oefening.zip": broken_inner}
    )
    result = collect.verzamel(ASSIGNMENT, export, course)
    assert "jan" in result.placed
    piet = next(s for s in result.students if s.student == "piet")
    assert piet.status == collect.GEEN_NOTEBOOK and piet.files == ["oefening.zip"]

    monkeypatch.setattr(collect, "MAX_UNPACKED", 10_000)
    bomb = tmp_path / "bom.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("jan/oefening.ipynb", b"0" * 50_000)
    before = tree(course.course_dir.parent)
    result = docent(course, "verzamel", ASSIGNMENT, str(bomb))
    assert_one_dutch_line(result, "zipbom")
    assert "te groot" in result.output
    assert tree(course.course_dir.parent) == before


def test_two_students_with_one_name_are_not_merged(course, tmp_path):
    from activering.grading.collect import verzamel

    export = make_zip(
        tmp_path / "export.zip",
        {
            layout("brightspace", "Jan Jansen", "204501", NB): notebook("de ene Jan"),
            layout("brightspace", "Jan Jansen", "204777", NB): notebook("de andere Jan"),
        },
    )
    result = verzamel(ASSIGNMENT, export, course)
    assert sorted(result.placed) == ["jan-jansen-204501", "jan-jansen-204777"]


@pytest.mark.parametrize("utf8_flag", [True, False])
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_names_with_diacritics_match_the_class_list(course, tmp_path, utf8_flag, form):
    from activering.grading.collect import verzamel

    name = unicodedata.normalize(form, "Zoë Çelik-Ünal")
    export = make_zip(
        tmp_path / "export.zip",
        {
            f"{name}_777_assignsubmission_file_/{NB}": notebook("zoë"),
            f"{unicodedata.normalize(form, 'Jürgen Öztürk')}_778_assignsubmission_file_/{NB}": notebook("jürgen"),
        },
        utf8_flag=utf8_flag,
    )
    klaslijst = tmp_path / "klaslijst.csv"
    # Excel's "CSV (puntkomma)" is Windows-1252, with voornaam/achternaam instead of naam
    klaslijst.write_bytes(
        "studentnummer;voornaam;achternaam;e-mail\n"
        "s1;Zoë;Çelik-Ünal;zoe@school.nl\ns2;Jürgen;Öztürk;j@school.nl\n".encode("cp1252")
    )
    result = verzamel(ASSIGNMENT, export, course, klaslijst=klaslijst)
    assert sorted(result.placed) == ["s1", "s2"], result.unplaced
    assert {s.naam for s in result.students} == {"Zoë Çelik-Ünal", "Jürgen Öztürk"}


@pytest.mark.parametrize(
    "raw",
    [
        '\ufeffStudentnummer;Naam;Klas\r\ns1;Zoë Çelik;2B\r\n\r\ns2;"Vries; Anne de";2B\r\n'.encode("utf-8"),
        "studentnummer\tnaam\tlms_id\ns1\tZoë Çelik\t777\ns2\tAnne de Vries\t778\n".encode("utf-16"),
        "ID,Voornaam,Tussenvoegsel,Achternaam,E-mail\ns1,Zoë,,Çelik,z@x.nl\ns2,Anne,de,Vries,a@x.nl\n".encode("cp1252"),
    ],
)
def test_class_list_variants(tmp_path, raw):
    from activering.grading.collect import read_roster

    path = tmp_path / "klaslijst.csv"
    path.write_bytes(raw)
    roster = read_roster(path)
    assert list(roster.students) == ["s1", "s2"]
    assert roster.students["s1"] == "Zoë Çelik"
    assert roster.lookup("Zoe Celik", "") == "s1" and roster.lookup("ZOË ÇELIK", "") == "s1"


def test_shared_names_and_wrong_notebooks_are_named(course, tmp_path):
    from activering.grading.collect import verzamel

    klaslijst = tmp_path / "klaslijst.csv"
    klaslijst.write_text("studentnummer;naam\ns1;Jan Jansen\ns2;Jan Jansen\ns3;Eva Smit\n", encoding="utf-8")
    export = make_zip(
        tmp_path / "export.zip",
        {
            layout("brightspace", "Jan Jansen", "204501", NB): notebook("welke Jan?"),
            layout("brightspace", "Eva Smit", "204503", "Oefening (1).ipynb"): notebook("eva"),
        },
    )
    result = verzamel(ASSIGNMENT, export, course, klaslijst=klaslijst)
    assert list(result.placed) == ["s3"]
    assert any("meer dan eens op de klaslijst" in why for _, why in result.unplaced)
    assert "verwacht oefening.ipynb, ingeleverd Oefening (1).ipynb" in result.students[0].note


def test_path_traversal_and_links_never_leave_the_export(course, tmp_path):
    from activering.grading.collect import verzamel

    export = tmp_path / "boos.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("jan/oefening.ipynb", notebook("jan"))
        zf.writestr("../../ontsnapt.txt", "weg")
        zf.writestr("jan/../../../ontsnapt2.ipynb", "{}")
        zf.writestr("/etc/ontsnapt3.txt", "weg")
        link = zipfile.ZipInfo("jan/link.ipynb")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    result = verzamel(ASSIGNMENT, export, course)
    assert result.placed == {"jan": [NB]}
    reasons = dict(result.unplaced)
    assert "onveilig" in reasons["../../ontsnapt.txt"] and "onveilig" in reasons["/etc/ontsnapt3.txt"]
    assert "koppeling" in reasons["jan/link.ipynb"]
    assert not list(tmp_path.rglob("ontsnapt*")) and not Path("/etc/ontsnapt3.txt").exists()


# --------------------------------------------------------------------------- item 5: bad input, every command


def _bad_klaslijst(tmp: Path, kind: str) -> Path:
    path = tmp / f"klaslijst-{kind}.csv"
    content = {
        "geen-kolom": "naam;email\nJan;j@x.nl\n",
        "dubbel": "studentnummer;naam\n1;Jan\n1;Piet\n",
        "leeg": "",
        "alleen-kop": "studentnummer;naam\n",
        "pad-in-nummer": "studentnummer;naam\n../../etc;Jan\n",
        "zonder-nummer": "studentnummer;naam\n;Jan\n",
    }
    if kind == "excel":
        path = tmp / "klaslijst.xlsx"
        path.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    else:
        path.write_text(content[kind], encoding="utf-8")
    return path


def bad_inputs(course: Course, tmp: Path) -> list[tuple[str, list[str]]]:
    """(what is wrong, arguments) for every docent command."""
    tmp.mkdir(parents=True, exist_ok=True)
    export = make_zip(tmp / "goed.zip", {"jan/oefening.ipynb": notebook()})
    (tmp / "geen-zip.zip").write_text("dit is geen zip")
    (tmp / "half.zip").write_bytes(export.read_bytes()[:40])
    make_zip(tmp / "leeg.zip", {})
    make_zip(tmp / "alleen-mappen.zip", {"map/": b""})
    (tmp / "een-bestand").write_text("x")
    cases = [
        ("vrijgeven: onbekende opdracht", ["vrijgeven", "onbestaand"]),
        ("vrijgeven: pad als naam", ["vrijgeven", "../oefening"]),
        ("vrijgeven: lege naam", ["vrijgeven", ""]),
        ("verzamel: onbekende opdracht", ["verzamel", "onbestaand", str(export)]),
        ("verzamel: bron ontbreekt", ["verzamel", ASSIGNMENT, str(tmp / "weg.zip")]),
        ("verzamel: geen zip", ["verzamel", ASSIGNMENT, str(tmp / "geen-zip.zip")]),
        ("verzamel: afgebroken zip", ["verzamel", ASSIGNMENT, str(tmp / "half.zip")]),
        ("verzamel: lege zip", ["verzamel", ASSIGNMENT, str(tmp / "leeg.zip")]),
        ("verzamel: zip met alleen mappen", ["verzamel", ASSIGNMENT, str(tmp / "alleen-mappen.zip")]),
        ("verzamel: klaslijst ontbreekt", ["verzamel", ASSIGNMENT, str(export), "--klaslijst", str(tmp / "weg.csv")]),
        ("verzamel: klaslijst is een map", ["verzamel", ASSIGNMENT, str(export), "--klaslijst", str(tmp)]),
    ]
    for kind in ("geen-kolom", "dubbel", "leeg", "alleen-kop", "pad-in-nummer", "zonder-nummer", "excel"):
        cases.append(
            (
                f"verzamel: klaslijst {kind}",
                ["verzamel", ASSIGNMENT, str(export), "--klaslijst", str(_bad_klaslijst(tmp, kind))],
            )
        )
    cases += [
        ("nakijken: onbekende opdracht", ["nakijken", "onbestaand"]),
        ("nakijken: onbekende student", ["nakijken", ASSIGNMENT, "--student", "niemand"]),
        ("nakijken: nul processen", ["nakijken", ASSIGNMENT, "-j", "0"]),
        ("nakijken: geen getal", ["nakijken", ASSIGNMENT, "-j", "veel"]),
        ("rubricblad: onbekende opdracht", ["rubricblad", "onbestaand"]),
        ("rubricblad: nog geen inzendingen", ["rubricblad", ASSIGNMENT]),
        ("beoordelingen: onbekende opdracht", ["beoordelingen", "onbestaand"]),
        ("beoordelingen: nog niets nagekeken", ["beoordelingen", ASSIGNMENT]),
        ("feedback: onbekende opdracht", ["feedback", "onbestaand"]),
        ("feedback: nog niets nagekeken", ["feedback", ASSIGNMENT]),
        ("cijfers: onbekende opdracht", ["cijfers", "--opdracht", "onbestaand"]),
        ("cijfers: uitvoer is een bestand", ["cijfers", "--uitvoer", str(tmp / "een-bestand")]),
        ("cijfers: nog geen studenten", ["cijfers"]),
        ("onbekend commando", ["opruimen"]),
        ("onbekende optie", ["cijfers", "--alles"]),
        ("ontbrekend argument", ["verzamel", ASSIGNMENT]),
    ]
    return cases


def assert_one_dutch_line(result, what: str) -> None:
    assert result.exit_code not in (0, None), (what, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
    assert "Traceback" not in result.output, (what, result.output)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, (what, result.output)
    english = re.compile(r"\b(Error|Missing|Invalid|No such|not found|does not exist|Usage)\b")
    assert not english.search(lines[0]), (what, lines[0])


def test_every_command_refuses_bad_input_in_one_dutch_line(course, tmp_path):
    cases = bad_inputs(course, tmp_path / "invoer")
    before = tree(course.course_dir.parent)
    for what, args in cases:
        result = docent(course, *args)
        assert_one_dutch_line(result, what)
        assert tree(course.course_dir.parent) == before, what


@pytest.mark.parametrize(
    "setting, broken",
    [
        ("config.yml", "cesuur: [dit is: geen yaml"),
        ("config.yml", "cesuur:\n  percentage_voldoende: 200\n"),
        ("config.yml", "- een lijst\n"),
        ("rubrics/oefening.yml", "opdracht: oefening\nvragen:\n  reflectie:\n    titel: x\n    criteria: []\n"),
    ],
)
def test_broken_settings_are_named(course, tmp_path, setting, broken):
    (course.grading_dir / setting).write_text(broken, encoding="utf-8")
    export = make_zip(tmp_path / "export.zip", {"jan/oefening.ipynb": notebook()})
    (course.folder("submitted") / "jan" / ASSIGNMENT).mkdir(parents=True)  # rubricblad gets as far as the rubric
    commands = [["rubricblad", ASSIGNMENT]]
    if setting == "config.yml":
        commands += [
            ["verzamel", ASSIGNMENT, str(export)],
            ["cijfers"],
            ["nakijken", ASSIGNMENT],
            ["vrijgeven", ASSIGNMENT],
            ["beoordelingen", ASSIGNMENT],
            ["feedback", ASSIGNMENT],
        ]
    before = tree(course.course_dir.parent)
    for args in commands:
        result = docent(course, *args)
        assert_one_dutch_line(result, f"{setting}: {args}")
        assert setting.split("/")[-1] in result.output, result.output
        assert tree(course.course_dir.parent) == before


def test_missing_course_folder_and_broken_timestamp(course, tmp_path):
    for args in (
        ["cijfers", "--cursus", str(tmp_path / "weg")],
        ["vrijgeven", ASSIGNMENT, "--cursus", str(course.course_dir / "source" / ASSIGNMENT / NB)],
        ["rubricblad", ASSIGNMENT, "--cursus", str(course.course_dir), "--instellingen", str(tmp_path / "x")],
    ):
        before = tree(course.course_dir.parent)
        result = docent(None, *args)
        assert_one_dutch_line(result, str(args))
        assert tree(course.course_dir.parent) == before
    stamp = course.folder("submitted") / "jan" / ASSIGNMENT / "timestamp.txt"
    stamp.parent.mkdir(parents=True)
    (stamp.parent / NB).write_bytes(notebook())
    stamp.write_text("gisteren om drie uur")
    before = tree(course.course_dir.parent)
    result = docent(course, "nakijken", ASSIGNMENT)
    assert_one_dutch_line(result, "kapotte datum")
    assert "timestamp.txt" in result.output and "gisteren" in result.output
    assert tree(course.course_dir.parent) == before


@pytest.mark.parametrize("broken", ['{"cells": [ geen json', "", '{"cells": "geen lijst", "nbformat": 4}'])
def test_failed_release_keeps_the_previous_student_version(course, broken):
    release = course.folder("release") / ASSIGNMENT
    before = tree(release)
    (course.folder("source") / ASSIGNMENT / NB).write_text(broken, encoding="utf-8")
    result = docent(course, "vrijgeven", ASSIGNMENT)
    assert_one_dutch_line(result, broken)
    assert "oefening" in result.output
    assert tree(release) == before
    assert not list(course.course_dir.glob(".*release-vorige"))


def test_damaged_gradebook_is_named(course):
    course.db_path.write_bytes(b"dit is geen SQLite-bestand" * 100)
    before = tree(course.course_dir.parent)
    for args in (["nakijken", ASSIGNMENT], ["beoordelingen", ASSIGNMENT], ["feedback", ASSIGNMENT], ["cijfers"]):
        result = docent(course, *args)
        assert_one_dutch_line(result, str(args))
        assert "gradebook.db" in result.output
    assert tree(course.course_dir.parent) == before


def test_real_command_line_prints_no_traceback(course, tmp_path):
    """The installed ``activering`` command, as a docent runs it (no test runner in between)."""
    (tmp_path / "geen.zip").write_text("geen zip")
    for args in (
        ["feedback", "onbestaand"],
        ["cijfers", "--opdracht", "onbestaand"],
        ["verzamel", ASSIGNMENT, str(tmp_path / "geen.zip")],
    ):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "activering.cli",
                "docent",
                *args,
                "--cursus",
                str(course.course_dir),
                "--instellingen",
                str(course.grading_dir),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr
        assert len((proc.stdout + proc.stderr).strip().splitlines()) == 1, (args, proc.stderr)


# --------------------------------------------------------------------------- items 9, 10, 11: a graded class


@pytest.fixture(scope="module")
def graded_class(released_template, tmp_path_factory):
    """Three students on the class list: Jan (correct), Zoë (deleted a test cell), Piet (nothing)."""
    root = tmp_path_factory.mktemp("klas")
    shutil.copytree(released_template, root / "cursus")
    course = Course.at(root / "cursus" / "exercises", root / "cursus" / "grading")
    # the sandbox has its own tests (test_grading.py); here it would only slow the class down
    config = course.grading_dir / "config.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["nakijken"]["afscherming"] = False
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    release_nb = course.folder("release") / ASSIGNMENT / NB
    staging = root / "staging"
    kinds = {"Jan Jansen": ("204501", "correct"), "Zoë Çelik": ("204502", "testcel-verwijderd")}
    entries = {}
    for name, (uid, kind) in kinds.items():
        path = synthetic.make_submission(kind, release_nb, staging / uid)
        entries[layout("canvas", name, uid, NB)] = path.read_bytes()
    export = make_zip(root / "canvas.zip", entries)
    klaslijst = root / "klaslijst.csv"
    klaslijst.write_text(
        "\ufeffnaam,studentnummer,lms_id,extra\nJan Jansen,s204501,204501,x\n"
        "Zoë Çelik,s204502,204502,\nPiet Niemand,s204599,204599,\n",
        encoding="utf-8",
    )
    collected = docent(course, "verzamel", ASSIGNMENT, str(export), "--klaslijst", str(klaslijst))
    assert collected.exit_code == 0, collected.output
    overview = docent(course, "nakijken", ASSIGNMENT, "-j", "2")
    assert overview.exit_code == 0, overview.output
    return course, overview


@pytest.fixture
def graded(graded_class, tmp_path):
    """A copy of the graded class per test, so rubric scores of one test never leak into another."""
    course, overview = graded_class
    root = course.course_dir.parent
    shutil.copytree(root, tmp_path / root.name)
    return Course.at(tmp_path / root.name / "exercises", tmp_path / root.name / "grading"), overview


def fill_sheet(course: Course, rows: list[tuple[str, str, str]]) -> Path:
    from activering.grading.rubrics import assessments_path

    path = assessments_path(course, ASSIGNMENT)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["student;naam;vraag;criterium;punten;opmerking;niveaus"]
    lines += [f"{sid};;reflectie;{crit};{value};;" for sid, crit, value in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


GOOD = [
    ("s204501", "Wat de telling laat zien", "1"),
    ("s204501", "Grenzen van de cijfers", "1"),
    ("s204502", "Wat de telling laat zien", "1"),
    ("s204502", "Grenzen van de cijfers", "0"),
]


def score_with_rubric(course: Course, rows: list[tuple[str, str, str]]):
    """Fill the sheet and put it in the gradebook (step 5, ``beoordelingen``)."""
    fill_sheet(course, rows)
    result = docent(course, "beoordelingen", ASSIGNMENT)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow  # uses the graded class (kernels)
def test_overview_and_grade_list_follow_the_class_list(graded):
    course, overview = graded
    out = " ".join(overview.output.split())
    assert "Piet Niemand" in out and "niet ingeleverd" in out and "Zoë Çelik" in out
    score_with_rubric(course, GOOD)
    result = docent(course, "cijfers")
    assert result.exit_code == 0, result.output
    import pandas as pd

    table = pd.read_csv(course.course_dir / "cijfers" / "cijfers.csv").set_index("student")
    assert list(table.index) == ["s204501", "s204502", "s204599"]
    assert table.loc["s204599", "naam"] == "Piet Niemand"
    assert "niet ingeleverd" in table.loc["s204599", f"{ASSIGNMENT} opmerkingen"]
    assert table.loc["s204599", "cijfer"] == 1.0
    assert table.loc["s204502", "naam"] == "Zoë Çelik"
    excel = (course.course_dir / "cijfers" / "cijfers-excel.csv").read_bytes().decode("utf-8-sig")
    assert "Zoë Çelik" in excel and "niet ingeleverd" in excel


@pytest.mark.slow  # uses the graded class (kernels)
def test_a_grade_list_edited_in_excel_is_kept(graded):
    course, _ = graded
    score_with_rubric(course, GOOD)
    assert docent(course, "cijfers").exit_code == 0
    out = course.course_dir / "cijfers"
    assert docent(course, "cijfers").exit_code == 0
    assert not list(out.glob("*.vorige-*"))  # unchanged by the docent: simply rewritten
    excel = out / "cijfers-excel.csv"
    edited = excel.read_text(encoding="utf-8-sig") + "opmerking van de docent;;;\n"
    excel.write_text(edited, encoding="utf-8-sig")
    assert docent(course, "cijfers").exit_code == 0
    kept = list(out.glob("cijfers-excel.vorige-*.csv"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8-sig") == edited
    assert "opmerking van de docent" not in excel.read_text(encoding="utf-8-sig")


@pytest.mark.slow  # uses the graded class (kernels)
def test_deleted_test_cell_graded_by_rubric_is_not_pending(graded):
    import pandas as pd

    course, _ = graded
    remarks = {}
    for sheet in (GOOD[:2], GOOD):  # first only Jan's reflection is scored, then Zoë's too
        score_with_rubric(course, sheet)
        result = docent(course, "cijfers")
        assert result.exit_code == 0, result.output
        table = pd.read_csv(course.course_dir / "cijfers" / "cijfers.csv").set_index("student")
        remarks[len(sheet)] = table.loc["s204502", f"{ASSIGNMENT} opmerkingen"]
    assert "handmatig nakijken nog niet af" in remarks[2]
    assert "testcel verwijderd" in remarks[4] and "handmatig nakijken nog niet af" not in remarks[4]
    assert "handmatig" not in str(table.loc["s204501", f"{ASSIGNMENT} opmerkingen"])


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("3", "'3'"),
        ("1,5", "'1,5'"),
        ("1.5", "'1.5'"),
        ("-1", "'-1'"),
        ("veel", "'veel'"),
        ("1e9", "'1e9'"),
    ],
)
@pytest.mark.slow  # uses the graded class (kernels)
def test_values_outside_the_levels_are_refused(graded, value, fragment):
    course, _ = graded
    fill_sheet(course, GOOD[:3] + [("s204502", "Grenzen van de cijfers", value)])
    for args in (
        ["beoordelingen", ASSIGNMENT],
        ["cijfers", "--uitvoer", str(course.course_dir / "nieuwe-cijfers")],
        ["feedback", ASSIGNMENT],
    ):
        before = tree(course.course_dir.parent)
        result = docent(course, *args)
        assert_one_dutch_line(result, value)
        line = " ".join(result.output.split())
        assert "s204502" in line and "Grenzen van de cijfers" in line and fragment in line, line
        assert tree(course.course_dir.parent) == before


@pytest.mark.parametrize(
    "row, fragment",
    [
        (("s204501", "Originaliteit", "1"), "Originaliteit"),
        (("s204501", "Wat de telling laat zien", "0"), "al beoordeeld"),
    ],
)
@pytest.mark.slow  # uses the graded class (kernels)
def test_unknown_criteria_and_double_rows_are_refused(graded, row, fragment):
    course, _ = graded
    fill_sheet(course, GOOD + [row])
    for args in (["beoordelingen", ASSIGNMENT], ["cijfers"]):
        result = docent(course, *args)
        assert_one_dutch_line(result, fragment)
        assert fragment in result.output


@pytest.mark.slow  # uses the graded class (kernels)
def test_a_mistyped_student_in_the_sheet_is_named(graded):
    course, _ = graded
    applied = score_with_rubric(course, GOOD + [("s2O4503", "Wat de telling laat zien", "1")])
    assert "zonder nagekeken inzending (niet meegeteld): s2O4503" in " ".join(applied.output.split())
    for args in (["cijfers"], ["feedback", ASSIGNMENT]):
        result = docent(course, *args)
        assert result.exit_code == 0, result.output
        assert "zonder nagekeken inzending (niet meegeteld): s2O4503" in " ".join(result.output.split())


@pytest.mark.slow  # uses the graded class (kernels)
def test_rubric_sheet_is_never_overwritten_once_filled(graded):
    from activering.grading.rubrics import assessments_path

    course, _ = graded
    path = assessments_path(course, ASSIGNMENT)
    if path.exists():
        path.unlink()
    result = docent(course, "rubricblad", ASSIGNMENT)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8-sig")
    assert "s204501;Jan Jansen;reflectie" in text and "Zoë Çelik" in text
    # an empty sheet may be made again (the old one is kept)
    result = docent(course, "rubricblad", ASSIGNMENT)
    assert result.exit_code == 0, result.output
    assert list(path.parent.glob(f"{ASSIGNMENT}.leeg-*.csv"))
    filled = text.replace("reflectie;Wat de telling laat zien;;", "reflectie;Wat de telling laat zien;1;", 1)
    path.write_text(filled, encoding="utf-8-sig")
    before = tree(course.course_dir.parent)
    result = docent(course, "rubricblad", ASSIGNMENT)
    assert_one_dutch_line(result, "ingevuld blad")
    assert "niet overschreven" in result.output
    assert tree(course.course_dir.parent) == before


@pytest.mark.slow  # uses the graded class (kernels)
def test_feedback_and_grades_show_progress_for_a_large_class(graded, monkeypatch):
    course, _ = graded
    score_with_rubric(course, GOOD)
    monkeypatch.setattr(docent_cli, "PROGRESS_FROM", 2)
    result = docent(course, "feedback", ASSIGNMENT)
    assert result.exit_code == 0, result.output
    assert "Feedback oefening" in result.output and "2/2" in result.output
    result = docent(course, "cijfers")
    assert result.exit_code == 0 and "Cijfers" in result.output and "3/3" in result.output
    assert "0/?" not in result.output


# --------------------------------------------------------------------------- issue 16: rubric scores are a step of their own


@pytest.mark.slow  # uses the graded class (kernels)
def test_feedback_and_grades_never_write_the_gradebook(graded):
    """A docent who filled the sheet but forgot ``beoordelingen`` is told so, and nothing is written."""
    course, _ = graded
    fill_sheet(course, GOOD)
    before = tree(course.course_dir.parent)
    for args in (["cijfers"], ["feedback", ASSIGNMENT]):
        result = docent(course, *args)
        assert_one_dutch_line(result, f"beoordelingen vergeten: {args}")
        line = " ".join(result.output.split())
        assert "nog niet in het cijferboek" in line and "activering docent beoordelingen oefening" in line, line
        assert tree(course.course_dir.parent) == before  # the gradebook included
    applied = score_with_rubric(course, GOOD)
    assert "2 beoordeelde antwoorden van 2 student(en)" in " ".join(applied.output.split())
    written = hashlib.sha256(course.db_path.read_bytes()).hexdigest()
    assert docent(course, "feedback", ASSIGNMENT).exit_code == 0
    assert docent(course, "cijfers").exit_code == 0
    assert hashlib.sha256(course.db_path.read_bytes()).hexdigest() == written
    # the sheet changes after the step: refused again, naming the student
    fill_sheet(course, GOOD[:3] + [("s204502", "Grenzen van de cijfers", "1")])
    result = docent(course, "cijfers")
    assert_one_dutch_line(result, "blad gewijzigd")
    assert "s204502" in result.output and "beoordelingen" in result.output
    assert hashlib.sha256(course.db_path.read_bytes()).hexdigest() == written


@pytest.mark.slow  # uses the graded class (kernels)
def test_beoordelingen_without_a_sheet_is_one_dutch_line(graded):
    from activering.grading.rubrics import assessments_path

    course, _ = graded
    assessments_path(course, ASSIGNMENT).unlink(missing_ok=True)
    before = tree(course.course_dir.parent)
    result = docent(course, "beoordelingen", ASSIGNMENT)
    assert_one_dutch_line(result, "geen blad")
    assert "rubricblad" in result.output
    assert tree(course.course_dir.parent) == before


def nbgrader_export(course: Course, to: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "export",
            "--exporter=activering.grading.grades.CijfersExporter",
            f"--to={to}",
        ],
        cwd=course.course_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # uses the graded class (kernels)
def test_nbgrader_export_with_the_course_exporter_writes_the_same_files(graded, tmp_path):
    course, _ = graded
    fill_sheet(course, GOOD)
    refused = nbgrader_export(course, tmp_path / "via-nbgrader")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "Traceback" not in output, output
    assert "activering docent beoordelingen oefening" in output
    assert not (tmp_path / "via-nbgrader").exists()
    score_with_rubric(course, GOOD)
    assert docent(course, "cijfers").exit_code == 0
    proc = nbgrader_export(course, tmp_path / "via-nbgrader")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ours = course.course_dir / "cijfers"
    for name in ("cijfers.csv", "cijfers-excel.csv", "cijfers.svg", "cijfers.html"):
        assert (tmp_path / "via-nbgrader" / name).read_bytes() == (ours / name).read_bytes(), name


@pytest.mark.slow  # uses the graded class (kernels)
def test_an_output_file_that_cannot_be_written_is_named(graded, monkeypatch):
    from activering.grading import grades

    course, _ = graded
    score_with_rubric(course, GOOD)
    out = course.course_dir / "cijfers"
    (out / "cijfers.svg").mkdir(parents=True)  # something that is no file where a grade file goes
    before = tree(course.course_dir.parent)
    result = docent(course, "cijfers")
    assert_one_dutch_line(result, "map op de plek van een bestand")
    assert "cijfers.svg" in result.output and "niets geschreven" in result.output
    assert tree(course.course_dir.parent) == before
    (out / "cijfers.svg").rmdir()
    assert docent(course, "cijfers").exit_code == 0
    excel = (out / "cijfers-excel.csv").read_bytes()
    real = grades.write_atomic

    def locked(path, content, **kwargs):
        if Path(path).name == "cijfers-excel.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, content, **kwargs)

    monkeypatch.setattr(grades, "write_atomic", locked)  # as when Excel holds the file on a share
    result = docent(course, "cijfers")
    assert_one_dutch_line(result, "vergrendeld bestand")
    assert "cijfers-excel.csv" in result.output and "Excel" in result.output
    assert (out / "cijfers-excel.csv").read_bytes() == excel


def test_an_unexpected_error_is_one_line_and_its_traceback_is_logged(course, monkeypatch):
    from activering.grading import rubrics

    def broken(*args, **kwargs):
        raise RuntimeError("iets onverwachts")

    monkeypatch.setattr(rubrics, "write_assessment_template", broken)
    (course.folder("submitted") / "jan" / ASSIGNMENT).mkdir(parents=True)
    result = docent(course, "rubricblad", ASSIGNMENT)
    assert result.exit_code == 2
    assert_one_dutch_line(result, "onverwacht")
    assert "iets onverwachts" in result.output and "fouten.log" in result.output
    log = (course.status_dir / "fouten.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: iets onverwachts" in log and "docent rubricblad" in log


def test_collect_shows_progress_for_a_large_class_and_none_after_an_error(course, tmp_path):
    export = make_zip(tmp_path / "klas.zip", {f"student{i:02d}/{NB}": notebook(str(i)) for i in range(12)})
    result = docent(course, "verzamel", ASSIGNMENT, str(export))
    assert result.exit_code == 0, result.output
    assert "Verzamelen oefening" in result.output and "12/12" in result.output
    small = make_zip(tmp_path / "klein.zip", {f"a/{NB}": notebook()})
    result = docent(course, "verzamel", ASSIGNMENT, str(small))
    assert "Verzamelen" not in result.output
    for args in (["nakijken", "onbestaand"], ["verzamel", ASSIGNMENT, str(tmp_path / "weg.zip")]):
        result = docent(course, *args)
        assert "0/?" not in result.output and "Nakijken" not in result.output and "Verzamelen" not in result.output


# --------------------------------------------------------------------------- the book


def test_book_steps_match_the_command_line():
    book = (REPO_ROOT / "book" / "voor-docenten.md").read_text(encoding="utf-8")
    help_text = runner.invoke(docent_cli.app, ["--help"], terminal_width=200).output
    order = [line.split()[1] for line in help_text.splitlines() if re.match(r"^│ (\w+) +Stap \d\.", line)]
    assert sorted(order) == sorted(c.name or c.callback.__name__ for c in docent_cli.app.registered_commands)
    steps = re.findall(r"^## Stap (\d+): .*?$(.*?)(?=^## )", book, flags=re.M | re.S)
    in_book = []
    for number, text in steps:
        commands = re.findall(r"uv run activering docent (\w+)", text)
        if commands:
            in_book.append((int(number), commands[0]))
        for later in re.findall(r"\((?:zie )?stap (\d+)\)", text, flags=re.I):
            assert int(later) <= int(number), f"stap {number} verwijst vooruit naar stap {later}"
    assert [c for _, c in in_book] == order
    for number, command in in_book:
        assert re.search(rf"^│ {command} +Stap {number}\.", help_text, flags=re.M), (number, command)
    # every option the book mentions exists on that command
    for command in order:
        options = runner.invoke(docent_cli.app, [command, "--help"], terminal_width=200).output
        section = next(text for _, text in steps if f"docent {command}" in text)
        for option in set(re.findall(r"`(--[a-z]+)", section)):
            assert option in options, (command, option)
    assert "niet ingeleverd" in book and "eerdere-inzendingen" in book
    for command in ["", *order]:
        shown = runner.invoke(docent_cli.app, [command, "--help"] if command else ["--help"]).output
        assert "Gebruik:" in shown and "Toon deze hulp" in shown, command
        assert not re.search(r"Usage|Options|Arguments|Commands|Show this message|\[required\]", shown), shown
