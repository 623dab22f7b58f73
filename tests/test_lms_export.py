"""``activering docent cijfers --formaat brightspace|canvas|moodle``: the grade import file of each LMS.

Issue item 3 (and its part of item 4). A small gradebook is made with nbgrader's own API (no kernel,
no sandbox); the class list goes through ``read_roster``/``save_roster`` as ``verzamel`` keeps it.
Every file is read back with Python's ``csv`` module and compared with the header the LMS documents
(see book/voor-docenten.md, *De cijfers in Brightspace, Canvas of Moodle*) and with points this test
adds up itself. Hostile names and identifiers (commas, quotes, semicolons, accents, '#', '=') must
come back unchanged; every bad input is one Dutch line, exit code 1, and nothing written.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from activering.grading import cli as docent_cli
from activering.grading.config import Course, DocentError
from activering.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Paths on one line, as on a wide terminal."""
    monkeypatch.setattr(docent_cli.console, "width", 300)


# Two assignments; points per grade cell per student (this test adds them up itself).
CELLS = {"oefening": {"g1": 3.0, "g2": 2.0}, "tweede": {"h1": 4.0}}
TITLES = {"oefening": "Caseload verkennen, deel 1", "tweede": "Tweede opdracht"}
SCORES = {
    "s204501": {"oefening": {"g1": 3.0, "g2": 1.5}, "tweede": {"h1": 4.0}},
    "s204502": {"oefening": {"g1": 1.25, "g2": 0.0}, "tweede": {"h1": 2.0}},
    "s204503": {"oefening": {"g1": 0.0, "g2": 2.0}},  # handed in nothing for "tweede"
}
PENDING = ("s204502", "tweede")  # a grade cell that still waits for the docent
NAMES = {"s204501": "Jan Jansen", "s204502": "Zoë Çelik", "s204503": "Piet de Vries"}
BOM = b"\xef\xbb\xbf"


def points(sid: str, assignment: str) -> float:
    return sum(SCORES[sid].get(assignment, {}).values())


def make_gradebook(course: Course, scores: dict) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.config.cursus) as gb:
        for assignment, cells in CELLS.items():
            gb.update_or_create_assignment(assignment)
            gb.update_or_create_notebook(assignment, assignment)
            for cell, maximum in cells.items():
                gb.update_or_create_grade_cell(cell, assignment, assignment, max_score=maximum, cell_type="markdown")
        for sid, per_assignment in scores.items():
            first, last = NAMES.get(sid, sid).split(" ", 1)
            gb.add_student(sid, first_name=first, last_name=last)
            for assignment, cells in per_assignment.items():
                submission = gb.add_submission(assignment, sid)
                for grade in submission.notebooks[0].grades:
                    grade.manual_score = cells[grade.name]
                    grade.needs_manual_grade = False
                if (sid, assignment) == PENDING:
                    grade.manual_score = None
                    grade.auto_score = cells[grade.name]
                    grade.needs_manual_grade = True
        gb.db.commit()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lms")
    course = synthetic.make_course(root)
    config = course.grading_dir / "config.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["opdrachten"] = {name: {"titel": title} for name, title in TITLES.items()}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    make_gradebook(course, SCORES)
    return root


@pytest.fixture
def course(template, tmp_path) -> Course:
    shutil.copytree(template, tmp_path / "cursus")
    return Course.at(tmp_path / "cursus" / "exercises", tmp_path / "cursus" / "grading")


def docent(course: Course, *args: str):
    return runner.invoke(
        docent_cli.app, [*args, "--cursus", str(course.course_dir), "--instellingen", str(course.grading_dir)]
    )


def klaslijst(course: Course, tmp: Path, rows: list[dict], *, delimiter: str = ",") -> Path:
    """A class list as Excel saves it, kept with the course the way ``verzamel --klaslijst`` does."""
    from activering.grading.collect import read_roster, save_roster

    columns = list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp / "klaslijst.csv"
    path.write_bytes(BOM + buffer.getvalue().encode("utf-8"))
    return save_roster(course, read_roster(path))


