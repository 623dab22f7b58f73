"""The course's own casussen: valid, sound branching, grounded in the literature, covering every theme."""

from __future__ import annotations

from collections import Counter

import pytest

from activering.bibliography import known_keys
from activering.casus.graph import graph_problems
from activering.casus.load import casus_paths, load_casus_file
from activering.casus.model import Kind, Theme
from activering.paths import REPO_ROOT

PATHS = casus_paths()
MINIMUM_PER_THEME = {
    Theme.DIAGNOSE: 3,
    Theme.PLAN: 2,
    Theme.SANCTIES: 3,
    Theme.CONTACT: 1,
    Theme.GELIJKE_BEHANDELING: 1,
    Theme.BESLISRUIMTE: 2,
}


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_casus_is_valid_and_every_path_ends(path):
    casus = load_casus_file(path)
    assert graph_problems(casus) == []
    assert len(casus.beslissingen) >= 3
    assert (REPO_ROOT / "modules" / casus.module / "index.md").exists(), casus.module
    if casus.toen_en_nu:
        assert (REPO_ROOT / "modules" / casus.toen_en_nu.module / "index.md").exists(), casus.toen_en_nu.module


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_every_feedback_cites_a_known_source(path):
    casus = load_casus_file(path)
    keys = known_keys()
    cited = [s.key for s in casus.bronnen]
    for decision in casus.beslissingen:
        cited += [option.bron.key for option in decision.opties] + ([decision.bron.key] if decision.bron else [])
    assert set(cited) <= keys, set(cited) - keys


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_choices_can_be_compared_with_the_variants(path):
    casus = load_casus_file(path)
    typical = {variant for d in casus.beslissingen for option in d.opties for variant in option.varianten}
    assert len(typical) == 3, f"{path.name}: elke variant moet bij minstens één optie typisch zijn"


def test_course_has_enough_casussen_on_every_theme():
    casussen = [load_casus_file(path) for path in PATHS]
    assert len(casussen) >= 12
    assert sum(len(c.beslissingen) for c in casussen) >= 36
    themes = Counter(c.thema for c in casussen)
    short = {theme.value: (themes[theme], need) for theme, need in MINIMUM_PER_THEME.items() if themes[theme] < need}
    assert not short, f"te weinig casussen per thema (heeft, nodig): {short}"
    kinds = {d.soort for c in casussen for d in c.beslissingen}
    assert kinds == set(Kind)
    assert any(option.volgende for c in casussen for d in c.beslissingen for option in d.opties), "geen vertakking"


def test_a_then_and_now_note_reaches_the_book_page_the_player_and_the_widget():
    """The three places a student meets a casus's 'toen en nu' note, each naming and pointing to the module."""
    from activering.casus.engine import step_table
    from activering.casus.page import casus_markdown
    from activering.casus.widget import then_and_now_html

    noted = [c for c in map(load_casus_file, PATHS) if c.toen_en_nu]
    assert len(noted) >= 3  # the casussen set under the rules of 2010 (issue 19)
    for casus in noted:
        note, module = casus.toen_en_nu, casus.toen_en_nu.module
        heading = next(
            line[2:]
            for line in (REPO_ROOT / "modules" / module / "index.md").read_text("utf-8").splitlines()
            if line.startswith("# ")
        )
        page = casus_markdown(casus)
        assert "```{admonition} Toen en nu" in page and f"{{doc}}`/modules/{module}/index`" in page
        assert note.tekst.split()[0] in page
        data = step_table(casus)["toen_en_nu"]
        assert data["url"].endswith(f"modules/{module}/index.html") and data["module"] == heading
        widget = then_and_now_html(casus)
        assert heading in widget and f"modules/{module}/index.md" in widget
        assert "Toen en nu" not in casus.nabespreking  # one place for the note


def test_a_changed_player_script_or_style_reaches_an_existing_build(tmp_path):
    """Sphinx copies static files only when it writes a page: a static change alone marks the root page."""
    from types import SimpleNamespace

    from activering import sphinx_ext

    app = SimpleNamespace(outdir=str(tmp_path), config=SimpleNamespace(root_doc="book/intro"))
    outdated = lambda: sphinx_ext._outdated_after_static_change(app, None, set(), set(), set())  # noqa: E731
    assert outdated() == ["book/intro"]  # never built here
    sphinx_ext._note_static_copied(app, RuntimeError("bouw mislukt"))
    assert outdated() == ["book/intro"]  # a failed build copied nothing
    sphinx_ext._note_static_copied(app, None)
    assert outdated() == []
    (tmp_path / sphinx_ext.STATIC_MARKER).write_text("een oudere versie")
    assert outdated() == ["book/intro"]

    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "casus.css").write_text("a { color: red; }")
    before = sphinx_ext.static_fingerprint(folder)
    (folder / "casus.css").write_text("a { color: blue; }")
    assert sphinx_ext.static_fingerprint(folder) != before
