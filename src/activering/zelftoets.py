"""The ``vraag`` directive: self-check questions that can be answered in the book's page.

A multiple-choice question becomes a ``<fieldset>`` with a ``<legend>`` and real radio buttons (check boxes
when more than one option is right), a check button and a feedback region that ``static/zelftoets.js``
fills. The answer with its sources is always in the page, in a ``<details>``: without JavaScript nothing is
lost. An open question shows its model answer on request. The source stays readable as plain text::

    :::{vraag} meerkeuze
    :juist: b
    **Vraag 1.** Welke twee doelen heeft activering?

    - a. Fraude opsporen
    - b. Uitstroom naar werk en participatie

    ---
    **b.** Activering wil … (bron).
    :::

Everything before the ``---`` line is the question and its options; everything after it is the answer. (Not
``+++``: in a MyST notebook that line starts a new cell, also inside a directive.)
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

STATIC = Path(__file__).parent / "static"
SEPARATOR = "---"
OPTION = re.compile(r"^- ([a-z])\.\s+(.*)$")
KINDS = ("meerkeuze", "open")


class vraag_node(nodes.General, nodes.Element):
    """The whole question: ``<div class="zelftoets">`` with the correct letters for the script."""


class keuzes_node(nodes.General, nodes.Element):
    """``<fieldset>`` around the legend and the options."""


class legend_node(nodes.General, nodes.TextElement):
    """``<legend>``: the question text (inline content only)."""


class optie_node(nodes.General, nodes.TextElement):
    """One option: a radio button or check box with its ``<label>``."""


class controle_node(nodes.General, nodes.Element):
    """The check button and the feedback region (hidden until the script runs)."""


class antwoord_node(nodes.General, nodes.Element):
    """``<details>`` with the answer or the model answer."""


class VraagDirective(SphinxDirective):
    """``{vraag} meerkeuze`` with ``:juist:`` (one or more letters), or ``{vraag} open``."""

    required_arguments = 1
    has_content = True
    option_spec = {"juist": lambda value: value or ""}

    def fail(self, problem: str):
        return self.error(f"Zelftoets in '{self.env.docname}': {problem}")

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0].strip()
        if kind not in KINDS:
            raise self.fail(f"onbekend soort vraag '{kind}' (kies 'meerkeuze' of 'open').")
        lines = list(self.content)
        if SEPARATOR not in [line.strip() for line in lines]:
            raise self.fail(f"het antwoord ontbreekt (zet het na een regel '{SEPARATOR}').")
        split = [line.strip() for line in lines].index(SEPARATOR)
        question_lines, answer_lines = lines[:split], lines[split + 1 :]
        if not "".join(answer_lines).strip():
            raise self.fail(f"het antwoord na '{SEPARATOR}' is leeg.")
        serial = self.env.new_serialno("zelftoets")
        ident = f"zelftoets-{serial}"
        question = vraag_node(classes=["zelftoets", f"zelftoets-{kind}"], ids=[ident])
        offset = self.content_offset
        if kind == "open":
            if "juist" in self.options:
                raise self.fail("een open vraag heeft geen ':juist:'.")
            body = nodes.container(classes=["zelftoets-vraagtekst"])
            self.state.nested_parse(StringList(question_lines, source=self.env.docname), offset, body)
            question += body
            question += self.answer(answer_lines, offset + split + 1, "Bekijk een modelantwoord")
            return [question]

        text, options = self.parse_options(question_lines)
        letters = [letter for letter, _ in options]
        if len(options) < 2:
            raise self.fail("een meerkeuzevraag heeft minstens twee opties ('- a. …' op een eigen regel).")
        if len(set(letters)) != len(letters):
            raise self.fail(f"dubbele optieletters: {', '.join(letters)}.")
        correct = [part.strip() for part in re.split(r"[,\s]+", self.options.get("juist", "")) if part.strip()]
        if not correct:
            raise self.fail("de meerkeuzevraag mist ':juist:' (de letter van het goede antwoord).")
        unknown = [letter for letter in correct if letter not in letters]
        if unknown:
            raise self.fail(
                f"':juist: {', '.join(unknown)}' noemt geen optie van deze vraag (opties: {', '.join(letters)})."
            )
        if not text.strip():
            raise self.fail("de vraagtekst ontbreekt.")
        question["juist"] = " ".join(correct)
        question.attributes["invoer"] = "checkbox" if len(correct) > 1 else "radio"
        fieldset = keuzes_node()
        inline, messages = self.state.inline_text(text.strip(), self.lineno)
        fieldset += legend_node("", "", *inline)
        fieldset += messages
        for letter, label in options:
            inline, messages = self.state.inline_text(label, self.lineno)
            option = optie_node("", "", *inline)
            option["letter"] = letter
            option["naam"] = ident
            option["invoer"] = question.attributes["invoer"]
            fieldset += option
            fieldset += messages
        question += fieldset
        question += controle_node(ident=ident)
        question += self.answer(answer_lines, offset + split + 1, "Bekijk het antwoord")
        return [question]

    def parse_options(self, lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
        """The question text (before the first option) and the options ``- a. …`` (with continuation lines)."""
        text: list[str] = []
        options: list[list[str]] = []
        for line in lines:
            match = OPTION.match(line.strip()) if not line.startswith(" ") else None
            if match:
                options.append([match.group(1), match.group(2).strip()])
            elif options and line.strip():
                if not line.startswith(" "):
                    raise self.fail(f"tekst na de opties hoort in het antwoord (na '{SEPARATOR}'): '{line.strip()}'.")
                options[-1][1] += " " + line.strip()
            elif not options:
                text.append(line)
        return "\n".join(text), [(letter, label) for letter, label in options]

    def answer(self, lines: list[str], offset: int, summary: str) -> antwoord_node:
        details = antwoord_node(summary=summary)
        self.state.nested_parse(StringList(lines, source=self.env.docname), offset, details)
        return details


# HTML. Every element the script adds behaviour to is already in the page; the script only reveals the button.


def _visit_vraag(self, node: vraag_node) -> None:
    attributes = {"data-juist": node["juist"], "data-invoer": node["invoer"]} if node.get("juist") else {}
    self.body.append(self.starttag(node, "div", **attributes))


def _depart_div(self, node) -> None:
    self.body.append("</div>\n")


def _visit_keuzes(self, node: keuzes_node) -> None:
    self.body.append('<fieldset class="zelftoets-keuzes">\n')


def _depart_keuzes(self, node: keuzes_node) -> None:
    self.body.append("</fieldset>\n")


def _visit_legend(self, node: legend_node) -> None:
    self.body.append('<legend class="zelftoets-legend">')


def _depart_legend(self, node: legend_node) -> None:
    self.body.append("</legend>\n")


def _visit_optie(self, node: optie_node) -> None:
    ident = f"{node['naam']}-{node['letter']}"
    self.body.append(
        f'<div class="zelftoets-optie" data-letter="{node["letter"]}">'
        f'<input type="{node["invoer"]}" id="{ident}" name="{node["naam"]}" value="{node["letter"]}">'
        f'<label for="{ident}"><span class="zelftoets-letter">{node["letter"]}.</span> '
    )


def _depart_optie(self, node: optie_node) -> None:
    self.body.append('<span class="zelftoets-markering"></span></label></div>\n')


def _visit_controle(self, node: controle_node) -> None:
    self.body.append(
        '<div class="zelftoets-controle">'
        '<button type="button" class="zelftoets-knop" hidden>Controleer</button>'
        f'<p class="zelftoets-feedback" id="{node["ident"]}-feedback" role="status" aria-live="polite"></p>'
    )


def _visit_antwoord(self, node: antwoord_node) -> None:
    self.body.append(f'<details class="zelftoets-antwoord"><summary>{self.encode(node["summary"])}</summary>\n')


def _depart_antwoord(self, node: antwoord_node) -> None:
    self.body.append("</details>\n")


class PlainQuestions(SphinxPostTransform):
    """Other builders (LaTeX, text): the question, its options and the answer as ordinary paragraphs."""

    default_priority = 200

    def run(self, **kwargs) -> None:
        if self.app.builder.format == "html":
            return
        for node in list(self.document.findall(controle_node)):
            node.parent.remove(node)
        for node in list(self.document.findall(legend_node)):
            node.replace_self(nodes.paragraph("", "", *node.children))
        for node in list(self.document.findall(optie_node)):
            node.replace_self(nodes.paragraph("", "", nodes.Text(f"{node['letter']}. "), *node.children))
        for node in list(self.document.findall(antwoord_node)):
            heading = nodes.paragraph("", "", nodes.strong("", node["summary"]))
            node.replace_self(nodes.container("", heading, *node.children))
        for kind in (keuzes_node, vraag_node):
            for node in list(self.document.findall(kind)):
                node.replace_self(nodes.container("", *node.children))


def _add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.add_node(vraag_node, html=(_visit_vraag, _depart_div))
    app.add_node(keuzes_node, html=(_visit_keuzes, _depart_keuzes))
    app.add_node(legend_node, html=(_visit_legend, _depart_legend))
    app.add_node(optie_node, html=(_visit_optie, _depart_optie))
    app.add_node(controle_node, html=(_visit_controle, _depart_div))
    app.add_node(antwoord_node, html=(_visit_antwoord, _depart_antwoord))
    app.add_directive("vraag", VraagDirective)
    app.add_post_transform(PlainQuestions)
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("zelftoets.css")
    app.add_js_file("zelftoets.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
