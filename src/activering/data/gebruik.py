"""``activering data gebruik MAP``: run the course on an anonymised export instead of the synthetic data.

A mapping file (``koppeling.yml`` in MAP) says which file and column of the anonymised result
fills which table and column of the course codebook, and how values translate (your municipality
→ one of the three course municipalities, your categories → the codebook's). The command writes
a data folder that conforms to the codebook (``MAP/cursusdata``), checks it with the course's own
loader, and then points the course at it (:mod:`activering.data.databron`). Identifiers are
renumbered into the codebook's forms (``SYN-000001`` …): the same pseudonym always gets the same
number, in every table. Back to the synthetic data: ``activering data gebruik --synthetisch``.

Nothing is made up: the anonymiser's generalised values (``65+``, ``2025-03``, ``*``, own categories)
are kept and checked in the loader's real-data mode, unmapped columns stay empty unless they follow
from others without guessing, and ``kolommen.yml`` (:mod:`activering.data.beschikbaarheid`) records
per column whether it came from the export and how precise it is, for the pages and exercises.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import typer
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console

from activering.data import beschikbaarheid, databron
from activering.data.codebook import Codebook, Table, load_codebook
from activering.data.loader import DEFAULT_DATA_DIR, DataFileError, load_all

MAPPING_NAME = "koppeling.yml"
TARGET_NAME = "cursusdata"
REFERENCE_TABLES = ("gemeenten", "sanctieregimes")  # about the course's fictional municipalities
_ID_PATTERN = re.compile(r"^\^(?P<prefix>[A-Za-z0-9-]*)\[0-9\]\{(?P<width>\d+),\}\$$")


class GebruikError(ValueError):
    """The mapping or the converted data do not fit the course codebook."""


class ColumnMap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kolom: str | None = None
    waarde: str | None = None
    waarden: dict[str, str] | None = None
    volgnummer: bool = False


class TableMap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bestand: str | None = None
    kolommen: dict[str, str | ColumnMap | None] = {}


class Koppeling(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tabellen: dict[str, TableMap | None]


def load_mapping(path: Path, codebook: Codebook) -> Koppeling:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GebruikError(f"{Path(path).name}: niet leesbaar ({error})") from None
    try:
        mapping = Koppeling.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise GebruikError(
            f"{Path(path).name}: fout bij '{'.'.join(map(str, first['loc']))}': {first['msg']}"
        ) from None
    for name, table in mapping.tabellen.items():
        if name not in codebook.table_names:
            raise GebruikError(
                f"{Path(path).name}: onbekende tabel '{name}'; kies uit {', '.join(codebook.table_names)}"
            )
        for column in table.kolommen if table else {}:
            if column not in codebook.table(name).column_names:
                raise GebruikError(f"{Path(path).name}: tabel '{name}' heeft geen kolom '{column}' in het codeboek")
    clients = mapping.tabellen.get("clients")
    if clients is not None and clients.bestand and clients.kolommen.get("gemeente") is None:
        # Every page and exercise compares gemeenten and their way of working: without it nothing fits.
        raise GebruikError(
            f"{Path(path).name}: koppel clients.gemeente, bijvoorbeeld 'gemeente: {{waarde: Havenmonde}}' "
            "(de fictieve gemeente met de variant die het best bij jouw gemeente past)"
        )
    return mapping


def template(map_dir: Path, codebook: Codebook) -> str:
    """A mapping file to fill in, with the allowed values of every codebook column as comments."""
    files = sorted(p.name for p in Path(map_dir).glob("*.csv"))
    lines = [
        "# Koppeling van je geanonimiseerde export op het codeboek van de cursus (data/codebook.yml).",
        "# Vul per tabel het bestand in en per kolom de kolom uit dat bestand. Vormen:",
        "#   kolom_in_codeboek: KolomInJeBestand",
        "#   kolom_in_codeboek: {kolom: KolomInJeBestand, waarden: {jouw_waarde: waarde_uit_codeboek}}",
        "#   kolom_in_codeboek: {waarde: vaste_waarde}          (bijv. gemeente: {waarde: Lindeveen})",
        "#   kolom_in_codeboek: {volgnummer: true}              (nieuw volgnummer per rij)",
        "# Leeg laten (null): afgeleid waar dat zonder gissen kan (kansgroep uit trede, klantmanagers uit",
        "# clients, ...), anders leeg. Een tabel zonder bestand blijft leeg; gemeenten en sanctieregimes komen",
        "# uit de synthetische data (kies voor je gemeente de fictieve gemeente met de variant die het best past).",
        "# Je eigen waarden mogen blijven: klassen (65+, 18-34), * (weggelaten), maanden (2025-03), kwartalen",
        "# (2025-K1), eigen categorieën (X, trede 6). Vertaal met waarden: alleen wat hetzelfde betekent.",
        "# Wat ontbreekt, laten de pagina's en oefeningen zien als 'niet in jouw data'.",
        f"# Bestanden in deze map: {', '.join(files) or '(geen)'}",
        "tabellen:",
    ]
    for table in codebook.tables:
        lines.append(f"  {table.name}:")
        lines.append("    bestand: null")
        lines.append("    kolommen:")
        for column in table.columns:
            hint = column.dtype
            if column.allowed:
                hint += " (cursusdata: " + ", ".join(column.allowed) + ")"
            if column.pattern:
                hint += f" (schuilnamen worden hernummerd naar {column.pattern})"
            lines.append(f"      {column.name}: null  # {hint}")
    return "\n".join(lines) + "\n"


def _id_form(pattern: str | None) -> tuple[str, int] | None:
    match = _ID_PATTERN.match(pattern or "")
    return (match["prefix"], int(match["width"])) if match else None


class _Renumber:
    """Pseudonym → course id, the same number for the same pseudonym in every table."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, str]] = {}

    def __call__(self, pattern: str, values: pd.Series) -> pd.Series:
        prefix, width = _id_form(pattern)
        known = self.maps.setdefault(pattern, {})
        for value in pd.unique(values):
            if _is_value(value) and value not in known:
                known[value] = f"{prefix}{len(known) + 1:0{width}d}"
        return values.map(lambda v: known.get(v, "") if _is_value(v) else "")


