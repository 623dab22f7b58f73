"""The class's casus choices (issue 18), the casus index in JupyterLab and the recap's glossary terms (issue 17).

Fast: no browser, kernel or book build. A generator makes a class of exports (valid ones with hostile
motivations, and broken, foreign, outdated and misplaced files in plain, nested and zip-slip zips); the
test counts what the page must show by its own reckoning and reads the page back.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from activering.casus.begrippen import casus_texts, term_pattern, terms_in
from activering.casus.keuzes import SCHEMA, CasusKeuzes, casus_version, export_document
from activering.casus.load import CASUS_DIR, load_all_casussen
from activering.casus.model import Kind
from activering.casus.overzicht import INDEX_NOTEBOOK, overview, played_status
from activering.casus.page import write_notebooks
from activering.cli import app
from activering.glossary import Term, load_glossary
from activering.journal import Journal

CASUSSEN = load_all_casussen()
HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "Ëën ‘motivering’ met 🙂 en 中文",
    "lang " * 900,
    "regel één\nregel twee & <b>vet</b>",
]


@pytest.fixture(scope="module")
def casus_map(tmp_path_factory) -> Path:
    """The casussen this module loaded, as files: content helpers may edit casussen/ while the tests run."""
    folder = tmp_path_factory.mktemp("casussen")
    for casus in CASUSSEN:
        text = yaml.safe_dump(casus.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
        (folder / f"{casus.slug}.yml").write_text(text, encoding="utf-8")
    return folder


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})


def docent_casussen(casus_map: Path, *args: str):
    return run_cli("docent", "casussen", *args, "--map", str(casus_map))


# --------------------------------------------------------------------------- a generated class


@dataclass
class Student:
    casus: str
    path: list[tuple[str, tuple[str, ...]]]
    motivations: dict[str, str] = field(default_factory=dict)  # shared only


def random_run(casus, rnd: random.Random, number: int, share: bool) -> tuple[Student, dict]:
    """A path through ``casus`` chosen at random, with a motivation marker per decision when shared."""
    current, path, chosen, texts = casus.beslissingen[0].id, [], {}, {}
    while current is not None:
        decision = casus.decision(current)
        ids = [option.id for option in decision.opties]
        if decision.soort is Kind.OPEN:
            pick: tuple[str, ...] = ()
        elif decision.soort is Kind.MULTIPLE:
            pick = tuple(i for i in ids if rnd.random() < 0.5) or (ids[0],)
        else:  # skewed, so that some options get 1 or 2 choosers and others many
            pick = (ids[min(int(rnd.expovariate(1.2)), len(ids) - 1)],)
        path.append(current)
        chosen[current] = list(pick)
        texts[current] = f"MOT-{number}-{current} {rnd.choice(HOSTILE)}"
        current = casus.next_decision(current, list(pick))
    document = export_document(casus, path, chosen, texts if share else None)
    student = Student(casus.slug, [(d, tuple(chosen[d])) for d in path], texts if share else {})
    return student, document


def class_zip(rnd: random.Random, students: int) -> tuple[bytes, list[Student], list[str]]:
    """An LMS-like zip: valid exports for two casussen and a set of files that must be skipped, by name."""
    first, second = CASUSSEN[0], CASUSSEN[1]
    made, bad = [], []
    buffer = io.BytesIO()
    nested = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, zipfile.ZipFile(nested, "w") as inner:
        for number in range(students):
            casus = first if number % 5 else second
            student, document = random_run(casus, rnd, number, share=rnd.random() < 0.7)
            made.append(student)
            text = json.dumps(document, ensure_ascii=False)
            layout = number % 4
            if layout == 0:  # Brightspace
                archive.writestr(f"1{number}-77 - Student {number} - 3 okt. 2026 1200 - keuzes-{casus.slug}.json", text)
            elif layout == 1:  # Moodle
                archive.writestr(f"Student {number}_{number}_assignsubmission_file_/keuzes-{casus.slug}.json", text)
            elif layout == 2:  # in a zip a student handed in
                inner.writestr(f"student{number}/keuzes-{casus.slug}.json", text)
            else:  # zip-slip name: read in memory, never written anywhere
                archive.writestr(f"../../../tmp/student{number}_{number}_1_keuzes.json", text)
        outdated = dict(random_run(first, rnd, 999, share=True)[1], casusversie="0" * 16)
        foreign = dict(random_run(first, rnd, 998, share=False)[1], casus="bestaat-niet")
        wrong_path = random_run(first, rnd, 997, share=False)[1]
        wrong_path["keuzes"] = wrong_path["keuzes"][1:]
        for name, content in {
            "kapot.json": "{ geen json",
            "ander-formaat.json": json.dumps({"formaat": "iets-anders", "versie": 1}),
            "oude-versie.json": json.dumps(outdated),
            "andere-casus.json": json.dumps(foreign),
            "verkeerd-pad.json": json.dumps(wrong_path),
            "notities.txt": "geen export",
        }.items():
            archive.writestr(name, content)
            bad.append(name)
        archive.writestr("index.html", "<html>Brightspace</html>")  # the LMS's own file: not reported
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("Student 2_2_assignsubmission_file_/ingeleverd.zip", nested.getvalue())
    return buffer.getvalue(), made, bad


def expected_counts(students: list[Student], casus) -> dict[str, dict[str, int]]:
    """Independent counting: per decision, per option, how many students chose it; '' = reached."""
    counts: dict[str, dict[str, int]] = {}
    for student in students:
        if student.casus != casus.slug:
            continue
        for decision_id, pick in student.path:
            row = counts.setdefault(decision_id, {})
            row[""] = row.get("", 0) + 1
            for option_id in pick:
                row[option_id] = row.get(option_id, 0) + 1
    return counts


def page_counts(page: str) -> dict[str, list[str]]:
    """Per decision section on the page: the count cells, in option order."""
    sections = re.findall(r"<section data-beslissing='([^']+)'>(.*?)</section>", page, re.S)
    return {d: re.findall(r"<td class='aantal'>([^<]*)</td>", body) for d, body in sections}


def k_rule(counts: list[int], total: int) -> list[str]:
    """1 and 2 hidden as "< 3"; a lone hidden count that the total would give away hides the smallest other too."""
    cells = ["&lt; 3" if 0 < c < 3 else str(c) for c in counts]
    lone = sum(0 < c < 3 for c in counts) == 1
    big = sorted((c, i) for i, c in enumerate(counts) if c >= 3)
    if lone and big and sum(counts) == total:
        cells[big[0][1]] = "≥ 3"
    return cells


def no_count_follows_from_the_total(page: str, casus) -> None:
    """For a one-choice decision, a hidden count is never the shown total minus the shown counts."""
    for decision, body in re.findall(r"<section data-beslissing='([^']+)'>(.*?)</section>", page, re.S):
        if casus.decision(decision).soort not in (Kind.SINGLE, Kind.SCALE):
            continue  # several choices per student: the counts need not add up to the total
        total = re.search(r"kwamen (.+?) studenten", body)[1]
        cells = re.findall(r"<td class='aantal'>([^<]*)</td>", body)
        hidden = [c for c in cells if not c.isdigit()]
        if total.isdigit() and sum(int(c) for c in cells if c.isdigit()) + 2 * len(hidden) >= int(total):
            # the counts could add up to the total: then one hidden cell alone would be known
            assert len(hidden) != 1, (decision, total, cells)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_class_overview_counts_like_an_independent_count_and_skips_bad_files(tmp_path, seed, casus_map):
    rnd = random.Random(seed)
    data, students, bad = class_zip(rnd, students=rnd.randint(12, 40))
    export = tmp_path / "lms" / "export.zip"
    export.parent.mkdir()
    export.write_bytes(data)
    result = docent_casussen(casus_map, str(export), "--uit", str(tmp_path / "uit"))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for name in bad:
        assert re.search(rf"overgeslagen .*{re.escape(name)}: \S", result.output), name
    assert "index.html" not in result.output
    assert f"{len(students)} exports gebruikt, {len(bad)} overgeslagen" in result.output
    assert not list((tmp_path / "lms").rglob("*.json")) and not Path("/tmp/student3_3_1_keuzes.json").exists()
    for casus in CASUSSEN[:2]:
        page = (tmp_path / "uit" / f"{casus.slug}.html").read_text(encoding="utf-8")
        expected = expected_counts(students, casus)
        shown = page_counts(page)
        for decision in casus.beslissingen:
            row = expected.get(decision.id, {})
            if decision.soort is Kind.OPEN or not row:
                assert decision.id not in shown
                continue
            assert shown[decision.id] == k_rule([row.get(o.id, 0) for o in decision.opties], row[""]), decision.id
        who = sum(s.casus == casus.slug for s in students)
        assert f"<p>{who} studenten leverden hun keuzes in." in page
        check_motivations(page, students, casus, expected)
        no_count_follows_from_the_total(page, casus)
        assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == sorted(f"{c.slug}.html" for c in CASUSSEN[:2])


def check_motivations(page: str, students: list[Student], casus, expected) -> None:
    """A shared motivation is on the page exactly when one of the options it goes with has 3 or more
    choosers (for an open question: when 3 or more students answered it), and then escaped, in full."""
    for student in students:
        if student.casus != casus.slug:
            continue
        for decision_id, pick in student.path:
            text = student.motivations.get(decision_id)
            if not text:
                continue
            row = expected[decision_id]
            options = [o.id for o in casus.decision(decision_id).opties]
            cells = dict(zip(options, k_rule([row.get(o, 0) for o in options], row[""])))
            visible = row[""] >= 3 if not pick else any(cells[o].isdigit() and row[o] >= 3 for o in pick)
            marker = text.split()[0] + " "
            assert (marker in page) is visible, (decision_id, pick, row)
            if visible:
                assert html.escape(text.strip(), quote=True) in page


def test_options_with_one_or_two_choosers_show_neither_count_nor_motivation(tmp_path, casus_map):
    casus = next(c for c in CASUSSEN if c.beslissingen[0].soort in (Kind.SINGLE, Kind.SCALE))
    first = casus.beslissingen[0]
    rnd = random.Random(7)
    buffer = io.BytesIO()
    assert len(first.opties) >= 3
    picks = [first.opties[0].id] * 4 + [first.opties[1].id] * 2 + [first.opties[2].id] * 3
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, option_id in enumerate(picks):
            current, path, chosen, texts = first.id, [], {}, {}
            while current is not None:
                decision = casus.decision(current)
                pick = [option_id] if current == first.id else ([decision.opties[0].id] if decision.opties else [])
                path.append(current)
                chosen[current] = pick
                texts[current] = f"GEHEIM-{number}-{current}"
                current = casus.next_decision(current, pick)
            archive.writestr(f"s{number}.json", json.dumps(export_document(casus, path, chosen, texts)))
    (tmp_path / "klas.zip").write_bytes(buffer.getvalue())
    result = docent_casussen(casus_map, str(tmp_path / "klas.zip"), "--uit", str(tmp_path / "uit"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "uit" / f"{casus.slug}.html").read_text(encoding="utf-8")
    # 9 students reached it: a lone "< 3" would be 9 - 4 - 3, so the 3 is hidden as well
    assert page_counts(page)[first.id][:3] == ["4", "&lt; 3", "≥ 3"]
    for number in range(4):
        assert f"GEHEIM-{number}-{first.id}" in page
    for number in range(4, 9):
        assert f"GEHEIM-{number}-{first.id}" not in page
    assert "minder dan 3 studenten; motiveringen niet getoond" in page
    del rnd


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (None, "geen casusexports gevonden (geen bestanden"),
        ({"kapot.json": "{"}, "geen casusexports gevonden (1 bestanden"),
        ({"index.html": "<html>"}, "geen casusexports gevonden (geen bestanden"),
        (b"geen zip", "geen zip-bestand"),
    ],
)
def test_unusable_input_gets_one_dutch_line(tmp_path, content, what, casus_map):
    target = tmp_path / "export.zip"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        with zipfile.ZipFile(target, "w") as archive:
            for name, text in (content or {}).items():
                archive.writestr(name, text)
    result = docent_casussen(casus_map, str(target), "--uit", str(tmp_path / "uit"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(target) in lines[0] and what in lines[0], result.output
    assert "Traceback" not in result.output and not (tmp_path / "uit").exists()


def test_missing_export_is_one_line(tmp_path, casus_map):
    result = docent_casussen(casus_map, str(tmp_path / "nergens.zip"))
    assert result.exit_code == 1 and "nergens.zip: bestaat niet." in result.output


# --------------------------------------------------------------------------- the student's side


def play_in_journal(journal: Journal, casus, motivation: str) -> list[tuple[str, list[str]]]:
    run = journal.open_run(casus.slug)
    current, path = casus.beslissingen[0].id, []
    while current is not None:
        decision = casus.decision(current)
        pick = [decision.opties[-1].id] if decision.opties else []
        journal.record_choice(run, current, pick, f"{motivation} bij {current}")
        path.append((current, pick))
        current = casus.next_decision(current, pick)
    journal.finish_run(run)
    return path


def test_journal_export_round_trip_to_the_class_page(tmp_path, monkeypatch, casus_map):
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "journaal.sqlite"))
    journal = Journal()
    casus = CASUSSEN[0]
    path = play_in_journal(journal, casus, "Mijn reden")
    journal.open_run(CASUSSEN[1].slug)  # unfinished: not exported
    plain = run_cli("journaal", "export", "--casussen", "--uit", str(tmp_path / "zonder"))
    assert plain.exit_code == 0, plain.output
    assert sorted(p.name for p in (tmp_path / "zonder").iterdir()) == [f"keuzes-{casus.slug}.json"]
    document = json.loads((tmp_path / "zonder" / f"keuzes-{casus.slug}.json").read_text(encoding="utf-8"))
    CasusKeuzes.model_validate(document)
    assert set(document) == set(SCHEMA["properties"]) == {"formaat", "versie", "casus", "casusversie", "keuzes"}
    assert document["casusversie"] == casus_version(casus)
    assert [(k["beslissing"], k["opties"]) for k in document["keuzes"]] == path
    assert "Mijn reden" not in json.dumps(document)
    shared = run_cli("journaal", "export", "--casussen", "--met-motiveringen", "--uit", str(tmp_path / "met"))
    assert shared.exit_code == 0, shared.output
    with_text = json.loads((tmp_path / "met" / f"keuzes-{casus.slug}.json").read_text(encoding="utf-8"))
    assert [k["motivatie"] for k in with_text["keuzes"]] == [f"Mijn reden bij {d}" for d, _ in path]
    archive = tmp_path / "klas.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for number in range(3):
            out.write(tmp_path / "met" / f"keuzes-{casus.slug}.json", f"s{number}/keuzes-{casus.slug}.json")
    result = docent_casussen(casus_map, str(archive), "--uit", str(tmp_path / "uit"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "uit" / f"{casus.slug}.html").read_text(encoding="utf-8")
    for decision_id, pick in path:
        if pick:
            decision = casus.decision(decision_id)
            cells = page_counts(page)[decision_id]
            assert cells[[o.id for o in decision.opties].index(pick[0])] == "3"
        assert f"Mijn reden bij {decision_id}" in page


def test_journal_export_needs_what_and_a_finished_casus(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "journaal.sqlite"))
    assert run_cli("journaal", "export").exit_code == 1
    result = run_cli("journaal", "export", "--casussen", "--uit", str(tmp_path))
    assert result.exit_code == 1 and "geen casus die je tot het eind speelde" in result.output


def test_the_version_changes_with_the_casus_content():
    casus = CASUSSEN[0]
    changed = casus.model_copy(deep=True)
    changed.beslissingen[0].vraag += " (herzien)"
    assert casus_version(casus) != casus_version(changed)
    assert casus_version(casus) == casus_version(casus.model_copy(deep=True))


# --------------------------------------------------------------------------- the casus index in JupyterLab


def test_the_index_notebook_shows_what_the_journal_says(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "journaal.sqlite"))
    journal = Journal()
    done, busy = CASUSSEN[0], CASUSSEN[1]
    journal.finish_run(journal.open_run(done.slug))
    journal.open_run(busy.slug)
    rows = overview(CASUSSEN, played_status(journal))
    status = {row.slug: row.gespeeld for row in rows}
    assert status == {c.slug: {done.slug: "ja", busy.slug: "bezig"}.get(c.slug, "nee") for c in CASUSSEN}
    themes = [row.thema for row in rows]
    assert themes == sorted(themes, key=lambda t: [r.thema for r in rows].index(t))  # grouped by theme
    # the notebook `casus notebooks` writes, run in this process: its one code cell shows the table
    folder = tmp_path / "casussen"
    folder.mkdir()
    for casus in CASUSSEN:
        shutil.copy(CASUS_DIR / f"{casus.slug}.yml", folder)
    written = write_notebooks(CASUSSEN, folder / "notebooks")
    assert folder / "notebooks" / INDEX_NOTEBOOK in written
    notebook = json.loads((folder / "notebooks" / INDEX_NOTEBOOK).read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(code) == 1
    scope: dict = {}
    exec("".join(code[0]["source"]).replace("toon_overzicht(", "result = toon_overzicht("), scope)
    shown = scope["result"].data
    for casus in CASUSSEN:
        cell = re.search(rf"<tr data-casus='{casus.slug}'>.*?</tr>", shown).group(0)
        assert re.findall(r"<td>([^<]*)</td>", cell)[-1] == status[casus.slug]
        assert f"href='{casus.slug}.ipynb'" in cell


# --------------------------------------------------------------------------- glossary terms of a casus


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:-[^\W_]+)*", text.casefold())


def occurs(term: str, text: str) -> bool:
    """Independent: the term's words as consecutive whole tokens (hyphenated compounds are one token)."""
    words, found = tokens(term), tokens(text)
    return any(found[i : i + len(words)] == words for i in range(len(found) - len(words) + 1))


