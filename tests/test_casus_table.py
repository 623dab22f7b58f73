"""The step table the book page plays from: checked against an independent walk on generated casussen.

The table (activering.casus.engine.step_table) is the only place the page learns the casus rules from,
so every step it promises must be what the Python engine does, for any valid casus, not only ours.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activering.casus.engine import MOTIVATION_MIN_WORDS, percentage, step_table, variant_profile
from activering.casus.model import END, Casus
from activering.vocabulary import Variant

SOURCE = {"key": "vanderaa2012", "locatie": "§7.3"}
KINDS = ["enkelvoudig", "meervoudig", "schaal", "open"]


@st.composite
def casussen(draw) -> dict:
    """A small valid casus as YAML would give it: any kinds, branches forward, backward and to the end."""
    count = draw(st.integers(3, 6))
    ids = [f"b{i}" for i in range(count)]
    targets = st.sampled_from([None, None, END, *ids])
    decisions = []
    for decision_id in ids:
        kind = draw(st.sampled_from(KINDS))
        decision = {
            "id": decision_id,
            "vraag": f"Wat doe je bij {decision_id}?",
            "soort": kind,
            "motivatie": draw(st.booleans()),
            "volgende": draw(targets),
        }
        if kind == "open":
            decision |= {"modelantwoord": f"Modelantwoord van {decision_id}.", "bron": SOURCE}
        else:
            decision["opties"] = [
                {
                    "id": f"o{j}",
                    "tekst": f"Optie {j} van {decision_id}",
                    "feedback": f"FEEDBACK-{decision_id}-o{j}: wat het onderzoek over deze keuze zegt, in een paar woorden.",
                    "bron": SOURCE,
                    "varianten": draw(st.lists(st.sampled_from([v.value for v in Variant]), unique=True, max_size=3)),
                    "volgende": draw(targets),
                }
                for j in range(draw(st.integers(2, 5 if kind == "meervoudig" else 4)))
            ]
        decisions.append(decision)
    return {
        "slug": "gegenereerde-casus",
        "titel": "Een gegenereerde casus",
        "thema": "sancties",
        "module": "04-sancties",
        "leerdoelen": ["Een doel."],
        "bronnen": [SOURCE],
        "vignet": "Een verzonnen klant. " * 8,
        "beslissingen": decisions,
        "nabespreking": "Wat je in deze casus zag. " * 6,
    }


# --- the rules, written out again from the casus format (casussen/*.yml), independent of the engine ------
def expected_choices(decision: dict) -> list[tuple[str, ...]]:
    ids = [option["id"] for option in decision.get("opties", [])]
    if decision["soort"] == "open":
        return [()]
    if decision["soort"] == "meervoudig":
        return [subset for size in range(1, len(ids) + 1) for subset in combinations(ids, size)]
    return [(option_id,) for option_id in ids]


def expected_next(raw: dict, decision: dict, chosen: tuple[str, ...]) -> str | None:
    """An option's branch (the first chosen one that has one), else the decision's, else the next in the list."""
    target = next((o["volgende"] for o in decision.get("opties", []) if o["id"] in chosen and o["volgende"]), None)
    target = target or decision["volgende"]
    if target == END:
        return None
    if target:
        return target
    order = [d["id"] for d in raw["beslissingen"]]
    position = order.index(decision["id"]) + 1
    return order[position] if position < len(order) else None


def expected_variants(decision: dict, chosen: tuple[str, ...]) -> list[str]:
    typical = {v for o in decision.get("opties", []) if o["id"] in chosen for v in o["varianten"]}
    return [v.value for v in Variant if v.value in typical]


def js_round(value: float) -> int:
    """JavaScript's Math.round for non-negative numbers."""
    return math.floor(value + 0.5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=casussen())
