"""The casus engine on a small fixture casus: validation errors, branching, widgets, journal, static page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from activering.casus.engine import step_table
from activering.casus.graph import graph_problems
from activering.casus.load import CasusError, load_casus_file, parse_casus
from activering.casus.page import casus_markdown, generate_pages, write_notebooks
from activering.casus.profile import variant_match
from activering.casus.widget import CasusPlayer
from activering.journal import Journal

FIXTURE = Path(__file__).parent / "fixtures" / "test-casus.yml"


@pytest.fixture
def casus():
    return load_casus_file(FIXTURE)


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journaal.sqlite")


def broken(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_invalid_field_names_file_line_and_field(tmp_path):
    text = broken(FIXTURE.read_text(encoding="utf-8"), "    soort: meervoudig", "    soort: meerkeuze")
    path = tmp_path / "test-casus.yml"
    with pytest.raises(CasusError) as error:
        parse_casus(text, path)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "meerkeuze" in row)
    message = str(error.value)
    assert str(path) in message and f"regel {line}" in message and "beslissingen.1.soort" in message


def test_unknown_branch_target_is_rejected(tmp_path):
    text = broken(FIXTURE.read_text(encoding="utf-8"), "volgende: hoogte", "volgende: nergens")
    with pytest.raises(CasusError, match="onbekende beslissing 'nergens'"):
        parse_casus(text, tmp_path / "test-casus.yml")


def test_yaml_syntax_error_names_line(tmp_path):
    text = broken(FIXTURE.read_text(encoding="utf-8"), "thema: sancties", "thema: [sancties")
    with pytest.raises(CasusError, match=r"test-casus\.yml, regel \d+: geen geldige YAML"):
        parse_casus(text, tmp_path / "test-casus.yml")


def test_missing_feedback_and_extra_field(tmp_path):
    text = broken(
        FIXTURE.read_text(encoding="utf-8"),
        '        feedback: "TESTFEEDBACK-REGELS',
        '        feedbak: "TESTFEEDBACK-REGELS',
    )
    with pytest.raises(CasusError) as error:
        parse_casus(text, tmp_path / "test-casus.yml")
    assert "opties.1.feedback" in str(error.value) and "opties.1.feedbak" in str(error.value)


def test_slug_must_match_file_name(tmp_path):
    with pytest.raises(CasusError, match="bestandsnaam"):
        parse_casus(FIXTURE.read_text(encoding="utf-8"), tmp_path / "andere-naam.yml")


def test_graph_finds_unreachable_decision(casus):
    assert graph_problems(casus) == []
    orphan = casus.model_copy(deep=True)
    orphan.beslissingen[0].opties[1].volgende = "einde"
    orphan.beslissingen[1].volgende = "einde"
    assert any("hoogte" in problem and "onbereikbaar" in problem for problem in graph_problems(orphan))


def test_widget_shows_feedback_and_writes_journal(casus, journal):
    player = CasusPlayer(casus, journal)
    player.submit()
    assert "Kies eerst een optie" in player.feedback.value
    player.choose("bellen", motivation="ik")
    player.submit()
    assert "motivering" in player.feedback.value  # too short a motivation is refused
    player.choose("bellen", motivation="Ik wil eerst weten wat er speelt.")
    player.submit()
    assert "TESTFEEDBACK-BELLEN" in player.feedback.value
    assert player.feedback.value.index("TESTFEEDBACK-BELLEN") < player.feedback.value.index("TESTFEEDBACK-MAATREGEL")
    assert "Van der Aa (2012), §6.5" in player.feedback.value
    [choice] = journal.choices(player.run_id)
    assert (choice.decision, choice.options, choice.motivation) == (
        "eerste",
        ["bellen"],
        "Ik wil eerst weten wat er speelt.",
    )
    player.advance()
    assert player.current == "gesprek"


def test_branching_and_summary_chart(casus, journal):
    player = CasusPlayer(casus, journal)
    player.choose("maatregel", motivation="De regels zijn duidelijk voor iedereen.")
    player.submit()
    player.advance()
    assert player.current == "hoogte"  # the option branches past 'gesprek'
    player.choose("zwaar")
    player.submit()
    assert "TESTFEEDBACK-ZWAAR" in player.feedback.value
    player.advance()
    player.choose(motivation="Een collega zou naar het belang van de klant vragen.")
    player.submit()
    assert "TESTMODEL" in player.feedback.value
    player.advance()
    assert player.current is None
    assert "TESTNABESPREKING" in player.summary.value
    assert "<svg" in player.summary.value and "Administrateur 50% (1 van 2)" in player.summary.value
    assert journal.runs("test-casus")[0]["finished"] is not None


def test_resume_continues_where_the_student_stopped(casus, journal):
    first = CasusPlayer(casus, journal)
    first.choose("bellen", motivation="Eerst contact zoeken met de klant.")
    first.submit()
    again = CasusPlayer(casus, journal)
    assert again.run_id == first.run_id and again.current == "gesprek"
    assert "verder waar je was" in again.notice.value


def test_variant_match_counts_typical_choices(casus):
    match = variant_match(casus, {"eerste": ["bellen"], "gesprek": ["regels"]}).set_index("variant")
    assert match.loc["Regisseur", "overeenkomst"] == 50
    assert match.loc["Administrateur", "overeenkomst"] == 50
    assert match.loc["Interventionist", "beslissingen"] == 1


def test_static_page_holds_every_option_feedback_and_debrief(casus, tmp_path):
    text = casus_markdown(casus)
    for decision in casus.beslissingen:
        assert decision.vraag in text
        for option in decision.opties:
            assert option.tekst in text and option.feedback in text
            assert f"{{cite:t}}`{option.bron.key}`" in text
    assert casus.nabespreking.splitlines()[0] in text
    payload = re.search(r'<script type="application/json" class="casus-data">(.*?)</script>', text).group(1)
    assert json.loads(payload) == step_table(casus)
    write_notebooks([casus], tmp_path / "notebooks")
    notebook = json.loads((tmp_path / "notebooks" / "test-casus.ipynb").read_text(encoding="utf-8"))
    assert 'speel("test-casus")' in "".join(notebook["cells"][1]["source"])


def test_generated_folder_holds_only_generated_pages(casus, tmp_path):
    folder = tmp_path / "gegenereerd"
    folder.mkdir()
    (folder / "oude-casus.md").write_text("# Een casus die niet meer bestaat", encoding="utf-8")
    (folder / "aantekening.txt").write_text("met de hand geschreven", encoding="utf-8")
    generate_pages([casus], folder)
    assert sorted(path.name for path in folder.iterdir()) == ["index.md", "test-casus.md"]
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert index.startswith("% Gegenereerd") and "test-casus" in index
    assert (
        (folder / "test-casus.md").read_text(encoding="utf-8").startswith("% Gegenereerd uit casussen/test-casus.yml")
    )
