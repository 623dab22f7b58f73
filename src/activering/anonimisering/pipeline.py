"""One anonymisation run: read → plan → transform → guarantees → write, all or nothing.

The output folder is first written as a temporary folder next to it and only then renamed into
place, so a failed or interrupted run never leaves half a result. The input files are only read.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from activering.anonimisering import guarantees
from activering.anonimisering.plan import Plan, check_plan_fits, detect_plan, drop_free_text, dump_plan, load_plan
from activering.anonimisering.read import DELIMITER_NAMES, ExportError, SourceFile, read_export
from activering.anonimisering.report import RunSummary, markdown, to_html
from activering.anonimisering.transform import FileResult, TextScrub, transform_file

PLAN_NAME = "anonimisering.yml"
REPORT_NAME = "privacyrapport"
MARKER = ".anonimisering"  # marks a folder as our output, so a re-run may replace it; lists the files we wrote
OWNER = ".eigenaar"  # in a staging folder: the process id of the run that writes it
NAME_KINDS = ("naam", "klantmanager")  # columns whose values are names of people, to be found in free text


class Progress:
    """What a run reports while it works; the command line shows it as a progress bar. Default: nothing."""

    def phase(self, text: str) -> None:  # noqa: D102
        pass

    def texts_total(self, total: int) -> None:  # noqa: D102
        pass

    def texts_done(self, n: int) -> None:  # noqa: D102
        pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove what a killed earlier run left next to ``out_dir``; put back a result it had moved aside.

    A staging folder (``.NAAM.nieuw-*``) or an old result (``.NAAM.oud-*``) whose run is no longer
    alive is left over. An old result is put back when the output folder itself is missing (the run
    was killed between the two renames), otherwise removed.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        return []
    notes = []
    for entry in sorted(parent.glob(f".{out_dir.name}.*-*")):
        kind = entry.name[len(out_dir.name) + 2 :].split("-", 1)[0]
        if kind not in ("nieuw", "oud") or not entry.is_dir():
            continue
        try:
            pid = int((entry / OWNER).read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and _alive(pid):
            raise ExportError(
                out_dir, f"er loopt al een run naar deze uitvoermap (proces {pid}); wacht tot die klaar is"
            )
        if kind == "oud" and not out_dir.exists() and (entry / "_").is_dir():
            os.rename(entry / "_", out_dir)
            notes.append(f"{out_dir.name}: het vorige resultaat, dat een afgebroken run opzij had gezet, is teruggezet")
        shutil.rmtree(entry, ignore_errors=True)
        notes.append(f"{out_dir.name}: resten van een afgebroken run opgeruimd ({entry.name})")
    return notes


def foreign_entries(out_dir: Path, writing: set[str]) -> list[str]:
    """Files and folders in an earlier result that this program did not write (a person added them)."""
    if not Path(out_dir).is_dir():
        return []
    ours = _our_files(out_dir) | writing | {MARKER, OWNER}
    return sorted(e.name for e in Path(out_dir).iterdir() if e.name not in ours)


def _our_files(out_dir: Path) -> set[str]:
    try:
        lines = (out_dir / MARKER).read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {line[2:] for line in lines if line.startswith("- ")}


def prepare_output(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse an output folder that holds the input or someone else's files."""
    out = out_dir.resolve()
    for path in inputs:
        p = Path(path).resolve()
        if p == out or out in p.parents:
            raise ExportError(out_dir, f"de uitvoermap bevat het exportbestand {Path(path).name}; kies een andere map")
    if out.exists():
        if not out.is_dir():
            raise ExportError(out_dir, "uitvoermap bestaat al als bestand")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise ExportError(
                out_dir,
                "uitvoermap bestaat al en is niet leeg (en geen eerder resultaat van "
                "`activering anonimiseer`); kies een nieuwe of lege map",
            )