def test_terms_of_every_casus_match_an_independent_tokenizer():
    glossary = load_glossary()
    for casus in CASUSSEN:
        text = "\n".join(casus_texts(casus))
        found = [link.term for link in terms_in(casus_texts(casus), glossary)]
        assert found == [t.term for t in glossary if occurs(t.term, text)], casus.slug
        for link in terms_in(casus_texts(casus), glossary):
            assert link.address.startswith("book/begrippenlijst.html#term-")


@pytest.mark.parametrize("seed", range(5))
def test_terms_match_whole_words_in_any_case_and_never_inside_words(seed):
    rnd = random.Random(seed)
    terms = [
        Term(term=t, definitie="Een definitie van minstens twintig tekens.")
        for t in ("Maatregel", "Hoor en wederhoor", "Re-integratiebedrijf", "Trede")
    ]
    for term in terms:
        inside = [f"{term.term}en", f"x{term.term}", f"{term.term}-voorstel", f"pre-{term.term}", f"{term.term}_a"]
        whole = [term.term.upper(), f"({term.term.lower()})", f"*{term.term}*,", term.term.replace(" ", "\n  ")]
        for variant in inside:
            assert not term_pattern(term.term).search(f"een {variant} hier"), variant
        for variant in whole:
            text = f"{rnd.choice(['Bij', 'De', ''])} {variant} {rnd.choice(['.', 'en', ''])}"
            assert term_pattern(term.term).search(text), variant
            assert occurs(term.term, text) or "\n" in variant


