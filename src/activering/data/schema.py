"""Typing and text form of the columns, as the codebook describes them.

One place decides how a codebook dtype looks in pandas (``cast``) and in a CSV file
(``to_text``), so the generator's frames and the loader's frames are the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from activering.data.codebook import Column, Table

DATE_FORMAT = "%Y-%m-%d"


def pandas_dtype(column: Column) -> object:
    """The pandas dtype of a codebook column."""
    match column.dtype:
        case "string":
            return pd.StringDtype()
        case "integer":
            return pd.Int64Dtype()
        case "float":
            return pd.Float64Dtype()
        case "category":
            return pd.CategoricalDtype(categories=column.allowed, ordered=column.ordered)
        case "date":
            return np.dtype("datetime64[s]")
        case "boolean":
            return pd.BooleanDtype()
    raise ValueError(f"unknown dtype {column.dtype!r}")  # pragma: no cover


def cast(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Give every column its codebook dtype, in codebook column order."""
    out = {}
    for column in table.columns:
        values = frame[column.name]
        if column.dtype == "date":
            out[column.name] = pd.to_datetime(values).astype("datetime64[s]")
        else:
            out[column.name] = values.astype(pandas_dtype(column))
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def to_text(frame: pd.DataFrame, table: Table) -> str:
    """The CSV text of a typed table: UTF-8, ``\\n`` line ends, ISO dates, true/false."""
    text = {}
    for column in table.columns:
        values = frame[column.name]
        missing = values.isna().to_numpy()
        if column.dtype == "date":
            strings = np.datetime_as_string(values.to_numpy().astype("datetime64[D]"))
        elif column.dtype == "boolean":
            strings = np.where(values.fillna(False).to_numpy(dtype=bool), "true", "false")
        else:
            strings = values.astype(str).to_numpy(dtype=object)
        text[column.name] = np.where(missing, "", strings)
    return pd.DataFrame(text).to_csv(index=False, lineterminator="\n")
