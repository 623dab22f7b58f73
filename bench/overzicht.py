"""How long ``activering docent overzicht`` takes for a class of 200 (synthetic submissions).

A gradebook with 200 students and four assignments (five cells each, one of them a rubric
answer; about 5% not handed in, some late) is written with nbgrader's own ``Gradebook`` API,
with a class list, a grading report with signals and a filled-in rubric sheet. Then the
overview is made for one assignment and for the whole course, each a few times; the median
is reported. No kernels: the gradebook is what ``nakijken`` and ``beoordelingen`` would leave.

Run: ``uv run python bench/overzicht.py [--studenten 200] [--herhalingen 3]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "grading"
ASSIGNMENTS = ["oefening", "tweede", "derde", "vierde"]
CELLS = {"test_telling": 2.0, "test_randgeval": 2.0, "test_verdeling": 3.0, "test_extra": 1.0, "reflectie": 2.0}
DUE = datetime(2025, 9, 12, 12, 0)


def build(root: Path, students: int, seed: int = 1):
    """A course under ``root`` with ``students`` students in the gradebook, the class list and reports."""
    from nbgrader.api import Gradebook

    from activering.grading.config import Course
    from activering.grading.status import FAILED, OK, StudentStatus, save_report

    rng = random.Random(seed)
    (root / "exercises").mkdir(parents=True)
    shutil.copytree(FIXTURE / "grading", root / "grading")
    course = Course.at(root / "exercises", root / "grading")
    ids = [f"2045{i:04d}" for i in range(students)]
    course.status_dir.mkdir(parents=True)
    (course.status_dir / "klaslijst.csv").write_text(
        "studentnummer;naam\n" + "".join(f"{sid};Student {i}\n" for i, sid in enumerate(ids)), encoding="utf-8"
    )
    sheet = ["student;vraag;criterium;punten;opmerking"]
    with warnings.catch_warnings(), Gradebook(course.db_url, course.config.cursus) as gb:
        warnings.simplefilter("ignore")
        for name in ASSIGNMENTS:
            gb.update_or_create_assignment(name, duedate=DUE)
            gb.add_notebook(name, name)
            for cell, maximum in CELLS.items():
                if cell == "reflectie":
                    gb.add_solution_cell(cell, name, name)
                kind = "markdown" if cell == "reflectie" else "code"
                gb.add_grade_cell(cell, name, name, max_score=maximum, cell_type=kind)
        for sid in ids:
            gb.update_or_create_student(sid)
        for name in ASSIGNMENTS:
            report = {}
            for sid in ids:
                if rng.random() < 0.05:
                    continue  # not handed in
                late = rng.random() < 0.08
                gb.add_submission(name, sid, timestamp=DUE + timedelta(hours=5 if late else -2))
                ability = rng.random()
                for cell, maximum in CELLS.items():
                    grade = gb.find_grade(cell, name, name, sid)
                    value = float(min(maximum, round(ability * maximum + rng.random() - 0.4)))
                    value = max(0.0, value)
                    if cell == "reflectie":
                        first, second = min(1, int(value >= 1)), min(1, int(value >= 2))
                        grade.manual_score = float(first + second)
                        if name == "oefening":
                            sheet += [
                                f"{sid};reflectie;Wat de telling laat zien;{first};",
                                f"{sid};reflectie;Grenzen van de cijfers;{second};",
                            ]
                    else:
                        grade.auto_score = value
                    grade.needs_manual_grade = False
                failed = rng.random() < 0.02
                signals = ["oefening/test_telling: testcel gewijzigd"] if rng.random() < 0.03 else []
                report[sid] = StudentStatus(
                    sid, FAILED if failed else OK, reden="tijdslimiet" if failed else "", signalen=signals
                )
            gb.db.commit()
            save_report(course, name, report)
    sheet_path = course.grading_dir / "beoordelingen" / "oefening.csv"
    sheet_path.parent.mkdir(parents=True, exist_ok=True)
    sheet_path.write_text("\n".join(sheet) + "\n", encoding="utf-8")
    return course


def timed(repeats: int, run) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studenten", type=int, default=200)
    parser.add_argument("--herhalingen", type=int, default=3)
    args = parser.parse_args()
    from activering.grading.overzicht import overzicht

    with tempfile.TemporaryDirectory(prefix="bench-overzicht-") as tmp:
        start = time.perf_counter()
        course = build(Path(tmp) / "cursus", args.studenten)
        print(
            f"cijferboek met {args.studenten} studenten × {len(ASSIGNMENTS)} opdrachten: "
            f"{time.perf_counter() - start:.1f} s om te maken"
        )
        one = timed(args.herhalingen, lambda: overzicht(course, "oefening"))
        whole = timed(args.herhalingen, lambda: overzicht(course))
        print(
            f"overzicht oefening (1 opdracht):   mediaan {statistics.median(one):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in one)})"
        )
        print(
            f"overzicht (hele cursus, 4 opdr.):  mediaan {statistics.median(whole):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in whole)})"
        )


if __name__ == "__main__":
    main()
