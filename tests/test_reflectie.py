"""Self-study: identity check, widgets, self-assessment, portfolio (HTML offline, PDF pages), CLI."""

from __future__ import annotations

import functools
import html
import http.server
import threading
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from activering.journal import Journal, Reflection
from activering.reflectie import identiteit, zelfevaluatie
from activering.reflectie.model import PERSPECTIVES
from activering.reflectie.widgets import AssessmentForm, ReflectionForm
from activering.vocabulary import REFLECTION_FIELD_NAMES, REFLECTION_FIELDS

# --- identity detection: labelled sample sentences (written for this test) ---------------------------
# Each sentence with the identifiers a reader would want caught; [] means ordinary text.
SAMPLES: list[tuple[str, list[str]]] = [
    ("Mevrouw Jansen kwam te laat op het gesprek.", ["Jansen"]),
    ("Ik belde meneer El Amrani over zijn sollicitatie.", ["El Amrani"]),
    ("Met dhr. P. de Vries besprak ik het plan.", ["P. de Vries"]),
    ("Mw. Öztürk wil liever parttime werken.", ["Öztürk"]),
    ("Het gesprek met mevrouw Van den Berg liep stroef.", ["Van den Berg"]),
    ("Haar BSN is 111222333, dat stond op het formulier.", ["111222333"]),
    ("Het burgerservicenummer 123456782 kwam uit het dossier.", ["123456782"]),
    ("BSN: 111.222.333 (uit de aanvraag).", ["111.222.333"]),
    ("Bel hem terug op 06-12345678.", ["06-12345678"]),
    ("Haar nummer is 06 1234 5678.", ["06 1234 5678"]),
    ("De werkgever is bereikbaar op 010-4123456.", ["010-4123456"]),
    ("Hij gaf +31 6 12345678 als nummer op.", ["+31 6 12345678"]),
    ("Ze woont op de Dorpsstraat 12 in Helmond.", ["Dorpsstraat 12"]),
    ("Het adres is Kerkweg 4a, 5011 AB Tilburg.", ["Kerkweg 4a", "5011 AB"]),
    ("Post gaat naar Stationsplein 1.", ["Stationsplein 1"]),
    ("Hij verhuisde naar postcode 3011 BD.", ["3011 BD"]),
    ("Mail haar via s.jansen@voorbeeld.nl.", ["s.jansen@voorbeeld.nl"]),
    ("De klant, geboren 12-03-1975, heeft drie kinderen.", ["geboren 12-03-1975"]),
    ("Meneer Bakker belde vanaf 06-87654321 over zijn uitkering.", ["Bakker", "06-87654321"]),
    ("Ik sprak Fatima over haar opleiding.", ["Fatima"]),
    # ordinary text: nothing to flag
    ("De klant kwam voor de tweede keer niet opdagen.", []),
    ("Ik heb een waarschuwing gegeven in plaats van een maatregel.", []),
    ("Het team had in 2010 een caseload van ruim tweehonderd klanten.", []),
    ("Volgens Van der Aa (2012) verschillen klantmanagers sterk in hun normen.", []),
    ("Mevrouw wilde eerst haar schulden regelen.", []),
    ("De heer die ik sprak, had zijn papieren niet bij zich.", []),
    ("Ze woont al twaalf jaar in de wijk en kent veel buren.", []),
    ("We hadden een driegesprek met de re-integratiecoach.", []),
    ("Mijn teamleider vroeg om meer maatregelgesprekken.", []),
    ("De werkgever zocht iemand voor 24 uur per week.", []),
    ("Het traject duurde zes maanden en leverde weinig op.", []),
    ("Ik gaf haar drie maanden om zelf werk te zoeken.", []),
    ("Na 3 gesprekken bleek dat hij niet durfde te bellen.", []),
    ("Hij werkt nu 16 uur in de bouw, op de dam bij de haven.", []),
    ("De aanbieder stuurde een rapportage met een voorstel tot korting.", []),
    ("In de Participatiewet staat de tegenprestatie.", []),
    ("Trede 2 betekent hier: wel sociale contacten, nog geen werk.", []),
    ("De uitkering werd met 20 procent verlaagd.", []),
    ("Ik nam het op in het intervisieoverleg van dinsdag.", []),
    ("Het plan telde vier stappen en een evaluatie na acht weken.", []),
]


