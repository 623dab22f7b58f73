"""The docent's workflow around nbgrader: release, collect, grade in parallel, feedback, grades.

Every step of ``activering docent …`` is a plain function here, so a docent can script them::

    from activering.grading import Course, vrijgeven, verzamel, nakijken, beoordelingen, feedback, cijfers
    course = Course.default()            # exercises/ and grading/ of this repository
    vrijgeven("caseload-verkennen", course)
    verzamel("caseload-verkennen", "export.zip", course)
    nakijken("caseload-verkennen", course)
    beoordelingen("caseload-verkennen", course)   # rubric scores from grading/beoordelingen/
    feedback("caseload-verkennen", course)
    cijfers(course)
"""

from __future__ import annotations

from activering.grading.config import Course, DocentError, GradingConfig, load_config

__all__ = [
    "Course",
    "DocentError",
    "GradingConfig",
    "load_config",
    "vrijgeven",
    "verzamel",
    "nakijken",
    "beoordelingen",
    "feedback",
    "cijfers",
]


def __getattr__(name: str):
    # Lazy imports: nbgrader is slow to import and not every step needs it.
    if name == "vrijgeven":
        from activering.grading.release import vrijgeven

        return vrijgeven
    if name == "verzamel":
        from activering.grading.collect import verzamel

        return verzamel
    if name == "nakijken":
        from activering.grading.autograde import nakijken

        return nakijken
    if name == "beoordelingen":
        from activering.grading.rubrics import apply_assessments

        return apply_assessments
    if name == "feedback":
        from activering.grading.feedback_html import feedback

        return feedback
    if name == "cijfers":
        from activering.grading.grades import cijfers

        return cijfers
    raise AttributeError(name)
