"""Play a casus in JupyterLab with ipywidgets: one decision at a time, feedback, journal, summary."""

from __future__ import annotations

import html

import ipywidgets as w
from markdown_it import MarkdownIt

from activering.bibliography import short_cite
from activering.casus.begrippen import (
    GLOSSARY_PAGE,
    GLOSSARY_SOURCE,
    MODULE_SOURCE,
    casus_terms,
    module_address,
    module_title,
)
from activering.casus.engine import (
    CHOOSE_FIRST,
    choices,
    hint,
    motivation_message,
    motivation_missing,
    progress_text,
    remaining,
    typical_text,
)
from activering.casus.model import Casus, Decision, Kind, Option
from activering.journal import Journal

_markdown = MarkdownIt("commonmark")

# ipywidgets gives radio items a fixed height and buttons a fixed width with an ellipsis: long option texts and
# button labels would be cut off. These rules let them wrap, so every label is read in full.
WIDGET_CSS = """<style>
.casus-keuzes .widget-radio-box label, .casus-keuzes .widget-checkbox label {
  height: auto; min-height: var(--jp-widgets-inline-height); line-height: 1.4; white-space: normal;
  overflow: visible; text-overflow: clip; padding: 2px 0; }
.casus-keuzes .widget-radio-box, .casus-keuzes .widget-checkbox { width: 100%; }
.casus-keuzes .widget-checkbox { height: auto; }
.widget-button.casus-knop { width: auto; height: auto; min-height: var(--jp-widgets-inline-height);
  white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def render_markdown(text: str) -> str:
    return _markdown.render(text)


def option_feedback_html(option: Option, chosen: bool) -> str:
    variants = typical_text(option)
    mark = "Jouw keuze: " if chosen else ""
    return (
        f'<div class="casus-feedback"><p><strong>{mark}{html.escape(option.tekst)}</strong></p>'
        f"<p>{html.escape(option.feedback)}</p>"
        f"<p><em>Bron: {html.escape(short_cite(option.bron.key, option.bron.locatie))}. "
        f"Typisch voor: {html.escape(variants)}.</em></p></div>"
    )


def feedback_html(decision: Decision, chosen: list[str]) -> str:
    """Feedback on the chosen options first; the other options' meaning folded below."""
    if decision.soort is Kind.OPEN:
        return (
            f"<div class='casus-feedback'><p><strong>Waar een sterk antwoord op ingaat:</strong></p>"
            f"<p>{html.escape(decision.modelantwoord or '')}</p>"
            f"<p><em>Bron: {html.escape(short_cite(decision.bron.key, decision.bron.locatie))}.</em></p></div>"
        )
    mine = [option_feedback_html(o, True) for o in decision.opties if o.id in chosen]
    others = [option_feedback_html(o, False) for o in decision.opties if o.id not in chosen]
    folded = f"<details><summary>Wat de andere opties betekenen</summary>{''.join(others)}</details>" if others else ""
    return "".join(mine) + folded


def _label(decision: Decision, option: Option) -> str:
    return f"{chr(ord('A') + decision.opties.index(option))}. {option.tekst}"


def recap_html(casus: Casus, path: list[str], chosen: dict[str, list[str]], motivations: dict[str, str]) -> str:
    """Per decision taken: the choice, the motivation, and the options not taken with their feedback (folded)."""
    items = []
    for number, decision_id in enumerate(path, start=1):
        decision = casus.decision(decision_id)
        picked = chosen.get(decision_id, [])
        parts = [f"<p><strong>Beslissing {number}:</strong> {html.escape(decision.vraag)}</p>"]
        mine = [_label(decision, o) for o in decision.opties if o.id in picked]
        if mine:
            parts.append(f"<p><strong>Jouw keuze:</strong> {html.escape('; '.join(mine))}</p>")
        if motivations.get(decision_id, "").strip():
            what = "Jouw antwoord" if decision.soort is Kind.OPEN else "Jouw motivering"
            parts.append(f"<p><strong>{what}:</strong> {html.escape(motivations[decision_id].strip())}</p>")
        others = [o for o in decision.opties if o.id not in picked]
        if others:
            count = "1 optie" if len(others) == 1 else f"{len(others)} opties"
            folded = "".join(
                f"<p><strong>{html.escape(_label(decision, o))}</strong></p><p>{html.escape(o.feedback)}</p>"
                f"<p><em>Bron: {html.escape(short_cite(o.bron.key, o.bron.locatie))}. "
                f"Typisch voor: {html.escape(typical_text(o))}.</em></p>"
                for o in others
            )
            parts.append(f"<details><summary>Wat je niet koos ({count})</summary>{folded}</details>")
        items.append(f"<li>{''.join(parts)}</li>")
    return f"<h4>Jouw keuzes terug gelezen</h4><ol class='casus-terugblik'>{''.join(items)}</ol>"


