"""The export of one student's casus choices: the one definition of the file format.

A student downloads it from a casus page in the book (casus.js fills in the path it played, from the
format the step table gives it) or writes it from the journal (`activering journaal export --casussen`);
the docent reads a class's files with `activering docent casussen` (:mod:`activering.casus.klas`).

The file names no one: no name, no student number, no time. It holds the casus, a fingerprint of the
casus version the student played, per decision on the path the chosen option ids, and a motivation only
where the student chose to share it. :data:`SCHEMA` is its JSON schema (versioned by ``versie``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from activering.casus.model import Casus

FORMAT = "activering-casuskeuzes"
FORMAT_VERSION = 1
MAX_MOTIVATION = 5000  # characters; longer motivations are cut off when written
FILE_NAME = "keuzes-{slug}.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Keuze(_Strict):
    """One decision on the path played: the option ids chosen (none for an open question)."""

    beslissing: str = Field(min_length=1, max_length=200)
    opties: list[str] = Field(default_factory=list, max_length=50)
    motivatie: str | None = Field(default=None, max_length=MAX_MOTIVATION)


class CasusKeuzes(_Strict):
    formaat: Literal["activering-casuskeuzes"]
    versie: Literal[1]
    casus: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=200)
    casusversie: str = Field(pattern=r"^[0-9a-f]{16}$")
    keuzes: list[Keuze] = Field(min_length=1, max_length=500)


#: The JSON schema of the file (for whoever reads these files with other tools).
SCHEMA = CasusKeuzes.model_json_schema()


def casus_version(casus: Casus) -> str:
    """A fingerprint of the casus content: another wording, option or branch gives another version."""
    canonical = json.dumps(casus.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def export_info(casus: Casus) -> dict:
    """What casus.js needs to write the file: the format, the version and the file name."""
    return {
        "formaat": FORMAT,
        "versie": FORMAT_VERSION,
        "casusversie": casus_version(casus),
        "bestandsnaam": FILE_NAME.format(slug=casus.slug),
        "max_motivatie": MAX_MOTIVATION,
    }


def export_document(
    casus: Casus, path: list[str], chosen: dict[str, list[str]], motivations: dict[str, str] | None
) -> dict:
    """The file's content for a run along ``path``; ``motivations`` None leaves every motivation out."""
    keuzes = []
    for decision_id in path:
        item: dict = {"beslissing": decision_id, "opties": list(chosen.get(decision_id, []))}
        text = (motivations or {}).get(decision_id, "").strip()
        if motivations is not None and text:
            item["motivatie"] = text[:MAX_MOTIVATION]
        keuzes.append(item)
    document = {
        "formaat": FORMAT,
        "versie": FORMAT_VERSION,
        "casus": casus.slug,
        "casusversie": casus_version(casus),
        "keuzes": keuzes,
    }
    CasusKeuzes.model_validate(document)  # the writer keeps to the schema as well
    return document


def from_journal(journal, casussen: list[Casus], motivations: bool) -> tuple[list[dict], list[str]]:
    """Per casus the latest run played to the end, as an export; and a Dutch note per casus left out.

    ``journal`` is an :class:`activering.journal.Journal`.
    """
    by_slug = {casus.slug: casus for casus in casussen}
    latest: dict[str, dict] = {}
    for run in journal.runs():
        if run["finished"]:
            latest[run["casus"]] = run
    documents, notes = [], []
    for slug, run in sorted(latest.items()):
        casus = by_slug.get(slug)
        if casus is None:
            notes.append(f"{slug}: deze casus bestaat niet meer; niet geëxporteerd")
            continue
        recorded = {choice.decision: choice for choice in journal.choices(run["run_id"])}
        path, chosen, texts = [], {}, {}
        current: str | None = casus.beslissingen[0].id
        while current in recorded and current not in path:
            choice = recorded[current]
            path.append(current)
            chosen[current], texts[current] = choice.options, choice.motivation
            current = casus.next_decision(current, choice.options) if _known(casus, current, choice.options) else ""
        if current is not None or not path:
            notes.append(f"{slug}: gespeeld met een eerdere versie van de casus; niet geëxporteerd")
            continue
        documents.append(export_document(casus, path, chosen, texts if motivations else None))
    return documents, notes


def _known(casus: Casus, decision_id: str, options: list[str]) -> bool:
    return set(options) <= {option.id for option in casus.decision(decision_id).opties}