def detector_scores() -> dict[str, float]:
    """Identifier-level precision and recall, plus sentence-level false positives."""
    tp = fp = fn = 0
    false_sentences = 0
    for sentence, expected in SAMPLES:
        findings = identiteit.check(sentence)
        spans = [(sentence.index(e), sentence.index(e) + len(e)) for e in expected]
        matched = [any(f.start < e and s < f.end for f in findings) for s, e in spans]
        tp += sum(matched)
        fn += len(matched) - sum(matched)
        fp += sum(1 for f in findings if not any(f.start < e and s < f.end for s, e in spans))
        false_sentences += bool(findings) and not expected
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "ordinary_sentences_flagged": false_sentences,
        "ordinary_sentences": sum(1 for _, e in SAMPLES if not e),
    }


def test_detector_precision_and_recall_on_sample_sentences(capsys):
    scores = detector_scores()
    with capsys.disabled():
        print(f"\nidentiteitsdetector: {scores}")
    assert scores["recall"] >= 0.9, scores
    assert scores["precision"] >= 0.9, scores
    assert scores["ordinary_sentences_flagged"] <= 1, scores


def test_detector_cases_named_in_the_issue():
    assert [f.kind for f in identiteit.check("BSN 111222333")] == ["bsn"]
    assert all(f.kind != "bsn" for f in identiteit.check("nummer 111222334"))  # fails the elfproef
    assert [f.text for f in identiteit.check("Ik sprak mevrouw Jansen.")] == ["Jansen"]
    assert [f.kind for f in identiteit.check("bel 06-12345678")] == ["telefoon"]
    assert {f.kind for f in identiteit.check("Kerkweg 4a, 5011 AB Tilburg")} == {"adres", "postcode"}
    assert identiteit.check("De klant wil graag aan het werk in de zorg.") == []
    assert identiteit.redact("Mevrouw Jansen, 06-12345678") == "Mevrouw [NAAM], [TELEFOON]"


# --- widgets ---------------------------------------------------------------------------------------------
@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journaal.sqlite")


CASUSSEN = [("Dennis weigert een baan", "dennis-geweigerde-baan"), ("Marco en de intake", "marco-uitstroomteam")]


def test_building_the_forms_writes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "nergens" / "journaal.sqlite"
    monkeypatch.setenv("ACTIVERING_JOURNAL", str(target))
    ReflectionForm(casussen=CASUSSEN)
    AssessmentForm()
    assert not target.exists() and not target.parent.exists()


def test_reflection_form_saves_and_edits(journal):
    form = ReflectionForm(journal, casussen=CASUSSEN)
    form.fill(
        title="Een weigering",
        date="2025-05-06",
        situation="Een klant sloeg een baan af.",
        research="Onderzoek: waarschuwen kan volstaan.",
        decision="Waarschuwing.",
        tags=["sancties"],
        casussen=["dennis-geweigerde-baan"],
    )
    form.save_button.click()
    [stored] = journal.reflections()
    assert stored.id == form.reflection_id and stored.research == "Onderzoek: waarschuwen kan volstaan."
    assert stored.tags == ["sancties"] and stored.casussen == ["dennis-geweigerde-baan"] and stored.date == "2025-05-06"
    assert "bewaard" in form.status.value

    edit = ReflectionForm(journal, reflection_id=stored.id, casussen=CASUSSEN)
    assert edit.fields["situation"].value == "Een klant sloeg een baan af."
    edit.fill(next_time="Eerder overleggen.")
    edit.save_button.click()
    assert len(journal.reflections()) == 1 and journal.reflection(stored.id).next_time == "Eerder overleggen."


