"""The course's shared vocabulary: one place for what several packages name.

* :class:`Variant` — the three execution variants of Van der Aa (2012, ch. 8), with their Dutch labels
  and the one colour every chart, widget, book page and portfolio uses for them;
* :data:`REFLECTION_FIELDS` — the fields of a reflection, in the order of the form; the journal's
  storage, the form widget, the command line and the portfolio all loop over this list.

This module imports nothing from the package (and no third-party library), so every layer may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Variant(StrEnum):
    """The three execution variants of Van der Aa (2012, ch. 8), in the course's fixed order."""

    INTERVENTIONIST = "interventionist"
    REGISSEUR = "regisseur"
    ADMINISTRATEUR = "administrateur"

    @property
    def label(self) -> str:
        """Singular Dutch label, capitalised: "Interventionist"."""
        return _LABELS[self][0]

    @property
    def plural(self) -> str:
        """Plural Dutch label, capitalised: "Interventionisten"."""
        return _LABELS[self][1]

    @property
    def colour(self) -> str:
        """The variant's colour (Okabe–Ito, safe for colour-blind readers; 3:1 or more on white)."""
        return _COLOURS[self]


_LABELS = {
    Variant.INTERVENTIONIST: ("Interventionist", "Interventionisten"),
    Variant.REGISSEUR: ("Regisseur", "Regisseurs"),
    Variant.ADMINISTRATEUR: ("Administrateur", "Administrateurs"),
}

_COLOURS = {
    Variant.INTERVENTIONIST: "#0072B2",  # blue
    Variant.REGISSEUR: "#D55E00",  # vermilion
    Variant.ADMINISTRATEUR: "#009E73",  # bluish green
}

#: The colour of "you" (the student's own answers) next to the variants.
OWN_COLOUR = "#6b3fa0"

#: The colour of a value next to the variants that is none of them (e.g. a suppressed "*").
NEUTRAL_COLOUR = "#8c8c8c"


def variant_colours(labels: str = "label") -> tuple[list[str], list[str]]:
    """(domain, range) for a chart's colour scale: the variants' labels and their colours.

    ``labels`` is ``"label"`` (Interventionist), ``"plural"`` (Interventionisten) or ``"value"``
    (interventionist), to match the values in the chart's data.
    """
    if labels not in ("label", "plural", "value"):
        raise ValueError(f"labels is 'label', 'plural' of 'value', niet {labels!r}")
    domain = [getattr(variant, labels) if labels != "value" else variant.value for variant in Variant]
    return domain, [variant.colour for variant in Variant]


# "Havenmonde (interventionist)": a municipality (or team) with its variant in brackets at the end.
_IN_BRACKETS = re.compile(r"\((?P<variant>[^()]+)\)\s*$")


def variant_of(value: object) -> Variant | None:
    """The variant a value in a chart stands for, or None.

    Recognised, in any case and with surrounding spaces: the value (``interventionist``), the label
    (``Interventionist``), the plural (``Interventionisten``), and any name followed by one of these in
    brackets at the end (``Havenmonde (interventionist)``, ``Team Noord (Regisseurs)``).
    """
    if not isinstance(value, str):
        return None
    text = value.strip().casefold()
    bracketed = _IN_BRACKETS.search(text)
    if bracketed:
        text = bracketed["variant"].strip()
    return _BY_NAME.get(text)


_BY_NAME = {name.casefold(): variant for variant in Variant for name in (variant.value, variant.label, variant.plural)}


@dataclass(frozen=True)
class ReflectionField:
    """One field of a reflection: its storage name, its label and the prompt under it in the form."""

    name: str
    label: str
    prompt: str
    perspective: bool = False  # one of the five perspectives of the reflection sessions


# The order of the form. The five perspectives come from seed 002 (Engbersen interview), note 4,
# line 75: the Rotterdam reflection sessions look at a dilemma from the perspective of research, the
# client's interest, the organisation's interest, one's own professional view and colleagues.
REFLECTION_FIELDS: tuple[ReflectionField, ...] = (
    ReflectionField("title", "Titel", "Een korte titel, zonder namen van klanten"),
    ReflectionField("situation", "De situatie", "Beschrijf kort wat er speelde. Laat namen, adressen en nummers weg."),
    ReflectionField(
        "research",
        "Wat zegt onderzoek?",
        "Wat weet je uit onderzoek of de cursus over deze situatie? Waar is die kennis onzeker?",
        perspective=True,
    ),
    ReflectionField(
        "client_interest",
        "Belang van de klant",
        "Wat wil en wat kan de klant? Wat staat er voor hem of haar op het spel?",
        perspective=True,
    ),
    ReflectionField(
        "organisation_interest",
        "Belang van de organisatie",
        "Welke regels, doelen, targets of werkdruk spelen mee vanuit je organisatie?",
        perspective=True,
    ),
    ReflectionField(
        "professional_view",
        "Mijn professionele oordeel",
        "Wat vind jij als vakmens de juiste aanpak, en op welke norm of ervaring rust dat?",
        perspective=True,
    ),
    ReflectionField(
        "colleagues",
        "Wat zouden collega's zeggen?",
        "Hoe zou een collega dit aanpakken? Waar zouden jullie het oneens zijn?",
        perspective=True,
    ),
    ReflectionField("decision", "Wat heb ik besloten?", "Wat heb je uiteindelijk gedaan of besloten?"),
    ReflectionField("reasoning", "Waarom?", "Welke overwegingen gaven de doorslag?"),
    ReflectionField("next_time", "Wat doe ik een volgende keer?", "Wat neem je mee naar een vergelijkbare situatie?"),
)

#: Storage names of the free-text fields, in form order.
REFLECTION_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in REFLECTION_FIELDS)
