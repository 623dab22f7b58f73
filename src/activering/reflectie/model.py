"""The vocabulary of the reflection journal: the five perspectives, the form fields, the themes."""

from __future__ import annotations

from activering.casus.model import THEME_TITLES

# Seed 002 (Engbersen interview), note 4, line 75: the Rotterdam reflection sessions look at a
# dilemma from the perspective of research, the client's interest, the organisation's interest,
# one's own professional view and colleagues.
PERSPECTIVES: dict[str, tuple[str, str]] = {
    "research": (
        "Wat zegt onderzoek?",
        "Wat weet je uit onderzoek of de cursus over deze situatie? Waar is die kennis onzeker?",
    ),
    "client_interest": (
        "Belang van de klant",
        "Wat wil en wat kan de klant? Wat staat er voor hem of haar op het spel?",
    ),
    "organisation_interest": (
        "Belang van de organisatie",
        "Welke regels, doelen, targets of werkdruk spelen mee vanuit je organisatie?",
    ),
    "professional_view": (
        "Mijn professionele oordeel",
        "Wat vind jij als vakmens de juiste aanpak, en op welke norm of ervaring rust dat?",
    ),
    "colleagues": (
        "Wat zouden collega's zeggen?",
        "Hoe zou een collega dit aanpakken? Waar zouden jullie het oneens zijn?",
    ),
}

#: The other fields of a reflection: (label, prompt).
OTHER_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("Titel", "Een korte titel, zonder namen van klanten"),
    "situation": ("De situatie", "Beschrijf kort wat er speelde. Laat namen, adressen en nummers weg."),
    "decision": ("Wat heb ik besloten?", "Wat heb je uiteindelijk gedaan of besloten?"),
    "reasoning": ("Waarom?", "Welke overwegingen gaven de doorslag?"),
    "next_time": ("Wat doe ik een volgende keer?", "Wat neem je mee naar een vergelijkbare situatie?"),
}

FIELD_LABELS: dict[str, str] = {
    **{name: label for name, (label, _) in OTHER_FIELDS.items()},
    **{name: label for name, (label, _) in PERSPECTIVES.items()},
}

#: Theme tags: the casus themes plus broader course themes.
THEMES: dict[str, str] = {
    **{str(theme): title for theme, title in THEME_TITLES.items()},
    "uitvoering": "Uitvoeringsvariant en organisatie",
    "vakmanschap": "Vakmanschap en professionele normen",
    "samenwerking": "Samenwerking met aanbieders en netwerk",
    "administratie": "Administratie en verantwoording",
    "werkgevers": "Werkgevers en bemiddeling",
}
