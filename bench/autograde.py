"""Benchmark: plain serial `nbgrader autograde` against `activering docent nakijken`.

Builds a temporary course with the fixture assignment (tests/fixtures/grading), releases it,
writes N synthetic submissions (correct / partly right / wrong / blank), and grades the same
submissions twice, each from a fresh gradebook: once with plain `nbgrader autograde` (one
process, serial) and once with `activering docent nakijken` (workers = number of cores).
Prints both times, the speed ratio and whether every score is identical.

    uv run python bench/autograde.py [--aantal 40] [--workers N]
"""

from __future__ import annotations

import argparse
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


def build(root: Path, n: int) -> Course:
    (root / "exercises" / "source").mkdir(parents=True)
    shutil.copytree(FIXTURE / "source" / ASSIGNMENT, root / "exercises" / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURE / "grading", root / "grading")
    shutil.copy(REPO / "exercises" / "nbgrader_config.py", root / "exercises")
    course = Course.at(root / "exercises", root / "grading")
    vrijgeven(ASSIGNMENT, course)
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for i in range(n):
        synthetic.make_submission(MIX[i % len(MIX)], release_nb, course.folder("submitted") / f"s{i:03d}" / ASSIGNMENT)
    return course


def clone(course: Course, root: Path) -> Course:
    (root / "exercises").mkdir(parents=True)
    for name in ("source", "release", "submitted", "nbgrader_config.py", "gradebook.db"):
        src = course.course_dir / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / "exercises" / name)
    shutil.copytree(course.grading_dir, root / "grading")
    return Course.at(root / "exercises", root / "grading")


def scores(course: Course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        return {(s.student_id, nb.name, g.name): (g.auto_score, g.score)
                for s in gb.assignment_submissions(ASSIGNMENT) for nb in s.notebooks for g in nb.grades}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aantal", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-nakijken-") as tmp:
        base = build(Path(tmp) / "basis", args.aantal)
        plain, ours = clone(base, Path(tmp) / "plain"), clone(base, Path(tmp) / "ours")

        start = time.perf_counter()
        subprocess.run([str(bindir / "nbgrader"), "autograde", ASSIGNMENT], cwd=plain.course_dir,
                       check=False, capture_output=True)
        t_plain = time.perf_counter() - start

        cmd = [str(bindir / "activering"), "docent", "nakijken", ASSIGNMENT, "--cursus", str(ours.course_dir),
               "--instellingen", str(ours.grading_dir)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        t_ours = time.perf_counter() - start

        a, b = scores(plain), scores(ours)
        identical = a == b and len(a) == 2 * args.aantal
        print(f"inzendingen:                  {args.aantal}")
        print(f"kernen:                       {os.cpu_count()}")
        print(f"nbgrader autograde (serieel): {t_plain:6.1f} s")
        print(f"activering docent nakijken:   {t_ours:6.1f} s")
        print(f"versnelling:                  {t_plain / t_ours:6.2f}x")
        print(f"alle scores identiek:         {'ja' if identical else 'NEE'}")
        if not identical:
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    print("  verschil", key, a.get(key), b.get(key))
            sys.exit(1)


if __name__ == "__main__":
    main()
