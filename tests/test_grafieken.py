"""Charts that work on every screen: a palette with enough contrast, readable text on a phone, a caption
that stays visible in dark mode, and one Dutch description for a screen reader.

Fast: the palette's contrast (WCAG 2.1 relative luminance, computed here), the chart theme, what
:func:`activering.preamble.chart_svg` and :func:`~activering.preamble.show_chart` write.
Slow (Chromium, built book): on every page with a chart, at 375 px wide and in dark mode, what a reader
sees and what a screen reader gets.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd
import pytest

from activering.paths import REPO_ROOT
from activering.preamble import MIN_TEXT_PX, chart_svg, show_chart, smallest_width, variant_kleur
from activering.vocabulary import NEUTRAL_COLOUR, OWN_COLOUR, Variant

ARTIFACTS = REPO_ROOT / "test-artifacts"
ALT_TEXT = "Een staafdiagram met het aantal klanten per uitvoeringsvariant, als test."
#: A chart is drawn on white, in light and in dark mode (the figure is a white card: activering.css).
CHART_BACKGROUND = "#ffffff"
#: English words Vega writes into its ARIA descriptions ("X-axis titled …", "bar mark", "Title text …").
ENGLISH = re.compile(r"\b(axis|titled|mark|legend|container|Title text|scale|values)\b", re.IGNORECASE)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "colour"),
    [*((variant.label, variant.colour) for variant in Variant), ("eigen", OWN_COLOUR), ("neutraal", NEUTRAL_COLOUR)],
)
def test_each_chart_colour_stands_out_from_the_chart_background(name, colour):
    """WCAG 1.4.11 (non-text contrast): at least 3:1 against the chart's white background."""
    assert contrast(colour, CHART_BACKGROUND) >= 3.0, f"{name} {colour}: {contrast(colour, CHART_BACKGROUND):.2f}:1"


# --- the chart theme and the SVG ---------------------------------------------------------------------------
FRAME = pd.DataFrame({"variant": [v.label for v in Variant], "n": [3, 2, 1]})


def bars(**text) -> alt.LayerChart:
    base = alt.Chart(FRAME).encode(x="n:Q", y="variant:N")
    return base.mark_bar().encode(color=variant_kleur("variant:N")) + base.mark_text(dx=8, **text).encode(text="n:Q")


def font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)]


def test_theme_has_no_vega_descriptions_and_readable_text():
    assert alt.theme.active == "activering"
    config = alt.theme.get()()["config"]
    assert config["aria"] is False
    for part in ("axis", "legend", "header"):
        assert config[part]["labelFontSize"] >= 12 and config[part]["titleFontSize"] >= 12, part


def test_svg_is_one_image_with_only_the_dutch_label():
    svg = chart_svg(bars(), ALT_TEXT)
    assert svg.startswith(f'<svg role="img" aria-label="{ALT_TEXT}"')
    inner = svg[svg.index(">") + 1 :]
    assert re.findall(r'\s(?:role|aria-label|aria-roledescription|aria-describedby)="', inner) == []
    assert not ENGLISH.search(" ".join(re.findall(r'aria-[a-z]+="([^"]*)"', svg)))


def test_a_legend_sits_above_the_chart_and_does_not_make_it_wider():
    """On a phone the chart scrolls sideways from its left edge: a legend on the right would start out of view."""
    base = alt.Chart(FRAME).mark_bar().encode(x="variant:N", y="n:Q").properties(width=300)
    with_legend = chart_svg(base.encode(color=variant_kleur("variant:N")), ALT_TEXT)
    without = chart_svg(base.encode(color=variant_kleur("variant:N", legend=None)), ALT_TEXT)

    def size(svg: str, name: str) -> float:
        return float(re.search(rf'<svg [^>]*?\b{name}="([0-9.]+)"', svg)[1])

    assert size(with_legend, "width") <= size(without, "width") + 1
    assert size(with_legend, "height") > size(without, "height")  # the legend took room above, not beside


@pytest.mark.parametrize("size", [10, 12, 16])
def test_svg_knows_the_narrowest_width_at_which_its_text_stays_readable(size):
    svg = chart_svg(bars(fontSize=size), ALT_TEXT)
    width = float(re.search(r'<svg [^>]*?\bwidth="([0-9.]+)"', svg)[1])
    smallest = min(font_sizes(svg))
    minimum = int(re.search(r"--activering-min-width: (\d+)px", svg)[1])
    assert minimum == smallest_width(svg) == math.ceil(width * MIN_TEXT_PX / smallest)
    assert smallest * minimum / width >= MIN_TEXT_PX  # shown at that width, the smallest text is 11 px
    if size < MIN_TEXT_PX:
        assert minimum > width  # text smaller than 11 px makes the chart wider than drawn, not smaller


def test_figure_scrolls_in_a_frame_that_a_keyboard_reaches_and_has_a_visible_caption():
    figure = show_chart(bars(), ALT_TEXT).data
    frame = re.search(r'<div class="activering-chart-kader"([^>]*)>', figure)
    assert frame and 'tabindex="0"' in frame[1] and 'role="group"' in frame[1]
    assert "Grafiek" in re.search(r'aria-label="([^"]*)"', frame[1])[1]
    assert f"<figcaption><strong>Tekstalternatief.</strong> {ALT_TEXT}</figcaption>" in figure


