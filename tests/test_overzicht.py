"""``activering docent overzicht``: the class overview a docent reads (issue: item 1, parts of 4).

Gradebooks are built directly with nbgrader's ``Gradebook`` API (no kernels): the test puts in the
scores itself and computes the expected p-waarde and rir with the ``statistics`` module from those
scores, never with the code under test. A generator makes varied classes (tiny, constant, one cell,
hostile student ids and names); every page must escape them. One slow test opens the page in
Chromium at 1366 and 375 px (no sideways scroll, axe, a Dutch text alternative on each chart) and
keeps a screenshot (also in ``$ACTIVERING_SCHERMAFDRUKKEN`` when set: the book's image).
"""

from __future__ import annotations

import csv
import html
import io
import os
import random
import re
import shutil
import statistics
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activering.grading import cli as docent_cli
from activering.grading.config import Course
from activering.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
ARTIFACTS = REPO_ROOT / "test-artifacts"
A = "oefening"  # the fixture course's assignment, with a rubric for the answer cell "reflectie"
DUE = datetime(2025, 9, 12, 12, 0)
HEADER = "cel;punten_max;n;p_waarde;rir"
runner = CliRunner()

HOSTILE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    'Zoë & "O\'Brien" <b>vet</b>',
    "]]></svg><h1>kop</h1>",
    '=HYPERLINK("http://x")',
]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setattr(docent_cli.console, "width", 300)


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """One empty nbgrader gradebook for the fixture course (creating one runs alembic: do it once)."""
    from nbgrader.api import Gradebook

    from activering.grading.config import load_config

    db = tmp_path_factory.mktemp("leeg") / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", load_config(FIXTURE / "grading").cursus):
        pass
    return db


@dataclass
class Assignment:
    name: str = A
    cells: dict[str, float] = field(default_factory=dict)  # grade_id -> max points; "reflectie" is the rubric cell
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)  # sid -> cell -> score (None: open)
    late: set[str] = field(default_factory=set)


