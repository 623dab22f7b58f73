"""Benchmark: plain serial `nbgrader autograde` against `activering docent nakijken`.

Builds a temporary course with the fixture assignment (tests/fixtures/grading), releases it,
writes N synthetic submissions (correct / partly right / wrong / blank), and grades the same
submissions twice, each from a fresh gradebook: once with plain `nbgrader autograde` (one
process, serial) and once with `activering docent nakijken` (workers = number of cores).
Prints both times, the speed ratio and whether every score is identical. (Plain nbgrader uses the
course's configuration, so its kernels run in the same sandbox, one fresh sandbox per kernel; the
parallel workers fork their kernels from a warm zygote, see activering.grading.sandbox.)

With ``--opdracht <naam>`` the same comparison runs on one of the course's real assignments
(``exercises/source/<naam>``, pandas and Altair in every kernel); submissions then alternate
between the instructor's solution, a half-finished and a blank release.

    uv run python bench/autograde.py [--aantal 40] [--workers N] [--opdracht caseload-verkennen]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

from activering.grading.config import Course  # noqa: E402
from activering.grading.release import vrijgeven  # noqa: E402

ASSIGNMENT = "oefening"
MIX = ["correct", "gedeeltelijk", "fout", "blanco"]
REAL_MIX = ["oplossing", "half", "blanco"]


def build(root: Path, n: int, assignment: str = ASSIGNMENT) -> Course:
    real = assignment != ASSIGNMENT
    (root / "exercises" / "source").mkdir(parents=True)
    source = (REPO / "exercises" / "source" if real else FIXTURE / "source") / assignment
    shutil.copytree(source, root / "exercises" / "source" / assignment)
    shutil.copytree(
        REPO / "grading" if real else FIXTURE / "grading",
        root / "grading",
        ignore=shutil.ignore_patterns("beoordelingen"),
    )
    shutil.copy(REPO / "exercises" / "nbgrader_config.py", root / "exercises")
    course = Course.at(root / "exercises", root / "grading")
    vrijgeven(assignment, course)
    release_nb = course.folder("release") / assignment / f"{assignment}.ipynb"
    for i in range(n):
        dest = course.folder("submitted") / f"s{i:03d}" / assignment
        if real:
            real_submission(
                REAL_MIX[i % len(REAL_MIX)], course.folder("source") / assignment / release_nb.name, release_nb, dest
            )
        else:
            synthetic.make_submission(MIX[i % len(MIX)], release_nb, dest)
    return course


def real_submission(kind: str, solution_nb: Path, release_nb: Path, dest: Path) -> None:
    """The release with none, half or all of the answer cells taken from the instructor's solution."""
    released, solution = json.loads(release_nb.read_text()), json.loads(solution_nb.read_text())
    answers = {
        c["metadata"]["nbgrader"]["grade_id"]: c["source"]
        for c in solution["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    keep = {"oplossing": len(answers), "half": len(answers) // 2, "blanco": 0}[kind]
    for cell in released["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in list(answers)[:keep]:
            cell["source"] = answers[grade_id]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / release_nb.name).write_text(json.dumps(released))


def clone(course: Course, root: Path) -> Course:
    (root / "exercises").mkdir(parents=True)
    for name in ("source", "release", "submitted", "nbgrader_config.py", "gradebook.db"):
        src = course.course_dir / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / "exercises" / name)
    shutil.copytree(course.grading_dir, root / "grading")
    return Course.at(root / "exercises", root / "grading")


def scores(course: Course, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        return {
            (s.student_id, nb.name, g.name): (g.auto_score, g.score)
            for s in gb.assignment_submissions(assignment)
            for nb in s.notebooks
            for g in nb.grades
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aantal", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--opdracht", default=ASSIGNMENT, help="a real assignment from exercises/source")
    args = parser.parse_args()
    assignment = args.opdracht
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-nakijken-") as tmp:
        base = build(Path(tmp) / "basis", args.aantal, assignment)
        plain, ours = clone(base, Path(tmp) / "plain"), clone(base, Path(tmp) / "ours")

        start = time.perf_counter()
        subprocess.run(
            [str(bindir / "nbgrader"), "autograde", assignment], cwd=plain.course_dir, check=False, capture_output=True
        )
        t_plain = time.perf_counter() - start

        cmd = [
            str(bindir / "activering"),
            "docent",
            "nakijken",
            assignment,
            "--cursus",
            str(ours.course_dir),
            "--instellingen",
            str(ours.grading_dir),
        ]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        t_ours = time.perf_counter() - start

        a, b = scores(plain, assignment), scores(ours, assignment)
        identical = a == b and len(a) > 0 and len({key[0] for key in a}) == args.aantal
        print(f"opdracht:                     {assignment}")
        print(f"inzendingen:                  {args.aantal}")
        print(f"kernen:                       {os.cpu_count()}")
        print(f"nbgrader autograde (serieel): {t_plain:6.1f} s ({t_plain / args.aantal:.2f} s per inzending)")
        print(f"activering docent nakijken:   {t_ours:6.1f} s ({t_ours / args.aantal:.2f} s per inzending)")
        print(f"versnelling:                  {t_plain / t_ours:6.2f}x")
        print(f"alle scores identiek:         {'ja' if identical else 'NEE'}")
        if not identical:
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    print("  verschil", key, a.get(key), b.get(key))
            sys.exit(1)


if __name__ == "__main__":
    main()
