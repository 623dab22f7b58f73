"""Casussen: fictional clients, decisions a klantmanager makes, feedback grounded in research.

`speel("<slug>")` plays one in JupyterLab; the book renders every casus as a static, playable page.
"""

from activering.casus.load import CasusError, load_all_casussen, load_casus
from activering.casus.model import Casus


def speel(slug: str, journal=None):
    """Play a casus with widgets (imported lazily so the book build does not need ipywidgets)."""
    from activering.casus.widget import speel as _speel

    return _speel(slug, journal)


__all__ = ["Casus", "CasusError", "load_all_casussen", "load_casus", "speel"]