def write_atomically(out_dir: Path, files: dict[str, bytes | pa.Table]) -> None:
    """Write every file into a temporary sibling folder, then swap it into place.

    Files and folders a person added to an earlier result (notes, ``koppeling.yml``,
    ``cursusdata/``; see :func:`foreign_entries`) are copied into the new result.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.nieuw-", dir=parent))
    (staging / OWNER).write_text(str(os.getpid()), encoding="utf-8")
    old = None
    try:
        for name, content in files.items():
            target = staging / name
            if isinstance(content, pa.Table):
                options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
                pacsv.write_csv(content, target, write_options=options)
            else:
                target.write_bytes(content)
        (staging / MARKER).write_text(
            "Resultaat van `activering anonimiseer`; deze bestanden worden bij een nieuwe run vervangen.\n"
            "Andere bestanden in deze map blijven bewaard.\n" + "".join(f"- {n}\n" for n in sorted(files)),
            encoding="utf-8",
        )
        for name in foreign_entries(out_dir, set(files)):
            entry = out_dir / name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, staging / name, symlinks=True)
            else:
                shutil.copy2(entry, staging / name, follow_symlinks=False)
        (staging / OWNER).unlink()
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.oud-", dir=parent))
            (old / OWNER).write_text(str(os.getpid()), encoding="utf-8")
            os.rename(out_dir, old / "_")  # inside, so that the owner file stays beside it
        os.rename(staging, out_dir)
    except BaseException:
        if old is not None and (old / "_").exists() and not out_dir.exists():
            os.rename(old / "_", out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _cascade(
    results: list[FileResult], keep: dict[str, np.ndarray], removed_from: FileResult, removed: np.ndarray
) -> dict[str, int]:
    """Drop rows in other files that belong to a suppressed row (same pseudonym in a unique key column)."""
    counts: dict[str, int] = {}
    for column, domain in removed_from.keys.items():
        values = removed_from.columns[column]
        if len(values) == 0 or pc.count_distinct(values).as_py() != len(values):
            continue  # only per-row keys (one row per person) identify whom to drop elsewhere
        gone = pc.filter(values, pa.array(removed))
        if len(gone) == 0:
            continue
        for other in results:
            if other is removed_from:
                continue
            for other_column, other_domain in other.keys.items():
                if other_domain != domain:
                    continue
                hit = pc.is_in(other.columns[other_column], value_set=gone).to_numpy(zero_copy_only=False)
                newly = hit & keep[other.source.name]
                if newly.any():
                    keep[other.source.name] = keep[other.source.name] & ~hit
                    counts[other.source.name] = counts.get(other.source.name, 0) + int(newly.sum())
    return counts


def run(
    inputs: list[Path],
    out_dir: Path,
    key: bytes | None,
    *,
    plan_path: Path | None = None,
    only_plan: bool = False,
    k: int | None = None,
    l: int | None = None,  # noqa: E741
    key_source: str = "",
    drop_text: bool = False,
    amounts: str = "klassen",
    use_deduce: bool = True,
    progress: Progress | None = None,
) -> RunSummary:
    started = time.perf_counter()
    progress = progress or Progress()
    inputs = [Path(p) for p in inputs]
    out_dir = Path(out_dir)
    prepare_output(out_dir, inputs)
    warnings = clean_leftovers(out_dir)
    progress.phase("Lezen")
    files = read_export(inputs)
    warnings += [w for f in files for w in f.warnings]

    progress.phase("Kolommen herkennen")
    if plan_path is not None:
        plan = load_plan(plan_path)
        warnings += check_plan_fits(plan, files)
        plan_source = str(plan_path)
    else:
        plan = detect_plan(files, amounts=amounts)
        plan_source = f"automatisch gemaakt ({PLAN_NAME} in deze map; controleer het en draai opnieuw met --plan)"
    updates = {n: v for n, v in (("k", k), ("l", l)) if v is not None}
    if updates:
        plan = plan.model_copy(update=updates)
    if drop_text or plan.vrije_tekst == "verwijder":
        plan = drop_free_text(plan)
    plan = Plan.model_validate(plan.model_dump())

    if only_plan:
        write_atomically(out_dir, {PLAN_NAME: dump_plan(plan).encode("utf-8")})
        return RunSummary(plan, plan_source, [], {}, {}, warnings, key_source, time.perf_counter() - started)
    if key is None:
        raise ExportError(out_dir, "geen sleutel voor de schuilnamen")

    progress.phase("Namen uit de naamkolommen verzamelen")
    scrub = TextScrub(
        name_index(files, plan), use_deduce=use_deduce, progress=progress.texts_done, owners=owner_tokens(files, plan)
    )
    progress.texts_total(
        sum(
            len(f.frame)
            for f in files
            for c, cp in plan.for_file(f.name).kolommen.items()
            if cp.actie == "redigeer" and c in f.frame.columns
        )
    )
    progress.phase("Bewerken en vrije tekst opschonen")
    results = [transform_file(f, plan.for_file(f.name), plan, key, scrub) for f in files]
    progress.phase("k-anonimiteit en l-diversiteit")
    for r in results:
        warnings += r.warnings
    keep: dict[str, np.ndarray] = {r.source.name: np.ones(len(r.source.frame), dtype=bool) for r in results}
    outcomes: dict[str, guarantees.Outcome] = {}
    for r in results:
        outcome, mask = guarantees.enforce(r, plan.k, plan.l, plan.max_onderdrukking)
        guarantees.apply_levels(r, outcome)
        outcomes[r.source.name] = outcome
        keep[r.source.name] &= mask
        if outcome.budget_exceeded:
            warnings.append(
                f"{r.source.name}: om k = {plan.k} en l = {plan.l} te halen zijn {outcome.suppressed:,} rijen "
                f"weggelaten, meer dan max_onderdrukking ({plan.max_onderdrukking:.0%})"
            )
    # Suppressing people can shrink classes elsewhere (through the cascade); repeat until stable.
    for _ in range(10):
        changed = False
        for r in results:
            removed = ~keep[r.source.name]
            for name, n in _cascade(results, keep, r, removed).items():
                outcomes[name].cascaded += n
                changed = True
        for r in results:
            o = outcomes[r.source.name]
            kept = keep[r.source.name]
            codes = [r.hierarchies[c].levels[o.levels[c]].codes for c in o.quasi]
            if not kept.any():
                continue
            ids = np.full(len(kept), -1, dtype=np.int64)
            ids[kept] = guarantees._class_ids([c[kept] for c in codes], int(kept.sum()))
            sens = [
                np.asarray(pc.dictionary_encode(r.columns[c]).indices.to_numpy(zero_copy_only=False), dtype=np.int64)[
                    kept
                ]
                for c in r.sensitive
            ]
            bad = np.zeros(len(kept), dtype=bool)
            bad[kept] = guarantees.failing(ids[kept], sens, plan.k, plan.l)
            if bad.any():
                o.suppressed += int(bad.sum())
                keep[r.source.name] = kept & ~bad
                changed = True
        if not changed:
            break
    for r in results:
        guarantees.measure(r, outcomes[r.source.name], keep[r.source.name])

    progress.phase("Schrijven")
    output: dict[str, bytes | pa.Table] = {}
    summary_files = []
    for r in results:
        columns = guarantees.take(r.columns, keep[r.source.name])
        table = pa.table(columns) if columns else pa.table({})
        output[r.source.output_name] = table.take(pa.array(row_order(key, r.source.name, table.num_rows)))
        src = r.source
        read_as = "Excel (.xlsx)" if src.delimiter is None else f"CSV, {src.encoding}, {DELIMITER_NAMES[src.delimiter]}"
        summary_files.append(
            {
                "name": src.name,
                "read_as": read_as,
                "rows_in": len(src.frame),
                "rows_out": int(keep[src.name].sum()),
                "output": r.source.output_name,
            }
        )
    if len(set(output)) != len(results):
        raise ExportError(inputs[0], "twee exportbestanden krijgen dezelfde uitvoernaam (zelfde naam, andere extensie)")
    summary = RunSummary(
        plan, plan_source, summary_files, outcomes, {r.source.name: r.redactions for r in results}, warnings, key_source
    )
    summary.kept_files = foreign_entries(out_dir, set(output) | {PLAN_NAME, REPORT_NAME + ".md", REPORT_NAME + ".html"})
    summary.seconds = time.perf_counter() - started
    output[PLAN_NAME] = dump_plan(plan).encode("utf-8")
    output[REPORT_NAME + ".md"] = markdown(summary).encode("utf-8")
    output[REPORT_NAME + ".html"] = to_html(summary).encode("utf-8")
    write_atomically(out_dir, output)
    return summary


def row_order(key: bytes, file_name: str, n: int) -> np.ndarray:
    """A keyed shuffle: the same key gives the same order, and the order says nothing about the export's."""
    seed = hmac.new(key, b"volgorde\x1f" + file_name.encode("utf-8"), hashlib.sha256).digest()
    return np.random.default_rng(np.frombuffer(seed, dtype=np.uint64)).permutation(n)


