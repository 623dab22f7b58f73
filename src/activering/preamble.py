"""Shared display policy for every course page and notebook.

Importing this module is the whole set-up (like UBC-DSCI's preamble): charts become
inline SVG so the book works offline without vega scripts from a CDN, and every chart
is shown through :func:`show_chart`, which requires a text alternative.

On a trainer's own anonymised export some columns are missing or coarser. A page asks
:func:`beschikbaar` (re-exported here from :mod:`activering.data.beschikbaarheid`) before a chart
that needs them; it shows "… die zit niet in jouw data." instead of the chart. :func:`heeft`
asks the same without a message, :func:`bekend` keeps the rows where columns have a value.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
import vl_convert as vlc
from IPython.display import HTML

from activering.data.beschikbaarheid import bekend, beschikbaar, heeft, is_real_data  # noqa: F401  (used by the pages)

CHART_WIDTH = 520
CHART_HEIGHT = 280

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
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "title": {"fontSize": 15, "anchor": "start"},
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


def chart_svg(chart: alt.TopLevelMixin, alt_text: str) -> str:
    """Render a chart to SVG that a screen reader announces as one image with ``alt_text``."""
    svg = vlc.vegalite_to_svg(real_data_wording(chart.to_json()))
    label = html.escape(alt_text, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def show_chart(chart: alt.TopLevelMixin, alt_text: str) -> HTML:
    """Show a chart as inline SVG with its text alternative as a visible caption.

    Works the same in JupyterLab and in the built book, without any script.
    """
    if not alt_text or len(alt_text.split()) < 8:
        raise ValueError("Een grafiek heeft een tekstalternatief van minstens acht woorden nodig.")
    alt_text = real_data_wording(alt_text)
    caption = html.escape(alt_text)
    return HTML(
        '<figure class="activering-chart">'
        f"{chart_svg(chart, alt_text)}"
        f'<figcaption><strong>Tekstalternatief.</strong> {caption}</figcaption>'
        "</figure>"
    )