def test_reflection_with_client_identity_is_flagged_then_redacted(journal):
    form = ReflectionForm(journal, casussen=CASUSSEN)
    form.fill(title="Gesprek", situation="Mevrouw Jansen (BSN 111222333) belde vanaf 06-12345678.")
    form.save_button.click()
    assert journal.reflections() == []
    assert "klant" in form.status.value and "BSN" in form.status.value
    assert form.redact_button.layout.display is None  # the redact option is shown
    form.redact_button.click()
    [stored] = journal.reflections()
    assert stored.situation == "Mevrouw [NAAM] (BSN [BSN]) belde vanaf [TELEFOON]."
    assert identiteit.check(stored.text()) == []


def test_reflection_can_be_saved_anyway_after_the_warning(journal):
    form = ReflectionForm(journal, casussen=CASUSSEN)
    form.fill(title="Overleg", colleagues="Collega Fatima zou het anders doen.")
    form.save_button.click()
    assert journal.reflections() == []
    form.anyway_button.click()
    assert journal.reflections()[0].colleagues == "Collega Fatima zou het anders doen."


# --- self-assessment ---------------------------------------------------------------------------------------
def answers_at(level: int) -> dict[str, int]:
    """Answers that put every dimension at the professional (5) or bureaucratic (1) pole."""
    result = {item.id: (6 - level if item.reverse else level) for item in zelfevaluatie.ITEMS}
    result.update({norm.id: 3 for norm in zelfevaluatie.NORMS})
    return result


def test_profile_scores_reverse_items_and_nearest_variant():
    answers = answers_at(5)
    assert set(zelfevaluatie.dimension_scores(answers).values()) == {5.0}
    assert zelfevaluatie.nearest_variant(zelfevaluatie.dimension_scores(answers))[0] == "Interventionist"
    assert zelfevaluatie.nearest_variant(zelfevaluatie.dimension_scores(answers_at(1)))[0] == "Administrateur"
    mixed = {**answers_at(5), "d1": 3, "d2": 3}  # d2 is reversed: 3 stays 3
    assert zelfevaluatie.dimension_scores(mixed)["diagnose"] == pytest.approx((3 + 3 + 5) / 3, abs=0.01)
    with pytest.raises(ValueError):
        zelfevaluatie.dimension_scores({"d1": 7})


def test_variant_positions_are_ordinal_and_complete():
    for dimension in zelfevaluatie.DIMENSIONS:
        assert set(dimension.variants) == set(zelfevaluatie.VARIANTS)
        assert all(position in (1, 2, 3, 4, 5) and wording for position, wording in dimension.variants.values())
    assert all(item.dimension in zelfevaluatie.DIMENSION_LABELS for item in zelfevaluatie.ITEMS)


def test_assessment_form_saves_and_shows_profile_and_growth(journal):
    form = AssessmentForm(journal)
    form.save_button.click()
    assert journal.assessments() == [] and "open" in form.status.value
    form.fill(answers_at(3))
    form.save_button.click()
    assert len(journal.assessments()) == 1
    assert (
        "<svg" in form.result.value and "Tekstalternatief" in form.result.value and "Lees verder" in form.result.value
    )
    form.fill(answers_at(4))
    form.save_button.click()
    assert form.result.value.count("<svg") == 3  # profile, norms, growth
    assert "2 zelfevaluaties" in form.result.value


# --- portfolio and intervisie --------------------------------------------------------------------------------
def filled_journal(path: Path, reflections: int = 3) -> Journal:
    journal = Journal(path)
    for i in range(reflections):
        journal.add_reflection(
            Reflection(
                title=f"Reflectie nummer {i + 1}",
                date=f"2025-0{i + 2}-10",
                situation="Een klant kwam niet. Meneer Bakker belde later vanaf 06-12345678.",
                **{name: f"Korte tekst voor {label.lower()}." for name, (label, _) in PERSPECTIVES.items()},
                decision="Nieuwe afspraak.",
                reasoning="Eerst horen waarom.",
                next_time="Eerder bellen.",
                tags=["contact"],
                casussen=["dennis-geweigerde-baan"],
            )
        )
    journal.add_reflection(Reflection(title="Buiten de periode", date="2024-01-01"))
    journal.add_assessment(answers_at(3), taken="2025-02-01T09:00:00+00:00")
    journal.add_assessment(answers_at(4), taken="2025-04-01T09:00:00+00:00")
    run = journal.open_run("dennis-geweigerde-baan")
    journal.record_choice(run, "eerste", ["a"], "Mijn keuze")
    return journal