# --- in Chromium, on every page with a chart ---------------------------------------------------------------
PHONE = {"width": 375, "height": 812}

MEASURE = """() => Array.from(document.querySelectorAll('figure.activering-chart')).map((figure, index) => {
  const svg = figure.querySelector('svg');
  let smallest = Infinity, text = '';
  svg.querySelectorAll('text').forEach(t => {
    if (!t.textContent.trim()) return;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (px < smallest) { smallest = px; text = t.textContent.trim(); }
  });
  const inner = Array.from(svg.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
    .filter(a => a.name === 'role' || a.name.startsWith('aria-') && a.name !== 'aria-hidden')
    .map(a => a.name + '=' + a.value));
  // a legend sits above (or below) the data, never beside it: scrolling sideways to the data brings it along
  const marks = Array.from(svg.querySelectorAll('.role-mark')).filter(m => !m.closest('.role-legend'))
    .map(m => m.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const top = Math.min(...marks.map(r => r.top)), bottom = Math.max(...marks.map(r => r.bottom));
  const legends = Array.from(svg.querySelectorAll('g.role-legend')).map(g => g.getBoundingClientRect())
    .filter(r => r.width > 0).map(r => ({top: r.top, bottom: r.bottom, marksTop: top, marksBottom: bottom}));
  return {index, smallest, text, inner, legends, label: svg.getAttribute('aria-label'), role: svg.getAttribute('role')};
})"""

CAPTION_COLOURS = """() => Array.from(document.querySelectorAll('figure.activering-chart figcaption')).map(caption => {
  let element = caption, background = null;
  while (element && !background) {
    const colour = getComputedStyle(element).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') background = colour;
    element = element.parentElement;
  }
  return {text: getComputedStyle(caption).color, background: background || 'rgb(255, 255, 255)',
          shown: caption.offsetHeight > 0 && getComputedStyle(caption).visibility === 'visible'};
})"""


def rgb_to_hex(css: str) -> str:
    red, green, blue = (int(float(part)) for part in re.findall(r"[0-9.]+", css)[:3])
    alpha = re.findall(r"[0-9.]+", css)[3:4]
    assert not alpha or float(alpha[0]) == 1.0, f"doorschijnende kleur: {css}"
    return f"#{red:02x}{green:02x}{blue:02x}"


def chart_pages(built_book) -> list[str]:
    pages = sorted(
        path.relative_to(built_book).as_posix()
        for path in built_book.rglob("*.html")
        if not path.relative_to(built_book).parts[0].startswith("_")
        and 'class="activering-chart"' in path.read_text(encoding="utf-8")
    )
    assert len(pages) >= 6, pages  # the module pages with charts, and the self-study page
    return pages


@pytest.mark.slow
def test_charts_are_readable_on_a_phone_and_in_dark_mode(built_book, book_server, browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, color_scheme="dark")
    page = context.new_page()
    problems: list[str] = []
    smallest: dict[str, float] = {}
    try:
        for number, name in enumerate(chart_pages(built_book)):
            page.goto(f"{book_server}/{name}", wait_until="load")
            page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
            width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            if width > PHONE["width"]:
                problems.append(f"{name}: de pagina is {width}px breed op een scherm van 375 px")
            for chart in page.evaluate(MEASURE):
                where = f"{name}, grafiek {chart['index'] + 1}"
                smallest[where] = chart["smallest"]
                if chart["smallest"] < MIN_TEXT_PX - 0.01:
                    problems.append(f"{where}: tekst '{chart['text']}' is {chart['smallest']:.1f}px")
                if chart["role"] != "img" or not chart["label"] or ENGLISH.search(chart["label"]):
                    problems.append(f"{where}: geen afbeelding met een Nederlands label ({chart['label']!r})")
                for legend in chart["legends"]:
                    if not (legend["bottom"] <= legend["marksTop"] + 1 or legend["top"] >= legend["marksBottom"] - 1):
                        problems.append(f"{where}: de legenda staat naast de grafiek, niet erboven ({legend})")
                if chart["inner"]:
                    problems.append(f"{where}: beschrijvingen in de grafiek: {chart['inner'][:3]}")
            for caption in page.evaluate(CAPTION_COLOURS):
                ratio = contrast(rgb_to_hex(caption["text"]), rgb_to_hex(caption["background"]))
                if not caption["shown"] or ratio < 4.5:
                    problems.append(f"{name}: onderschrift {caption} heeft contrast {ratio:.2f}:1")
            # What a screen reader gets from the charts: the Dutch labels, no English descriptions.
            figures = page.locator("figure.activering-chart")
            for index in range(figures.count()):
                tree = figures.nth(index).aria_snapshot()
                if ENGLISH.search(tree):
                    problems.append(f"{name}, grafiek {index + 1}: Engels in de toegankelijkheidsboom:\n{tree}")
            if number == 0:
                ARTIFACTS.mkdir(exist_ok=True)
                page.locator("figure.activering-chart").first.screenshot(path=str(ARTIFACTS / "grafiek-375px.png"))
    finally:
        context.close()
    print("kleinste grafiektekst op 375 px:", {k: round(v, 1) for k, v in smallest.items()})
    assert smallest, "geen grafiek gevonden"
    assert not problems, "\n".join(problems)
