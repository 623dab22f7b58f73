"""One colour per execution variant, in every chart: the vocabulary, the guard in chart_svg, and its users.

Every chart is rendered by :func:`activering.preamble.chart_svg` (pages through ``show_chart``, the
self-assessment, the portfolio, the casus widget, the grade histogram), and that refuses a chart that
colours the variants otherwise. The tests below check the guard itself, the package's charts through
their public functions, and the module pages statically: a colour on a variant field goes through
``variant_kleur``. Charts that colour by a field with another name (e.g. "Havenmonde (interventionist)")
are caught when the pages run: in the strict book build and in tests/test_modules.py (slow).
"""

from __future__ import annotations

import ast
import re

import altair as alt
import jupytext
import pandas as pd
import pytest

from activering.paths import REPO_ROOT
from activering.preamble import PaletteError, chart_svg, check_palette, palette_problems, variant_kleur
from activering.vocabulary import OWN_COLOUR, Variant, variant_colours, variant_of

ALT_TEXT = "Een grafiek met drie uitvoeringsvarianten als test van de vaste kleuren."
LABELS = [variant.label for variant in Variant]


def colours_in(svg: str) -> set[str]:
    return {colour.lower() for colour in re.findall(r"#[0-9a-fA-F]{6}\b", svg)}


def variant_scale(chart: alt.TopLevelMixin) -> dict[str, str]:
    """value -> colour of every colour scale in the chart whose domain holds variants."""
    found: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            colour = (node.get("encoding") or {}).get("color")
            if isinstance(colour, dict) and isinstance(colour.get("scale"), dict):
                scale = colour["scale"]
                for value, hex_colour in zip(scale.get("domain") or [], scale.get("range") or []):
                    if variant_of(value):
                        found[value] = hex_colour
            for key, value in node.items():
                if key not in ("datasets", "data"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart.to_dict())
    return found


def bars(frame: pd.DataFrame, color) -> alt.Chart:
    return alt.Chart(frame).mark_bar().encode(x="n:Q", y="wie:N", color=color)


FRAME = pd.DataFrame({"wie": LABELS, "n": [3, 2, 1]})


# --- the vocabulary ----------------------------------------------------------------------------------------
def test_each_variant_has_its_own_colour_and_labels():
    assert [v.value for v in Variant] == ["interventionist", "regisseur", "administrateur"]
    assert len({v.colour.lower() for v in Variant} | {OWN_COLOUR.lower()}) == 4
    assert variant_colours("plural") == (
        ["Interventionisten", "Regisseurs", "Administrateurs"],
        [v.colour for v in Variant],
    )


@pytest.mark.parametrize(
    ("value", "variant"),
    [
        ("interventionist", Variant.INTERVENTIONIST),
        ("Regisseur", Variant.REGISSEUR),
        ("ADMINISTRATEURS", Variant.ADMINISTRATEUR),
        ("Havenmonde (interventionist)", Variant.INTERVENTIONIST),
        ("Rotterdam teams Werk (Regisseurs)", Variant.REGISSEUR),
        ("Jij", None),
        ("Amsterdam uitstroomteams", None),
        ("Rule bending", None),
        ("Team (2010)", None),
        (3, None),
    ],
)
def test_variant_of_recognises_values_labels_plurals_and_bracketed_names(value, variant):
    assert variant_of(value) is variant


# --- the guard ---------------------------------------------------------------------------------------------
def test_chart_with_default_colours_for_the_variants_is_refused():
    with pytest.raises(PaletteError, match="vaste kleuren") as refused:
        chart_svg(bars(FRAME, "wie:N"), ALT_TEXT)
    assert "variant_kleur" in str(refused.value) and Variant.REGISSEUR.colour in str(refused.value)


def test_chart_with_swapped_variant_colours_is_refused():
    domain, colours = variant_colours()
    swapped = alt.Color("wie:N", scale=alt.Scale(domain=domain, range=[colours[1], colours[0], colours[2]]))
    problems = palette_problems(bars(FRAME, swapped).to_dict())
    assert len(problems) == 1 and "Interventionist" in problems[0] and "Regisseur" in problems[0]
    assert "Administrateur" not in problems[0]  # that one has its own colour


def test_bracketed_names_with_other_colours_are_refused():
    frame = pd.DataFrame({"wie": ["Havenmonde (interventionist)", "Lindeveen (regisseur)"], "n": [1, 2]})
    scale = alt.Scale(domain=list(frame["wie"]), range=["#ff0000", "#00ff00"])
    with pytest.raises(PaletteError):
        check_palette(bars(frame, alt.Color("wie:N", scale=scale)).to_dict())


def test_a_variant_missing_from_the_domain_is_refused():
    only_two = alt.Color("wie:N", scale=alt.Scale(domain=LABELS[:2], range=[v.colour for v in list(Variant)[:2]]))
    with pytest.raises(PaletteError, match="Administrateur"):
        chart_svg(bars(FRAME, only_two), ALT_TEXT)


def test_layered_chart_is_checked_in_every_layer():
    good = bars(FRAME, variant_kleur("wie:N"))
    bad = alt.Chart(FRAME).mark_point().encode(x="n:Q", y="wie:N", fill="wie:N")
    with pytest.raises(PaletteError, match="fill"):
        chart_svg(good + bad, ALT_TEXT)