def read_lms(path: Path) -> list[list[str]]:
    """The file as an LMS reads it: UTF-8 without BOM, CRLF line ends, standard CSV quoting."""
    raw = path.read_bytes()
    assert not raw.startswith(BOM)
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n"), "every line ends in CRLF"
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def assert_points(cell: str, expected: float) -> None:
    assert cell.replace(".", "", 1).isdigit(), f"a plain number with a decimal point: {cell!r}"
    assert float(cell) == pytest.approx(expected)


def assert_one_dutch_line(result, *fragments: str) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- the three formats


def test_brightspace_has_the_documented_header_and_rows(course, tmp_path):
    klaslijst(
        course,
        tmp_path,
        [
            {"studentnummer": "s204501", "naam": NAMES["s204501"], "OrgDefinedId": "0020067930", "Username": "jjansen"},
            {"studentnummer": "s204502", "naam": NAMES["s204502"], "OrgDefinedId": "20067931", "Username": ""},
            {"studentnummer": "s204503", "naam": NAMES["s204503"], "OrgDefinedId": "", "Username": "p.devries"},
        ],
    )
    result = docent(course, "cijfers", "--opdracht", "oefening", "--formaat", "brightspace")
    assert result.exit_code == 0, result.output
    path = course.course_dir / "cijfers" / "cijfers-brightspace.csv"
    assert str(path) in result.output
    header, *rows = read_lms(path)
    assert header == ["OrgDefinedId", "Username", f"{TITLES['oefening']} Points Grade", "End-of-Line Indicator"]
    by_id = {(r[0], r[1]): r for r in rows}
    assert set(by_id) == {("#0020067930", "#jjansen"), ("#20067931", ""), ("", "#p.devries")}
    for (org, user), sid in {("#0020067930", "#jjansen"): "s204501", ("#20067931", ""): "s204502"}.items():
        assert_points(by_id[org, user][2], points(sid, "oefening"))
        assert by_id[org, user][3] == "#"
    assert_points(by_id["", "#p.devries"][2], points("s204503", "oefening"))

    again = docent(course, "cijfers", "--opdracht", "oefening", "--formaat", "Brightspace", "--lms-item", "Week 1")
    assert again.exit_code == 0, again.output
    assert read_lms(path)[0][2] == "Week 1 Points Grade"


