"""Export the journal: a portfolio of a period (self-contained HTML and PDF) and an intervisie sheet.

Everything a user wrote passes through the identity redaction before it is rendered, and the
finished document is checked again: if anything still looks like a client's identity, nothing is
written. The HTML needs no network (inline CSS, charts as inline SVG); the PDF is printed from that
HTML by Debian's Chromium through Playwright.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from activering import chromium
from activering.files import write_atomic
from activering.journal import Journal, Reflection
from activering.reflectie import identiteit
from activering.reflectie.figures import growth_html, norms_html, profile_html
from activering.reflectie.model import CLOSING_FIELDS, FIELDS, PERSPECTIVE_FIELDS, THEMES
from activering.vocabulary import REFLECTION_FIELDS


class PortfolioError(RuntimeError):
    """The export was refused or failed; nothing was written."""


CSS = """
@page { size: A4; margin: 16mm 15mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #1a1a1a; max-width: 48em; margin: 0 auto; }
h1 { font-size: 20pt; margin-top: 30mm; } h2 { font-size: 15pt; border-bottom: 2px solid #4e79a7; padding-bottom: 2pt; }
h3 { font-size: 11.5pt; margin: 9pt 0 2pt; } p { margin: 2pt 0 6pt; }
.pagina { break-before: page; page-break-before: always; }
.meta { color: #555; } .tag { display: inline-block; border: 1px solid #4e79a7; border-radius: 8pt; padding: 0 6pt; margin-right: 3pt; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ccc; padding: 3pt 4pt; text-align: left; vertical-align: top; }
figure { margin: 4pt 0; break-inside: avoid; } figure svg { max-width: 100%; height: auto; } figcaption { font-size: 8.5pt; color: #444; }
.lijnen { border-bottom: 1px dotted #999; height: 16pt; }
"""


def _text(value: str) -> str:
    """User text: identifiers redacted, escaped, paragraphs kept."""
    clean = html.escape(identiteit.redact(value or "").strip())
    return (
        "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in re.split(r"\n\s*\n", clean) if part)
        or "<p class='meta'>(niet ingevuld)</p>"
    )


def _casus_titles() -> dict[str, str]:
    from activering.casus.load import load_all_casussen

    return {casus.slug: casus.titel for casus in load_all_casussen()}


def _reflection_html(reflection: Reflection, titles: dict[str, str], css_class: str = "pagina") -> str:
    tags = "".join(f"<span class='tag'>{html.escape(THEMES.get(t, t))}</span>" for t in reflection.tags)
    linked = ", ".join(html.escape(titles.get(s, s)) for s in reflection.casussen)
    parts = [
        f"<section class='{css_class} reflectie'><h2>{html.escape(identiteit.redact(reflection.title))}</h2>",
        f"<p class='meta'>{date.fromisoformat(reflection.date):%d-%m-%Y} {tags}</p>",
        f"<p class='meta'>Gekoppelde casussen: {linked}</p>" if linked else "",
    ]
    # The title is the heading; every other field follows in form order.
    parts += [
        f"<h3>{html.escape(f.label)}</h3>{_text(getattr(reflection, f.name))}"
        for f in REFLECTION_FIELDS
        if f.name != "title"
    ]
    return "".join(parts) + "</section>"


@dataclass
class Portfolio:
    html: str
    reflections: int
    assessments: int
    casus_runs: int

    @property
    def expected_pages(self) -> int:
        """Cover, profile, norms and growth, casussen, and one page per (short) reflection."""
        return 4 + self.reflections


def _document(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<style>{CSS}</style></head><body>{body}</body></html>"
    )


def _visible_text(document: str) -> str:
    without_style = re.sub(r"<style>.*?</style>", " ", document, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_style))


def leftover_identifiers(document: str, allowed: list[str] = ()) -> list:
    """Identifiers still visible in a finished document, ignoring the ``allowed`` strings."""
    text = _visible_text(document)
    for phrase in sorted(allowed, key=len, reverse=True):
        if phrase:
            text = text.replace(phrase, " ")
    return identiteit.check(text)


def build_portfolio(journal: Journal, start: str | None = None, end: str | None = None, owner: str = "") -> Portfolio:
    titles = _casus_titles()
    reflections = journal.reflections(start, end)
    assessments = journal.assessments(start, end)
    runs = [
        run
        for run in journal.runs()
        if (not start or run["started"][:10] >= start) and (not end or run["started"][:10] <= end)
    ]
    period = (
        f"{date.fromisoformat(start):%d-%m-%Y} tot en met {date.fromisoformat(end):%d-%m-%Y}"
        if start and end
        else (
            f"vanaf {date.fromisoformat(start):%d-%m-%Y}"
            if start
            else f"tot en met {date.fromisoformat(end):%d-%m-%Y}"
            if end
            else "alles in het journaal"
        )
    )
    cover = (
        "<section><h1>Portfolio zelfstudie activeringswerk</h1>"
        + (f"<p><strong>{html.escape(owner)}</strong></p>" if owner else "")
        + f"<p>Periode: {period}<br>Gemaakt op {date.today():%d-%m-%Y}</p>"
        f"<p>Inhoud: {len(reflections)} reflectie(s), {len(assessments)} zelfevaluatie(s), {len(runs)} keer een casus gespeeld.</p>"
        "<p class='meta'>De reflecties volgen vijf perspectieven: wat onderzoek zegt, het belang van de klant, het belang van de "
        "organisatie, het eigen professionele oordeel en de blik van collega's (naar de reflectiesessies in Engbersen, 2021, noot 4). "
        "De zelfevaluatie volgt de ideaaltypen en uitvoeringsvarianten van Van der Aa (2012, tabel 6.5). Alle tekst is automatisch "
        "gecontroleerd op gegevens die een klant kunnen identificeren; wat daarop leek, is vervangen door aanduidingen als [NAAM].</p></section>"
    )
    if assessments:
        latest = assessments[-1]
        growth = (
            growth_html(journal, start, end)
            or "<p>Groei zie je zodra je de zelfevaluatie minstens twee keer hebt ingevuld.</p>"
        )
        assessment = (
            f"<section class='pagina'><h2>Zelfevaluatie: je profiel</h2><p class='meta'>Laatst ingevuld op "
            f"{date.fromisoformat(latest.taken[:10]):%d-%m-%Y}.</p>{profile_html(latest.answers)}</section>"
            f"<section class='pagina'><h2>Activeringsnormen en groei</h2>{norms_html(latest.answers)}{growth}</section>"
        )
    else:
        assessment = (
            "<section class='pagina'><h2>Zelfevaluatie: je profiel</h2><p>In deze periode is geen zelfevaluatie ingevuld.</p></section>"
            "<section class='pagina'><h2>Activeringsnormen en groei</h2><p>Geen gegevens in deze periode.</p></section>"
        )
    if runs:
        rows = "".join(
            f"<tr><td>{html.escape(titles.get(r['casus'], r['casus']))}</td><td>{date.fromisoformat(r['started'][:10]):%d-%m-%Y}</td>"
            f"<td>{len(journal.choices(r['run_id']))}</td><td>{'afgerond' if r['finished'] else 'nog bezig'}</td></tr>"
            for r in runs
        )
        casus = f"<section class='pagina'><h2>Gespeelde casussen</h2><table><tr><th>Casus</th><th>Begonnen</th><th>Keuzes</th><th>Status</th></tr>{rows}</table></section>"
    else:
        casus = "<section class='pagina'><h2>Gespeelde casussen</h2><p>In deze periode is geen casus gespeeld.</p></section>"
    body = cover + assessment + casus + "".join(_reflection_html(r, titles) for r in reflections)
    document = _document("Portfolio zelfstudie activeringswerk", body)
    left = leftover_identifiers(document, [owner, *titles.values()])
    if left:
        raise PortfolioError(
            f"Het portfolio bevat nog iets dat op klantgegevens lijkt ({identiteit.summary(left)}); er is niets geschreven."
        )
    return Portfolio(document, len(reflections), len(assessments), len(runs))


def _print_pdf(browser, document: str, target: Path) -> None:
    page = browser.new_page()
    page.route("**/*", lambda route: route.abort())
    page.set_content(document, wait_until="load")
    page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True)


def write_pdf(document: str, target: Path) -> Path:
    """Print the HTML to PDF with Debian's Chromium (no network: every request is refused)."""
    if not chromium.available():
        raise PortfolioError(chromium.MISSING)
    try:
        chromium.run_in_browser(lambda browser: _print_pdf(browser, document, target), name="portfolio-pdf")
    except Exception as error:  # noqa: BLE001 - any failure of the browser: one Dutch line for the user
        raise PortfolioError(f"De PDF kon niet worden gemaakt: {error}") from error
    return target


def export_portfolio(
    journal: Journal, target: Path, start: str | None = None, end: str | None = None, owner: str = "", pdf: bool = True
) -> list[Path]:
    """Write ``target`` (.html) and, if asked, the PDF next to it; returns the files written."""
    target = Path(target)
    portfolio = build_portfolio(journal, start, end, owner)
    html_path = target.with_suffix(".html")
    write_atomic(html_path, portfolio.html)
    written = [html_path]
    if pdf:
        written.append(write_pdf(portfolio.html, target.with_suffix(".pdf")))
    return written


def intervisie_sheet(journal: Journal, reflection_id: int) -> str:
    """One reflection as a discussion sheet for a group session (HTML, printable, self-contained)."""
    reflection = journal.reflection(reflection_id)
    titles = _casus_titles()
    questions = {
        "research": "Welke kennis uit onderzoek of cursus is hier bruikbaar? Hoe zeker is die?",
        "client_interest": "Wat zou de klant zelf zeggen als hij of zij aan tafel zat?",
        "organisation_interest": "Welke regels, doelen of werkdruk duwen in welke richting? Is dat te verantwoorden?",
        "professional_view": "Op welke norm rust het oordeel van de inbrenger? Is die norm gedeeld in het team?",
        "colleagues": "Wat zou ieder van ons hier doen, en waarom verschillen we?",
    }
    blocks = "".join(
        f"<h3>{i}. {html.escape(f.label)}</h3><p class='meta'>Vraag aan de groep: {html.escape(questions[f.name])}</p>"
        f"<p><em>De inbrenger schreef:</em></p>{_text(getattr(reflection, f.name))}" + "<div class='lijnen'></div>" * 3
        for i, f in enumerate(PERSPECTIVE_FIELDS, 1)
    )
    closing = "".join(f"<h3>{html.escape(f.label)}</h3>{_text(getattr(reflection, f.name))}" for f in CLOSING_FIELDS)
    body = (
        f"<section><h1 style='margin-top:0'>Intervisieblad</h1><h2>{html.escape(identiteit.redact(reflection.title))}</h2>"
        f"<p class='meta'>Casus uit de praktijk van de inbrenger, {date.fromisoformat(reflection.date):%d-%m-%Y}. "
        "Doel van de ronde: samen vanuit vijf perspectieven kijken, niet meteen een oplossing kiezen.</p>"
        f"<h3>{html.escape(FIELDS['situation'].label)}</h3>{_text(reflection.situation)}{blocks}"
        "<h3>Afronding</h3><p>Wat besloot de inbrenger, en wat zou de groep een volgende keer anders of hetzelfde doen?</p>"
        + "<div class='lijnen'></div>"
        * 4
        + "</section><section class='pagina'><h2>Wat de inbrenger besloot (pas na de ronde lezen)</h2>"
        f"{closing}</section>"
    )
    document = _document(f"Intervisieblad: {reflection.title}", body)
    left = leftover_identifiers(document, list(titles.values()))
    if left:
        raise PortfolioError(
            f"Het intervisieblad bevat nog iets dat op klantgegevens lijkt ({identiteit.summary(left)})."
        )
    return document
