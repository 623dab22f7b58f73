"""ipywidgets forms for JupyterLab: a reflection on a case from practice, and the self-assessment.

Both forms write only when the user clicks a button; building or showing them reads and writes
nothing, so the book page that shows them leaves no journal behind.
"""

from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from activering.journal import Journal, Reflection
from activering.reflectie import identiteit, zelfevaluatie
from activering.reflectie.figures import growth_html, result_html
from activering.reflectie.model import CLOSING_FIELDS, FIELDS, OPENING_FIELDS, PERSPECTIVE_FIELDS, THEMES


def _casus_options() -> list[tuple[str, str]]:
    from activering.casus.load import load_all_casussen

    return [(casus.titel, casus.slug) for casus in load_all_casussen()]


class _JournalUser:
    def __init__(self, journal: Journal | None) -> None:
        self._journal = journal

    @property
    def journal(self) -> Journal:
        """Opened on first use (a button click), never when the form is built."""
        if self._journal is None:
            self._journal = Journal()
        return self._journal

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


class ReflectionForm(_JournalUser):
    """Write (or edit) one reflection along the five perspectives."""

    def __init__(
        self,
        journal: Journal | None = None,
        reflection_id: int | None = None,
        casussen: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(journal)
        self.reflection_id = reflection_id
        self.created = ""
        self.pending: Reflection | None = None
        self.fields: dict[str, w.Widget] = {}
        self._build(casussen if casussen is not None else _casus_options())
        if reflection_id is not None:
            self.load(self.journal.reflection(reflection_id))

    def _area(self, name: str, label: str, prompt: str, height: str = "80px") -> w.Widget:
        area = w.Textarea(placeholder=prompt, layout=w.Layout(width="100%", height=height))
        self.fields[name] = area
        return w.VBox([w.HTML(f"<strong>{html.escape(label)}</strong>"), area])

    def _build(self, casussen: list[tuple[str, str]]) -> None:
        self.date = w.DatePicker(description="Datum", value=date.today())
        title = FIELDS["title"]  # one line at the top; the other fields are text areas
        self.fields[title.name] = w.Text(
            placeholder=title.prompt, description=title.label, layout=w.Layout(width="100%")
        )
        self.tags = w.SelectMultiple(
            options=[(label, tag) for tag, label in THEMES.items()],
            description="Thema's",
            rows=6,
            layout=w.Layout(width="48%"),
        )
        self.casussen = w.SelectMultiple(options=casussen, description="Casussen", rows=6, layout=w.Layout(width="50%"))
        opening_boxes = [
            self._area(f.name, f.label, f.prompt, height="110px") for f in OPENING_FIELDS if f is not title
        ]
        perspective_boxes = [
            self._area(f.name, f"{i}. {f.label}", f.prompt) for i, f in enumerate(PERSPECTIVE_FIELDS, 1)
        ]
        closing_boxes = [self._area(f.name, f.label, f.prompt) for f in CLOSING_FIELDS]
        self.save_button = w.Button(description="Bewaar in mijn journaal", button_style="primary", icon="save")
        self.redact_button = w.Button(
            description="Vervang en bewaar",
            button_style="warning",
            tooltip="Vervang wat op klantgegevens lijkt door [NAAM], [BSN] enz. en bewaar",
        )
        self.anyway_button = w.Button(
            description="Toch bewaren zoals het staat", tooltip="Alleen als het geen gegevens van een klant zijn"
        )
        for button in (self.redact_button, self.anyway_button):
            button.layout.display = "none"
        self.status = w.HTML()
        self.save_button.on_click(lambda _: self.save())
        self.redact_button.on_click(lambda _: self.save(redact=True))
        self.anyway_button.on_click(lambda _: self.save(force=True))
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h3>Reflectie op een situatie uit je praktijk</h3><p>Je journaal staat alleen op deze computer. "
                    "Schrijf zonder namen, adressen of nummers van klanten.</p>"
                ),
                w.HBox([self.date]),
                self.fields["title"],
                w.HBox([self.tags, self.casussen]),
                *opening_boxes,
                w.HTML("<h4>Vijf perspectieven</h4>"),
                *perspective_boxes,
                w.HTML("<h4>Besluit en les</h4>"),
                *closing_boxes,
                w.HBox([self.save_button, self.redact_button, self.anyway_button]),
                self.status,
            ],
            layout=w.Layout(max_width="820px"),
        )

    def load(self, reflection: Reflection) -> None:
        self.reflection_id, self.created = reflection.id, reflection.created
        self.date.value = date.fromisoformat(reflection.date)
        for name, widget in self.fields.items():
            widget.value = getattr(reflection, name)
        self.tags.value = tuple(t for t in reflection.tags if t in THEMES)
        known = {slug for _, slug in self.casussen.options}
        self.casussen.value = tuple(s for s in reflection.casussen if s in known)

    def fill(self, **values) -> None:
        """Set fields as a user would (tests, demos): text fields by name, plus tags, casussen, date."""
        for name, value in values.items():
            if name == "tags":
                self.tags.value = tuple(value)
            elif name == "casussen":
                self.casussen.value = tuple(value)
            elif name == "date":
                self.date.value = date.fromisoformat(value) if isinstance(value, str) else value
            else:
                self.fields[name].value = value

    def reflection(self) -> Reflection:
        return Reflection(
            id=self.reflection_id,
            date=(self.date.value or date.today()).isoformat(),
            tags=list(self.tags.value),
            casussen=list(self.casussen.value),
            **{name: widget.value for name, widget in self.fields.items()},
        )

    def save(self, redact: bool = False, force: bool = False) -> int | None:
        """Write the entry; first warn when it seems to identify a client. Returns the id when saved."""
        if not self.fields["title"].value.strip():
            self.status.value = "<p role='alert'>Geef je reflectie eerst een titel.</p>"
            return None
        if redact:
            for widget in self.fields.values():
                widget.value = identiteit.redact(widget.value)
        entry = self.reflection()
        findings = identiteit.check(entry.text())
        if findings and not force:
            self.status.value = (
                "<div role='alert' class='journaal-waarschuwing'><p><strong>Dit lijkt gegevens van een klant te bevatten:</strong> "
                f"{html.escape(identiteit.summary(findings))}.</p><p>Er is nog niets bewaard. Pas de tekst aan, laat het "
                "vervangen door neutrale aanduidingen zoals [NAAM], of bewaar het toch als het niet om een klant gaat.</p></div>"
            )
            self.redact_button.layout.display = self.anyway_button.layout.display = None
            return None
        if entry.id is None:
            self.reflection_id = self.journal.add_reflection(entry)
            done = "bewaard"
        else:
            self.journal.update_reflection(entry)
            done = "bijgewerkt"
        self.redact_button.layout.display = self.anyway_button.layout.display = "none"
        self.status.value = f"<p role='status'>Reflectie nr. {self.reflection_id} is {done} in je journaal ({html.escape(str(self.journal.path))}).</p>"
        return self.reflection_id