def make_course(
    root: Path,
    empty_gradebook: Path,
    assignments: list[Assignment],
    roster: dict[str, str] | None = None,
    gb_names: dict[str, str] | None = None,
) -> Course:
    """A course whose gradebook holds ``assignments`` exactly as given, written with nbgrader's API."""
    from nbgrader.api import Gradebook

    (root / "exercises").mkdir(parents=True)
    shutil.copytree(FIXTURE / "grading", root / "grading")
    course = Course.at(root / "exercises", root / "grading")
    shutil.copy(empty_gradebook, course.db_path)
    if roster is not None:
        (course.status_dir).mkdir(parents=True, exist_ok=True)
        lines = ["studentnummer;naam"] + [f"{sid};{name}" for sid, name in roster.items()]
        (course.status_dir / "klaslijst.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gb_names = gb_names or {}
    with warnings.catch_warnings(), Gradebook(course.db_url, course.config.cursus) as gb:
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy warnings while adding submissions
        for a in assignments:
            gb.update_or_create_assignment(a.name, duedate=DUE)
            gb.add_notebook(a.name, a.name)
            for cell, maximum in a.cells.items():
                if cell == "reflectie":
                    gb.add_solution_cell(cell, a.name, a.name)
                gb.add_grade_cell(
                    cell, a.name, a.name, max_score=maximum, cell_type="markdown" if cell == "reflectie" else "code"
                )
            for sid, cells in a.scores.items():
                gb.update_or_create_student(sid, first_name=gb_names.get(sid, ""))
                stamp = DUE + (timedelta(hours=3) if sid in a.late else -timedelta(hours=1))
                gb.add_submission(a.name, sid, timestamp=stamp)
                for cell, value in cells.items():
                    grade = gb.find_grade(cell, a.name, a.name, sid)
                    if cell == "reflectie":
                        grade.manual_score = value
                        grade.needs_manual_grade = value is None
                    else:
                        grade.auto_score = value
                        grade.needs_manual_grade = False
        for sid, name in gb_names.items():
            gb.update_or_create_student(sid, first_name=name)
        gb.db.commit()
    return course


def docent(course: Course, *args: str):
    return runner.invoke(
        docent_cli.app,
        [*args, "--cursus", str(course.course_dir), "--instellingen", str(course.grading_dir)],
    )


def read_excel_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel herkent UTF-8 aan de BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def hand_items(a: Assignment, counted: list[str]) -> dict[str, tuple[float | None, float | None]]:
    """p and rir per cell, computed here with the statistics module from the scores the test put in."""
    out = {}
    for cell, maximum in a.cells.items():
        xs = [a.scores[sid][cell] for sid in counted]
        rest = [sum(v for c, v in a.scores[sid].items() if c != cell) for sid in counted]
        p = statistics.mean(xs) / maximum if xs else None
        try:
            rir = statistics.correlation(xs, rest) if len(xs) >= 3 else None
        except statistics.StatisticsError:  # constant input: no correlation
            rir = None
        out[cell] = (p, rir)
    return out


def number(text: str) -> float | None:
    return None if text == "" else float(text.replace(",", "."))


def check_items(course: Course, a: Assignment, counted: list[str]) -> dict[str, tuple[float | None, float | None]]:
    rows = read_excel_csv(course.course_dir / "overzicht" / f"{a.name}-items.csv")
    assert ";".join(rows[0]) == HEADER
    assert [r[0] for r in rows[1:]] == list(a.cells), "één rij per cel met punten, in de volgorde van het notebook"
    expected = hand_items(a, counted)
    for cel, maximum, n, p, rir in rows[1:]:
        assert number(maximum) == a.cells[cel] and int(n) == len(counted), (cel, maximum, n)
        for shown, wanted in ((p, expected[cel][0]), (rir, expected[cel][1])):
            assert (shown == "") == (wanted is None), (cel, shown, wanted)
            if wanted is not None:
                assert re.fullmatch(r"-?\d+,\d\d", shown), shown  # decimal comma, two decimals
                assert abs(number(shown) - wanted) <= 0.0051, (cel, shown, wanted)
    return expected


class Tags(HTMLParser):
    """Every start tag and all visible text of a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def attention_rows(page: str) -> dict[str, str]:
    """student -> the rest of its row in the table 'Studenten die aandacht nodig hebben'."""
    section = page.split("Studenten die aandacht nodig hebben</caption>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1], flags=re.S):
        cells = [html.unescape(re.sub(r"<br>", " | ", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = " ; ".join(cells[1:])
    return rows


# --------------------------------------------------------------------------- the hand computation

SMALL = Assignment(
    cells={"test_a": 1, "test_b": 2, "test_c": 3, "reflectie": 2},
    scores={
        "s1": {"test_a": 1, "test_b": 2, "test_c": 3, "reflectie": 2},
        "s2": {"test_a": 1, "test_b": 2, "test_c": 2, "reflectie": 1},
        "s3": {"test_a": 1, "test_b": 0, "test_c": 1, "reflectie": 2},
        "s4": {"test_a": 1, "test_b": 1, "test_c": 0, "reflectie": 0},
        "s5": {"test_a": 1, "test_b": 2, "test_c": 3, "reflectie": 1},
        "s6": {"test_a": 1, "test_b": 0, "test_c": 0, "reflectie": 0},
        "s7": {"test_a": 1, "test_b": 1, "test_c": 2, "reflectie": None},  # rubric not scored yet
    },
    late={"s5"},
)
ROSTER = {
    "s1": "Jan Jansen",
    "s2": "Zoë Çelik",
    "s3": "Anne de Vries",
    "s4": "Piet Bakker",
    "s5": "Fatma Yıldız",
    "s6": "Kees Smit",
    "s7": "Lotte Mol",
    "s8": "Niet Ingeleverd",
}


@pytest.fixture
def small(tmp_path, empty_gradebook) -> Course:
    from activering.grading.status import FAILED, StudentStatus, save_report

    course = make_course(tmp_path / "cursus", empty_gradebook, [SMALL], ROSTER)
    save_report(
        course,
        A,
        {
            "s3": StudentStatus(
                "s3", "nagekeken", signalen=[f"{A}/test_b: testcel gewijzigd; geen punten voor test_b"]
            ),
            "s6": StudentStatus("s6", FAILED, reden="de kernel stopte (geheugenlimiet)"),
        },
    )
    return course


def test_item_analysis_matches_a_hand_computation(small):
    result = docent(small, "overzicht", A)
    assert result.exit_code == 0, result.output
    counted = ["s1", "s2", "s3", "s4", "s5", "s6"]  # s7: rubric open; s8: nothing handed in
    expected = check_items(small, SMALL, counted)
    # the figures a docent acts on, worked out by hand from the table above
    assert expected["test_a"] == (1.0, None) and expected["test_c"][0] == pytest.approx(9 / 18)
    page = (small.course_dir / "overzicht" / f"{A}.html").read_text(encoding="utf-8")
    flagged = {
        c
        for c, (p, rir) in expected.items()
        if (p is not None and not 0.3 <= p <= 0.9) or (rir is not None and rir < 0.2)
    }
    assert flagged, "de kleine klas heeft vragen die opvallen"
    shown = set(re.findall(r"<tr class='let-op'><td><code>(.*?)</code>", page))
    assert shown == flagged
    assert "Vragen om nog eens naar te kijken" in page and "item-restcorrelatie" in page
    assert "telt niet mee in de p-waarde en de rir" in page
    assert "Let op: bij 1 inzending(en) is het handmatig nakijken nog niet af" in " ".join(result.output.split())
    assert sorted(flagged) == sorted(re.search(r"nog eens naar te kijken: (.*?); ", result.output)[1].split(", "))


def test_distribution_pass_line_mean_and_median(small):
    from activering.grading.grades import grade_from_fraction

    assert docent(small, "overzicht", A).exit_code == 0
    page = (small.course_dir / "overzicht" / f"{A}.html").read_text(encoding="utf-8")
    cesuur = small.config.cesuur
    cijfers = [
        grade_from_fraction(sum(SMALL.scores[s].values()) / 8, cesuur) for s in ["s1", "s2", "s3", "s4", "s5", "s6"]
    ]
    mean = f"{statistics.mean(cijfers):.1f}".replace(".", ",")
    median = f"{statistics.median(cijfers):.1f}".replace(".", ",")
    passed = sum(c >= 5.5 for c in cijfers)
    assert f"Gemiddelde {mean}, mediaan {median}; {passed} van de 6 voldoende" in page
    svg = re.search(r"<svg [^>]*>", page)[0]
    label = html.unescape(re.search(r'aria-label="([^"]*)"', svg)[1])
    assert "Histogram van de cijfers van 6" in label and f"gemiddelde is {mean}" in label and "5,5" in label
    assert "cesuur 5,5" in page  # the pass line's legend inside the SVG
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    ), "de pagina laadt niets van buiten"


def test_students_who_need_attention_with_names_from_the_class_list(small):
    assert docent(small, "overzicht", A).exit_code == 0
    out = small.course_dir / "overzicht"
    rows = attention_rows((out / f"{A}.html").read_text(encoding="utf-8"))
    assert "niet ingeleverd" in rows["s8"] and "Niet Ingeleverd" in rows["s8"]
    assert "testcel gewijzigd" in rows["s3"] and "Anne de Vries" in rows["s3"]
    assert "nakijken mislukt: de kernel stopte" in rows["s6"] and "Kees Smit" in rows["s6"]
    assert "te laat (3,0 uur)" in rows["s5"] and "Fatma Yıldız" in rows["s5"]
    assert "handmatig nakijken nog niet af" in rows["s7"]
    assert "onvoldoende" in rows["s4"]
    assert "s1" not in rows and "s2" not in rows
    sheet = read_excel_csv(out / f"{A}-aandacht.csv")
    assert sheet[0] == ["student", "naam", "cijfer", "waarom"]
    assert {r[0]: r[1] for r in sheet[1:]} == {sid: ROSTER[sid] for sid in rows}


def test_rubric_levels_are_counted_per_criterion(small):
    sheet = small.grading_dir / "beoordelingen" / f"{A}.csv"
    sheet.parent.mkdir(parents=True)
    rows = ["student;vraag;criterium;punten;opmerking"]
    # s6 is 1 + 0 on the sheet but 0 in the gradebook: 'beoordelingen' has not been run since
    given = {"s1": (1, 1), "s2": (1, 0), "s3": (1, 1), "s4": (0, 0), "s5": (0, 1), "s6": (1, 0)}
    for sid, (first, second) in given.items():
        rows += [
            f"{sid};reflectie;Wat de telling laat zien;{first};",
            f"{sid};reflectie;Grenzen van de cijfers;{second};",
        ]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = docent(small, "overzicht", A)
    assert result.exit_code == 0, result.output
    table = read_excel_csv(small.course_dir / "overzicht" / f"{A}-rubric.csv")
    counts = {(r[1], r[2]): int(r[4]) for r in table[1:]}
    assert counts[("Wat de telling laat zien", "1")] == 4 and counts[("Wat de telling laat zien", "0")] == 2
    assert counts[("Grenzen van de cijfers", "1")] == 3 and counts[("Grenzen van de cijfers", "0")] == 3
    assert counts[("Wat de telling laat zien", "")] == 1  # s7 handed in, not scored on the sheet
    assert "nog niet in het cijferboek staan (1)" in " ".join(result.output.split())
    page = (small.course_dir / "overzicht" / f"{A}.html").read_text(encoding="utf-8")
    assert "nog niet in het cijferboek staan (1)" in page


# --------------------------------------------------------------------------- generated classes


def generated(seed: int) -> tuple[Assignment, dict[str, str], dict[str, str], list[str]]:
    """A varied class: 0–9 complete submissions, 1–4 cells, sometimes a constant cell, hostile ids and names."""
    rng = random.Random(seed)
    n_cells = rng.randint(1, 4)
    cells = {f"vraag_{i}": float(rng.choice([1, 2, 3, 0.5])) for i in range(n_cells)}
    constant = rng.choice([None, *cells]) if rng.random() < 0.4 else None
    ids = [f"s{seed}-{i}" for i in range(rng.randint(0, 9))]
    if ids and rng.random() < 0.6:
        ids[0] = rng.choice(HOSTILE)
    scores = {}
    for sid in ids:
        scores[sid] = {c: (m if c == constant else rng.choice([0.0, m / 2, m, m])) for c, m in cells.items()}
    roster = {f"k{seed}-{i}": rng.choice(HOSTILE) for i in range(rng.randint(0, 3))}
    gb_names = {sid: rng.choice(HOSTILE) for sid in ids if rng.random() < 0.5}
    return Assignment(cells=cells, scores=scores), roster, gb_names, ids


@pytest.mark.parametrize("seed", range(14))
def test_generated_classes_match_the_hand_computation_and_escape_everything(seed, tmp_path, empty_gradebook):
    a, roster, gb_names, ids = generated(seed)
    course = make_course(tmp_path / "cursus", empty_gradebook, [a], roster, gb_names)
    result = docent(course, "overzicht", A)
    if not ids:
        assert result.exit_code == 1 and "nog niets nagekeken" in result.output, result.output
        assert not (course.course_dir / "overzicht").exists()
        return
    assert result.exit_code == 0, result.output
    expected = check_items(course, a, ids)
    page = (course.course_dir / "overzicht" / f"{A}.html").read_text(encoding="utf-8")
    for cel, (_p, rir) in expected.items():
        row = re.search(rf"<td><code>{re.escape(cel)}</code></td>(.*?)</tr>", page)[1]
        if rir is None:
            assert "rir: " in row, row  # the page says why there is no rir
    parsed = parse(page)
    assert not {"script", "img", "b"} & set(parsed.tags), "namen en nummers komen nooit als HTML in de pagina"
    assert parsed.tags.count("h1") == 1
    text = "".join(parsed.text)
    for name in roster.values():  # never handed in: always on the attention list, with the class list's name
        assert name in text, name
    for row in read_excel_csv(course.course_dir / "overzicht" / f"{A}-aandacht.csv"):
        assert not any(value.startswith(("=", "+", "@")) for value in row), row  # Excel would run it as a formula
    course_result = docent(course, "overzicht")
    assert course_result.exit_code == 0, course_result.output
    whole = parse((course.course_dir / "overzicht" / "klasoverzicht.html").read_text(encoding="utf-8"))
    assert not {"script", "img", "b"} & set(whole.tags) and whole.tags.count("h1") == 1
    text = "".join(whole.text)
    for shown in [*ids, *roster, *roster.values(), *gb_names.values()]:
        assert shown in text, shown


@pytest.mark.parametrize(
    "cells, scores, why",
    [
        (
            {"a": 2, "b": 1},
            {"s1": {"a": 0, "b": 1}, "s2": {"a": 2, "b": 0}},
            {"a": "minder dan 3", "b": "minder dan 3"},
        ),
        (
            {"a": 2, "b": 1, "c": 1},
            {"s1": {"a": 0, "b": 1, "c": 0}, "s2": {"a": 2, "b": 1, "c": 1}, "s3": {"a": 1, "b": 1, "c": 1}},
            {"b": "iedereen heeft dezelfde score"},
        ),
        (
            {"a": 2, "b": 1},
            {"s1": {"a": 0, "b": 1}, "s2": {"a": 2, "b": 1}, "s3": {"a": 1, "b": 1}},
            {"a": "de overige cellen geven iedereen hetzelfde totaal", "b": "iedereen heeft dezelfde score"},
        ),
        ({"a": 3}, {"s1": {"a": 0}, "s2": {"a": 3}, "s3": {"a": 1}}, {"a": "de enige cel met punten"}),
    ],
    ids=["twee-studenten", "constante-cel", "constante-rest", "een-cel"],
)
def test_no_rir_without_enough_students_or_variance_and_the_page_says_why(
    cells, scores, why, tmp_path, empty_gradebook
):
    a = Assignment(cells=cells, scores=scores)
    course = make_course(tmp_path / "cursus", empty_gradebook, [a])
    assert docent(course, "overzicht", A).exit_code == 0
    expected = check_items(course, a, list(scores))
    assert {c for c, (_p, rir) in expected.items() if rir is None} == set(why)
    page = (course.course_dir / "overzicht" / f"{A}.html").read_text(encoding="utf-8")
    for cel, reason in why.items():
        row = re.search(rf"<td><code>{re.escape(cel)}</code></td>(.*?)</tr>", page)[1]
        assert "<td class='getal'>–</td>" in row and f"rir: {reason}" in row, row
    assert "Bij minder dan 3 studenten" in page


# --------------------------------------------------------------------------- the whole course


def test_whole_course_table_and_heat_map(tmp_path, empty_gradebook):
    second = Assignment(
        name="tweede",
        cells={"t1": 2, "t2": 2},
        scores={"s1": {"t1": 2, "t2": 1}, "s2": {"t1": 0, "t2": 0}},
        late={"s2"},
    )
    course = make_course(tmp_path / "cursus", empty_gradebook, [SMALL, second], ROSTER)
    (course.folder("source") / "tweede").mkdir(parents=True)
    result = docent(course, "overzicht")
    assert result.exit_code == 0, result.output
    out = course.course_dir / "overzicht"
    table = read_excel_csv(out / "klasoverzicht.csv")
    assert table[0] == [
        "student",
        "naam",
        f"{A} punten",
        f"{A} max",
        f"{A} status",
        "tweede punten",
        "tweede max",
        "tweede status",
    ]
    rows = {r[0]: r for r in table[1:]}
    assert set(rows) == set(ROSTER)
    assert rows["s1"][1:] == ["Jan Jansen", "8", "8", "", "3", "4", ""]
    assert rows["s2"][5:] == ["0", "4", "te laat"]
    assert rows["s3"][5:] == ["", "4", "niet ingeleverd"]
    assert rows["s5"][2:5] == ["7", "8", "te laat"]
    page = (out / "klasoverzicht.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg [^>]*>", page)[0]
    label = html.unescape(re.search(r'aria-label="([^"]*)"', svg)[1])
    assert label.startswith("Heatmap van 8 studenten en 2 opdrachten") and "7 keer niet ingeleverd" in label
    assert "2 keer te laat" in label
    assert "niet ingeleverd" in page and "te laat" in page


# --------------------------------------------------------------------------- bad input, progress


def assert_one_dutch_line(result, what: str) -> None:
    """As tests/test_docent_cli.py: a non-zero exit, no traceback, one line, no English."""
    assert result.exit_code not in (0, None), (what, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
    assert "Traceback" not in result.output, (what, result.output)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, (what, result.output)
    assert not re.search(r"\b(Error|Missing|Invalid|No such|not found|does not exist|Usage)\b", lines[0]), lines[0]


def test_bad_input_is_one_dutch_line_and_writes_nothing(small, tmp_path, empty_gradebook):
    cases = [
        (small, ["overzicht", "bestaat-niet"], "Opdracht 'bestaat-niet' staat niet in het cijferboek (wel: oefening)"),
        (small, ["overzicht", A, "--uitvoer", str(small.db_path)], "is een bestand, geen map"),
    ]
    empty = make_course(tmp_path / "leeg", empty_gradebook, [])
    cases.append((empty, ["overzicht"], "is leeg"))
    cases.append((empty, ["overzicht", A], "is leeg"))
    none = make_course(tmp_path / "zonder", empty_gradebook, [])
    none.db_path.unlink()
    cases.append((none, ["overzicht"], "Er is nog geen cijferboek"))
    unmarked = make_course(tmp_path / "niets", empty_gradebook, [Assignment(cells={"a": 1})], {"s1": "Jan"})
    cases.append((unmarked, ["overzicht", A], "nog niets nagekeken"))
    broken = make_course(tmp_path / "kapot", empty_gradebook, [])
    broken.db_path.write_bytes(b"geen SQLite" * 100)
    cases.append((broken, ["overzicht"], "niet te lezen"))
    for course, args, fragment in cases:
        result = docent(course, *args)
        assert_one_dutch_line(result, " ".join(args))
        assert result.exit_code == 1 and fragment in result.output, (args, result.output)
        assert not (course.course_dir / "overzicht").exists()


def test_progress_for_a_large_class(small, monkeypatch):
    monkeypatch.setattr(docent_cli, "PROGRESS_FROM", 2)
    result = docent(small, "overzicht", A)
    assert result.exit_code == 0, result.output
    assert "Overzicht oefening" in result.output and "8/8" in result.output and "0/?" not in result.output
    result = docent(small, "overzicht")
    assert "Overzicht alle opdrachten" in result.output and "8/8" in result.output


def test_an_edited_csv_is_kept_not_overwritten(small):
    assert docent(small, "overzicht", A).exit_code == 0
    items = small.course_dir / "overzicht" / f"{A}-items.csv"
    items.write_text("bewerkt in Excel", encoding="utf-8")
    assert docent(small, "overzicht", A).exit_code == 0
    kept = list(items.parent.glob(f"{A}-items.vorige-*.csv"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "bewerkt in Excel"
    assert items.read_text(encoding="utf-8-sig").startswith(HEADER)


def test_book_explains_the_overview():
    book = (REPO_ROOT / "book" / "voor-docenten.md").read_text(encoding="utf-8")
    section = book.split("overzicht van de klas", 1)[1].split("\n## ", 1)[0]
    assert "uv run activering docent overzicht" in section
    for needed in ("p-waarde", "rir", "0,3", "0,9", "0,2", "niet ingeleverd", "images/docent-overzicht.png"):
        assert needed in section, needed
    assert (REPO_ROOT / "book" / "images" / "docent-overzicht.png").is_file()


# --------------------------------------------------------------------------- in a browser


def big_class(seed: int = 7, n: int = 40) -> tuple[Assignment, dict[str, str]]:
    """A class like a real one: most pass, a hard question, one that everyone gets, some absent and late."""
    rng = random.Random(seed)
    cells = {"test_telling": 2, "test_randgeval": 2, "test_verdeling": 3, "reflectie": 2}
    roster, scores, late = {}, {}, set()
    first = ["Jan", "Zoë", "Anne-Marie", "Mohammed", "Fatma", "Kees", "Lotte", "Sanne", "Daan", "Priya"]
    last = ["Jansen", "Çelik", "de Vries", "El Amrani", "Yıldız", "Smit", "Mol", "Bakker", "Visser", "Ramdin"]
    for i in range(n):
        sid = f"2045{i:02d}"
        roster[sid] = f"{first[i % 10]} {last[(i * 3) % 10]}"
        if i % 13 == 5:
            continue  # not handed in
        ability = rng.random()
        scores[sid] = {
            "test_telling": 2.0,
            "test_randgeval": 2.0 if rng.random() < 0.15 + ability * 0.1 else 0.0,
            "test_verdeling": float(min(3, round(ability * 3 + rng.random()))),
            "reflectie": float(min(2, round(ability * 2 + rng.random() - 0.3))),
        }
        if i % 11 == 3:
            late.add(sid)
    return Assignment(cells=cells, scores=scores, late=late), roster


@pytest.mark.slow
def test_the_pages_in_chromium_at_1366_and_375_px(tmp_path, empty_gradebook, browser):
    """Both pages: no sideways page scroll, a Dutch text alternative on every chart, no serious axe finding."""
    a, roster = big_class()
    second = Assignment(name="tweede", cells={"t1": 2}, scores={sid: {"t1": 1.0} for sid in list(a.scores)[::2]})
    course = make_course(tmp_path / "cursus", empty_gradebook, [a, second], roster)
    for args in ([A], []):
        result = docent(course, "overzicht", *args)
        assert result.exit_code == 0, result.output
    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {A: "cijfers", "klasoverzicht": "Heatmap van 40 studenten"}
    for name, wording in pages.items():
        url = (course.course_dir / "overzicht" / f"{name}.html").as_uri()
        for width in (1366, 375):
            context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
            context.route(re.compile(r"^https?://"), lambda route: route.abort())  # offline: nothing from outside
            page = context.new_page()
            page.goto(url, wait_until="load")
            scroll = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            assert scroll <= width, f"{name} op {width}px: de pagina is {scroll}px breed"
            labels = page.evaluate(
                "[...document.querySelectorAll('svg')].map(s => [s.getAttribute('role'), s.getAttribute('aria-label')])"
            )
            assert labels and all(
                role == "img" and wording in (label or "") and len(label.split()) >= 8 for role, label in labels
            ), labels
            page.evaluate(axe)
            violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
            serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
            assert not serious, (name, width, serious)
            if name == A and width == 1366:
                shot = ARTIFACTS / "docent-overzicht.png"
                page.set_viewport_size({"width": width, "height": 1500})
                page.screenshot(path=str(shot))
                if os.environ.get("ACTIVERING_SCHERMAFDRUKKEN"):
                    target = Path(os.environ["ACTIVERING_SCHERMAFDRUKKEN"])
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy(shot, target / "docent-overzicht.png")
            else:
                page.screenshot(path=str(ARTIFACTS / f"docent-{name}-{width}px.png"), full_page=True)
            context.close()
