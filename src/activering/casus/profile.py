"""How a player's choices compare with the three execution variants: the table, chart and text of the widget.

The numbers come from :func:`activering.casus.engine.variant_profile`, the rule the book page follows too.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from activering.casus.engine import variant_profile
from activering.casus.model import Casus
from activering.vocabulary import variant_colours


def variant_match(casus: Casus, choices: dict[str, list[str]]) -> pd.DataFrame:
    """Per variant: in how many answered decisions the player chose what that variant typically chooses."""
    return pd.DataFrame(
        [
            {
                "variant": score.variant.label,
                "overeenkomst": score.percentage,
                "beslissingen": score.same,
                "beantwoord": score.answered,
            }
            for score in variant_profile(casus, choices)
        ]
    )


def match_chart(match: pd.DataFrame) -> alt.Chart:
    domain, colours = variant_colours()
    return (
        alt.Chart(match, title="Jouw keuzes naast de drie uitvoeringsvarianten")
        .mark_bar()
        .encode(
            x=alt.X("overeenkomst:Q", title="Overeenkomst met jouw keuzes (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("variant:N", title=None, sort=domain),
            color=alt.Color("variant:N", legend=None, scale=alt.Scale(domain=domain, range=colours)),
            tooltip=["variant", "overeenkomst", "beslissingen", "beantwoord"],
        )
        .properties(width=420, height=150)
    )


def match_text(match: pd.DataFrame) -> str:
    """The chart's text alternative, computed from the same numbers."""
    if match["beantwoord"].max() == 0:
        return "Je hebt nog geen keuzebeslissing beantwoord, dus er is nog niets te vergelijken met de drie varianten."
    parts = [
        f"{row.variant} {row.overeenkomst}% ({row.beslissingen} van {row.beantwoord})" for row in match.itertuples()
    ]
    best = match.sort_values("overeenkomst", ascending=False).iloc[0]
    return (
        "Staafdiagram van hoe vaak jouw keuzes overeenkomen met wat elke uitvoeringsvariant meestal kiest: "
        + ", ".join(parts)
        + f". Jouw keuzes lijken het meest op de {best.variant.lower()}."
    )