def test_portfolio_html_has_no_client_identity_and_no_external_references(tmp_path):
    from activering.reflectie.portfolio import _casus_titles, build_portfolio, leftover_identifiers

    portfolio = build_portfolio(
        filled_journal(tmp_path / "j.sqlite"), "2025-01-01", "2025-12-31", owner="Sandra de Vries"
    )
    assert portfolio.reflections == 3 and portfolio.assessments == 2
    assert "Bakker" not in portfolio.html and "06-12345678" not in portfolio.html and "[NAAM]" in portfolio.html
    assert "Buiten de periode" not in portfolio.html
    assert "http://" not in portfolio.html.replace("http://www.w3.org/", "") and "https://" not in portfolio.html
    assert "<script" not in portfolio.html
    assert leftover_identifiers(portfolio.html, ["Sandra de Vries", *_casus_titles().values()]) == []
    assert leftover_identifiers("<p>Mevrouw Jansen</p>") != []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.mark.slow
def test_portfolio_opens_offline_and_pdf_has_expected_pages(tmp_path, browser):
    from pypdf import PdfReader

    from activering.reflectie.portfolio import build_portfolio, export_portfolio

    journal = filled_journal(tmp_path / "j.sqlite")
    html_path, pdf_path = export_portfolio(
        journal, tmp_path / "uit" / "portfolio", "2025-01-01", "2025-12-31", owner="Sandra de Vries"
    )

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html_path.parent))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        origin = f"127.0.0.1:{server.server_address[1]}"
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        response = page.goto(f"http://{origin}/{html_path.name}", wait_until="networkidle")
        assert response is not None and response.ok
        external = [
            u for u in requests if urlparse(u).scheme not in ("data", "about", "blob") and urlparse(u).netloc != origin
        ]
        assert external == []
        assert page.locator("svg[role=img]").count() == 3
        assert page.evaluate("document.documentElement.lang") == "nl"
        page.close()
    finally:
        server.shutdown()

    expected = build_portfolio(journal, "2025-01-01", "2025-12-31", owner="Sandra de Vries").expected_pages
    pages = [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(pdf_path).pages]  # undo ligatures (ﬂ)
    assert len(pages) == expected == 7
    assert "Portfolio zelfstudie activeringswerk" in pages[0] and "Sandra de Vries" in pages[0]
    assert "Zelfevaluatie" in pages[1] and "Activeringsnormen en groei" in pages[2] and "Gespeelde casussen" in pages[3]
    for number, text in enumerate(pages[4:], 1):
        assert f"Reflectie nummer {number}" in text
    whole = "\n".join(pages)
    assert "Bakker" not in whole and "06-12345678" not in whole


def test_intervisie_sheet_has_five_perspectives_and_no_identity(tmp_path):
    from activering.reflectie.portfolio import intervisie_sheet

    journal = filled_journal(tmp_path / "j.sqlite", reflections=1)
    sheet = intervisie_sheet(journal, journal.reflections(start="2025-01-01")[0].id)
    for label, _ in PERSPECTIVES.values():
        assert html.escape(label) in sheet
    assert "Bakker" not in sheet and "pas na de ronde lezen" in sheet


