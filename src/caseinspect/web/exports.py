"""Case data downloads: CSV, XLSX, Parquet, and SPSS ``.sav`` / Stata ``.dta`` with variable and
value labels taken from the framework.

In ``.sav`` and ``.dta`` the answers are coded ``1 = Yes``, ``0 = No`` (missing when not
applicable / not recorded) and profile categories ``1..k`` in framework order, each with
its value label; every variable is labelled with its framework label. Stata names are
kept to 28 characters here (pyreadstat suffixes value-label sets): longer item codes are shortened and the full code is kept at
the start of the variable label (and in the ``variables`` sheet of the XLSX).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..framework import Framework

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
    "sav": ("application/x-spss-sav", "sav"),
    "dta": ("application/x-stata-dta", "dta"),
}
ANSWER_CODES = {"yes": 1, "no": 0}
ANSWER_LABELS = {1: "Yes", 0: "No"}


@dataclass(frozen=True)
class Variable:
    column: str
    label: str
    values: dict[int, str] | None  # value labels when coded


def variables(frame: pd.DataFrame, framework: Framework) -> list[Variable]:
    """Label and coding of every column of a case table in the interchange format."""
    profile = {v.code: v for v in framework.profile}
    items = {i.code: i for i in framework.items}
    fixed = {"case_id": "Case id (pseudonymous)", "inspection_id": "Inspection", "provider": "Provider",
             "practice_note": "Good or poor practice note", "practice_kind": "Practice kind (good/poor)",
             "practice_pseudonym": "Pseudonym used in the practice note"}
    out = []
    for column in frame.columns:
        if column in profile:
            v = profile[column]
            out.append(Variable(column, v.label, {n + 1: c for n, c in enumerate(v.categories)}))
        elif column in items:
            out.append(Variable(column, items[column].label, dict(ANSWER_LABELS)))
        elif column.endswith("__rationale") and column[: -len("__rationale")] in items:
            out.append(Variable(column, f"Rationale: {items[column[:-len('__rationale')]].label}", None))
        else:
            out.append(Variable(column, fixed.get(column, column), None))
    return out


def _coded(frame: pd.DataFrame, specs: list[Variable]) -> pd.DataFrame:
    coded = {}
    for spec in specs:
        values = frame[spec.column]
        if spec.values is None:
            coded[spec.column] = values.astype(str)
        else:
            lookup = {label: code for code, label in spec.values.items()}
            if spec.values == ANSWER_LABELS:
                lookup = {"yes": 1, "no": 0}
            coded[spec.column] = values.map(lambda v: lookup.get(v, np.nan)).astype(float)
    return pd.DataFrame(coded)


def _short_names(columns: list[str], limit: int) -> dict[str, str]:
    names, used = {}, set()
    for column in columns:
        name = re.sub(r"[^A-Za-z0-9_]", "_", column)
        if not re.match(r"[A-Za-z_]", name):
            name = "v_" + name
        if len(name) > limit:
            base, n = name[: limit - 4], 1
            while f"{base}_{n:03d}" in used:
                n += 1
            name = f"{base}_{n:03d}"
        used.add(name)
        names[column] = name
    return names


def export_cases(frame: pd.DataFrame, framework: Framework, fmt: str, *, provenance: dict) -> bytes:
    """The case table as a file in ``fmt`` (one of :data:`FORMATS`), as bytes."""
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    specs = variables(frame, framework)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="cases", index=False)
            pd.DataFrame([{"variable": s.column, "label": s.label,
                           "values": "; ".join(f"{k} = {v}" for k, v in s.values.items()) if s.values else ""}
                          for s in specs]).to_excel(writer, sheet_name="variables", index=False)
            pd.DataFrame(sorted(provenance.items()), columns=["key", "value"]).to_excel(writer, sheet_name="provenance", index=False)
            for sheet in writer.book.worksheets:  # free text is text, never a formula
                for row in sheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str) and cell.value.startswith("="):
                            cell.data_type = "s"
        return buffer.getvalue()
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"caseinspect"] = json.dumps({"provenance": provenance,
                                           "labels": {s.column: s.label for s in specs}}).encode()
        buffer = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(meta), buffer)
        return buffer.getvalue()
    if fmt in ("sav", "dta"):
        import pyreadstat

        coded = _coded(frame.reset_index(drop=True), specs)
        # Stata allows 32 characters, but pyreadstat names each value-label set "<variable><counter>".
        limit = 28 if fmt == "dta" else 64
        names = _short_names(list(coded.columns), limit)
        coded = coded.rename(columns=names)
        labels = {}
        for s in specs:
            label = s.label if names[s.column] == s.column else f"{s.column}: {s.label}"
            labels[names[s.column]] = label[:80] if fmt == "dta" else label
        value_labels = {names[s.column]: s.values for s in specs if s.values}
        fd, path = tempfile.mkstemp(suffix="." + fmt)
        os.close(fd)
        try:
            note = f"caseinspect export; framework {provenance.get('framework')} {provenance.get('framework_version')}"
            if fmt == "sav":
                pyreadstat.write_sav(coded, path, column_labels=labels, variable_value_labels=value_labels, file_label=note[:64])
            else:
                pyreadstat.write_dta(coded, path, column_labels=labels, variable_value_labels=value_labels,
                                     file_label=note[:80], version=15)
            with open(path, "rb") as handle:
                return handle.read()
        finally:
            os.unlink(path)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
