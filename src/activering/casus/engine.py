"""The casus rules in one place: what a choice leads to, what it counts for, what the player must write.

The JupyterLab widget calls these functions directly. The book page embeds :func:`step_table`, the
complete table of every step of a casus (decision → choice → next decision and variant weights; every
option's feedback; whether a motivation is required), and ``static/casus.js`` only looks things up in
that table and renders them. So the two players cannot disagree about a rule.

This module imports no chart or data library: the book build imports it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from activering.bibliography import short_cite
from activering.casus.begrippen import BOOK_ROOT, GLOSSARY_PAGE, MODULE_PAGE, casus_terms, module_address, module_title
from activering.casus.keuzes import export_info
from activering.casus.model import Casus, Decision, Kind, Option
from activering.vocabulary import Variant

KIND_HINTS = {
    Kind.SINGLE: "Kies één optie.",
    Kind.MULTIPLE: "Kies een of meer opties.",
    Kind.SCALE: "Kies één punt op de schaal; de opties staan op volgorde.",
    Kind.OPEN: "Schrijf je antwoord voor jezelf op en lees daarna het modelantwoord.",
}
CHOOSE_FIRST = "Kies eerst een optie."
MOTIVATION_LABEL = "Je motivering (alleen voor jezelf; wordt niet verstuurd)"
MOTIVATION_MIN_WORDS = 3
NO_VARIANT = "geen variant in het bijzonder"
KEY_SEPARATOR = "+"  # option ids never contain it (see Option.id)


GLOSSARY_TITLE = "Begrippenlijst"


def hint(decision: Decision) -> str:
    """The instruction above a decision; for a scale it names both ends, as both players show them."""
    if decision.soort is Kind.SCALE:
        first, last = decision.opties[0].tekst, decision.opties[-1].tekst
        last_letter = chr(ord("A") + len(decision.opties) - 1)
        return (
            f"Kies één punt op de schaal. De opties staan op volgorde: van ‘{first}’ (A) naar ‘{last}’ ({last_letter})."
        )
    return KIND_HINTS[decision.soort]


def _successors(casus: Casus, decision_id: str) -> set[str | None]:
    decision = casus.decision(decision_id)
    return {outcome(casus, decision, choice).next for choice in choices(decision)}


def remaining(casus: Casus, decision_id: str) -> tuple[int | None, int | None]:
    """The fewest and most decisions still to take from ``decision_id`` on, itself included, over every branch.

    None where there is no bound: the most when a branch can loop back, the fewest when no path ends.
    """
    following = {d.id: _successors(casus, d.id) for d in casus.beslissingen}
    fewest: dict[str | None, int] = {None: 0}
    for _ in range(len(following) + 1):
        for node, nexts in following.items():
            known = [fewest[n] for n in nexts if n in fewest]
            if known:
                fewest[node] = 1 + min(known)
    most: dict[str | None, float] = {None: 0}
    on_path: set[str] = set()

    def longest(node: str | None) -> float:
        if node in on_path:
            return math.inf
        if node not in most:
            on_path.add(node)
            most[node] = 1 + max(longest(n) for n in following[node])
            on_path.discard(node)
        return most[node]

    high = longest(decision_id)
    return fewest.get(decision_id), None if math.isinf(high) else int(high)


def _decisions(count: int) -> str:
    return f"{count} beslissing" if count == 1 else f"{count} beslissingen"


def ahead_text(casus: Casus, decision_id: str) -> str:
    """What is still ahead after this decision: honest about branches (the engine counts, the players show)."""
    low, high = remaining(casus, decision_id)
    if low is None:
        return "hierna volgen nog beslissingen"
    low -= 1
    if high is None:
        return f"hierna nog minstens {_decisions(low)}, afhankelijk van je keuzes"
    high -= 1
    if high == 0:
        return "dit is de laatste beslissing"
    if low == high:
        return f"hierna nog {_decisions(high)}"
    return f"hierna nog {low} tot {high} beslissingen, afhankelijk van je keuzes"


def progress_text(casus: Casus, decision_id: str, taken: int) -> str:
    """'Beslissing 3 · hierna nog 1 tot 2 beslissingen, …': the count of decisions taken, then what is ahead."""
    return f"Beslissing {taken + 1} · {ahead_text(casus, decision_id)}"


def choices(decision: Decision) -> list[tuple[str, ...]]:
    """Every valid choice at ``decision``, each as option ids in option order.

    One option for `enkelvoudig` and `schaal`, any non-empty set for `meervoudig`, nothing for `open`.
    """
    ids = [option.id for option in decision.opties]
    if decision.soort is Kind.OPEN:
        return [()]
    if decision.soort is Kind.MULTIPLE:
        return [subset for size in range(1, len(ids) + 1) for subset in combinations(ids, size)]
    return [(option_id,) for option_id in ids]


def choice_key(decision: Decision, chosen: Iterable[str]) -> str:
    """The table key of a choice: the chosen option ids in option order, joined by '+'."""
    wanted = set(chosen)
    return KEY_SEPARATOR.join(option.id for option in decision.opties if option.id in wanted)


@dataclass(frozen=True)
class Outcome:
    """What one choice at one decision leads to."""

    next: str | None  # the next decision; None ends the casus
    variants: tuple[Variant, ...]  # the variants that typically choose (one of) these options
    counts: bool  # whether the decision counts in the comparison with the variants


def outcome(casus: Casus, decision: Decision, chosen: Iterable[str]) -> Outcome:
    chosen = set(chosen)
    picked = [option for option in decision.opties if option.id in chosen]
    return Outcome(
        next=casus.next_decision(decision.id, [option.id for option in picked]),
        variants=tuple(variant for variant in Variant if any(variant in option.varianten for option in picked)),
        counts=decision.soort is not Kind.OPEN and bool(picked),
    )


def motivation_message(decision: Decision) -> str:
    what = "antwoord" if decision.soort is Kind.OPEN else "motivering"
    return f"Schrijf eerst kort je {what} (een paar zinnen)."


def motivation_missing(decision: Decision, text: str) -> bool:
    """True when the decision asks for a motivation and ``text`` is too short to be one."""
    return decision.asks_motivation and len(text.split()) < MOTIVATION_MIN_WORDS


def typical_text(option: Option) -> str:
    """'Regisseur, Interventionist', or that no variant in particular chooses this option."""
    return ", ".join(variant.label for variant in option.varianten) or NO_VARIANT


def percentage(same: int, answered: int) -> int:
    """Share in whole percent, halves rounded up (as JavaScript's Math.round does)."""
    return (200 * same + answered) // (2 * answered) if answered else 0


@dataclass(frozen=True)
class VariantScore:
    variant: Variant
    same: int  # answered decisions where the player chose what this variant typically chooses
    answered: int  # answered decisions that count
    percentage: int


def variant_profile(casus: Casus, chosen: dict[str, list[str]]) -> list[VariantScore]:
    """Per variant, in the vocabulary's order: how often the player's choices match its typical choices."""
    outcomes = [outcome(casus, d, chosen[d.id]) for d in casus.beslissingen if d.id in chosen]
    counted = [o for o in outcomes if o.counts]
    scores = []
    for variant in Variant:
        same = sum(variant in o.variants for o in counted)
        scores.append(VariantScore(variant, same, len(counted), percentage(same, len(counted))))
    return scores


def step_table(casus: Casus) -> dict:
    """Everything the page script needs, as JSON: per decision every choice's outcome, texts written out."""
    return {
        "slug": casus.slug,
        "titel": casus.titel,
        "start": casus.beslissingen[0].id,
        "varianten": [{"id": v.value, "label": v.label, "kleur": v.colour} for v in Variant],
        "kies_eerst": CHOOSE_FIRST,
        "scheiding": KEY_SEPARATOR,
        "beslissingen": {decision.id: _decision_table(casus, decision) for decision in casus.beslissingen},
        "nabespreking": [paragraph.strip() for paragraph in casus.nabespreking.split("\n\n") if paragraph.strip()],
        "module": casus.module,
        # from the casus page: the section of the module page that lists this casus, the glossary, its terms
        "module_url": BOOK_ROOT + module_address(casus.module),
        "begrippen_url": BOOK_ROOT + GLOSSARY_PAGE,
        "begrippen": [{"term": link.term, "url": BOOK_ROOT + link.address} for link in casus_terms(casus)],
        "export": export_info(casus),
        "toen_en_nu": None
        if casus.toen_en_nu is None
        else {
            "tekst": casus.toen_en_nu.tekst,
            "url": BOOK_ROOT + MODULE_PAGE.format(module=casus.toen_en_nu.module),
            "module": module_title(casus.toen_en_nu.module),
        },
    }


def _decision_table(casus: Casus, decision: Decision) -> dict:
    outcomes = {}
    for choice in choices(decision):
        result = outcome(casus, decision, choice)
        outcomes[choice_key(decision, choice)] = {
            "volgende": result.next,
            "varianten": [variant.value for variant in result.variants],
            "telt": result.counts,
        }
    return {
        "vraag": decision.vraag,
        "soort": decision.soort.value,
        "hint": hint(decision),
        "voortgang": ahead_text(casus, decision.id),
        "invoer": {Kind.OPEN: None, Kind.MULTIPLE: "checkbox"}.get(decision.soort, "radio"),
        "opties": [
            {
                "id": option.id,
                "tekst": option.tekst,
                "feedback": option.feedback,
                "bron": short_cite(option.bron.key, option.bron.locatie),
                "typisch": typical_text(option),
            }
            for option in decision.opties
        ],
        "modelantwoord": (
            {"tekst": decision.modelantwoord, "bron": short_cite(decision.bron.key, decision.bron.locatie)}
            if decision.soort is Kind.OPEN
            else None
        ),
        "motivatie": (
            {
                "label": MOTIVATION_LABEL,
                "melding": motivation_message(decision),
                "minimum_woorden": MOTIVATION_MIN_WORDS,
            }
            if decision.asks_motivation
            else None
        ),
        "uitkomsten": outcomes,
    }
