"""Self-assessment: where do you stand on the activeringsnormen, and how do you work?

Two parts, both derived from Van der Aa (2012) (seed 003):

* **Activeringsnormen** (§6.5.3, p. 186 ff.; seed 003 lines 3081–3441): questions on which the
  klantmanagers in the study held different views. Each is a range between two positions found in
  the study (sometimes with a middle position). The study does not say which norm is best, and these
  norms varied *within* the variants too, so no variant is placed on them.
* **Professional practice** along the six aspects of the ideal types (English summary Table 1, seed
  003 lines 6054–6067; §6.6 Tabel 6.5, p. 200, lines 3458–3472), from the bureaucratic/coping pole
  (1) to the professional pole (5). The items paraphrase the draft "Activeringswerk-spiegel" of the
  source brief (seed003-D.md §7.3). This is not a validated instrument.

The three execution variants are placed on the same 1–5 scale from the *words* of Tabel 6.5, not from
any measurement: "bureaucratisch" = 1, "overwegend bureaucratisch" (or "hoofdzakelijk coping") = 2,
mixed ("wisselend", "afwisselend", "of") = 3, "overwegend professioneel" (or professional with "beperkte
mate van coping") = 4, "professioneel" = 5. These are ordinal positions, not scores.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from activering.vocabulary import OWN_COLOUR, Variant

if TYPE_CHECKING:  # altair is imported when a chart is drawn: the command line starts faster without it
    import altair as alt

SCALE_LABELS = {1: "helemaal oneens", 2: "oneens", 3: "neutraal", 4: "eens", 5: "helemaal eens"}


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    #: Tabel 6.5 wording per variant (seed 003, lines 3458–3472) and the ordinal position it gives.
    variants: dict[Variant, tuple[int, str]]
    read_next: str


VARIANTS = tuple(Variant)
OWN_LABEL = "Jij"

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "diagnose",
        "Diagnose",
        {
            Variant.INTERVENTIONIST: (5, "professioneel oordelen over het activeringsdoel"),
            Variant.REGISSEUR: (3, "professioneel oordelen of bureaucratisch beslissen"),
            Variant.ADMINISTRATEUR: (2, "overwegend bureaucratisch selecteren van trajecten"),
        },
        "Module 3 (diagnose en trede)",
    ),
    Dimension(
        "plan",
        "Activeringsplan",
        {
            variant: (1, "bureaucratische omgang met trajectplannen als administratieve verplichting")
            for variant in VARIANTS
        },
        "Module 3 (diagnose en trede) en de casus over familie Haddad",
    ),
    Dimension(
        "focus",
        "Focus van de begeleiding",
        {
            Variant.INTERVENTIONIST: (5, "geïndividualiseerde, professionele begeleiding"),
            Variant.REGISSEUR: (2, "beknot professionalisme; overwegend bureaucratische, toezichthoudende rol"),
            Variant.ADMINISTRATEUR: (2, "overwegend bureaucratische, beperkte toezichthoudende rol"),
        },
        "Module 5 (uitvoering en sturing)",
    ),
    Dimension(
        "sancties",
        "Sancties",
        {
            Variant.INTERVENTIONIST: (4, "overwegend onderdeel van professionele activeringsbehandeling"),
            Variant.REGISSEUR: (3, "wisselend bureaucratische of professionele omgang"),
            Variant.ADMINISTRATEUR: (1, "bureaucratische uitvoering op verzoek van anderen"),
        },
        "Module 4 (sancties)",
    ),
    Dimension(
        "samenwerking",
        "Samenwerking met aanbieders",
        {
            Variant.INTERVENTIONIST: (5, "professionele afstemming en advisering"),
            Variant.REGISSEUR: (2, "overwegend bureaucratisch toezicht, soms professionele afstemming"),
            Variant.ADMINISTRATEUR: (1, "beperkt, bureaucratisch toezicht"),
        },
        "Module 5 (uitvoering en sturing)",
    ),
    Dimension(
        "beslisruimte",
        "Omgang met beslisruimte",
        {
            Variant.INTERVENTIONIST: (4, "professionele afweging, beperkte mate van coping"),
            Variant.REGISSEUR: (3, "afwisselend professionele afweging en coping"),
            Variant.ADMINISTRATEUR: (2, "hoofdzakelijk coping"),
        },
        "Module 2 (beslisruimte)",
    ),
)
DIMENSION_LABELS = {d.id: d.label for d in DIMENSIONS}

ITEMS: tuple[Item, ...] = (
    Item(
        "d1",
        "diagnose",
        "Welk traject een klant krijgt, bepaal ik vooral vanuit mijn eigen inschatting van wat hem of haar in de weg zit.",
    ),
    Item(
        "d2",
        "diagnose",
        "Meestal kies ik het traject dat de richtlijn voor deze groep klanten voorschrijft.",
        reverse=True,
    ),
    Item(
        "d3",
        "diagnose",
        "Ik kan uitleggen welke informatie (willen, kunnen, belemmeringen, kansen op werk) tot mijn diagnose leidde.",
    ),
    Item(
        "p1",
        "plan",
        "In mijn plannen staan doelen en stappen die bij deze ene klant horen, niet alleen rechten en plichten.",
    ),
    Item("p2", "plan", "Een trajectplan vul ik vooral in omdat het systeem erom vraagt.", reverse=True),
    Item(
        "f1",
        "focus",
        "Mijn contact met klanten gaat vooral over adviseren, coachen of werk zoeken, en minder over controle.",
    ),
    Item("f2", "focus", "Of ik meer coach of meer controleer, kies ik per klant bewust."),
    Item(
        "s1",
        "sancties",
        "Voordat ik een maatregel overweeg, vraag ik me af wat die oplevert voor de activering van deze klant.",
    ),
    Item("s2", "sancties", "Ik zie weleens af van een maatregel omdat die te veel papierwerk kost.", reverse=True),
    Item("s3", "sancties", "Ook als een aanbieder een maatregel voorstelt, hoor ik eerst het verhaal van de klant."),
    Item(
        "a1",
        "samenwerking",
        "Na een verwijzing overleg ik inhoudelijk met de aanbieder en stuur ik bij, niet alleen via rapportages.",
    ),
    Item(
        "a2",
        "samenwerking",
        "Hoe een traject loopt, hoor ik meestal pas als de aanbieder een probleem meldt.",
        reverse=True,
    ),
    Item(
        "b1",
        "beslisruimte",
        "Wie mijn aandacht krijgt, hangt af van wat klanten nodig hebben, niet van wie belt of wie het makkelijkst is.",
    ),
    Item(
        "b2",
        "beslisruimte",
        "Door de werkdruk krijgen sommige klanten nauwelijks aandacht, terwijl ik vind dat ze die nodig hebben.",
        reverse=True,
    ),
)


@dataclass(frozen=True)
class Norm:
    id: str
    label: str
    left: str
    right: str
    middle: str | None
    source: str  # section and seed line numbers


# Positions paraphrased from §6.5.3 (seed 003); the line numbers point at the passages.
NORMS: tuple[Norm, ...] = (
    Norm(
        "n1",
        "Streng of aandachtig",
        "Consequent streng zijn zet mensen in beweging",
        "Luisteren en meedenken tillen mensen op; strengheid is geen doel",
        None,
        "§6.5.3, r. 3099–3113",
    ),
    Norm(
        "n2",
        "Zijn langdurige klanten te activeren?",
        "Een groot deel is niet meer te activeren",
        "Ook wie ver van werk staat, kan in kleine stappen meedoen",
        None,
        "§6.5.3, r. 3138–3144",
    ),
    Norm(
        "n3",
        "Bestaan niet-willers?",
        "Er is een groep die bewust voor de uitkering kiest",
        "Achter niet-willen zit meestal niet-kunnen of weinig zelfvertrouwen",
        "Een kleine groep, vaak met een dubbele agenda",
        "§6.5.3, r. 3148–3156",
    ),
    Norm(
        "n4",
        "Wat zegt no-show?",
        "Weinig motivatie: dus meer controle",
        "Niet-kunnen of persoonlijke problemen",
        None,
        "§6.5.3, r. 3250",
    ),
    Norm(
        "n5",
        "Wanneer sanctioneren?",
        "Sancties zijn een belangrijk middel: consequent toepassen",
        "Bij sommige klanten maakt een sanctie het erger; motiveren werkt beter",
        "Pas als lichtere middelen niet werken; waarschuwen is vaak genoeg",
        "§6.5.3, r. 3266–3276",
    ),
    Norm(
        "n6",
        "Hoeveel inbreng krijgt de klant?",
        "Ik bepaal het traject; klanten kunnen dat niet goed zelf",
        "Een klant met een geloofwaardig eigen plan krijgt de ruimte",
        "Klanten kiezen uit wat ik voorleg",
        "§6.5.3, r. 3280–3290",
    ),
)


def nl(value: float) -> str:
    """A number with one decimal and a Dutch decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def check_answers(answers: dict[str, int]) -> None:
    known = {item.id for item in ITEMS} | {norm.id for norm in NORMS}
    unknown = set(answers) - known
    if unknown:
        raise ValueError(f"onbekende vragen: {', '.join(sorted(unknown))}")
    bad = {key: value for key, value in answers.items() if value not in (1, 2, 3, 4, 5)}
    if bad:
        raise ValueError(f"antwoorden lopen van 1 tot en met 5: {bad}")