def test_the_widget_lists_the_same_terms_and_module_section():
    from activering.casus.begrippen import casus_terms, module_address
    from activering.casus.engine import step_table
    from activering.casus.widget import further_reading_html

    for casus in CASUSSEN:
        table = step_table(casus)
        widget = further_reading_html(casus)
        assert table["module_url"] == "../../" + module_address(casus.module)
        assert module_address(casus.module) in widget
        terms = casus_terms(casus)
        assert [t["term"] for t in table["begrippen"]] == [t.term for t in terms]
        for link in terms:
            assert html.escape(link.term) in widget and link.address in widget


# --------------------------------------------------------------------------- the beamer page in Chromium


@pytest.mark.slow
def test_the_beamer_page_at_1366_px(tmp_path, browser, casus_map):
    """A class of 60 with every kind of file: the page fits 1366 px, has no blocking accessibility problems,
    runs no script and is saved as a screenshot (also into $ACTIVERING_SCHERMAFDRUKKEN when set)."""
    import os

    from activering.paths import REPO_ROOT
    from test_casus_recap import no_blocking_axe_violations

    data, students, _ = class_zip(random.Random(11), students=60)
    (tmp_path / "klas.zip").write_bytes(data)
    result = docent_casussen(casus_map, str(tmp_path / "klas.zip"), "--uit", str(tmp_path / "uit"))
    assert result.exit_code == 0, result.output
    casus = CASUSSEN[0]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((tmp_path / "uit" / f"{casus.slug}.html").as_uri(), wait_until="load")
    assert page.locator("h1").inner_text().startswith("Keuzes van de klas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 2 and all(charts.nth(i).is_visible() for i in range(charts.count()))
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("aria-label").startswith("Staafdiagram")
    assert page.locator("figcaption.tekstalternatief").count() == charts.count()
    assert page.evaluate("document.scripts.length") == 0 and not dialogs
    no_blocking_axe_violations(page, "klaspagina")
    artifacts = REPO_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "docent-casussen.png"))
    extra = os.environ.get("ACTIVERING_SCHERMAFDRUKKEN")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / "docent-casussen.png"))
    page.close()
