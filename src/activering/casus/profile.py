"""How a player's choices compare with the three execution variants."""

from __future__ import annotations

import altair as alt
import pandas as pd

from activering.casus.model import Casus, Kind, Variant

VARIANT_LABELS = {
    Variant.INTERVENTIONIST: "Interventionist",
    Variant.REGISSEUR: "Regisseur",
    Variant.ADMINISTRATEUR: "Administrateur",
}


def variant_match(casus: Casus, choices: dict[str, list[str]]) -> pd.DataFrame:
    """Per variant: in how many answered decisions the player chose what that variant typically chooses."""
    rows = []
    answered = [d for d in casus.beslissingen if d.soort is not Kind.OPEN and choices.get(d.id)]
    for variant in Variant:
        same = sum(
            any(variant in option.varianten for option in decision.opties if option.id in choices[decision.id])
            for decision in answered
        )
        rows.append(
            {
                "variant": VARIANT_LABELS[variant],
                "overeenkomst": round(100 * same / len(answered)) if answered else 0,
                "beslissingen": same,
                "beantwoord": len(answered),
            }
        )
    return pd.DataFrame(rows)


def match_chart(match: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(match, title="Jouw keuzes naast de drie uitvoeringsvarianten")
        .mark_bar()
        .encode(
            x=alt.X("overeenkomst:Q", title="Overeenkomst met jouw keuzes (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("variant:N", title=None, sort=list(VARIANT_LABELS.values())),
            color=alt.Color("variant:N", legend=None),
            tooltip=["variant", "overeenkomst", "beslissingen", "beantwoord"],
        )
        .properties(width=420, height=150)
    )


def match_text(match: pd.DataFrame) -> str:
    """The chart's text alternative, computed from the same numbers."""
    if match["beantwoord"].max() == 0:
        return "Je hebt nog geen keuzebeslissing beantwoord, dus er is nog niets te vergelijken met de drie varianten."
    parts = [f"{row.variant} {row.overeenkomst}% ({row.beslissingen} van {row.beantwoord})" for row in match.itertuples()]
    best = match.sort_values("overeenkomst", ascending=False).iloc[0]
    return (
        "Staafdiagram van hoe vaak jouw keuzes overeenkomen met wat elke uitvoeringsvariant meestal kiest: "
        + ", ".join(parts)
        + f". Jouw keuzes lijken het meest op de {best.variant.lower()}."
    )