class AssessmentForm(_JournalUser):
    """The self-assessment: answer, save, and see the profile, the norms and growth over time."""

    def __init__(self, journal: Journal | None = None) -> None:
        super().__init__(journal)
        self.answers: dict[str, w.ToggleButtons] = {}
        options = [(str(value), value) for value in range(1, 6)]
        rows = [
            w.HTML(
                "<h3>Zelfevaluatie: activeringsnormen en werkwijze</h3>"
                "<p>Deel 1: waar sta jij op vragen waarover klantmanagers in het onderzoek van mening verschilden? "
                "Kies 1 als je het eens bent met de linkeruitspraak, 5 bij de rechteruitspraak.</p>"
            )
        ]
        for norm in zelfevaluatie.NORMS:
            toggle = w.ToggleButtons(options=options, value=None, style={"button_width": "36px"})
            self.answers[norm.id] = toggle
            middle = f"<br><small>Midden: {html.escape(norm.middle)}</small>" if norm.middle else ""
            rows.append(
                w.HTML(
                    f"<p><strong>{html.escape(norm.label)}</strong><br>1 = {html.escape(norm.left)}<br>"
                    f"5 = {html.escape(norm.right)}{middle}</p>"
                )
            )
            rows.append(toggle)
        rows.append(w.HTML("<p>Deel 2: hoe werk je? 1 = helemaal oneens, 5 = helemaal eens.</p>"))
        for item in zelfevaluatie.ITEMS:
            toggle = w.ToggleButtons(options=options, value=None, style={"button_width": "36px"})
            self.answers[item.id] = toggle
            rows.extend([w.HTML(f"<p>{html.escape(item.text)}</p>"), toggle])
        self.save_button = w.Button(description="Bewaar en toon mijn profiel", button_style="primary", icon="save")
        self.history_button = w.Button(description="Toon mijn groei", icon="line-chart")
        self.status = w.HTML()
        self.result = w.HTML()
        self.save_button.on_click(lambda _: self.save())
        self.history_button.on_click(lambda _: self.show_growth())
        self.widget = w.VBox(
            [*rows, w.HBox([self.save_button, self.history_button]), self.status, self.result],
            layout=w.Layout(max_width="820px"),
        )

    def fill(self, answers: dict[str, int]) -> None:
        for key, value in answers.items():
            self.answers[key].value = value

    def save(self) -> int | None:
        given = {key: toggle.value for key, toggle in self.answers.items() if toggle.value is not None}
        missing = len(self.answers) - len(given)
        if missing:
            self.status.value = f"<p role='alert'>Nog {missing} vraag/vragen open; beantwoord ze allemaal.</p>"
            return None
        assessment_id = self.journal.add_assessment(given)
        self.status.value = f"<p role='status'>Zelfevaluatie nr. {assessment_id} is bewaard in je journaal.</p>"
        self.result.value = result_html(given) + growth_html(self.journal)
        return assessment_id

    def show_growth(self) -> None:
        self.result.value = (
            growth_html(self.journal) or "<p>Vul de zelfevaluatie minstens twee keer in om groei te zien.</p>"
        )


def reflectieformulier(journal: Journal | None = None, nummer: int | None = None) -> ReflectionForm:
    """The reflection form; with ``nummer`` it opens an existing reflection for editing."""
    return ReflectionForm(journal, nummer)


def zelfevaluatieformulier(journal: Journal | None = None) -> AssessmentForm:
    return AssessmentForm(journal)
