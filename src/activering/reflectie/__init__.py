"""Self-study for klantmanagers: reflection journal, self-assessment and portfolio.

In a notebook::

    from activering.reflectie import reflectieformulier, zelfevaluatieformulier
    reflectieformulier()        # write a reflection along the five perspectives
    zelfevaluatieformulier()    # the self-assessment, with profile and growth

On the command line: ``activering journaal --help``.
"""

from activering.reflectie.widgets import AssessmentForm, ReflectionForm, reflectieformulier, zelfevaluatieformulier

__all__ = ["AssessmentForm", "ReflectionForm", "reflectieformulier", "zelfevaluatieformulier"]