def test_canvas_has_the_documented_header_points_possible_and_rows(course, tmp_path):
    klaslijst(
        course,
        tmp_path,
        [
            {"studentnummer": "s204501", "naam": NAMES["s204501"], "canvas_id": "48213", "SIS User ID": "", "x": ""},
            {"studentnummer": "s204502", "naam": NAMES["s204502"], "canvas_id": "", "SIS User ID": "204502"},
            {"studentnummer": "s204503", "naam": NAMES["s204503"], "SIS Login ID": "pvries@uni.example"},
        ],
    )
    result = docent(course, "cijfers", "--formaat", "canvas")
    assert result.exit_code == 0, result.output
    header, possible, *rows = read_lms(course.course_dir / "cijfers" / "cijfers-canvas.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TITLES["oefening"], TITLES["tweede"]]
    maxima = [sum(CELLS[a].values()) for a in ("oefening", "tweede")]
    assert possible[:5] == ["    Points Possible", "", "", "", ""]
    for cell, maximum in zip(possible[5:], maxima, strict=True):
        assert_points(cell, maximum)
    expected_ids = {
        "s204501": ["48213", "", ""],
        "s204502": ["", "204502", ""],
        "s204503": ["", "", "pvries@uni.example"],
    }
    assert len(rows) == 3
    for row in rows:
        sid = next(s for s, n in NAMES.items() if n == row[0])
        assert row[1:5] == [*expected_ids[sid], ""]
        for cell, assignment in zip(row[5:], ("oefening", "tweede"), strict=True):
            assert_points(cell, points(sid, assignment))
    assert "voorlopig" in result.output  # s204502's "tweede" still waits for manual grading


def test_moodle_uses_one_identifier_for_everyone(course, tmp_path):
    rows = [
        {"studentnummer": sid, "naam": naam, "idnumber": sid.upper(), "email": f"{sid}@Uni.example"}
        for sid, naam in NAMES.items()
    ]
    rows[0]["email"] = ""  # not everyone has an e-mail address: Moodle maps from the ID number
    klaslijst(course, tmp_path, rows)
    result = docent(course, "cijfers", "--formaat", "moodle")
    assert result.exit_code == 0, result.output
    assert "voorlopig" in result.output
    header, *body = read_lms(course.course_dir / "cijfers" / "cijfers-moodle.csv")
    assert header == ["ID number", f"{TITLES['oefening']} (Real)", f"{TITLES['tweede']} (Real)"]
    assert sorted(r[0] for r in body) == sorted(s.upper() for s in NAMES)
    for row in body:
        sid = row[0].lower()
        for cell, assignment in zip(row[1:], ("oefening", "tweede"), strict=True):
            assert_points(cell, points(sid, assignment))

    for row in rows:
        row["gebruikersnaam"] = f"user-{row['studentnummer']}"
    klaslijst(course, tmp_path, rows)
    result = docent(
        course, "cijfers", "--opdracht", "tweede", "--formaat", "moodle", "--lms-item", "Assignment: Week 2"
    )
    assert result.exit_code == 0, result.output
    assert "voorlopig" in result.output
    header, *body = read_lms(course.course_dir / "cijfers" / "cijfers-moodle.csv")
    assert header == ["Username", "Assignment: Week 2 (Real)"]
    assert {r[0]: float(r[1]) for r in body} == {f"user-{s}": points(s, "tweede") for s in NAMES}


def test_brightspace_export_as_class_list_gives_its_own_identifiers(course, tmp_path):
    """A class list exported from Brightspace: '#' before the values, OrgDefinedId as the student number."""
    klaslijst(
        course,
        tmp_path,
        [
            {
                "OrgDefinedId": f"#{sid}",
                "Username": f"#u{sid[1:]}",
                "Last Name": naam.split(" ", 1)[1],
                "First Name": naam.split(" ", 1)[0],
                "End-of-Line Indicator": "#",
            }
            for sid, naam in NAMES.items()
        ],
        delimiter=";",
    )
    kept = (course.status_dir / "klaslijst.csv").read_text(encoding="utf-8")
    assert "orgdefinedid" in kept.splitlines()[0] and "gebruikersnaam" in kept.splitlines()[0]
    result = docent(course, "cijfers", "--opdracht", "oefening", "--formaat", "brightspace")
    assert result.exit_code == 0, result.output
    header, *rows = read_lms(course.course_dir / "cijfers" / "cijfers-brightspace.csv")
    assert {(r[0], r[1]) for r in rows} == {(f"#{sid}", f"#u{sid[1:]}") for sid in NAMES}
    table = pd.read_csv(course.course_dir / "cijfers" / "cijfers.csv").set_index("student")
    assert table.loc["s204502", "naam"] == NAMES["s204502"]


# --------------------------------------------------------------------------- hostile names and identifiers

HOSTILE_PARTS = [
    "Jansen, Jan",
    'Piet "de Kat" Jong',
    "Anne;Marie",
    "Zoë Çelik-Ünal",
    "Ørjan Ångström",
    "=SUM(A1:A2)",
    "#12",
    "O'Neill",
    "Łukasz Żółć",
    "Nguyễn Thị Minh",
    "van der Berg, Anna-Lotte",
    'Émile ; "Mimi" , Dubois',
]


def hostile(rng: random.Random) -> str:
    text = rng.choice(HOSTILE_PARTS)
    if rng.random() < 0.5:
        text += rng.choice([" ", ", ", ";", '"']) + rng.choice(HOSTILE_PARTS)
    return unicodedata.normalize("NFC", text.strip())


def test_hostile_names_and_identifiers_survive_every_format(course, tmp_path):
    rng = random.Random(20261203)
    rows = []
    for n in range(20):
        sid = f"s{204501 + n}" if n < 3 else f"x{n:03d}.{rng.choice(['a', 'b'])}"
        rows.append(
            {
                "studentnummer": sid,
                "naam": hostile(rng),
                "orgdefinedid": hostile(rng),
                "gebruikersnaam": hostile(rng) + f"-{n}",
                "canvas_id": "",
                "sis_user_id": hostile(rng),
                "sis_login_id": hostile(rng),
                "email": f"{hostile(rng)}-{n}@voorbeeld.nl",
            }
        )
    klaslijst(course, tmp_path, rows)
    expected = {r["studentnummer"]: r for r in rows}
    for formaat in ("brightspace", "canvas", "moodle"):
        result = docent(course, "cijfers", "--opdracht", "oefening", "--formaat", formaat)
        assert result.exit_code == 0, (formaat, result.output)
    out = course.course_dir / "cijfers"

    def kept(value: str) -> str:  # a leading '#' in the class list is Brightspace's, not part of the value
        return value.removeprefix("#")

    header, *body = read_lms(out / "cijfers-brightspace.csv")
    assert len(header) == 4 and all(len(r) == 4 for r in body) and len(body) == len(rows)
    got = {(r[0], r[1]) for r in body}
    assert got == {(f"#{kept(e['orgdefinedid'])}", f"#{kept(e['gebruikersnaam'])}") for e in rows}

    header, _, *body = read_lms(out / "cijfers-canvas.csv")
    assert all(len(r) == len(header) for r in body) and len(body) == len(rows)
    got = {(r[0], r[2], r[3]) for r in body}
    assert got == {(e["naam"], e["sis_user_id"], e["sis_login_id"]) for e in rows}

    header, *body = read_lms(out / "cijfers-moodle.csv")
    assert header[0] == "Username"  # Moodle's first choice: everyone has one
    by_user = {r[0]: r[1] for r in body}
    assert set(by_user) == {kept(e["gebruikersnaam"]) for e in rows}
    for sid, row in expected.items():
        assert_points(by_user[kept(row["gebruikersnaam"])], points(sid, "oefening") if sid in SCORES else 0.0)


printable = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(printable, printable, st.floats(0, 5)), min_size=1, max_size=8),
    item=printable,
)
def test_any_name_identifier_and_item_name_reads_back(template, people, item):
    """The pure writer: whatever text comes in, Python's csv module reads the same text back."""
    from activering.grading.lms_export import FORMATS, lms_file

    course = Course.at(template / "exercises", template / "grading")
    table = pd.DataFrame(
        {
            "student": [f"s{n}" for n in range(len(people))],
            "naam": [p[0] for p in people],
            "oefening punten": [round(p[2], 2) for p in people],
            "oefening max": [5.0] * len(people),
        }
    )
    keys = {"orgdefinedid", "sis_user_id", "email"}
    ids = {f"s{n}": dict.fromkeys(keys, f"{p[1]}{n}") for n, p in enumerate(people)}
    for name, spec in FORMATS.items():
        text = lms_file(spec, course, table, ids, lms_item=item, roster_file=Path("klaslijst.csv"))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        body = rows[2:] if name == "canvas" else rows[1:]
        assert len(body) == len(people)
        for n, ((naam, ident, score), row) in enumerate(zip(people, body, strict=True)):
            assert float(row[-2] if name == "brightspace" else row[-1]) == pytest.approx(round(score, 2), abs=0.006)
            if name == "brightspace":
                assert rows[0][1] == f"{item.strip()} Points Grade" and row[0] == f"#{ident}{n}"
            elif name == "canvas":
                assert rows[0][5] == item.strip() and row[0] == naam and row[2] == f"{ident}{n}"
            else:
                assert rows[0][1] == f"{item.strip()} (Real)" and row[0] == f"{ident}{n}"


