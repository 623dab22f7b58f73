"""The JupyterLab widget shows every option in full, counts progress honestly and ends with a recap (no kernel)."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pytest
from typer.testing import CliRunner

from activering.casus.cli import app
from activering.casus.engine import CHOOSE_FIRST, ahead_text, hint, remaining, step_table
from activering.casus.load import load_casus, load_casus_file
from activering.casus.model import THEME_TITLES
from activering.casus.widget import WIDGET_CSS, CasusPlayer
from activering.journal import Journal

FIXTURE = Path(__file__).parent / "fixtures" / "test-casus.yml"


@pytest.fixture
def casus():
    return load_casus_file(FIXTURE)


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journaal.sqlite")


def test_a_scale_shows_every_point_in_full_with_nothing_chosen(casus, journal):
    player = CasusPlayer(casus, journal)
    player.choose("maatregel", motivation="De regels zijn duidelijk voor iedereen.")
    player.submit()
    player.advance()
    assert player.current == "hoogte"
    selector = player.selector
    assert isinstance(selector, w.RadioButtons) and selector.value is None
    assert [label for label, _ in selector.options] == ["A. Licht", "B. Gemiddeld", "C. Zwaar"]
    assert "van ‘Licht’ (A) naar ‘Zwaar’ (C)" in player.question.value
    player.submit()
    assert CHOOSE_FIRST in player.feedback.value and not journal.choices(player.run_id)[1:]
    player.choose("midden")
    player.submit()
    assert "TESTFEEDBACK-MIDDEN" in player.feedback.value


def test_labels_and_buttons_may_wrap_instead_of_being_cut_off(casus, journal):
    player = CasusPlayer(casus, journal)
    assert player.selector.layout.width == "100%"
    for button in (player.confirm, player.next_button):
        assert "casus-knop" in button._dom_classes
    assert "casus-keuzes" in player.selector_box._dom_classes
    assert "white-space: normal" in WIDGET_CSS and "text-overflow: clip" in WIDGET_CSS
    assert WIDGET_CSS in player.title.value
    player.choose("bellen", motivation="Ik wil eerst weten wat er speelt.")
    player.submit()
    assert player.next_button.description == "Volgende beslissing"


def test_progress_counts_the_decisions_taken_and_what_is_ahead(casus, journal):
    player = CasusPlayer(casus, journal)
    assert player.progress_label.value == "Beslissing 1 · hierna nog 2 beslissingen"
    player.choose("bellen", motivation="Ik wil eerst weten wat er speelt.")
    player.submit()
    player.advance()
    assert player.progress_label.value == "Beslissing 2 · hierna nog 1 beslissing"
    assert (player.progress.value, player.progress.max) == (1, 3)
    player.choose("gezondheid")
    player.submit()
    player.advance()
    assert player.progress_label.value == "Beslissing 3 · dit is de laatste beslissing"


def test_branches_ahead_give_a_range_and_loops_no_upper_bound(casus):
    dennis = load_casus("dennis-geweigerde-baan")
    low, high = remaining(dennis, dennis.beslissingen[0].id)
    assert low < high
    assert ahead_text(dennis, dennis.beslissingen[0].id) == (
        f"hierna nog {low - 1} tot {high - 1} beslissingen, afhankelijk van je keuzes"
    )
    looping = casus.model_copy(deep=True)
    looping.beslissingen[3].volgende = "eerste"  # the open question leads back to the start: no end to count to
    looping.beslissingen[3].opties = []
    assert remaining(looping, "eerste")[1] is None
    # The book page gets the same texts from the step table: nothing to count in JavaScript.
    table = step_table(casus)
    assert table["beslissingen"]["hoogte"]["hint"] == hint(casus.decision("hoogte"))
    assert table["beslissingen"]["eerste"]["voortgang"] == "hierna nog 2 beslissingen"


def test_the_recap_lists_choices_motivations_and_the_options_not_taken(casus, journal):
    player = CasusPlayer(casus, journal)
    player.choose("maatregel", motivation="De regels zijn duidelijk voor iedereen.")
    player.submit()
    player.advance()
    player.choose("zwaar")
    player.submit()
    player.advance()
    player.choose(motivation="Een collega zou naar het belang van de klant vragen.")
    player.submit()
    player.advance()
    summary = player.summary.value
    recap = summary.split("Jouw keuzes terug gelezen")[1].split("Jouw profiel")[0]
    for decision_id in ("eerste", "hoogte", "reflectie"):
        assert casus.decision(decision_id).vraag in recap
    assert casus.decision("gesprek").vraag not in recap  # not on the path played
    assert "Jouw keuze:</strong> B. Direct een maatregel voorstellen" in recap
    assert "Jouw keuze:</strong> C. Zwaar" in recap
    assert "De regels zijn duidelijk voor iedereen." in recap
    assert "Jouw antwoord:</strong> Een collega zou naar het belang van de klant vragen." in recap
    folded = recap.split("<details>")
    assert len(folded) == 3  # the two decisions with options, each with its options not taken folded
    assert "TESTFEEDBACK-BELLEN" in folded[1] and "TESTFEEDBACK-MAATREGEL" not in folded[1].split("</details>")[0]
    assert "TESTFEEDBACK-LICHT" in folded[2] and "TESTFEEDBACK-MIDDEN" in folded[2]
    assert "<svg" in summary.split("Jouw profiel")[1]  # the comparison with the three variants
    assert "modules/04-sancties/index.md" in summary and "begrippenlijst" in summary


def test_casus_lijst_shows_by_theme_what_the_journal_says_was_played(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "journaal.sqlite"))
    journal = Journal()
    done = journal.open_run("dennis-geweigerde-baan")
    journal.finish_run(done)
    journal.open_run("familie-haddad")
    result = CliRunner().invoke(app, ["lijst"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 5}
    assert rows["dennis-geweigerde-baan"].rstrip(" │").endswith("ja")
    assert rows["familie-haddad"].rstrip(" │").endswith("bezig")
    assert rows["caseload-210-klanten"].rstrip(" │").endswith("nee")
    order = list(THEME_TITLES.values())
    themes = [order.index(line.split("│")[3].strip()) for line in rows.values()]
    assert themes == sorted(themes) and len(set(themes)) == len(order)


def test_casus_lijst_still_lists_with_an_unreadable_journal(tmp_path, monkeypatch):
    broken = tmp_path / "journaal.sqlite"
    broken.write_text("geen database", encoding="utf-8")
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(broken))
    result = CliRunner().invoke(app, ["lijst"], env={"COLUMNS": "250"})
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "niet te lezen" in result.output and "dennis-geweigerde-baan" in result.output