def dimension_scores(answers: dict[str, int]) -> dict[str, float]:
    """Mean per dimension (1 = bureaucratic/coping pole, 5 = professional pole); reversed items flipped."""
    check_answers(answers)
    scores: dict[str, float] = {}
    for dimension in DIMENSIONS:
        values = [
            6 - answers[i.id] if i.reverse else answers[i.id]
            for i in ITEMS
            if i.dimension == dimension.id and i.id in answers
        ]
        if values:
            scores[dimension.id] = round(sum(values) / len(values), 2)
    return scores


def variant_positions() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"dimensie": d.label, "wie": v.label, "positie": d.variants[v][0], "bron": d.variants[v][1]}
            for d in DIMENSIONS
            for v in VARIANTS
        ]
    )


def profile_frame(scores: dict[str, float] | None) -> pd.DataFrame:
    """Variant positions plus (if given) the user's scores, in one long table for the chart."""
    frame = variant_positions()
    if scores:
        mine = pd.DataFrame(
            [
                {"dimensie": DIMENSION_LABELS[k], "wie": OWN_LABEL, "positie": v, "bron": "jouw antwoorden"}
                for k, v in scores.items()
            ]
        )
        frame = pd.concat([frame, mine], ignore_index=True)
    return frame


def nearest_variant(scores: dict[str, float]) -> tuple[str, dict[str, float]]:
    """The variant with the smallest mean distance to the scores, and every distance."""
    distances = {}
    for variant in VARIANTS:
        gaps = [abs(scores[d.id] - d.variants[variant][0]) for d in DIMENSIONS if d.id in scores]
        distances[variant.label] = round(sum(gaps) / len(gaps), 2) if gaps else float("nan")
    best = min(distances, key=distances.get)
    return best, distances


