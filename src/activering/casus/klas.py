"""The class's casus choices: read the students' exports from an LMS zip, count, and write a beamer page per casus.

Input: the zip (or folder) a docent downloads from the LMS after collecting the files students exported
(format: :mod:`activering.casus.keuzes`). Brightspace, Canvas and Moodle name each file after the student;
those names are only used to report a file that is skipped, never written to a page. A zip inside the zip
is read too. Nothing is extracted to disk: every entry is read in memory, so a name like ``../../x`` cannot
write anywhere; sizes and entry counts are capped.

Output: per casus an offline HTML page (inline SVG, no scripts) with per decision how the class chose, the
class's profile against the three execution variants and, where students shared them, the motivations
per option. Anonymous by construction: the files hold no names, and a count of 1 or 2 shows as "< 3", the
motivations of such an option are not shown at all.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from activering.bibliography import short_cite
from activering.casus.engine import choices, percentage, typical_text, variant_profile
from activering.casus.keuzes import CasusKeuzes, casus_version
from activering.casus.model import Casus, Kind
from activering.files import write_atomic
from activering.vocabulary import NEUTRAL_COLOUR, OWN_COLOUR, Variant

K_MIN = 3  # fewer choosers than this: the count shows as "< 3" and their motivations are not shown
SUPPRESSED = "< 3"
COMPLEMENT = "≥ 3"  # a count hidden so that a single "< 3" cannot be worked out from the total
MAX_FILE = 1_000_000  # bytes: a larger entry is no export
MAX_TOTAL = 1_000_000_000  # bytes read from one zip, nested zips included
MAX_ENTRIES = 100_000
MAX_DEPTH = 3  # zips inside zips
IGNORED = {"index.html", ".DS_Store", "Thumbs.db", "desktop.ini"}


class KlasError(ValueError):
    """The input cannot be used at all (not a zip, no exports in it); the message is one Dutch line."""


@dataclass(frozen=True)
class Export:
    casus: str
    keuzes: tuple[tuple[str, tuple[str, ...], str | None], ...]  # (decision, options, shared motivation)


@dataclass
class ReadResult:
    exports: dict[str, list[Export]] = field(default_factory=dict)  # casus slug -> valid exports
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name in the export, reason)


# --------------------------------------------------------------------------- reading


def _entries(source: Path, progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, bytes | str]]:
    """(name, content) for every file in a zip or folder, nested zips opened; content is a Dutch reason
    (str) when the entry cannot be read."""
    budget = [MAX_TOTAL]
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.is_file())
        for path in files:
            name = path.relative_to(source).as_posix()
            if path.stat().st_size > MAX_FILE and path.suffix.lower() != ".zip":
                yield name, "te groot voor een export"
            elif path.suffix.lower() == ".zip":
                yield from _zip_entries(path.read_bytes(), name, 1, budget)
            else:
                yield name, path.read_bytes()
            if progress:
                progress(1)
        return
    try:
        data = source.read_bytes()
    except OSError as error:
        raise KlasError(f"{source}: kan het bestand niet lezen ({error.strerror or error}).") from error
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise KlasError(f"{source}: dit is geen zip-bestand; geef de zip uit de leeromgeving of een map op.")
    yield from _zip_entries(data, "", 0, budget, progress)


def _zip_entries(
    data: bytes, prefix: str, depth: int, budget: list[int], progress: Callable[[int], None] | None = None
) -> Iterator[tuple[str, bytes | str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        yield prefix or "(zip)", "geen leesbare zip"
        return
    if len(infos) > MAX_ENTRIES:
        yield prefix or "(zip)", f"meer dan {MAX_ENTRIES} bestanden; niet gelezen"
        return
    for info in infos:
        if progress:
            progress(1)
        if info.is_dir():
            continue
        name = f"{prefix}/{info.filename}" if prefix else info.filename
        if info.filename.lower().endswith(".zip"):
            if depth >= MAX_DEPTH:
                yield name, "zip in zip in zip: te diep genest"
            elif info.file_size > budget[0]:
                yield name, "te groot"
            else:
                budget[0] -= info.file_size
                yield from _zip_entries(_read_entry(archive, info, budget[0] + info.file_size), name, depth + 1, budget)
            continue
        if info.file_size > MAX_FILE:
            yield name, "te groot voor een export"
            continue
        if info.file_size > budget[0]:
            yield name, "de zip is samen te groot; niet verder gelezen"
            return
        budget[0] -= info.file_size
        content = _read_entry(archive, info, MAX_FILE)
        yield name, content if content is not None else "niet te lezen"


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, read no further than ``limit`` (a lying size header cannot make it bigger)."""
    try:
        with archive.open(info) as stream:
            content = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return content if len(content) <= limit else None


