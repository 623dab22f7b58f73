"""``feedback``: one HTML page per student and assignment, with scores, rubric and comments.

Unlike nbgrader's own feedback (which shows the executed test cells, hidden tests included),
test cells are shown as they were handed out: the visible part only, the points, and the
kind of error — so a course can allow resubmission without giving the hidden tests away.
Outputs of cells that ran at or after the first test with hidden parts are not shown at all:
student code can catch a hidden test in many ways and print it in any disguise
(see :mod:`activering.grading.integrity`).
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from nbgrader.api import MissingEntry

from activering.files import write_atomic
from activering.grading.config import Course
from activering.grading.integrity import (
    HIDDEN_OUTPUT_NOTE,
    NOTEBOOK_ERRORS,
    has_hidden_tests,
    hidden_grade_ids,
    safe_error,
    tainted_positions,
)
from activering.grading.nbapi import gradebook
from activering.grading.rubrics import load_rubric, read_assessments, refuse_unapplied
from activering.grading.status import FAILED, load_report

CSS = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.5rem}.score{font-size:1.2rem;font-weight:600}
.cel{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.test{border-left:6px solid #0b6e4f}.antwoord{border-left:6px solid #2b59c3}.fout{border-left:6px solid #b3261e}
pre{background:#f4f4f4;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.signaal{background:#fff4e5;border:1px solid #e0a030;padding:.5rem 1rem;border-radius:6px}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top}
.gekozen{background:#e3f2e8;font-weight:600}
.verborgen{color:#555}
"""


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else (source or "")


def _outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(f"<pre>{html.escape(_text(out.get('text')))}</pre>")
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data:
                parts.append(f"<pre>{html.escape(_text(data['text/plain']))}</pre>")
        elif kind == "error":
            parts.append(f"<pre>{html.escape(out.get('ename', ''))}: {html.escape(out.get('evalue', ''))}</pre>")
    return "".join(parts)


def _test_error(cell, visible_source: str, hidden: bool) -> str:
    error = safe_error(cell, visible_source)
    if error is None:
        return ""
    ename, evalue = error
    if ename == "CellTimeoutError":
        return "<p>De test is afgebroken: de tijdslimiet per cel werd overschreden.</p>"
    if ename == "DeadKernelError":
        return "<p>De test is niet uitgevoerd: de kernel was gestopt.</p>"
    shown = f": {html.escape(evalue)}" if evalue else ""
    note = " Details van verborgen tests worden niet getoond." if hidden else ""
    return f"<p>De test gaf een fout (<code>{html.escape(ename)}</code>{shown}).{note}</p>"


def _hidden_outputs(cell) -> str:
    """What a student sees of a cell that ran after hidden tests: a note and a built-in error name."""
    if not cell.get("outputs"):
        return ""
    error = safe_error(cell, "")
    shown = f" De cel gaf een fout: <code>{html.escape(error[0])}</code>." if error else ""
    return f"<p class='verborgen'><em>{html.escape(HIDDEN_OUTPUT_NOTE)}</em>{shown}</p>"


def _rubric_html(vraag, given: list[dict]) -> str:
    chosen = {(r["criterium"], r["punten"]) for r in given}
    rows = []
    for crit in vraag.criteria:
        cells = "".join(
            f"<td class='{'gekozen' if (crit.naam, n.punten) in chosen else ''}'>{n.punten:g} p — {html.escape(n.omschrijving)}</td>"
            for n in crit.niveaus
        )
        rows.append(f"<tr><th>{html.escape(crit.naam)}</th>{cells}</tr>")
    remarks = "".join(
        f"<li>{html.escape(r['criterium'])}: {html.escape(r['opmerking'])}</li>" for r in given if r["opmerking"]
    )
    return f"<table>{''.join(rows)}</table>" + (f"<ul>{remarks}</ul>" if remarks else "")