_AXIS_LABELS = "datum.value == 1 ? '1 bureaucratisch/coping' : datum.value == 5 ? '5 professioneel' : datum.value"


def profile_chart(
    scores: dict[str, float] | None = None, title: str = "Jouw profiel naast de drie uitvoeringsvarianten"
) -> alt.Chart:
    import altair as alt

    frame = profile_frame(scores)
    order = [d.label for d in DIMENSIONS]
    who = [variant.label for variant in Variant] + ([OWN_LABEL] if scores else [])
    colours = [variant.colour for variant in Variant] + ([OWN_COLOUR] if scores else [])
    base = alt.Chart(frame, title=title).encode(
        x=alt.X(
            "positie:Q",
            title="Positie (1 = bureaucratische pool, 5 = professionele pool)",
            scale=alt.Scale(domain=[0.8, 5.2]),
            axis=alt.Axis(values=[1, 2, 3, 4, 5], labelExpr=_AXIS_LABELS),
        ),
        y=alt.Y("dimensie:N", title=None, sort=order),
        color=alt.Color("wie:N", title=None, sort=who, scale=alt.Scale(domain=who, range=colours)),
        shape=alt.Shape(
            "wie:N",
            title=None,
            sort=who,
            scale=alt.Scale(domain=who, range=["circle", "square", "triangle-up", "diamond"][: len(who)]),
        ),
        yOffset=alt.YOffset("wie:N", sort=who, scale=alt.Scale(domain=who, paddingOuter=0.3)),
        tooltip=["dimensie", "wie", "positie", "bron"],
    )
    variants = base.transform_filter(alt.datum.wie != OWN_LABEL).mark_point(size=110, filled=True, opacity=0.8)
    layers = [variants]
    if scores:
        layers.append(base.transform_filter(alt.datum.wie == OWN_LABEL).mark_point(size=260, filled=True))
    return alt.layer(*layers).properties(width=440, height=260)