def _ignored(name: str) -> bool:
    path = PurePosixPath(name)
    return path.name in IGNORED or "__MACOSX" in path.parts or path.name.startswith("._")


def check_export(document: CasusKeuzes, casus: Casus) -> Export:
    """The export as a path through ``casus``; ValueError with a Dutch reason when it is not one."""
    if document.casusversie != casus_version(casus):
        raise ValueError("gemaakt met een andere versie van deze casus")
    current: str | None = casus.beslissingen[0].id
    keuzes = []
    for item in document.keuzes:
        if current is None:
            raise ValueError(f"beslissing '{item.beslissing}' volgt na het einde van de casus")
        if item.beslissing != current:
            raise ValueError(f"beslissing '{item.beslissing}' staat niet op deze plek in de casus")
        decision = casus.decision(current)
        known = {option.id for option in decision.opties}
        chosen = tuple(o.id for o in decision.opties if o.id in item.opties)
        unique = len(set(item.opties)) == len(item.opties)
        if not (unique and set(item.opties) <= known and chosen in choices(decision)):
            raise ValueError(f"geen geldige keuze bij beslissing '{current}'")
        motivation = (item.motivatie or "").strip() or None
        keuzes.append((current, chosen, motivation))
        current = casus.next_decision(current, list(chosen))
    if current is not None:
        raise ValueError("de casus is niet tot het eind gespeeld")
    return Export(casus.slug, tuple(keuzes))


def parse_export(content: bytes, casussen: dict[str, Casus]) -> Export:
    """One file: ValueError with a Dutch reason when it is not a usable export."""
    try:
        raw = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("geen geldige JSON") from None
    if not isinstance(raw, dict) or raw.get("formaat") != "activering-casuskeuzes":
        raise ValueError("geen casusexport (formaat 'activering-casuskeuzes' ontbreekt)")
    try:
        document = CasusKeuzes.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"]) or "(bestand)"
        raise ValueError(f"ongeldig veld '{where}' (formaatversie {raw.get('versie')!r})") from None
    if document.casus not in casussen:
        raise ValueError(f"onbekende casus '{document.casus}'")
    return check_export(document, casussen[document.casus])


def read_exports(
    source: Path, casussen: list[Casus], progress: Callable[[int], None] | None = None
) -> tuple[ReadResult, int]:
    """Every export in ``source`` (zip or folder), per casus; skipped files with their reason.

    Returns the result and the number of entries looked at. Raises KlasError when the source itself is
    unusable or holds no export at all.
    """
    by_slug = {casus.slug: casus for casus in casussen}
    result = ReadResult()
    seen = 0
    for name, content in _entries(source, progress):
        if _ignored(name):
            continue
        seen += 1
        if isinstance(content, str):
            result.skipped.append((name, content))
            continue
        try:
            export = parse_export(content, by_slug)
        except ValueError as error:
            result.skipped.append((name, str(error)))
            continue
        result.exports.setdefault(export.casus, []).append(export)
    if not result.exports:
        what = f"{seen} bestanden, geen bruikbare" if seen else "geen bestanden"
        raise KlasError(
            f"{source}: geen casusexports gevonden ({what}; de studenten maken ze met 'Download mijn keuzes')."
        )
    return result, seen