# --------------------------------------------------------------------------- bad input: one Dutch line, nothing written


def test_a_student_without_the_identifier_the_lms_needs_is_named(course, tmp_path):
    klaslijst(
        course,
        tmp_path,
        [
            {"studentnummer": "s204501", "naam": NAMES["s204501"], "sis_user_id": "1", "idnumber": "A1"},
            {"studentnummer": "s204502", "naam": NAMES["s204502"], "sis_user_id": "", "email": "z@uni.example"},
            {"studentnummer": "s204503", "naam": NAMES["s204503"], "sis_user_id": "3", "idnumber": "A3"},
        ],
    )
    before = tree(course.course_dir)
    line = assert_one_dutch_line(docent(course, "cijfers", "--formaat", "canvas"), "Canvas", "s204502", "Zoë Çelik")
    assert "s204501" not in line and "klaslijst" in line
    line = assert_one_dutch_line(docent(course, "cijfers", "--formaat", "moodle"), "Moodle", "s204502", "idnumber")
    assert "s204503" not in line
    assert_one_dutch_line(
        docent(course, "cijfers", "--formaat", "brightspace"), "Brightspace", "s204501", "s204502", "s204503"
    )
    assert tree(course.course_dir) == before, "nothing written, not even the default grade files"


def test_a_student_missing_from_the_class_list_is_named(course, tmp_path):
    klaslijst(course, tmp_path, [{"studentnummer": "s204501", "naam": "Jan Jansen", "gebruikersnaam": "jj"}])
    line = assert_one_dutch_line(docent(course, "cijfers", "--formaat", "moodle"), "s204502", "s204503")
    assert "2 studenten" in line


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--formaat", "blackboard"], ["blackboard", "brightspace, canvas of moodle"]),
        (["--lms-item", "Week 1"], ["--lms-item", "--formaat"]),
        (["--formaat", "canvas", "--lms-item", "Week 1"], ["--lms-item", "2 opdrachten", "--opdracht"]),
        (["--formaat", "canvas", "--opdracht", "oefening", "--lms-item", "  "], ["--lms-item", "leeg"]),
        (["--formaat", "canvas", "--opdracht", "onbestaand"], ["onbestaand", "cijferboek"]),
        (["--formaat", "moodle"], ["klaslijst", "verzamel --klaslijst"]),  # no class list yet
    ],
)
def test_bad_input_is_one_dutch_line_and_writes_nothing(course, args, fragments):
    before = tree(course.course_dir)
    assert_one_dutch_line(docent(course, "cijfers", *args), *fragments)
    assert tree(course.course_dir) == before