def _is_value(value) -> bool:
    """A real value: not empty and not left out by the anonymiser (``*``)."""
    return bool(value) and value != beschikbaarheid.SUPPRESSED


def _status(spec) -> str:
    """How a column was filled: from the export (gekoppeld), a fixed value (vast) or a new number (afgeleid)."""
    if isinstance(spec, str):
        return "gekoppeld"
    if spec.volgnummer:
        return "afgeleid"
    return "vast" if spec.waarde is not None else "gekoppeld"


def _column(name: str, table: Table, spec, source: pd.DataFrame, file: str, renumber: _Renumber) -> pd.Series | None:
    column = table.column(name)
    n = len(source)
    if spec is None:
        return None
    if isinstance(spec, str):
        spec = ColumnMap(kolom=spec)
    if spec.volgnummer:
        form = _id_form(column.pattern)
        if form is None:
            raise GebruikError(f"{table.name}.{name}: volgnummer kan alleen bij een id-kolom")
        return pd.Series([f"{form[0]}{i + 1:0{form[1]}d}" for i in range(n)], dtype=object)
    if spec.waarde is not None:
        values = pd.Series([spec.waarde] * n, dtype=object)
    elif spec.kolom is None:
        return None
    elif spec.kolom not in source.columns:
        raise GebruikError(
            f"{table.name}.{name}: kolom '{spec.kolom}' staat niet in {file} (wel: {', '.join(source.columns)})"
        )
    else:
        values = source[spec.kolom].astype(str)
    if spec.waarden:
        values = values.map(lambda v: spec.waarden.get(v, v))
    if _id_form(column.pattern):
        values = renumber(column.pattern, values)
    return values


