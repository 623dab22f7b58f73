"""The codebook of the synthetic data: pydantic models for ``data/codebook.yml``.

The codebook is the single source of truth. It describes every table and column (used by the
loader), and holds every generator parameter in its ``calibration`` list (used by the
generator), each with its value, unit, source location and whether it is assumed.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from activering.paths import REPO_ROOT

CODEBOOK_PATH = REPO_ROOT / "data" / "codebook.yml"

DType = Literal["string", "integer", "float", "category", "date", "boolean"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    name: str
    dtype: DType
    description: str
    allowed: list[str] | None = None
    ordered: bool = False
    min: float | dt.date | None = None
    max: float | dt.date | None = None
    pattern: str | None = None
    nullable: bool = False

    @model_validator(mode="after")
    def _check(self) -> Column:
        if self.dtype == "category" and not self.allowed:
            raise ValueError(f"category column {self.name!r} needs 'allowed' values")
        if self.allowed is not None and self.dtype != "category":
            raise ValueError(f"'allowed' only fits category columns, not {self.name!r}")
        if self.dtype == "date":
            for bound in (self.min, self.max):
                if bound is not None and not isinstance(bound, dt.date):
                    raise ValueError(f"date column {self.name!r} needs date bounds")
        return self


class ForeignKey(_Strict):
    columns: list[str]
    table: str
    ref_columns: list[str]


class Table(_Strict):
    name: str
    file: str
    description: str
    primary_key: list[str]
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    columns: list[Column]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @model_validator(mode="after")
    def _check(self) -> Table:
        names = self.column_names
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} has duplicate column names")
        for key in [*self.primary_key, *(c for fk in self.foreign_keys for c in fk.columns)]:
            if key not in names:
                raise ValueError(f"table {self.name!r}: key column {key!r} is not a column")
        return self


_LINE_WITH_NOTE = re.compile(r"\(regel [^:)]*:\s*([^)]*)\)")
_LINE_IN_PARENS = re.compile(r"\s*\(regel [^)]*\)")
_LINE_AFTER_COMMA = re.compile(r",\s*regel [0-9][0-9–\-]*(?: en [0-9][0-9–\-]*)?")
_LINE_BEFORE_QUOTE = re.compile(r"\bregel [0-9][0-9–\-]*(?: en [0-9][0-9–\-]*)?:\s*")


def for_readers(text: str) -> str:
    """A locator as a reader sees it: paragraph, table and note stay; line numbers in the makers' text
    version of a source (``regel 1928–1947``, kept in the codebook so every figure can be checked) go."""
    text = _LINE_WITH_NOTE.sub(r"(\1)", text)
    text = _LINE_IN_PARENS.sub("", text)
    text = _LINE_AFTER_COMMA.sub("", text)
    return _LINE_BEFORE_QUOTE.sub("", text).strip()


class CalibrationEntry(_Strict):
    parameter: str
    value: Any
    unit: str
    source: str
    note: str = ""
    assumed: bool = False

    @model_validator(mode="after")
    def _check(self) -> CalibrationEntry:
        if not self.assumed and self.source.strip().lower() in {"", "geen", "none"}:
            raise ValueError(f"parameter {self.parameter!r} has no source: mark it assumed: true")
        return self


class Period(_Strict):
    start: dt.date
    end: dt.date


class GeneratorDefaults(_Strict):
    default_clients: int = Field(gt=0)
    default_seed: int = Field(ge=0)


class Codebook(_Strict):
    dataset: str
    synthetic: Literal[True]
    description: str
    observation_period: Period
    generator: GeneratorDefaults
    tables: list[Table]
    calibration: list[CalibrationEntry]

    @model_validator(mode="after")
    def _check(self) -> Codebook:
        tables = {t.name: t for t in self.tables}
        if len(tables) != len(self.tables):
            raise ValueError("duplicate table names in the codebook")
        for table in self.tables:
            for fk in table.foreign_keys:
                if fk.table not in tables:
                    raise ValueError(f"{table.name}: foreign key to unknown table {fk.table!r}")
                if fk.ref_columns != tables[fk.table].primary_key:
                    raise ValueError(f"{table.name}: foreign key must reference the primary key of {fk.table}")
        names = [c.parameter for c in self.calibration]
        if len(set(names)) != len(names):
            raise ValueError("duplicate calibration parameters")
        return self

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"onbekende tabel {name!r}; kies uit {', '.join(self.table_names)}")

    def entry(self, parameter: str) -> CalibrationEntry:
        for entry in self.calibration:
            if entry.parameter == parameter:
                return entry
        raise KeyError(f"calibration parameter {parameter!r} is missing from the codebook")

    def param(self, parameter: str) -> Any:
        """The value of one calibration parameter."""
        return self.entry(parameter).value


def load_codebook(path: Path | str | None = None) -> Codebook:
    """Read and validate the codebook (default: the repository's ``data/codebook.yml``)."""
    return _load(str(Path(path) if path is not None else CODEBOOK_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> Codebook:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return Codebook.model_validate(raw)