def test_same_lms_name_for_two_assignments_is_refused(course, tmp_path):
    config = course.grading_dir / "config.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["opdrachten"]["tweede"]["titel"] = TITLES["oefening"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    klaslijst(course, tmp_path, [{"studentnummer": s, "naam": n, "sis_user_id": s} for s, n in NAMES.items()])
    assert_one_dutch_line(docent(course, "cijfers", "--formaat", "canvas"), TITLES["oefening"], "titel")


def test_empty_gradebook_is_one_dutch_line(tmp_path):
    from nbgrader.api import Gradebook

    empty = synthetic.make_course(tmp_path / "leeg")
    assert_one_dutch_line(docent(empty, "cijfers", "--formaat", "canvas"), "cijferboek")
    with Gradebook(empty.db_url, empty.config.cursus) as gb:
        gb.update_or_create_assignment("oefening")
    assert_one_dutch_line(docent(empty, "cijfers", "--formaat", "canvas"), "nog geen studenten")
    assert not (empty.course_dir / "cijfers").exists()


def test_lms_file_refuses_an_empty_table(template):
    from activering.grading.lms_export import FORMATS, lms_file

    course = Course.at(template / "exercises", template / "grading")
    with pytest.raises(DocentError, match="nog geen studenten"):
        lms_file(FORMATS["canvas"], course, pd.DataFrame(), {})


# --------------------------------------------------------------------------- the default output stays as it was


def test_default_grade_files_are_unchanged_by_formaat(course, tmp_path):
    klaslijst(course, tmp_path, [{"studentnummer": s, "naam": n, "sis_login_id": s} for s, n in NAMES.items()])
    plain, with_lms = tmp_path / "zonder", tmp_path / "met"
    assert docent(course, "cijfers", "--uitvoer", str(plain)).exit_code == 0
    result = docent(course, "cijfers", "--uitvoer", str(with_lms), "--formaat", "canvas")
    assert result.exit_code == 0, result.output
    without, lms = tree(plain), tree(with_lms)
    assert set(without) == {"cijfers.csv", "cijfers-excel.csv", "cijfers.svg", "cijfers.html", ".geschreven.json"}
    assert set(lms) - set(without) == {"cijfers-canvas.csv"}
    for name in ("cijfers.csv", "cijfers-excel.csv", "cijfers.svg", "cijfers.html"):
        assert lms[name] == without[name], name
    table = pd.read_csv(plain / "cijfers.csv").set_index("student")
    for sid in NAMES:
        assert table.loc[sid, "oefening punten"] == pytest.approx(points(sid, "oefening"))
    assert str(with_lms / "cijfers-canvas.csv") in result.output