def profile_text(scores: dict[str, float] | None) -> str:
    """Text alternative for :func:`profile_chart`, computed from the same numbers."""
    parts = []
    for d in DIMENSIONS:
        places = ", ".join(f"{v.label.lower()} {d.variants[v][0]}" for v in VARIANTS)
        mine = f"jij {nl(scores[d.id])}; " if scores and d.id in scores else ""
        parts.append(f"{d.label}: {mine}{places}")
    lead = "Puntdiagram op een schaal van 1 (bureaucratische pool) tot 5 (professionele pool) per aspect van het werk"
    if scores:
        lead += ", met jouw gemiddelde score naast de plaats van de drie uitvoeringsvarianten"
    else:
        lead += ", met de plaats van de drie uitvoeringsvarianten volgens tabel 6.5 van Van der Aa (2012)"
    return lead + ". " + "; ".join(parts) + "."


def norms_frame(answers: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    found = pd.DataFrame(
        [
            {"norm": n.label, "positie": p, "standpunt": text}
            for n in NORMS
            for p, text in ((1, n.left), (3, n.middle), (5, n.right))
            if text
        ]
    )
    mine = pd.DataFrame(
        [{"norm": n.label, "positie": answers[n.id], "standpunt": "jouw positie"} for n in NORMS if n.id in answers]
    )
    return found, mine


def norms_chart(answers: dict[str, int]) -> alt.Chart:
    import altair as alt

    found, mine = norms_frame(answers)
    order = [n.label for n in NORMS]
    y = alt.Y("norm:N", title=None, sort=order)
    x = alt.X(
        "positie:Q",
        title="Standpunt (1 = linker-, 5 = rechterpositie uit het onderzoek)",
        scale=alt.Scale(domain=[0.8, 5.2]),
        axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
    )
    span = (
        alt.Chart(pd.DataFrame({"norm": order, "van": 1, "tot": 5}))
        .mark_rule(color="#bbbbbb", strokeWidth=3)
        .encode(y=y, x=alt.X("van:Q", scale=alt.Scale(domain=[0.8, 5.2])), x2="tot:Q")
    )
    ticks = (
        alt.Chart(found)
        .mark_tick(color="#4e79a7", thickness=3, size=16)
        .encode(y=y, x=x, tooltip=["norm", "standpunt"])
    )
    layers = [span, ticks]
    if not mine.empty:
        layers.append(
            alt.Chart(mine)
            .mark_point(shape="diamond", size=220, filled=True, color=OWN_COLOUR)
            .encode(y=y, x=x, tooltip=["norm", "positie"])
        )
    return alt.layer(*layers, title="Activeringsnormen: de bandbreedte in het onderzoek en jouw positie").properties(
        width=440, height=170
    )


def norms_text(answers: dict[str, int]) -> str:
    parts = []
    for n in NORMS:
        found = "drie" if n.middle else "twee"
        mine = f"jij staat op {answers[n.id]}" if n.id in answers else "niet beantwoord"
        parts.append(f"{n.label}: {found} standpunten gevonden, {mine}")
    return (
        "Per activeringsnorm een lijn van 1 tot 5 met blauwe streepjes op de standpunten die in het onderzoek "
        "voorkwamen en een paarse ruit op jouw positie. " + "; ".join(parts) + "."
    )


def growth_frame(history: list[tuple[str, dict[str, int]]]) -> pd.DataFrame:
    rows = []
    for taken, answers in history:
        for key, score in dimension_scores(answers).items():
            rows.append({"datum": pd.Timestamp(taken[:10]), "dimensie": DIMENSION_LABELS[key], "score": score})
    return pd.DataFrame(rows)


def growth_chart(history: list[tuple[str, dict[str, int]]]) -> alt.Chart:
    import altair as alt

    frame = growth_frame(history)
    return (
        alt.Chart(frame, title="Je profiel door de tijd")
        .mark_line(point=True)
        .encode(
            x=alt.X("datum:T", title="Datum van de zelfevaluatie", axis=alt.Axis(format="%d-%m-%Y", labelAngle=-30)),
            y=alt.Y("score:Q", title="Score (1–5)", scale=alt.Scale(domain=[1, 5])),
            color=alt.Color("dimensie:N", title=None, sort=[d.label for d in DIMENSIONS]),
            tooltip=["dimensie", alt.Tooltip("datum:T", format="%d-%m-%Y"), "score"],
        )
        .properties(width=440, height=190)
    )


def growth_text(history: list[tuple[str, dict[str, int]]]) -> str:
    first, last = dimension_scores(history[0][1]), dimension_scores(history[-1][1])
    changes = [f"{DIMENSION_LABELS[k]} van {nl(first[k])} naar {nl(last[k])}" for k in last if k in first]
    return (
        f"Lijndiagram van je scores per aspect over {len(history)} zelfevaluaties, van {history[0][0][:10]} "
        f"tot {history[-1][0][:10]}: " + "; ".join(changes) + "."
    )


def interpretation(answers: dict[str, int]) -> str:
    """A short Dutch interpretation (HTML) of the profile and what to read next."""
    scores = dimension_scores(answers)
    if not scores:
        return "<p>Je hebt nog geen vragen over je werkwijze beantwoord.</p>"
    best, distances = nearest_variant(scores)
    high = max(scores, key=scores.get)
    low = min(scores, key=scores.get)
    low_dim = next(d for d in DIMENSIONS if d.id == low)
    mean = sum(scores.values()) / len(scores)
    lean = (
        "dicht bij de professionele pool"
        if mean >= 3.75
        else "tussen de twee polen in"
        if mean >= 2.5
        else "dicht bij de bureaucratische pool"
    )
    distance_text = ", ".join(f"{name.lower()} {nl(gap)}" for name, gap in distances.items())
    return (
        f"<p>Gemiddeld sta je <strong>{lean}</strong> ({nl(mean)} op de schaal van 1 tot 5). Je profiel lijkt het meest "
        f"op dat van de <strong>{best.lower()}</strong> (gemiddelde afstand per aspect: {html.escape(distance_text)}). "
        f"Het sterkst professioneel scoor je op <em>{DIMENSION_LABELS[high].lower()}</em> ({nl(scores[high])}), het minst op "
        f"<em>{DIMENSION_LABELS[low].lower()}</em> ({nl(scores[low])}).</p>"
        "<p>Lees dit als een spiegel, niet als een cijfer. Van der Aa (2012, §8.2 en tabel 8.1) laat zien dat veel "
        "hiervan samenhangt met je werkomgeving: een hoge caseload, uitkeringstaken naast activering en targets op "
        "aantallen plannen duwen ook goede vakmensen richting coping. Kijk dus eerst naar je omstandigheden "
        "voordat je conclusies over jezelf trekt. Een hoge score betekent 'meer maatwerk en beter onderbouwd', "
        "niet zonder meer 'beter'. Dit is geen gevalideerd meetinstrument.</p>"
        f"<p><strong>Lees verder:</strong> {html.escape(low_dim.read_next)}, en bespreek je antwoorden op de "
        "activeringsnormen in intervisie: daar verschilden klantmanagers in het onderzoek het meest van elkaar.</p>"
    )