def _key_values(frame: pd.DataFrame, column: str, kind: str) -> np.ndarray:
    values = frame[column].astype(str).str.strip()
    if kind == "bsn":
        values = values.str.replace(r"[^0-9]", "", regex=True).str.zfill(9)
    return values.str.upper().to_numpy(dtype=object)


def owner_tokens(files: list[SourceFile], plan: Plan) -> dict[str, list]:
    """Per file with free text: for each row, the name tokens of the person the row is about.

    A row's person is found through the file's own name columns, or through a pseudonymised key
    column (klantnummer, BSN) shared with a file that has name columns. Those names are then
    removed from the row's free text in any case, also where they are ordinary Dutch words.
    """
    from activering.anonimisering.freetext import own_name_tokens

    by_key: dict[str, dict[str, frozenset]] = {}
    own_rows: dict[str, list] = {}
    for f in files:
        fplan = plan.for_file(f.name)
        name_columns = [c for c, cp in fplan.kolommen.items() if cp.soort == "naam" and c in f.frame.columns]
        if not name_columns or len(f.frame) == 0:
            continue
        cells = zip(*(f.frame[c].astype(str).tolist() for c in name_columns))
        rows = [own_name_tokens(values) for values in cells]
        own_rows[f.name] = rows
        for column, cp in fplan.kolommen.items():
            if cp.actie == "pseudonimiseer" and column in f.frame.columns:
                table = by_key.setdefault(cp.sleutel or column, {})
                for key, tokens in zip(_key_values(f.frame, column, cp.soort), rows):
                    if key:
                        table[key] = table.get(key, frozenset()) | tokens
    owners: dict[str, list] = {}
    for f in files:
        fplan = plan.for_file(f.name)
        if not any(cp.actie == "redigeer" for cp in fplan.kolommen.values()) or len(f.frame) == 0:
            continue
        rows = list(own_rows.get(f.name, [frozenset()] * len(f.frame)))
        for column, cp in fplan.kolommen.items():
            table = by_key.get(cp.sleutel or column) if cp.actie == "pseudonimiseer" else None
            if table and column in f.frame.columns:
                for i, key in enumerate(_key_values(f.frame, column, cp.soort)):
                    found = table.get(key)
                    if found:
                        rows[i] = rows[i] | found
        if any(rows):
            owners[f.name] = rows
    return owners


def name_index(files: list[SourceFile], plan: Plan):
    """Every name in the export's own name columns, to be found in free text (None when there are none)."""
    values: list[str] = []
    for f in files:
        fplan = plan.for_file(f.name)
        for column, cplan in fplan.kolommen.items():
            if cplan.soort in NAME_KINDS and column in f.frame.columns:
                values.extend(v for v in pd.unique(f.frame[column].astype(str)) if v and v.strip())
    if not values:
        return None
    from activering.anonimisering.freetext import NameIndex

    return NameIndex.from_values(values)


def load_output_plan(out_dir: Path) -> Plan:
    return load_plan(Path(out_dir) / PLAN_NAME)


__all__ = ["MARKER", "PLAN_NAME", "REPORT_NAME", "SourceFile", "prepare_output", "run", "write_atomically"]
