"""Shape tests the visible test cells of the graded assignments call.

A visible test checks type, shape and sanity only, never the answer itself: the hidden tests
recompute the expected values when the docent grades. The messages are what a student sees when
a check fails, so they are Dutch::

    from activering.vormtoetsen import percentage_vorm
    percentage_vorm(kansrijk_pct, "kansrijk_pct", clients)

Shapes are checked against the data the student works with (one value per gemeente in
``clients``), so a trainer's smaller anonymised export fits too.
"""

from __future__ import annotations

__all__ = ["per_gemeente_vorm", "percentage_vorm"]


def per_gemeente_vorm(
    waarden,
    naam: str,
    clients,
    *,
    wat: str = "waarde",
    minimum: float | None = None,
    maximum: float | None = None,
    melding: str,
) -> None:
    """A Series with one value for each gemeente in ``clients``, every value within [minimum, maximum].

    ``naam`` is the variable name the question asks for, ``wat`` what one value is ("percentage"),
    ``melding`` the message when a value is out of range. Prints "Vorm in orde." when all holds.
    """
    import pandas as pd

    assert isinstance(waarden, pd.Series), f"{naam} moet een pandas Series zijn"
    assert len(waarden.dropna()) == clients["gemeente"].nunique(), f"verwacht één {wat} per gemeente"
    assert all(_within(float(v), minimum, maximum) for v in waarden.dropna()), melding
    print("Vorm in orde.")


def percentage_vorm(waarden, naam: str, clients) -> None:
    """The shape test every 'percentage per gemeente' question shares: one value per gemeente, 0 to 100."""
    per_gemeente_vorm(
        waarden, naam, clients, wat="percentage", minimum=0, maximum=100, melding="een percentage ligt tussen 0 en 100"
    )


def _within(value: float, minimum: float | None, maximum: float | None) -> bool:
    return (minimum is None or minimum <= value) and (maximum is None or value <= maximum)
