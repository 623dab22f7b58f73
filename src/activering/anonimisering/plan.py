"""The anonymisation plan: what happens to every column, kept in an editable ``anonimisering.yml``.

The first run detects a plan (:func:`detect_plan`) and writes it next to the result. The
trainer reviews it, edits it where needed, and runs again with ``--plan``. A plan that does
not fit the export (a column the plan does not know) stops the run: an unknown column could
hold anything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from activering.anonimisering.detect import classify_column, normalise_name
from activering.anonimisering.read import ExportError, SourceFile

Actie = Literal[
    "behoud", "verwijder", "pseudonimiseer", "leeftijdsklasse", "regio", "maand", "redigeer", "klasse", "afronden"
]
Rol = Literal["geen", "quasi", "gevoelig"]
ACTIONS_FOR_QUASI = ("behoud", "leeftijdsklasse", "regio", "maand", "klasse", "afronden")
DEFAULT_AGE_EDGES = [18, 27, 35, 45, 55, 65]  # the course's age bands: 18-26, 27-34, 35-44, 45-54, 55-64
# Default bands (lower bounds) for numbers that pass through: amounts in euro, durations in months
# (the course's classes <1 jaar, 1-2, 2-5, 5+ jaar) and counts. The generalisation step may merge them.
DEFAULT_AMOUNT_EDGES = [250, 500, 750, 1000, 1250, 1500, 2000]
DEFAULT_AMOUNT_STEP = 100
DEFAULT_MONTH_EDGES = [12, 24, 60]
DEFAULT_COUNT_EDGES = [1, 2, 4, 7, 12, 20]
_AMOUNT_HINTS = (
    "bedrag",
    "uitkering",
    "inkomen",
    "norm",
    "loon",
    "toeslag",
    "schuld",
    "euro",
    "eur",
    "kosten",
    "huur",
    "vermogen",
    "premie",
    "korting",
    "salaris",
)
_MONTH_HINTS = ("maanden", "duur", "maand")
_COUNT_HINTS = ("aantal", "keer", "contacten", "kinderen", "personen")
FEW_VALUES = 12  # a number column with at most this many different whole values is a category (trede 1-6)
SAMPLE = 400


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnPlan(_Strict):
    soort: str
    actie: Actie
    rol: Rol = "geen"
    reden: str = ""
    sleutel: str | None = None  # pseudonyms: columns with the same sleutel get the same pseudonym for a value
    datumformaat: Literal["dmy", "iso"] | None = None
    decimale_komma: bool = False
    grenzen: list[int] | None = None  # leeftijdsklasse, klasse: lower bounds of the bands
    stap: int | None = Field(None, ge=1)  # afronden: round to a multiple of this
    indeling: dict[str, str] | None = None  # regio: postcode prefix → region name

    @model_validator(mode="after")
    def _check(self) -> ColumnPlan:
        if self.actie == "verwijder" and self.rol != "geen":
            self.rol = "geen"  # a column that is gone plays no part in k or l
        if self.rol == "quasi" and self.actie not in ACTIONS_FOR_QUASI:
            raise ValueError(
                f"rol 'quasi' past alleen bij actie {', '.join(ACTIONS_FOR_QUASI)}, niet bij '{self.actie}'"
            )
        if self.rol == "gevoelig" and self.actie in ("verwijder", "pseudonimiseer", "redigeer"):
            raise ValueError(f"rol 'gevoelig' past niet bij actie '{self.actie}'")
        if self.grenzen is not None and (not self.grenzen or sorted(set(self.grenzen)) != self.grenzen):
            raise ValueError("grenzen moeten oplopen en verschillend zijn")
        if self.actie == "klasse" and not self.grenzen:
            raise ValueError("actie 'klasse' heeft 'grenzen' nodig (de ondergrenzen van de klassen)")
        if self.actie == "afronden" and not self.stap:
            raise ValueError("actie 'afronden' heeft 'stap' nodig (afronden op een veelvoud daarvan)")
        return self


class FilePlan(_Strict):
    bestand: str
    kolommen: dict[str, ColumnPlan]


class Plan(_Strict):
    versie: Literal[1] = 1
    k: int = Field(5, ge=1)
    l: int = Field(2, ge=1)  # noqa: E741 (the standard name)
    max_onderdrukking: float = Field(0.05, ge=0, le=1)
    peildatum: dt.date = Field(default_factory=dt.date.today)
    vrije_tekst: Literal["redigeer", "verwijder"] = "redigeer"
    bestanden: list[FilePlan]

    def for_file(self, name: str) -> FilePlan | None:
        for file in self.bestanden:
            if file.bestand == name:
                return file
        return None


_HEADER = """\
# Anonimiseringsplan, gemaakt door `activering anonimiseer`.
#
# Controleer elke kolom en pas aan waar nodig; draai daarna opnieuw met
#   activering anonimiseer EXPORT... --plan anonimisering.yml --uit MAP
#
# actie:  verwijder       kolom komt niet in het resultaat
#         pseudonimiseer  vaste schuilnaam per waarde (met geheime sleutel; koppelingen tussen
#                         bestanden blijven werken voor kolommen met dezelfde 'sleutel')
#         leeftijdsklasse geboortedatum of leeftijd -> leeftijdsklasse (grenzen: ondergrenzen)
#         regio           postcode -> regio (eerste twee cijfers, of de 'indeling' die je opgeeft)
#         maand           datum -> jaar-maand
#         redigeer        vrije tekst: namen, BSN's, adressen, ... worden [NAAM], [BSN], ...
#         klasse          getal -> klasse (grenzen: ondergrenzen), bijv. bedrag 1000-1249
#         afronden        getal -> afgerond op een veelvoud van 'stap'
#         behoud          kolom blijft (datums worden JJJJ-MM-DD, decimale komma wordt een punt)
# rol:    quasi           quasi-identificator: samen met andere kolommen herleidbaar tot een
#                         persoon; telt mee voor k-anonimiteit. Standaard is elke kolom die in het
#                         resultaat blijft quasi, behalve schuilnamen, vrije tekst en gevoelige kolommen.
#         gevoelig        gevoelig gegeven (sancties, gezondheid): telt mee voor l-diversiteit
#         geen            telt nergens mee: alleen kiezen als je zeker weet dat niemand de kolom kent
# vrije_tekst: redigeer (namen en nummers eruit) of verwijder (alle vrije-tekstkolommen weg).
# k, l:   elke combinatie van quasi-identificatoren komt minstens k keer voor, met minstens l
#         verschillende waarden in elke gevoelige kolom; rijen die dat na generaliseren nog
#         niet halen worden weggelaten (max_onderdrukking: hoogstens dit deel van de rijen).
# peildatum: de datum waarop leeftijden worden berekend.
"""


def detect_plan(
    files: list[SourceFile],
    k: int = 5,
    l: int = 2,  # noqa: E741  (l-diversity)
    today: dt.date | None = None,
    free_text: str = "redigeer",
    amounts: str = "klassen",
) -> Plan:
    """A first plan from column names and contents; every choice carries its reason."""
    names_per_file = Counter(normalise_name(c) for f in files for c in f.frame.columns)
    plans = []
    for source in files:
        columns = {}
        n_rows = len(source.frame)
        for name in source.frame.columns:
            array = pa.array(source.frame[name].array) if n_rows else pa.array([], pa.large_string())
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
            nonempty = pc.filter(array, pc.not_equal(pc.utf8_trim_whitespace(array), "")) if n_rows else array
            sample = nonempty.slice(0, SAMPLE).to_pylist()
            n_unique = pc.count_distinct(nonempty).as_py() if len(nonempty) else 0
            guess = classify_column(name, sample, len(nonempty), n_unique)
            if guess.kind == "getal" and n_unique <= FEW_VALUES and all(str(v).strip().isdigit() for v in sample):
                guess = replace(
                    guess,
                    kind="categorie",
                    reason=guess.reason + f"; maar {n_unique} verschillende hele getallen: een categorie",
                )
            columns[name] = _default(name, guess, names_per_file[normalise_name(name)] > 1, amounts, sample)
            if free_text == "verwijder" and columns[name].actie == "redigeer":
                columns[name] = columns[name].model_copy(
                    update={
                        "actie": "verwijder",
                        "reden": columns[name].reden + "; vrije tekst weggelaten (--zonder-vrije-tekst)",
                    }
                )
        plans.append(FilePlan(bestand=source.name, kolommen=columns))
    return Plan(k=k, l=l, peildatum=today or dt.date.today(), vrije_tekst=free_text, bestanden=plans)


def drop_free_text(plan: Plan) -> Plan:
    """The plan with every free-text column (actie redigeer) removed."""
    files = []
    for fplan in plan.bestanden:
        columns = {
            name: (
                c.model_copy(update={"actie": "verwijder", "reden": c.reden + "; vrije tekst weggelaten"})
                if c.actie == "redigeer"
                else c
            )
            for name, c in fplan.kolommen.items()
        }
        files.append(fplan.model_copy(update={"kolommen": columns}))
    return plan.model_copy(update={"bestanden": files, "vrije_tekst": "verwijder"})


def _number_edges(name: str, sample: list[str]) -> tuple[list[int], str]:
    """Default bands for a number column, chosen by its name (amount, months, count) or its values."""
    norm = normalise_name(name)
    if any(h in norm for h in _MONTH_HINTS):
        return list(DEFAULT_MONTH_EDGES), "duur in maanden: klassen <1 jaar, 1-2, 2-5 en 5+ jaar"
    if any(h in norm for h in _COUNT_HINTS):
        return list(DEFAULT_COUNT_EDGES), "aantal: klassen"
    if any(h in norm for h in _AMOUNT_HINTS) or any("," in v for v in sample):
        return list(DEFAULT_AMOUNT_EDGES), "bedrag: klassen in euro"
    numbers = sorted(_as_number(v) for v in sample if _as_number(v) is not None)
    if not numbers:
        return list(DEFAULT_COUNT_EDGES), "getal: klassen"
    edges = sorted({_round2(numbers[int(len(numbers) * q)]) for q in (0.2, 0.4, 0.6, 0.8)})
    return [e for e in edges if e > 0] or [1], "getal: klassen op de kwintielen van de waarden"


def _as_number(value: str) -> float | None:
    text = str(value).strip().replace(".", "").replace(",", ".") if "," in str(value) else str(value).strip()
    try:
        return float(text)
    except ValueError:
        return None


def _round2(x: float) -> int:
    """A round bound with two significant digits (1234 → 1200)."""
    if x < 10:
        return max(int(x), 1)
    digits = len(str(int(x))) - 2
    return int(round(x, -digits))


def _default(name: str, guess, shared: bool, amounts: str = "klassen", sample: list[str] | None = None) -> ColumnPlan:
    kind = guess.kind
    extra: dict = {"soort": kind, "reden": guess.reason}
    role = "gevoelig" if guess.sensitive else "quasi"  # whatever stays could identify in combination
    if kind == "bsn":
        if shared:
            return ColumnPlan(
                actie="pseudonimiseer",
                sleutel="bsn",
                **{**extra, "reden": guess.reason + "; staat in meer bestanden (koppelsleutel)"},
            )
        return ColumnPlan(actie="verwijder", **extra)
    if kind in ("naam", "adres", "telefoon", "email", "iban", "leeg"):
        return ColumnPlan(actie="verwijder", **extra)
    if kind in ("klantnummer", "klantmanager"):
        return ColumnPlan(actie="pseudonimiseer", sleutel="klant" if kind == "klantnummer" else "klantmanager", **extra)
    if kind == "id":
        return ColumnPlan(actie="pseudonimiseer", sleutel=normalise_name(name), **extra)
    if kind == "postcode":
        return ColumnPlan(actie="regio", rol="quasi", **extra)
    if kind == "geboortedatum":
        return ColumnPlan(
            actie="leeftijdsklasse",
            rol="quasi",
            datumformaat=guess.date_format,
            grenzen=list(DEFAULT_AGE_EDGES),
            **extra,
        )
    if kind == "leeftijd":
        return ColumnPlan(actie="leeftijdsklasse", rol="quasi", grenzen=list(DEFAULT_AGE_EDGES), **extra)
    if kind in ("geslacht", "woonplaats", "huishouden"):
        return ColumnPlan(actie="behoud", rol="quasi", **extra)
    if kind == "datum":
        return ColumnPlan(actie="maand", datumformaat=guess.date_format, rol=role, **extra)
    if kind in ("vrije_tekst", "onbekend"):
        return ColumnPlan(actie="redigeer", **extra)
    if kind == "getal" and role == "quasi":
        edges, why = _number_edges(name, sample or [])
        if amounts == "afronden" and why.startswith("bedrag"):
            return ColumnPlan(
                actie="afronden",
                rol=role,
                stap=DEFAULT_AMOUNT_STEP,
                decimale_komma=guess.decimal_comma,
                **{**extra, "reden": guess.reason + f"; bedrag: afgerond op {DEFAULT_AMOUNT_STEP}"},
            )
        return ColumnPlan(
            actie="klasse",
            rol=role,
            grenzen=edges,
            decimale_komma=guess.decimal_comma,
            **{**extra, "reden": guess.reason + "; " + why},
        )
    return ColumnPlan(
        actie="behoud", rol=role, decimale_komma=guess.decimal_comma, datumformaat=guess.date_format, **extra
    )


class _PlanDumper(yaml.SafeDumper):
    """Lists of plain values (age bounds) on one line: the plan stays short enough to review."""


_PlanDumper.add_representer(
    list,
    lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=all(not isinstance(i, (dict, list)) for i in items)
    ),
)


def dump_plan(plan: Plan) -> str:
    data = plan.model_dump(mode="json", exclude_none=True)
    for file in data["bestanden"]:
        for column in file["kolommen"].values():
            if column.get("rol") == "geen":
                column.pop("rol")
            if column.get("decimale_komma") is False:
                column.pop("decimale_komma")
    body = yaml.dump(data, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=110)
    return _HEADER + "\n" + body


def load_plan(path: Path) -> Plan:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(path, "planbestand bestaat niet") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(path, f"planbestand is niet leesbaar ({error})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise ExportError(
            path,
            f"planbestand is geen geldige YAML ({getattr(error, 'problem', error)})",
            line=None if line is None else line + 1,
        ) from None
    try:
        return Plan.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExportError(path, f"fout in het plan bij '{where}': {first['msg']}") from None


def check_plan_fits(plan: Plan, files: list[SourceFile]) -> list[str]:
    """Stop on a file or column the plan does not know; warn about plan columns that are gone."""
    warnings = []
    for source in files:
        fplan = plan.for_file(source.name)
        if fplan is None:
            raise ExportError(source.path, "dit bestand staat niet in het plan; voeg het toe of maak een nieuw plan")
        for name in source.frame.columns:
            if name not in fplan.kolommen:
                raise ExportError(
                    source.path,
                    "deze kolom staat niet in het plan; voeg haar toe (met een actie) of maak een nieuw plan",
                    line=1,
                    column=name,
                )
        for name in fplan.kolommen:
            if name not in source.frame.columns:
                warnings.append(f"{source.name}: kolom '{name}' uit het plan staat niet (meer) in het bestand")
    return warnings
