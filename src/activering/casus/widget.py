"""Play a casus in JupyterLab with ipywidgets: one decision at a time, feedback, journal, summary."""

from __future__ import annotations

import html

import ipywidgets as w
from markdown_it import MarkdownIt

from activering.bibliography import short_cite
from activering.casus.engine import CHOOSE_FIRST, choices, motivation_message, motivation_missing, typical_text
from activering.casus.model import Casus, Decision, Kind, Option
from activering.journal import Journal

_markdown = MarkdownIt("commonmark")


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
        self.title = w.HTML(f"<h2>{html.escape(casus.titel)}</h2>")
        self.notice = w.HTML()
        self.vignette = w.HTML(f"<div class='casus-vignet'>{render_markdown(casus.vignet)}</div>")
        self.progress = w.IntProgress(
            min=0, max=len(casus.beslissingen), description="Voortgang", style={"description_width": "initial"}
        )
        self.progress_label = w.Label()
        self.question = w.HTML()
        self.selector_box = w.VBox()
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
        self.summary = w.HTML()
        self.confirm.on_click(lambda _: self.submit())
        self.next_button.on_click(lambda _: self.advance())
        self.widget = w.VBox(
            [
                self.title,
                self.notice,
                self.vignette,
                w.HBox([self.progress, self.progress_label]),
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
        labelled = [(option.tekst, option.id) for option in decision.opties]
        if decision.soort is Kind.SINGLE:
            return w.RadioButtons(options=labelled, value=None, layout=w.Layout(width="max-content"))
        if decision.soort is Kind.MULTIPLE:
            return w.VBox(
                [
                    w.Checkbox(value=False, description=text, indent=False, layout=w.Layout(width="max-content"))
                    for text, _ in labelled
                ]
            )
        if decision.soort is Kind.SCALE:
            return w.SelectionSlider(
                options=labelled,
                value=labelled[len(labelled) // 2][1],
                continuous_update=False,
                layout=w.Layout(width="95%"),
                style={"description_width": "initial"},
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
        self.progress.value = len(self.path)
        self.progress_label.value = f"Beslissing {number}"
        self.question.value = f"<h3>Beslissing {number}</h3><p>{html.escape(decision.vraag)}</p>"
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
            + chart.data
            + "<p><em>Je keuzes en motiveringen staan in je journaal; je kunt er later op reflecteren.</em></p>"
        )


def speel(slug: str, journal: Journal | None = None) -> CasusPlayer:
    """Play the casus ``slug`` from casussen/ in JupyterLab."""
    from activering.casus.load import load_casus

    return CasusPlayer(load_casus(slug), journal)
