"""The self-assessment's charts as HTML figures: for the form in JupyterLab and for the portfolio.

Kept apart from :mod:`activering.reflectie.widgets`, so that exporting a portfolio does not load
ipywidgets. Each figure is an inline SVG with its text alternative (:func:`activering.preamble.show_chart`).
"""

from __future__ import annotations

from activering.journal import Journal
from activering.reflectie import zelfevaluatie


def _figure(chart, text: str) -> str:
    from activering.preamble import show_chart

    return show_chart(chart, text).data


def profile_html(answers: dict[str, int]) -> str:
    scores = zelfevaluatie.dimension_scores(answers)
    return _figure(
        zelfevaluatie.profile_chart(scores), zelfevaluatie.profile_text(scores)
    ) + zelfevaluatie.interpretation(answers)


def norms_html(answers: dict[str, int]) -> str:
    return _figure(zelfevaluatie.norms_chart(answers), zelfevaluatie.norms_text(answers))


def result_html(answers: dict[str, int]) -> str:
    return profile_html(answers) + norms_html(answers)


def growth_html(journal: Journal, start: str | None = None, end: str | None = None) -> str:
    history = [(a.taken, a.answers) for a in journal.assessments(start, end)]
    if len(history) < 2:
        return ""
    return _figure(zelfevaluatie.growth_chart(history), zelfevaluatie.growth_text(history))
