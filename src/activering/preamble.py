"""Shared display policy for every course page and notebook.

Importing this module is the whole set-up (like UBC-DSCI's preamble): charts become
inline SVG so the book works offline without vega scripts from a CDN, and every chart
is shown through :func:`show_chart`, which requires a text alternative.

On a trainer's own anonymised export some columns are missing or coarser. A page asks
:func:`beschikbaar` (re-exported here from :mod:`activering.data.beschikbaarheid`) before a chart
that needs them; it shows "… die zit niet in jouw data." instead of the chart. :func:`heeft`
asks the same without a message, :func:`bekend` keeps the rows where columns have a value.

The three execution variants have one colour each (:mod:`activering.vocabulary`). A page colours
by variant with :func:`variant_kleur`; :func:`chart_svg` (behind every chart) refuses a chart that
colours variants otherwise, so a strict book build fails on it (:func:`check_palette`).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Iterator

import altair as alt
import pandas as pd
import vl_convert as vlc
from IPython.display import HTML

from activering.data.beschikbaarheid import bekend, beschikbaar, heeft, is_real_data  # noqa: F401  (used by the pages)
from activering.vocabulary import NEUTRAL_COLOUR, Variant, variant_colours, variant_of

CHART_WIDTH = 520
CHART_HEIGHT = 280
#: The smallest chart text a reader sees, in CSS pixels (also on a 375 px phone).
MIN_TEXT_PX = 11

alt.renderers.enable("svg")
alt.data_transformers.disable_max_rows()
pd.set_option("display.max_rows", 20)
pd.set_option("display.max_columns", 20)
pd.set_option("display.float_format", lambda value: f"{value:,.2f}")


def _course_theme() -> alt.theme.ThemeConfig:
    """A calm, high-contrast theme; colour-blind safe category palette."""
    return {
        "config": {
            "view": {"continuousWidth": CHART_WIDTH, "continuousHeight": CHART_HEIGHT},
            "font": "DejaVu Sans, Arial, sans-serif",
            "range": {"category": {"scheme": "tableau10"}},
            "axis": {"labelFontSize": 12, "titleFontSize": 13},
            # Above the chart, entries under each other: on a phone the chart scrolls sideways in its frame,
            # and a legend on the right would start out of view (and make the chart wider).
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "top", "direction": "vertical"},
            "header": {"labelFontSize": 12, "titleFontSize": 13},
            "title": {"fontSize": 15, "subtitleFontSize": 13, "anchor": "start"},
            # The <svg> is one image with a Dutch label (chart_svg); Vega's English descriptions of
            # marks and axes ("X-axis titled …", "bar mark") are not for the reader.
            "aria": False,
        }
    }


alt.theme.register("activering", enable=True)(_course_theme)


# On a trainer's own export the charts show real (anonymised) data: titles and text alternatives
# written for the synthetic course data must not call them synthetic or fictional.
_REAL_DATA_WORDING = [
    ("in de drie fictieve gemeenten", "per gemeente"),
    ("synthetische cursusdata", "geanonimiseerde data van je gemeente"),
    ("Synthetische cursusdata", "Geanonimiseerde data van je gemeente"),
    ("synthetische data", "jouw data"),
    ("(synthetisch)", "(jouw data)"),
    ("fictieve ", ""),
]


def real_data_wording(text: str) -> str:
    """``text`` as it reads on the active data: unchanged for the synthetic course data."""
    try:
        real = is_real_data()
    except ValueError:  # a broken pointer file: load_table says so; a chart keeps its own words
        real = False
    if not real:
        return text
    for old, new in _REAL_DATA_WORDING:
        text = text.replace(old, new)
    return text


def variant_kleur(field: str, waarden: Iterable | None = None, labels: str = "label", **kwargs) -> alt.Color:
    """A colour encoding on a variant field, with each variant's fixed colour.

    Without ``waarden`` the scale holds all three variants as the data writes them: ``labels`` is
    ``"label"`` (Interventionist), ``"plural"`` (Interventionisten) or ``"value"`` (interventionist).
    With ``waarden`` (the values in the chart's data, e.g. ``frame["variant"]``) the scale holds just
    those, in the variants' order: two of the three variants, or names like "Havenmonde (interventionist)"
    (see :func:`activering.vocabulary.variant_of`); a value that is no variant comes last, in grey.
    Other keyword arguments (``title``, ``legend``, ``sort``) go to :class:`altair.Color`.
    """
    if waarden is None:
        domain, colours = variant_colours(labels)
    else:
        order = list(Variant)
        domain = sorted(
            dict.fromkeys(str(value) for value in waarden),
            key=lambda value: order.index(variant) if (variant := variant_of(value)) else len(order),
        )
        colours = [variant.colour if (variant := variant_of(value)) else NEUTRAL_COLOUR for value in domain]
    return alt.Color(field, scale=alt.Scale(domain=domain, range=colours), **kwargs)


class PaletteError(ValueError):
    """A chart colours the execution variants with other colours than the course's palette."""


_COLOUR_CHANNELS = ("color", "fill", "stroke")
_DATA_KEYS = ("datasets", "data", "values")  # rows, not views: not searched for encodings


def _views(node) -> Iterator[dict]:
    """Every dict in a Vega-Lite spec that can hold an ``encoding`` (top level, layers, concat, facet)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in _DATA_KEYS:
                yield from _views(value)
    elif isinstance(node, list):
        for value in node:
            yield from _views(value)


def _tables(spec: dict) -> list[list]:
    """The rows of every data set in a spec: named ``datasets`` and inline ``data.values``."""
    tables = [rows for rows in (spec.get("datasets") or {}).values() if isinstance(rows, list)]
    for view in _views(spec):
        data = view.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            tables.append(data["values"])
    return tables


def palette_problems(spec: dict) -> list[str]:
    """What in a Vega-Lite spec colours a variant otherwise than its :attr:`~activering.vocabulary.Variant.colour` (Dutch).

    A colour, fill or stroke encoding on a field counts as a variant encoding when a value of that
    field, in any of the spec's data sets or in the scale's domain, names a variant (value, label or
    plural in any case, or a name with the variant in brackets: :func:`activering.vocabulary.variant_of`).
    Then the scale must list that value in its ``domain`` with the variant's colour at the same place
    in its ``range``. Values made by a transform, or data loaded from a URL, are only seen through
    the domain.
    """
    tables = _tables(spec)
    seen: dict[str, set[str]] = {}
    problems = []
    for view in _views(spec):
        encoding = view.get("encoding")
        if not isinstance(encoding, dict):
            continue
        for channel in _COLOUR_CHANNELS:
            colour = encoding.get(channel)
            if not isinstance(colour, dict) or not isinstance(colour.get("field"), str):
                continue
            field = colour["field"]
            if field not in seen:
                seen[field] = {
                    row[field]
                    for rows in tables
                    for row in rows
                    if isinstance(row, dict) and isinstance(row.get(field), str)
                }
            scale = colour.get("scale") if isinstance(colour.get("scale"), dict) else {}
            domain = scale.get("domain") if isinstance(scale.get("domain"), list) else []
            colours = scale.get("range") if isinstance(scale.get("range"), list) else []
            given = {value: str(c).lower() for value, c in zip(domain, colours) if isinstance(value, str)}
            values = seen[field] | {value for value in domain if isinstance(value, str)}
            wrong = sorted(
                value
                for value in values
                if (variant := variant_of(value)) and given.get(value) != variant.colour.lower()
            )
            if wrong:
                expected = ", ".join(f"{value} {variant_of(value).colour}" for value in wrong)
                problems.append(f"'{field}' ({channel}): {expected}")
    return problems


def check_palette(spec: dict) -> None:
    """Raise :class:`PaletteError` when a chart colours the variants otherwise than the course does."""
    problems = palette_problems(spec)
    if problems:
        raise PaletteError(
            "Deze grafiek kleurt de uitvoeringsvarianten niet met de vaste kleuren van de cursus. Verwacht: "
            + "; ".join(problems)
            + ". Gebruik variant_kleur(...) uit activering.preamble (of activering.vocabulary.variant_colours)."
        )


# Vega writes English ARIA roles and descriptions on marks, axes and legends; chart_svg removes them all.
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_FONT_SIZE = re.compile(r'font-size="([0-9.]+)px"')
_SVG_WIDTH = re.compile(r'<svg [^>]*?\bwidth="([0-9.]+)"')


def smallest_width(svg: str) -> int | None:
    """The narrowest width (px) at which the smallest text of a Vega SVG is still :data:`MIN_TEXT_PX`.

    A chart scales down with the page (``max-width: 100%``); below this width the book's stylesheet
    lets it scroll sideways inside its own frame instead (``--activering-min-width``).
    """
    width = _SVG_WIDTH.search(svg)
    sizes = [float(size) for size in _FONT_SIZE.findall(svg)]
    if not width or not sizes:
        return None
    return math.ceil(float(width[1]) * MIN_TEXT_PX / min(sizes))


def chart_svg(chart: alt.TopLevelMixin, alt_text: str) -> str:
    """Render a chart to SVG that a screen reader announces as one image with ``alt_text``.

    Vega's own (English) ARIA descriptions inside the SVG are removed. Refuses (:class:`PaletteError`)
    a chart that colours the variants with other colours.
    """
    spec = chart.to_json()
    check_palette(json.loads(spec))
    svg = _INNER_ARIA.sub("", vlc.vegalite_to_svg(real_data_wording(spec)))
    label = html.escape(alt_text, quote=True)
    minimum = smallest_width(svg)
    style = f' style="--activering-min-width: {minimum}px"' if minimum else ""
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}"{style} ', 1)


def show_chart(chart: alt.TopLevelMixin, alt_text: str) -> HTML:
    """Show a chart as inline SVG with its text alternative as a visible caption.

    Works the same in JupyterLab and in the built book, without any script.
    """
    if not alt_text or len(alt_text.split()) < 8:
        raise ValueError("Een grafiek heeft een tekstalternatief van minstens acht woorden nodig.")
    alt_text = real_data_wording(alt_text)
    caption = html.escape(alt_text)
    # On a narrow screen the chart keeps readable text and scrolls sideways in its own frame, which a
    # keyboard user can reach (tabindex) and a screen reader names.
    return HTML(
        '<figure class="activering-chart">'
        '<div class="activering-chart-kader" tabindex="0" role="group" '
        'aria-label="Grafiek; schuif zijwaarts als hij niet helemaal in beeld past">'
        f"{chart_svg(chart, alt_text)}</div>"
        f"<figcaption><strong>Tekstalternatief.</strong> {caption}</figcaption>"
        "</figure>"
    )
