"""Self-study for klantmanagers: reflection journal, self-assessment and portfolio.

In a notebook::

    from activering.reflectie import reflectieformulier, zelfevaluatieformulier
    reflectieformulier()        # write a reflection along the five perspectives
    zelfevaluatieformulier()    # the self-assessment, with profile and growth

On the command line: ``activering journaal --help``.
"""

__all__ = ["AssessmentForm", "ReflectionForm", "reflectieformulier", "zelfevaluatieformulier"]


def __getattr__(name: str):
    """The forms load ipywidgets and altair; import them on first use, not with the command line."""
    if name in __all__:
        from activering.reflectie import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