# --- command line ------------------------------------------------------------------------------------------
def test_cli_list_search_show_edit_delete(tmp_path, monkeypatch):
    from activering.cli import app

    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "j.sqlite"))
    from rich.console import Console

    from activering.reflectie import cli as journaal_cli

    monkeypatch.setattr(journaal_cli, "console", Console(width=200))  # rich tables wrap long titles otherwise
    filled_journal(tmp_path / "j.sqlite", reflections=2)
    runner = CliRunner()
    listing = runner.invoke(app, ["journaal", "lijst"])
    assert listing.exit_code == 0 and "Reflectie nummer 1" in listing.output and "casus" in listing.output
    found = runner.invoke(app, ["journaal", "zoek", "afspraak"])
    assert found.exit_code == 0 and "Reflectie nummer 2" in found.output
    edited = runner.invoke(
        app,
        ["journaal", "bewerk", "1", "--veld", "colleagues", "--waarde", "Mevrouw Jansen is het oneens.", "--redigeer"],
    )
    assert edited.exit_code == 0
    shown = runner.invoke(app, ["journaal", "toon", "1"])
    assert "Mevrouw [NAAM] is het oneens." in shown.output
    assert runner.invoke(app, ["journaal", "verwijder", "1", "--ja"]).exit_code == 0
    assert runner.invoke(app, ["journaal", "toon", "1"]).exit_code == 1
    sheet = tmp_path / "blad.html"
    assert (
        runner.invoke(app, ["journaal", "intervisie-blad", "2", "--uit", str(sheet)]).exit_code == 0 and sheet.exists()
    )
    history = runner.invoke(app, ["journaal", "zelfevaluatie"])
    assert history.exit_code == 0 and "2025-04-01" in history.output


# --- one order of the reflection fields ------------------------------------------------------------------
BODY_LABELS = [field.label for field in REFLECTION_FIELDS if field.name != "title"]


def test_perspectives_are_one_block_of_five_in_the_form_order():
    from activering.reflectie import model

    assert len(model.PERSPECTIVE_FIELDS) == 5
    assert (*model.OPENING_FIELDS, *model.PERSPECTIVE_FIELDS, *model.CLOSING_FIELDS) == REFLECTION_FIELDS
    assert list(model.FIELD_LABELS) == list(REFLECTION_FIELD_NAMES)


def test_form_shows_the_fields_in_the_vocabulary_order(journal):
    form = ReflectionForm(journal, casussen=CASUSSEN)
    shown = []

    def walk(widget):
        shown.extend(name for name, field in form.fields.items() if field is widget)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(form.widget)
    assert shown == list(REFLECTION_FIELD_NAMES)


def test_portfolio_intervisie_and_cli_follow_the_vocabulary_order(tmp_path, monkeypatch):
    import re

    from rich.console import Console

    from activering.cli import app
    from activering.reflectie import cli as journaal_cli
    from activering.reflectie.portfolio import _reflection_html, intervisie_sheet

    journal = filled_journal(tmp_path / "j.sqlite", reflections=1)
    reflection = journal.reflections(start="2025-01-01")[0]
    headings = [html.unescape(h) for h in re.findall(r"<h3>(.*?)</h3>", _reflection_html(reflection, {}))]
    assert headings == BODY_LABELS

    sheet = [
        html.unescape(h) for h in re.findall(r"<h3>(?:\d\. )?(.*?)</h3>", intervisie_sheet(journal, reflection.id))
    ]
    assert [h for h in sheet if h in BODY_LABELS] == BODY_LABELS

    monkeypatch.setenv("ACTIVERING_JOURNAL", str(tmp_path / "j.sqlite"))
    monkeypatch.setattr(journaal_cli, "console", Console(width=200))
    shown = CliRunner().invoke(app, ["journaal", "toon", str(reflection.id)]).output
    assert [label for label in sorted(BODY_LABELS, key=shown.index)] == BODY_LABELS
    answers = "".join(f"antwoord {i}\n" for i in range(len(BODY_LABELS)))
    asked = CliRunner().invoke(app, ["journaal", "nieuw", "--titel", "Nieuw", "--niet-redigeren"], input=answers).output
    assert [label for label in sorted(BODY_LABELS, key=asked.index)] == BODY_LABELS
    assert "Bewaard als reflectie" in asked