def convert(map_dir: Path, mapping: Koppeling, codebook: Codebook) -> dict[str, pd.DataFrame]:
    """Every codebook table as text columns, filled from the anonymised files by the mapping."""
    renumber = _Renumber()
    synthetic = {
        name: pd.read_csv(DEFAULT_DATA_DIR / codebook.table(name).file, dtype=str, keep_default_na=False)
        for name in REFERENCE_TABLES
    }
    out: dict[str, pd.DataFrame] = {}
    for table in codebook.tables:
        tmap = mapping.tabellen.get(table.name)
        if tmap is None or tmap.bestand is None:
            if table.name in REFERENCE_TABLES:
                out[table.name] = synthetic[table.name]
                out[table.name].attrs["status"] = {c: "cursus" for c in table.column_names}
                out[table.name].attrs["bestand"] = f"synthetische cursusdata ({table.file})"
            continue
        path = Path(map_dir) / tmap.bestand
        try:
            source = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as error:
            raise GebruikError(f"{tmap.bestand}: niet leesbaar ({error})") from None
        columns, status = {}, {}
        for column in table.columns:
            spec = tmap.kolommen.get(column.name)
            values = _column(column.name, table, spec, source, tmap.bestand, renumber)
            columns[column.name] = values
            status[column.name] = "ontbreekt" if values is None else _status(spec)
        out[table.name] = pd.DataFrame(
            {k: (v if v is not None else pd.Series([""] * len(source), dtype=object)) for k, v in columns.items()}
        )
        out[table.name].attrs["unmapped"] = [k for k, v in columns.items() if v is None]
        out[table.name].attrs["status"] = status
        out[table.name].attrs["bestand"] = tmap.bestand
    _derive(out, codebook)
    for table in codebook.tables:
        if table.name not in out:
            out[table.name] = pd.DataFrame({c: pd.Series([], dtype=object) for c in table.column_names})
            out[table.name].attrs["status"] = {c: "ontbreekt" for c in table.column_names}
            out[table.name].attrs["bestand"] = None
    return out


def manifest_tables(tables: dict[str, pd.DataFrame], codebook: Codebook) -> dict:
    """Per table its source file and per column where it came from and how precise it is."""
    result = {}
    for table in codebook.tables:
        frame = tables[table.name]
        status = frame.attrs.get("status", {})
        columns = {}
        for column in table.columns:
            state = status.get(column.name, "ontbreekt")
            entry = {"status": state}
            if state != "ontbreekt":
                precision = beschikbaarheid.precision_of(column.dtype, frame[column.name].astype(str).tolist())
                if precision == "weggelaten" and len(frame) == 0:
                    precision = None
                if precision:
                    entry["precisie"] = precision
            columns[column.name] = entry
        result[table.name] = {"bestand": frame.attrs.get("bestand"), "rijen": len(frame), "kolommen": columns}
    return result


def _derive(out: dict[str, pd.DataFrame], codebook: Codebook) -> None:
    """Fill unmapped columns that follow from others, and klantmanagers from clients."""
    variant = dict(zip(out["gemeenten"]["gemeente"], out["gemeenten"]["variant"]))
    clients = out.get("clients")
    if clients is not None:
        unmapped = clients.attrs.get("unmapped", [])
        status = clients.attrs.setdefault("status", {})
        per_trede = {str(k): v for k, v in codebook.param("kansgroep_per_trede").items()}
        treden = {t for t in clients["trede"] if _is_value(t)}
        # Only on the course's own five-step ladder: another scale (trede 6, text) has no known kansgroep.
        if "kansgroep" in unmapped and treden and treden <= set(per_trede):
            clients["kansgroep"] = clients["trede"].map(lambda t: per_trede.get(str(t), ""))
            status["kansgroep"] = "afgeleid"
        months = clients["uitkeringsduur_maanden"]
        if (
            "uitkeringsduur_klasse" in unmapped
            and (months != "").any()
            and months.map(lambda v: not _is_value(v) or beschikbaarheid.is_number(v)).all()
        ):
            numbers = pd.to_numeric(months.where(months.map(_is_value)), errors="coerce")
            classes = pd.cut(numbers, [-1, 11, 23, 59, 10_000], labels=["<1 jaar", "1-2 jaar", "2-5 jaar", "5+ jaar"])
            clients["uitkeringsduur_klasse"] = classes.astype(object).where(classes.notna(), "")
            status["uitkeringsduur_klasse"] = "afgeleid"
        if "klantmanagers" not in out and (clients["km_id"] != "").any():
            counts = clients[clients["km_id"] != ""].groupby("km_id", sort=True)
            managers = pd.DataFrame(
                {
                    "km_id": list(counts.groups),
                    "gemeente": counts["gemeente"].first().to_numpy(),
                    "caseload": counts.size().astype(str).to_numpy(),  # the clients in the export, not clipped
                }
            )
            managers["variant"] = managers["gemeente"].map(variant).fillna("")
            out["klantmanagers"] = managers[codebook.table("klantmanagers").column_names]
            out["klantmanagers"].attrs["bestand"] = "afgeleid uit clients"
            gemeente_status = "afgeleid" if status.get("gemeente", "ontbreekt") != "ontbreekt" else "ontbreekt"
            out["klantmanagers"].attrs["status"] = {
                "km_id": "afgeleid",
                "gemeente": gemeente_status,
                "caseload": "afgeleid",
                "variant": gemeente_status,
            }
    managers = out.get("klantmanagers")
    if managers is not None and "variant" in managers.attrs.get("unmapped", []):
        managers["variant"] = managers["gemeente"].map(variant).fillna("")
        if (managers["variant"] != "").any():
            managers.attrs.setdefault("status", {})["variant"] = "afgeleid"


