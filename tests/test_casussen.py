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
