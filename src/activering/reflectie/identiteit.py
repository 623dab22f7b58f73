"""Does a text seem to identify a client? A thin adapter over the anonymiser's detectors.

The reflection journal never keeps a client's identity without asking: before an entry is saved,
:func:`check` looks for a BSN that passes the elfproef, a name after "mevrouw"/"meneer", a phone
number, an address or postcode, an e-mail address, and so on. The detection itself lives in
:mod:`activering.anonimisering.identifiers` (one rule table for the whole course, no pyarrow); this module only adds
the journal's policy on top of it.
"""

from __future__ import annotations

from collections import Counter

from activering.anonimisering.identifiers import Finding, find_identifiers
from activering.anonimisering.identifiers import redact as _redact

KIND_LABELS = {
    "bsn": "BSN (haalt de elfproef)",
    "naam": "naam",
    "telefoon": "telefoonnummer",
    "adres": "adres",
    "postcode": "postcode",
    "email": "e-mailadres",
    "iban": "rekeningnummer (IBAN)",
    "geboortedatum": "geboortedatum",
    "nummer": "lang nummer (mogelijk een klant- of dossiernummer)",
}


def _relevant(finding: Finding) -> bool:
    # Dutch names are written with a capital; a lower-case hit from the name list ("wijk", "dam")
    # is an ordinary word. Names after a title are matched with a capital by the detector anyway.
    return not (finding.kind == "naam" and finding.text[:1].islower())


def check(text: str) -> list[Finding]:
    """What in ``text`` looks like an identifier, in order of position."""
    return [finding for finding in find_identifiers(text or "") if _relevant(finding)]


def redact(text: str) -> str:
    """``text`` with each identifier found by :func:`check` replaced by a placeholder like ``[NAAM]``."""
    if not text:
        return text
    findings = check(text)
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[: finding.start] + finding.placeholder + text[finding.end :]
    # A second pass with the detector's own redaction catches what a first replacement revealed.
    return text if not check(text) else _redact(text)


def summary(findings: list[Finding]) -> str:
    """'2 namen, 1 telefoonnummer' style summary in Dutch, for warnings."""
    counts = Counter(KIND_LABELS.get(f.kind, f.kind) for f in findings)
    return ", ".join(f"{n}× {label}" for label, n in counts.items())