def then_and_now_html(casus: Casus) -> str:
    """The casus's 'toen en nu' note, with the module page to open in JupyterLab."""
    if casus.toen_en_nu is None:
        return ""
    module = casus.toen_en_nu.module
    return (
        "<h4>Toen en nu</h4>"
        + render_markdown(casus.toen_en_nu.tekst)
        + f"<p>Lees verder in {html.escape(module_title(module))}: "
        f"<code>{html.escape(MODULE_SOURCE.format(module=module))}</code></p>"
    )


def further_reading_html(casus: Casus) -> str:
    """Where to read on, the same list as the book page: the module section with this casus and the glossary
    terms of the casus. JupyterLab cannot open a book anchor, so each shows its address in the book."""
    terms = "".join(
        f"<li>{html.escape(link.term)}: <code>{html.escape(link.address)}</code></li>" for link in casus_terms(casus)
    )
    terms_part = f"<p>Begrippen uit deze casus (adres in het boek):</p><ul class='casus-begrippen'>{terms}</ul>"
    return (
        "<h4>Verder lezen</h4><ul>"
        f"<li>De module bij deze casus: <code>{html.escape(MODULE_SOURCE.format(module=casus.module))}</code> "
        f"(in het boek: <code>{html.escape(module_address(casus.module))}</code>)</li>"
        f"<li>De begrippenlijst: <code>{GLOSSARY_SOURCE}</code> (in het boek: <code>{GLOSSARY_PAGE}</code>)</li>"
        "</ul>" + (terms_part if terms else "")
    )


