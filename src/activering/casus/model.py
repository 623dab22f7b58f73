"""The casus format: one YAML file per casus in casussen/, validated here.

A casus is a fictional client and an ordered set of decisions a klantmanager makes. Every option
carries feedback grounded in the research and the execution variants that typically choose it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from activering.vocabulary import Variant  # re-exported: `from activering.casus.model import Variant` works

__all__ = ["END", "THEME_TITLES", "Casus", "Decision", "Kind", "Option", "Source", "Theme", "Variant"]

END = "einde"  # the `volgende` value that ends a casus early


class Theme(StrEnum):
    DIAGNOSE = "diagnose"
    PLAN = "plan"
    SANCTIES = "sancties"
    CONTACT = "contact"
    GELIJKE_BEHANDELING = "gelijke-behandeling"
    BESLISRUIMTE = "beslisruimte"


THEME_TITLES = {
    Theme.DIAGNOSE: "Diagnose en trede",
    Theme.PLAN: "Plan, traject en doorverwijzing",
    Theme.SANCTIES: "Sancties",
    Theme.CONTACT: "Contactfrequentie en caseload",
    Theme.GELIJKE_BEHANDELING: "Gelijke behandeling",
    Theme.BESLISRUIMTE: "Beslisruimte onder druk",
}


class Kind(StrEnum):
    SINGLE = "enkelvoudig"  # choose one option
    MULTIPLE = "meervoudig"  # choose one or more options
    SCALE = "schaal"  # choose a point on an ordered scale (the options, in order)
    OPEN = "open"  # write a motivation; then see a reference answer


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Strict):
    """A citation: a key of book/references.bib and where in that work."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    locatie: str = Field(min_length=1)


class Option(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    tekst: str = Field(min_length=2)
    feedback: str = Field(min_length=40)
    bron: Source
    varianten: list[Variant] = Field(default_factory=list)
    volgende: str | None = None  # branching: the decision that follows this choice


class Decision(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    vraag: str = Field(min_length=10)
    soort: Kind
    opties: list[Option] = Field(default_factory=list)
    motivatie: bool = False  # ask for a written motivation next to the choice
    modelantwoord: str | None = None  # for `open`: what a reflective answer touches on
    bron: Source | None = None  # for `open`: the basis of the reference answer
    volgende: str | None = None  # default next decision; otherwise the next in the list

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        if self.soort is Kind.OPEN:
            if self.opties:
                raise ValueError("een open beslissing heeft geen opties")
            if not self.modelantwoord or not self.bron:
                raise ValueError("een open beslissing heeft een modelantwoord en een bron nodig")
        elif len(self.opties) < 2:
            raise ValueError(f"een beslissing van soort '{self.soort}' heeft minstens twee opties nodig")
        ids = [option.id for option in self.opties]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dubbele optie-id's: {ids}")
        return self

    @property
    def asks_motivation(self) -> bool:
        return self.motivatie or self.soort is Kind.OPEN


class ThenAndNow(_Strict):
    """'Toen en nu': how today's rules differ from those of the casus's time, and the module that says more."""

    tekst: str = Field(min_length=40)
    module: str = Field(pattern=r"^[0-9]{2}-[a-z0-9-]+$")


class Casus(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    titel: str = Field(min_length=5)
    thema: Theme
    module: str = Field(pattern=r"^[0-9]{2}-[a-z0-9-]+$")
    leerdoelen: list[str] = Field(min_length=1)
    bronnen: list[Source] = Field(min_length=1)
    vignet: str = Field(min_length=100)
    beslissingen: list[Decision] = Field(min_length=3)
    nabespreking: str = Field(min_length=100)
    toen_en_nu: ThenAndNow | None = None  # for a casus set under rules that have changed since

    @field_validator("vignet", "nabespreking")
    @classmethod
    def _paragraphs(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _links_resolve(self) -> Self:
        ids = [decision.id for decision in self.beslissingen]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dubbele beslissing-id's: {ids}")
        known = set(ids) | {END}
        for decision in self.beslissingen:
            targets = [decision.volgende] + [option.volgende for option in decision.opties]
            for target in filter(None, targets):
                if target not in known:
                    raise ValueError(f"beslissing '{decision.id}' verwijst naar onbekende beslissing '{target}'")
        return self

    def decision(self, decision_id: str) -> Decision:
        return next(d for d in self.beslissingen if d.id == decision_id)

    def next_decision(self, decision_id: str, chosen: list[str]) -> str | None:
        """The decision after ``decision_id`` given the chosen option ids; None at the end."""
        decision = self.decision(decision_id)
        branches = [o.volgende for o in decision.opties if o.id in chosen and o.volgende]
        target = branches[0] if branches else decision.volgende
        if target == END:
            return None
        if target:
            return target
        index = self.beslissingen.index(decision)
        return self.beslissingen[index + 1].id if index + 1 < len(self.beslissingen) else None