def test_every_step_in_the_table_follows_the_casus_rules(raw):
    casus = Casus.model_validate(raw)
    table = json.loads(json.dumps(step_table(casus)))  # what the page gets
    assert table["start"] == raw["beslissingen"][0]["id"]
    assert list(table["beslissingen"]) == [d["id"] for d in raw["beslissingen"]]
    for decision in raw["beslissingen"]:
        entry = table["beslissingen"][decision["id"]]
        expected = {table["scheiding"].join(choice): choice for choice in expected_choices(decision)}
        assert set(entry["uitkomsten"]) == set(expected)  # nothing chosen is no key: the page asks to choose
        for key, chosen in expected.items():
            assert entry["uitkomsten"][key] == {
                "volgende": expected_next(raw, decision, chosen),
                "varianten": expected_variants(decision, chosen),
                "telt": decision["soort"] != "open",
            }
        asks = decision["motivatie"] or decision["soort"] == "open"
        assert (entry["motivatie"] is not None) == asks
        if asks:
            assert entry["motivatie"]["minimum_woorden"] == MOTIVATION_MIN_WORDS
            assert ("antwoord" if decision["soort"] == "open" else "motivering") in entry["motivatie"]["melding"]
        assert [o["feedback"] for o in entry["opties"]] == [o["feedback"] for o in decision.get("opties", [])]
        assert (entry["modelantwoord"] is not None) == (decision["soort"] == "open")
        assert entry["invoer"] == {"open": None, "meervoudig": "checkbox"}.get(decision["soort"], "radio")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=casussen(), picks=st.lists(st.integers(0, 10_000), min_size=12, max_size=12))
def test_walking_the_table_is_walking_the_engine(raw, picks):
    """One run, played as the page plays it (table look-ups) and as the widget does (model and engine)."""
    casus = Casus.model_validate(raw)
    table = step_table(casus)
    page_current, engine_current = table["start"], casus.beslissingen[0].id
    page_path, chosen = [], {}
    for pick in picks:  # a casus may loop; twelve steps are enough to see any difference
        if page_current is None or engine_current is None:
            break
        decision = casus.decision(engine_current)
        options = expected_choices(raw["beslissingen"][casus.beslissingen.index(decision)])
        choice = options[pick % len(options)]
        chosen[engine_current] = list(choice)
        page_path.append(page_current)
        page_current = table["beslissingen"][page_current]["uitkomsten"][table["scheiding"].join(choice)]["volgende"]
        engine_current = casus.next_decision(engine_current, list(choice))
        assert page_current == engine_current
    # The comparison with the variants, as casus.js computes it from the table.
    counted = [
        table["beslissingen"][d]["uitkomsten"][table["scheiding"].join(chosen[d])] for d in dict.fromkeys(page_path)
    ]
    counted = [outcome for outcome in counted if outcome["telt"]]
    page_profile = [
        (v["label"], sum(v["id"] in o["varianten"] for o in counted), len(counted)) for v in table["varianten"]
    ]
    page_profile = [
        (label, same, total, js_round(100 * same / total) if total else 0) for label, same, total in page_profile
    ]
    engine_profile = [(s.variant.label, s.same, s.answered, s.percentage) for s in variant_profile(casus, chosen)]
    assert page_profile == engine_profile


def test_percentages_round_halves_up_as_the_page_does():
    for answered in range(1, 60):
        for same in range(answered + 1):
            assert percentage(same, answered) == js_round(100 * same / answered), (same, answered)
    assert percentage(1, 8) == 13 and percentage(0, 0) == 0


def test_variant_colours_and_labels_come_from_the_vocabulary():
    table = step_table(Casus.model_validate(_fixed_casus()))
    assert table["varianten"] == [{"id": v.value, "label": v.label, "kleur": v.colour} for v in Variant]


def _fixed_casus() -> dict:
    decisions = [
        {
            "id": f"b{i}",
            "vraag": f"Wat doe je bij b{i}?",
            "soort": "enkelvoudig",
            "opties": [
                {"id": f"o{j}", "tekst": f"Optie {j}", "feedback": "F" * 40, "bron": SOURCE, "varianten": ["regisseur"]}
                for j in range(2)
            ],
        }
        for i in range(3)
    ]
    return {
        "slug": "vast",
        "titel": "Een vaste casus",
        "thema": "sancties",
        "module": "04-sancties",
        "leerdoelen": ["Een doel."],
        "bronnen": [SOURCE],
        "vignet": "V" * 100,
        "beslissingen": decisions,
        "nabespreking": "N" * 100,
    }


def test_book_build_imports_no_chart_or_data_library():
    """The Sphinx extension and the casus pages load without Altair and pandas (seconds of every build)."""
    code = (
        "import sys\n"
        "import activering.sphinx_ext, activering.casus.page\n"
        "from activering.casus.load import load_all_casussen\n"
        "from activering.casus.page import casus_markdown, index_markdown, module_casus_markdown\n"
        "casussen = load_all_casussen()\n"
        "[casus_markdown(c) for c in casussen]; index_markdown(casussen); module_casus_markdown('04-sancties', casussen)\n"
        "print(sorted(m for m in ('altair', 'pandas', 'numpy', 'vl_convert', 'ipywidgets') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