class CasusPlayer:
    """The widget state of one casus run; every choice is written to the journal at once."""

    def __init__(self, casus: Casus, journal: Journal | None = None) -> None:
        self.casus = casus
        self.journal = journal or Journal()
        self.run_id = self.journal.open_run(casus.slug)
        self.choices: dict[str, list[str]] = {}
        self.motivations: dict[str, str] = {}
        self.current: str | None = casus.beslissingen[0].id
        self.path: list[str] = []
        self._build_widgets()
        resumed = self._replay_journal()
        self._show_decision()
        if resumed:
            self.notice.value = (
                "<p><em>Je gaat verder waar je was gebleven; eerdere keuzes staan in je journaal.</em></p>"
            )

    # --- layout -------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        casus = self.casus
        self.title = w.HTML(WIDGET_CSS + f"<h2>{html.escape(casus.titel)}</h2>")
        self.notice = w.HTML()
        self.vignette = w.HTML(f"<div class='casus-vignet'>{render_markdown(casus.vignet)}</div>")
        self.progress = w.IntProgress(
            min=0,
            max=len(casus.beslissingen),
            description="Voortgang",
            style={"description_width": "initial"},
        )
        self.progress_label = w.HTML()  # a Label would cut a long text off with "…"
        self.question = w.HTML()
        self.selector_box = w.VBox(layout=w.Layout(width="100%"))
        self.selector_box.add_class("casus-keuzes")
        self.motivation = w.Textarea(
            placeholder="Motiveer je keuze in een paar zinnen…",
            layout=w.Layout(width="100%", height="90px"),
            description="Motivering",
        )
        self.confirm = w.Button(
            description="Bevestig keuze", button_style="primary", tooltip="Leg je keuze vast en bekijk de feedback"
        )
        self.feedback = w.HTML()
        self.next_button = w.Button(description="Volgende beslissing", tooltip="Ga naar de volgende beslissing")
        for button in (self.confirm, self.next_button):
            button.add_class("casus-knop")
        self.summary = w.HTML()
        self.confirm.on_click(lambda _: self.submit())
        self.next_button.on_click(lambda _: self.advance())
        self.widget = w.VBox(
            [
                self.title,
                self.notice,
                self.vignette,
                w.VBox([self.progress, self.progress_label]),
                self.question,
                self.selector_box,
                self.motivation,
                self.confirm,
                self.feedback,
                self.next_button,
                self.summary,
            ],
            layout=w.Layout(max_width="820px"),
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _selector(self, decision: Decision) -> w.Widget | None:
        """Every option visible with its full text; nothing preselected (a scale too: no default point)."""
        labelled = [
            (f"{chr(ord('A') + index)}. {option.tekst}", option.id) for index, option in enumerate(decision.opties)
        ]
        if decision.soort in (Kind.SINGLE, Kind.SCALE):
            return w.RadioButtons(options=labelled, value=None, layout=w.Layout(width="100%"))
        if decision.soort is Kind.MULTIPLE:
            return w.VBox(
                [
                    w.Checkbox(value=False, description=text, indent=False, layout=w.Layout(width="100%"))
                    for text, _ in labelled
                ]
            )
        return None

    # --- behaviour ----------------------------------------------------------------------------
    def _decision(self) -> Decision:
        return self.casus.decision(self.current)

    def _show_decision(self) -> None:
        if self.current is None:
            self._show_summary()
            return
        decision = self._decision()
        number = len(self.path) + 1
        # The bar's end is the longest path ahead (or the number of decisions when a branch loops back).
        self.progress.max = len(self.path) + (remaining(self.casus, decision.id)[1] or len(self.casus.beslissingen))
        self.progress.value = len(self.path)
        self.progress_label.value = html.escape(progress_text(self.casus, decision.id, len(self.path)))
        self.question.value = (
            f"<h3>Beslissing {number}</h3><p>{html.escape(decision.vraag)}</p>"
            f"<p><em>{html.escape(hint(decision))}</em></p>"
        )
        self.selector = self._selector(decision)
        self.selector_box.children = [self.selector] if self.selector else []
        self.motivation.value = ""
        self.motivation.layout.display = None if decision.asks_motivation else "none"
        self.confirm.disabled = False
        self.feedback.value = ""
        self.next_button.layout.display = "none"

    def selected(self) -> list[str]:
        """The option ids currently selected in the widgets."""
        decision = self._decision()
        if decision.soort is Kind.MULTIPLE:
            return [o.id for o, box in zip(decision.opties, self.selector.children) if box.value]
        if self.selector is None or self.selector.value is None:
            return []
        return [self.selector.value]

    def choose(self, *option_ids: str, motivation: str = "") -> None:
        """Select options as a user would (used by tests and by `bench/casus.py`)."""
        decision = self._decision()
        if decision.soort is Kind.MULTIPLE:
            for option, box in zip(decision.opties, self.selector.children):
                box.value = option.id in option_ids
        elif self.selector is not None:
            self.selector.value = option_ids[0]
        self.motivation.value = motivation

    def submit(self) -> None:
        decision = self._decision()
        chosen = self.selected()
        if tuple(chosen) not in choices(decision):  # nothing chosen where a choice is needed
            self.feedback.value = f"<p role='alert'>{CHOOSE_FIRST}</p>"
            return
        if motivation_missing(decision, self.motivation.value):
            self.feedback.value = f"<p role='alert'>{motivation_message(decision)}</p>"
            return
        self.choices[decision.id] = chosen
        self.motivations[decision.id] = self.motivation.value
        self.journal.record_choice(self.run_id, decision.id, chosen, self.motivation.value)
        self.feedback.value = f"<div role='status'>{feedback_html(decision, chosen)}</div>"
        self.confirm.disabled = True
        upcoming = self.casus.next_decision(decision.id, chosen)
        self.next_button.description = "Volgende beslissing" if upcoming else "Naar de nabespreking"
        self.next_button.layout.display = None

    def advance(self) -> None:
        decision = self._decision()
        self.path.append(decision.id)
        self.current = self.casus.next_decision(decision.id, self.choices[decision.id])
        self._show_decision()

    def _replay_journal(self) -> bool:
        """Restore an unfinished run: follow the recorded choices to the first open decision."""
        recorded = {choice.decision: choice for choice in self.journal.choices(self.run_id)}
        while self.current in recorded:
            choice = recorded[self.current]
            self.choices[self.current] = choice.options
            self.motivations[self.current] = choice.motivation
            self.path.append(self.current)
            self.current = self.casus.next_decision(self.current, choice.options)
        return bool(self.path)

    def _show_summary(self) -> None:
        self.journal.finish_run(self.run_id)
        self.progress.value = self.progress.max
        self.progress_label.value = "Klaar"
        for widget in (self.question, self.feedback):
            widget.value = ""
        self.selector_box.children = []
        for widget in (self.motivation, self.confirm, self.next_button):
            widget.layout.display = "none"
        # Imported here: Altair and vl-convert take seconds to import, and only the summary needs them.
        from activering.casus.profile import match_chart, match_text, variant_match
        from activering.preamble import show_chart

        match = variant_match(self.casus, self.choices)
        chart = show_chart(match_chart(match), match_text(match))
        self.summary.value = (
            "<h3>Nabespreking</h3>"
            + render_markdown(self.casus.nabespreking)
            + then_and_now_html(self.casus)
            + recap_html(self.casus, self.path, self.choices, self.motivations)
            + "<h4>Jouw profiel</h4>"
            + chart.data
            + "<p><em>Je keuzes en motiveringen staan in je journaal; je kunt er later op reflecteren.</em></p>"
            + further_reading_html(self.casus)
        )


def speel(slug: str, journal: Journal | None = None) -> CasusPlayer:
    """Play the casus ``slug`` from casussen/ in JupyterLab."""
    from activering.casus.load import load_casus

    return CasusPlayer(load_casus(slug), journal)