def count_entries(source: Path) -> int | None:
    """How many entries the progress bar will see (top level only), or None when unknown."""
    try:
        if source.is_dir():
            return sum(1 for p in source.rglob("*") if p.is_file())
        with zipfile.ZipFile(source) as archive:
            return len(archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


# --------------------------------------------------------------------------- counting


@dataclass
class OptionCount:
    id: str
    label: str  # "A. tekst"
    count: int
    motivations: list[str]
    typical: str
    source: str


@dataclass
class DecisionCount:
    id: str
    number: int
    question: str
    kind: Kind
    reached: int
    options: list[OptionCount]
    answers: list[str]  # for an open decision: the answers students shared


@dataclass
class ClassOverview:
    casus: Casus
    students: int
    decisions: list[DecisionCount]
    profile: list[tuple[Variant, int, int, int]]  # variant, same, answered, percentage (pooled over the class)
    nearest: dict[str, int]  # variant value or "gelijk" -> students whose choices are most like it


def class_overview(casus: Casus, exports: list[Export]) -> ClassOverview:
    decisions = []
    for number, decision in enumerate(casus.beslissingen, start=1):
        taken = [(opts, mot) for export in exports for d, opts, mot in export.keuzes if d == decision.id]
        options = [
            OptionCount(
                option.id,
                f"{chr(ord('A') + index)}. {option.tekst}",
                sum(option.id in opts for opts, _ in taken),
                [mot for opts, mot in taken if option.id in opts and mot],
                typical_text(option),
                short_cite(option.bron.key, option.bron.locatie),
            )
            for index, option in enumerate(decision.opties)
        ]
        answers = [mot for _, mot in taken if mot] if decision.soort is Kind.OPEN else []
        decisions.append(
            DecisionCount(decision.id, number, decision.vraag, decision.soort, len(taken), options, answers)
        )
    same = dict.fromkeys(Variant, 0)
    answered = 0
    nearest: dict[str, int] = {}
    for export in exports:
        scores = variant_profile(casus, {d: list(opts) for d, opts, _ in export.keuzes})
        answered += scores[0].answered
        for score in scores:
            same[score.variant] += score.same
        if scores[0].answered:
            best = max(score.percentage for score in scores)
            tops = [score.variant.value for score in scores if score.percentage == best]
            key = tops[0] if len(tops) == 1 else "gelijk"
            nearest[key] = nearest.get(key, 0) + 1
    profile = [(v, same[v], answered, percentage(same[v], answered)) for v in Variant]
    return ClassOverview(casus, len(exports), decisions, profile, nearest)


def shown(count: int) -> str:
    """A count as the page shows it: 1 and 2 become "< 3" (0 is shown: it says nothing about anyone)."""
    return SUPPRESSED if 0 < count < K_MIN else str(count)


def shown_counts(counts: list[int], total: int) -> list[str]:
    """Counts that add up to a total the page also shows, as the page shows them.

    1 and 2 become "< 3". If exactly one count is hidden that way, it would follow from the total minus the
    others; then the smallest other count of 3 or more is hidden too, as "≥ 3" (secondary suppression).
    """
    out = [shown(count) for count in counts]
    hidden = [i for i, count in enumerate(counts) if 0 < count < K_MIN]
    others = [i for i, count in enumerate(counts) if count >= K_MIN]
    if sum(counts) == total and len(hidden) == 1 and others:
        out[min(others, key=lambda i: counts[i])] = COMPLEMENT
    return out


# --------------------------------------------------------------------------- the page


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(rows: list[tuple[str, int | None, str]], total: int, summary: str, unit: str = "") -> str:
    """Horizontal bars as inline SVG: (label, value or None when suppressed, colour). Values out of ``total``."""
    height = 34 * len(rows) + 8
    parts = [
        f'<svg viewBox="0 0 900 {height}" role="img" aria-label="{_e(summary)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value, colour) in enumerate(rows):
        y = 4 + index * 34
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="0" y="{y + 21}">{_e(short)}</text>')
        if value is None:
            parts.append(
                f'<rect x="330" y="{y}" width="40" height="26" fill="{NEUTRAL_COLOUR}" opacity="0.35"/>'
                f'<text x="378" y="{y + 21}">{SUPPRESSED}</text>'
            )
            continue
        width = 0 if not total else round(480 * value / total)
        parts.append(f'<rect x="330" y="{y}" width="{max(width, 2)}" height="26" fill="{colour}"/>')
        parts.append(f'<text x="{338 + width}" y="{y + 21}">{_e(value)}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


STYLE = """
body { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.45; color: #1b1b1b; background: #fff;
  max-width: 1280px; margin: 0 auto; padding: 1rem 2rem; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; } h2 { font-size: 1.5rem; border-top: 2px solid #c8ccd2;
  padding-top: 0.8rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.3rem 0.6rem;
  border-bottom: 1px solid #d7dbe0; vertical-align: top; } td.aantal { text-align: right; white-space: nowrap; }
svg { width: 100%; max-width: 900px; height: auto; font-size: 18px; } svg text { fill: #1b1b1b; }
.tekstalternatief { font-size: 0.85rem; color: #444; }
.motiveringen li, .antwoorden li { overflow-wrap: anywhere; white-space: pre-wrap; margin-bottom: 0.4rem; }
.bron, .typisch { font-size: 0.85rem; color: #444; }
.naast { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
@media (max-width: 900px) { .naast { grid-template-columns: 1fr; } }
"""


def _motivations_html(title: str, count: int, texts: list[str], css: str, hidden: bool = False) -> str:
    if not texts:
        return ""
    if hidden:  # how many shared a motivation would give away the count that is hidden
        return f"<p class='{css}'><em>{_e(title)}: niet getoond, zodat een klein aantal elders niet te herleiden is.</em></p>"
    if count < K_MIN:
        return f"<p class='{css}'><em>{_e(title)}: gekozen door minder dan {K_MIN} studenten; motiveringen niet getoond.</em></p>"
    items = "".join(f"<li>{_e(text)}</li>" for text in texts)
    return f"<details class='{css}'><summary>{_e(title)} ({len(texts)})</summary><ul>{items}</ul></details>"


def _decision_html(decision: DecisionCount) -> str:
    head = f"<h2>Beslissing {decision.number}: {_e(decision.question)}</h2>"
    reached = f"<p>Bij deze beslissing kwamen {_e(shown(decision.reached))} studenten.</p>"
    if decision.kind is Kind.OPEN:
        body = "<p>Een open vraag: hier kozen de studenten geen optie maar schreven ze een antwoord.</p>"
        body += _motivations_html("Gedeelde antwoorden", decision.reached, decision.answers, "antwoorden")
        return f"<section>{head}{reached}{body}</section>"
    counts = shown_counts([o.count for o in decision.options], decision.reached)
    rows = [(o.label, o.count if c == str(o.count) else None, OWN_COLOUR) for o, c in zip(decision.options, counts)]
    alt = "; ".join(f"{o.label.rstrip('.')}: {c}" for o, c in zip(decision.options, counts))
    summary = (
        f"Staafdiagram: hoeveel studenten elke optie kozen, van de {shown(decision.reached)} die hier kwamen. {alt}."
    )
    chart = bar_chart(rows, max(decision.reached, 1), summary)
    table = "".join(
        f"<tr><td>{_e(o.label)}<div class='typisch'>Typisch voor: {_e(o.typical)}. Bron: {_e(o.source)}.</div>"
        f"{_motivations_html('Motiveringen bij deze keuze', o.count, o.motivations, 'motiveringen', c == COMPLEMENT)}"
        f"</td><td class='aantal'>{_e(c)}</td></tr>"
        for o, c in zip(decision.options, counts)
    )
    figure = (
        f"<figure>{chart}<figcaption class='tekstalternatief'>Tekstalternatief. {_e(summary)}</figcaption></figure>"
    )
    return (
        f"<section data-beslissing='{_e(decision.id)}'>{head}{reached}{figure}"
        f"<table><thead><tr><th>optie</th><th>aantal</th></tr></thead><tbody>{table}</tbody></table></section>"
    )


def overview_html(overview: ClassOverview) -> str:
    """The beamer page: self-contained, no scripts; everything from a student file is escaped."""
    casus = overview.casus
    rows = [(v.label, pct, v.colour) for v, _, _, pct in overview.profile]
    answered = overview.profile[0][2]
    alt = ", ".join(f"{v.label} {pct}% ({same} van {ans})" for v, same, ans, pct in overview.profile)
    summary = (
        "Staafdiagram van hoe vaak de keuzes van de klas samen overeenkomen met wat elke uitvoeringsvariant "
        f"meestal kiest: {alt}."
    )
    profile_chart = bar_chart(rows, 100, summary, unit="%")
    keys = [v.value for v in Variant] + ["gelijk"]
    near = dict(zip(keys, shown_counts([overview.nearest.get(k, 0) for k in keys], overview.students)))
    nearest = (
        "".join(f"<li>Het meest als de {_e(v.label.lower())}: {_e(near[v.value])} studenten</li>" for v in Variant)
        + f"<li>Gelijk tussen twee of drie varianten: {_e(near['gelijk'])} studenten</li>"
    )
    debrief = "".join(f"<p>{_e(p.strip())}</p>" for p in casus.nabespreking.split("\n\n") if p.strip())
    decisions = "".join(_decision_html(d) for d in overview.decisions if d.reached)
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keuzes van de klas: {_e(casus.titel)}</title><style>{STYLE}</style></head>
<body><main>
<h1>Keuzes van de klas: {_e(casus.titel)}</h1>
<p>{_e(overview.students)} studenten leverden hun keuzes in. Een aantal van 1 of 2 staat er als ‘{SUPPRESSED}’,
en motiveringen bij zo’n keuze worden niet getoond: niemand is zo te herkennen. Zou zo’n aantal uit het totaal
af te leiden zijn, dan staat ook het kleinste andere aantal er niet, als ‘{COMPLEMENT}’.</p>
{decisions}
<h2>Het profiel van de klas</h2>
<div class="naast"><div>
<figure>{profile_chart}<figcaption class="tekstalternatief">Tekstalternatief. {_e(summary)}</figcaption></figure>
<p>Over {_e(answered)} beantwoorde beslissingen van de hele klas samen.</p><ul>{nearest}</ul>
</div><div><h3>Wat het onderzoek erover zegt</h3>{debrief}</div></div>
</main></body></html>
"""


def write_overviews(result: ReadResult, casussen: list[Casus], folder: Path) -> list[Path]:
    """One page per casus with exports, as ``<folder>/<slug>.html``."""
    by_slug = {casus.slug: casus for casus in casussen}
    written = []
    for slug in sorted(result.exports):
        overview = class_overview(by_slug[slug], result.exports[slug])
        written.append(write_atomic(folder / f"{slug}.html", overview_html(overview)))
    return written