@pytest.mark.parametrize(
    ("frame", "color"),
    [
        (FRAME, variant_kleur("wie:N")),
        (FRAME.assign(wie=[v.plural for v in Variant]), variant_kleur("wie:N", labels="plural")),
        (FRAME.assign(wie=[v.value for v in Variant]), variant_kleur("wie:N", labels="value")),
        (FRAME.iloc[:2], variant_kleur("wie:N", waarden=FRAME["wie"].iloc[:2])),
        (
            pd.DataFrame({"wie": ["Lindeveen (regisseur)", "Havenmonde (interventionist)", "*"], "n": [1, 2, 3]}),
            variant_kleur("wie:N", waarden=["Lindeveen (regisseur)", "Havenmonde (interventionist)", "*"]),
        ),
    ],
    ids=["labels", "plural", "value", "two-of-three", "bracketed-and-suppressed"],
)
def test_chart_with_the_helper_passes_and_shows_the_variant_colours(frame, color):
    svg = chart_svg(bars(frame, color), ALT_TEXT)
    expected = {variant_of(value).colour.lower() for value in frame["wie"] if variant_of(value)}
    assert expected <= colours_in(svg)


def test_helper_puts_the_variants_in_their_fixed_order():
    color = variant_kleur("wie:N", waarden=["*", "Lindeveen (administrateur)", "Havenmonde (interventionist)"])
    assert color.to_dict()["scale"]["domain"] == ["Havenmonde (interventionist)", "Lindeveen (administrateur)", "*"]


def test_charts_without_variants_keep_their_own_colours():
    frame = pd.DataFrame({"wie": ["klantmanagers", "managers"], "n": [88, 92]})
    svg = chart_svg(bars(frame, "wie:N"), ALT_TEXT)
    assert "<svg" in svg


# --- every chart of the package ----------------------------------------------------------------------------
def assert_uses_palette(chart: alt.TopLevelMixin) -> None:
    """The chart colours the three variants, each with its own colour, and chart_svg draws them so."""
    scale = variant_scale(chart)
    assert {variant_of(value) for value in scale} == set(Variant), scale
    assert all(colour.lower() == variant_of(value).colour.lower() for value, colour in scale.items()), scale
    assert {v.colour.lower() for v in Variant} <= colours_in(chart_svg(chart, ALT_TEXT))


def test_self_assessment_profile_uses_the_palette():
    from activering.reflectie import zelfevaluatie

    scores = zelfevaluatie.dimension_scores({item.id: 3 for item in zelfevaluatie.ITEMS})
    assert_uses_palette(zelfevaluatie.profile_chart(None))
    assert_uses_palette(zelfevaluatie.profile_chart(scores))
    assert OWN_COLOUR.lower() in colours_in(chart_svg(zelfevaluatie.profile_chart(scores), ALT_TEXT))


def test_casus_match_chart_uses_the_palette():
    from activering.casus.load import load_all_casussen
    from activering.casus.profile import match_chart, variant_match

    casus = load_all_casussen()[0]
    assert_uses_palette(match_chart(variant_match(casus, {})))


def test_portfolio_draws_the_variants_in_their_colours(tmp_path):
    from activering.journal import Journal
    from activering.reflectie import zelfevaluatie
    from activering.reflectie.portfolio import build_portfolio

    journal = Journal(tmp_path / "j.sqlite")
    answers = {item.id: 4 for item in zelfevaluatie.ITEMS} | {norm.id: 2 for norm in zelfevaluatie.NORMS}
    journal.add_assessment(answers, taken="2025-02-01T09:00:00+00:00")
    document = build_portfolio(journal).html
    assert {v.colour.lower() for v in Variant} | {OWN_COLOUR.lower()} <= colours_in(document)


# --- the module pages --------------------------------------------------------------------------------------
MODULE_PAGES = sorted(REPO_ROOT.glob("modules/*/index.md"))
_CHANNELS = {"Color", "Fill", "Stroke"}


def code_cells(path):
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "code":
            source = "\n".join(
                "" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines()
            )
            yield ast.parse(source)


def _field(node: ast.AST) -> str | None:
    """The field of ``alt.Color("variant:N", ...)`` or of ``color="variant:N"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call):
        for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("shorthand", "field"))]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
    return None


def variant_colour_encodings(tree: ast.AST) -> list[str]:
    """Colour encodings on a field named like a variant that do not go through variant_kleur."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CHANNELS:
            field = _field(node)
            if field and "variant" in field.lower():
                found.append(ast.unparse(node))
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in ("color", "fill", "stroke") and isinstance(keyword.value, ast.Constant):
                    field = _field(keyword.value)
                    if field and "variant" in field.split(":")[0].lower():
                        found.append(ast.unparse(keyword))
    return found


def test_static_check_finds_a_plain_colour_on_a_variant_field():
    tree = ast.parse(
        'c = alt.Chart(df).encode(color=alt.Color("variant:N", title="x"))\nd = base.encode(fill="gemeente_variant:N")'
    )
    assert len(variant_colour_encodings(tree)) == 2
    assert (
        variant_colour_encodings(ast.parse('c = base.encode(color=variant_kleur("variant:N", labels="value"))')) == []
    )


@pytest.mark.parametrize("path", MODULE_PAGES, ids=lambda path: path.parent.name)
def test_module_pages_colour_variants_with_the_helper(path):
    plain = [found for tree in code_cells(path) for found in variant_colour_encodings(tree)]
    assert plain == [], f"{path.parent.name}: kleur op een variantveld zonder variant_kleur: {plain}"


def test_module_pages_use_the_helper():
    """The pages that colour by variant do so through the helper (and so with the fixed colours)."""
    users = [path.parent.name for path in MODULE_PAGES if "variant_kleur(" in path.read_text(encoding="utf-8")]
    assert len(users) >= 4, users