def use(
    map_dir: Path, mapping_path: Path | None = None, codebook: Codebook | None = None
) -> tuple[Path, dict[str, int]]:
    """Convert, check with the course loader, write ``MAP/cursusdata`` atomically and make it active."""
    cb = codebook or load_codebook()
    map_dir = Path(map_dir)
    if not map_dir.is_dir():
        raise GebruikError(f"{map_dir}: map bestaat niet")
    mapping_path = Path(mapping_path) if mapping_path else map_dir / MAPPING_NAME
    if not mapping_path.exists():
        mapping_path.write_text(template(map_dir, cb), encoding="utf-8")
        raise GebruikError(
            f"er was nog geen koppeling; een sjabloon staat nu in {mapping_path}. Vul het in en draai opnieuw."
        )
    mapping = load_mapping(mapping_path, cb)
    tables = convert(map_dir, mapping, cb)
    target = map_dir / TARGET_NAME
    staging = Path(tempfile.mkdtemp(prefix=f".{TARGET_NAME}.nieuw-", dir=map_dir))
    try:
        for table in cb.tables:
            tables[table.name][table.column_names].to_csv(staging / table.file, index=False, lineterminator="\n")
        (staging / "HERKOMST.md").write_text(
            "# Herkomst\n\nGeanonimiseerde echte data, omgezet door `activering data gebruik` met "
            f"{mapping_path.name}. De id's zijn hernummerd naar de vorm van het codeboek; gemeenten en "
            "sanctieregimes komen uit de synthetische cursusdata. Welke kolommen uit de export komen en "
            f"hoe precies ze zijn, staat in {beschikbaarheid.MANIFEST_NAME}.\n",
            encoding="utf-8",
        )
        beschikbaarheid.write_manifest(
            staging, manifest_tables(tables, cb), f"geanonimiseerde export in {map_dir.resolve()}"
        )
        try:
            loaded = load_all(staging, codebook=cb)
        except DataFileError as error:
            raise GebruikError(
                f"de omgezette data passen niet in het codeboek: {error}. "
                f"Pas {mapping_path.name} aan (kolom of waarden)."
            ) from None
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{TARGET_NAME}.oud-", dir=map_dir))
            old.rmdir()
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    databron.set_active(target, f"geanonimiseerde export in {map_dir.resolve()}")
    return target, {name: len(frame) for name, frame in loaded.items()}


def gebruik(
    map_: Path | None = typer.Argument(None, metavar="MAP", help="Map met het resultaat van `activering anonimiseer`."),
    koppeling: Path | None = typer.Option(
        None, "--koppeling", help=f"Koppelingsbestand (standaard MAP/{MAPPING_NAME})."
    ),
    synthetisch: bool = typer.Option(False, "--synthetisch", help="Terug naar de synthetische cursusdata."),
) -> None:
    """Laat de oefeningen en grafieken draaien op je eigen geanonimiseerde export (of terug op de synthetische data)."""
    console = Console()
    if synthetisch:
        removed = databron.reset()
        console.print(
            "De cursus gebruikt weer de synthetische data."
            if removed
            else "De cursus gebruikte al de synthetische data."
        )
        return
    if map_ is None:
        try:
            active = databron.active_data_dir()
        except databron.DatabronError as error:
            console.print(f"[red]Fout:[/red] {error}")
            raise typer.Exit(code=2) from None
        console.print(f"Actieve data: {active}" if active else f"Actieve data: synthetisch ({DEFAULT_DATA_DIR}).")
        return
    try:
        target, counts = use(map_, koppeling)
    except GebruikError as error:
        console.print(f"[red]Fout:[/red] {error}")
        raise typer.Exit(code=2) from None
    console.print(f"Omgezet naar {target}: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
    console.print(
        "De cursus gebruikt nu deze data. Terug naar de synthetische data: activering data gebruik --synthetisch"
    )
