"""The vocabulary of the reflection journal: the form fields grouped for display, and the themes."""

from __future__ import annotations

from activering.casus.model import THEME_TITLES
from activering.vocabulary import REFLECTION_FIELDS, ReflectionField

# The fields themselves, their order and the five perspectives (seed 002, note 4) are in
# activering.vocabulary.REFLECTION_FIELDS; the views below group them for the form, the command
# line and the portfolio.

#: Every field by its storage name, in form order.
FIELDS: dict[str, ReflectionField] = {f.name: f for f in REFLECTION_FIELDS}

#: The five perspectives, in form order.
PERSPECTIVE_FIELDS: tuple[ReflectionField, ...] = tuple(f for f in REFLECTION_FIELDS if f.perspective)

# The form shows the perspectives as one block (tests/test_reflectie.py checks that they follow each other).
_FIRST = REFLECTION_FIELDS.index(PERSPECTIVE_FIELDS[0])
_LAST = REFLECTION_FIELDS.index(PERSPECTIVE_FIELDS[-1])

#: The fields before the perspectives (title, situation) and after them (decision, reasons, lesson).
OPENING_FIELDS: tuple[ReflectionField, ...] = REFLECTION_FIELDS[:_FIRST]
CLOSING_FIELDS: tuple[ReflectionField, ...] = REFLECTION_FIELDS[_LAST + 1 :]

#: The perspectives and the other fields as name -> (label, prompt), in form order.
PERSPECTIVES: dict[str, tuple[str, str]] = {f.name: (f.label, f.prompt) for f in PERSPECTIVE_FIELDS}
OTHER_FIELDS: dict[str, tuple[str, str]] = {f.name: (f.label, f.prompt) for f in REFLECTION_FIELDS if not f.perspective}

#: Every field's label, in form order.
FIELD_LABELS: dict[str, str] = {f.name: f.label for f in REFLECTION_FIELDS}

#: Theme tags: the casus themes plus broader course themes.
THEMES: dict[str, str] = {
    **{str(theme): title for theme, title in THEME_TITLES.items()},
    "uitvoering": "Uitvoeringsvariant en organisatie",
    "vakmanschap": "Vakmanschap en professionele normen",
    "samenwerking": "Samenwerking met aanbieders en netwerk",
    "administratie": "Administratie en verantwoording",
    "werkgevers": "Werkgevers en bemiddeling",
}