def render_feedback(course: Course, assignment: str, student: str) -> str:
    md = MarkdownIt()
    rubric = load_rubric(course, assignment)
    assessments = read_assessments(course, assignment).get(student, {})
    status = load_report(course, assignment).get(student)
    release_dir = course.folder("release") / assignment
    body = [f"<h1>Feedback: {html.escape(assignment)}</h1><p>Student: <strong>{html.escape(student)}</strong></p>"]
    with gradebook(course) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            submission = None
        if submission is None:
            body.append("<p>Er is geen inzending nagekeken.</p>")
        else:
            body.append(f"<p class='score'>Score: {submission.score:g} van {submission.max_score:g} punten</p>")
        if status and status.status == FAILED:
            body.append(f"<div class='signaal'><strong>Niet nagekeken:</strong> {html.escape(status.reden)}</div>")
        if status and status.signalen:
            items = "".join(f"<li>{html.escape(s)}</li>" for s in status.signalen)
            body.append(f"<div class='signaal'><strong>Let op:</strong><ul>{items}</ul></div>")
        grades = {}
        comments = {}
        if submission is not None:
            for nb in submission.notebooks:
                for g in nb.grades:
                    grades[(nb.name, g.name)] = g
                for c in nb.comments:
                    comments[(nb.name, c.name)] = c
        for release_nb in sorted(release_dir.glob("*.ipynb")):
            name = release_nb.stem
            released = nbformat.read(str(release_nb), as_version=4)
            graded_path = course.folder("autograded") / student / assignment / release_nb.name
            hidden_ids = hidden_grade_ids(course.folder("source") / assignment / release_nb.name)
            graded, tainted = {}, set()
            if graded_path.exists():
                try:
                    cells = nbformat.read(str(graded_path), as_version=4).cells
                except NOTEBOOK_ERRORS:
                    cells = []
                after_hidden = tainted_positions(cells, hidden_ids)
                for index, cell in enumerate(cells):
                    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    if gid:
                        graded.setdefault(gid, cell)
                        if index in after_hidden:
                            tainted.add(gid)
            body.append(f"<h2>{html.escape(name)}</h2>")
            for cell in released.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                gid = meta.get("grade_id")
                if meta.get("solution"):
                    mine = graded.get(gid)
                    source = _text(mine.source) if mine is not None else "(niet beschikbaar)"
                    block = md.render(source) if cell.cell_type == "markdown" else f"<pre>{html.escape(source)}</pre>"
                    if mine is not None and cell.cell_type == "code":
                        block += _hidden_outputs(mine) if gid in tainted else _outputs(mine)
                    if meta.get("grade"):
                        g = grades.get((name, gid))
                        pts = f"{g.score:g} van {g.max_score:g} punten" if g else "nog niet beoordeeld"
                        block += f"<p class='score'>{pts}</p>"
                        if rubric and gid in rubric.vragen:
                            block += f"<h4>Rubric: {html.escape(rubric.vragen[gid].titel)}</h4>"
                            block += _rubric_html(rubric.vragen[gid], assessments.get(gid, []))
                        c = comments.get((name, gid))
                        if c is not None and c.manual_comment:
                            block += f"<p><strong>Opmerking van je docent:</strong> {html.escape(c.manual_comment)}</p>"
                    body.append(f"<div class='cel antwoord'>{block}</div>")
                elif meta.get("grade") and cell.cell_type == "code":
                    g = grades.get((name, gid))
                    visible = _text(cell.source)
                    pts = f"{g.score:g} van {g.max_score:g} punten" if g else "niet nagekeken"
                    mine = graded.get(gid)
                    hidden = gid in hidden_ids or (mine is not None and has_hidden_tests(mine))
                    err = _test_error(mine, visible, hidden) if mine is not None else ""
                    body.append(
                        f"<div class='cel test {'fout' if err else ''}'><p><strong>Test {html.escape(gid)}</strong>"
                        f" — {pts}</p><pre>{html.escape(visible)}</pre>{err}</div>"
                    )
                elif cell.cell_type == "markdown":
                    body.append(f"<div>{md.render(_text(cell.source))}</div>")
    return (
        f"<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Feedback {html.escape(assignment)}"
        f"</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def feedback(assignment: str, course: Course | None = None, students: list[str] | None = None) -> dict[str, Path]:
    """Write ``feedback/<student>/<assignment>/<assignment>.html`` for every graded student.

    Only reads the gradebook; refuses (RubricError) while the rubric sheet holds scores that
    ``beoordelingen`` has not written into the gradebook yet."""
    course = course or Course.default()
    with gradebook(course) as gb:
        refuse_unapplied(course, assignment, gb)
        ids = [s.student.id for s in gb.find_assignment(assignment).submissions]
    written = {}
    for sid in sorted(ids):
        if students and sid not in students:
            continue
        path = course.folder("feedback") / sid / assignment / f"{assignment}.html"
        write_atomic(path, render_feedback(course, assignment, sid))
        written[sid] = path
    return written
