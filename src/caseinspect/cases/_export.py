"""Case tables out: CSV, XLSX, Parquet, and SPSS / Stata files that keep the framework's labels.

The command line (``caseinspect export``) and the web application's downloads both call
:func:`export_cases` / :func:`export_cases_bytes`; column names, labels and coding come
from :func:`caseinspect.cases.export_variables`.
"""

from __future__ import annotations

import io
import json
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import UsageError
from ..framework import Framework
from ..outputs import (
    atomic_output,
    csv_bytes,
    fixed_readstat_dates,
    fixed_xlsx_dates,
    output_timestamp,
)
from ._fingerprint import fingerprint_cases
from ._variables import EXPORT_FORMATS, ExportVariable, check_format, coded_frame, export_variables

__all__ = ["EXPORT_FORMATS", "export_cases", "export_cases_bytes"]

_SPSS_FILE_LABEL = 64
_STATA_FILE_LABEL = 80
_SPSS_NOTE_WIDTH = 80


def export_cases(
    frame: pd.DataFrame,
    framework: Framework,
    path: str | Path,
    *,
    format: str | None = None,
    provenance: Mapping[str, object] | None = None,
) -> Path:
    """Write a case table to ``path`` as CSV, XLSX, Parquet, SPSS ``.sav`` or Stata ``.dta``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cases in the interchange format, as :func:`caseinspect.cases.load_cases` returns
        them (strings, ``""`` empty). Every column is written, in order.
    framework : Framework
        Gives the variable labels, value labels and coding.
    path : str or Path
        The file to write (its folder is created if needed). Written whole or not at all.
    format : {"csv", "xlsx", "parquet", "sav", "dta"}, optional
        Default: from the extension of ``path``.
    provenance : mapping, optional
        Recorded in the file (XLSX ``provenance`` sheet, Parquet metadata, SPSS document
        note) after the framework id, version and fingerprint, the software version, the
        number of cases and the data fingerprint.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        The format is unknown or cannot be told from the extension.
    ValidationError
        For ``sav`` / ``dta``: a profile or answer cell holds a value the framework does
        not know, so it could not be coded (every such cell listed).

    Notes
    -----
    * **CSV**: UTF-8 with a byte-order mark (Excel opens it as UTF-8), ``\\n`` line ends,
      the values as in ``frame`` except that a text cell beginning with ``=``, ``+``,
      ``-``, ``@``, a tab or a carriage return is written with a leading ``'`` (OWASP's
      CSV-injection rule; see :func:`caseinspect.outputs.write_csv`): it is made for
      people opening it in a spreadsheet. XLSX and Parquet keep every value exactly. **XLSX**: a ``cases`` sheet (values as text;
      a value starting with ``=`` is text, never a formula), a ``variables`` sheet (column,
      label, question, value labels) and a ``provenance`` sheet. **Parquet**: string
      columns; labels and provenance as JSON under the schema metadata key
      ``caseinspect``. Each of these reads back with :func:`~caseinspect.cases.load_cases`.
    * **SPSS / Stata**: answers coded ``1 = Yes``, ``0 = No``; profile categories ``1..k``
      in framework order (e.g. gender ``1 = Male``, ``2 = Female``); an empty cell (not
      applicable, not recorded) is system-missing in SPSS and ``.`` in Stata. Every
      coded column has its value labels; every column its variable label (item label,
      profile variable label, ``Rationale: <item label>``). Ids, provider names,
      rationales and practice notes stay strings.
    * **Stata limits**: names of at most 32 characters and labels of 80. Longer names are
      shortened as :func:`~caseinspect.cases.export_names` documents, and the variable
      label of a renamed column starts with the column's full name
      (``delivery_need_family_relationships__rationale: Rationale: …``); labels longer
      than 80 characters end in ``...``. SPSS keeps every name (64 characters) and
      labels of up to 256 bytes.

    Examples
    --------
    >>> import tempfile, pyreadstat
    >>> from caseinspect.framework import load_framework
    >>> framework = load_framework("hmip-2018")
    >>> frame = pd.DataFrame({"case_id": ["A1", "A2"], "gender": ["Female", ""],
    ...                       "need_drug_misuse": ["yes", "no"]})
    >>> path = export_cases(frame, framework, tempfile.mkdtemp() + "/cases.sav")
    >>> data, meta = pyreadstat.read_sav(str(path))
    >>> data.to_dict("list")
    {'case_id': ['A1', 'A2'], 'gender': [2.0, nan], 'need_drug_misuse': [1.0, 0.0]}
    >>> meta.column_names_to_labels["need_drug_misuse"], meta.variable_value_labels["gender"]
    ('Drug misuse', {1.0: 'Male', 2.0: 'Female'})
    """
    path = Path(path)
    if format is None:
        if path.suffix.lower().lstrip(".") not in EXPORT_FORMATS:
            raise UsageError(
                f"cannot tell the export format of '{path}' from its extension",
                hint=f"end the file name in .{', .'.join(EXPORT_FORMATS)}",
            )
        format = path.suffix
    fmt = check_format(format)
    info = _provenance(frame, framework, provenance)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target, then renamed over it: a failed export leaves no partial file.
    with atomic_output(path) as tmp:
        if fmt in ("sav", "dta"):
            _write_readstat(frame, framework, str(tmp), fmt, info, source=str(path))
            tmp.write_bytes(fixed_readstat_dates(tmp.read_bytes(), fmt, _stamp(provenance)))
        else:
            tmp.write_bytes(_plain_bytes(frame, framework, fmt, info, _stamp(provenance)))
    return path


def export_cases_bytes(
    frame: pd.DataFrame,
    framework: Framework,
    format: str,
    *,
    provenance: Mapping[str, object] | None = None,
) -> bytes:
    """The file :func:`export_cases` would write, as bytes (for downloads).

    Parameters
    ----------
    frame : pandas.DataFrame
    framework : Framework
    format : {"csv", "xlsx", "parquet", "sav", "dta"}
    provenance : mapping, optional
        As for :func:`export_cases`.

    Returns
    -------
    bytes

    Raises
    ------
    UsageError, ValidationError
        As :func:`export_cases`.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> frame = pd.DataFrame({"case_id": ["A1"], "need_drug_misuse": ["yes"]})
    >>> export_cases_bytes(frame, load_framework("hmip-2018"), "csv")
    b'\\xef\\xbb\\xbfcase_id,need_drug_misuse\\nA1,yes\\n'
    """
    fmt = check_format(format)
    info = _provenance(frame, framework, provenance)
    if fmt not in ("sav", "dta"):
        return _plain_bytes(frame, framework, fmt, info, _stamp(provenance))
    with tempfile.TemporaryDirectory(prefix="caseinspect-export-") as tmp:
        path = Path(tmp) / f"cases.{fmt}"
        _write_readstat(frame, framework, str(path), fmt, info, source=f"cases.{fmt}")
        return fixed_readstat_dates(path.read_bytes(), fmt, _stamp(provenance))


def _stamp(provenance: Mapping[str, object] | None) -> datetime:
    """The file's creation time: the provenance's ``created``, SOURCE_DATE_EPOCH, or fixed."""
    return output_timestamp(provenance)


def _provenance(
    frame: pd.DataFrame, framework: Framework, extra: Mapping[str, object] | None
) -> dict[str, str]:
    info = {
        **framework.provenance,
        "software": "caseinspect",
        "software_version": __version__,
        "cases": str(len(frame)),
        "data_fingerprint": fingerprint_cases(frame),
    }
    info.update({str(k): str(v) for k, v in (extra or {}).items()})
    return info


def _plain_bytes(
    frame: pd.DataFrame,
    framework: Framework,
    fmt: str,
    provenance: dict[str, str],
    when: datetime,
) -> bytes:
    table = frame.reset_index(drop=True)
    if fmt == "csv":
        # A CSV export is made for spreadsheet users: formula-like cells are neutralised.
        return csv_bytes(table, neutralise=True, bom=True)
    variables = export_variables(table, framework, fmt)
    if fmt == "xlsx":
        return fixed_xlsx_dates(_xlsx(table, variables, provenance), when)
    return _parquet(table, variables, provenance)


def _xlsx(
    frame: pd.DataFrame, variables: Sequence[ExportVariable], provenance: dict[str, str]
) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="cases", index=False)
        pd.DataFrame(
            [
                {
                    "variable": v.column,
                    "label": v.label,
                    "question": v.question,
                    "values": _value_text(v.values),
                }
                for v in variables
            ],
            columns=["variable", "label", "question", "values"],
        ).to_excel(writer, sheet_name="variables", index=False)
        pd.DataFrame(sorted(provenance.items()), columns=["key", "value"]).to_excel(
            writer, sheet_name="provenance", index=False
        )
        for sheet in writer.book.worksheets:  # free text is text, never a formula
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
    return buffer.getvalue()


def _parquet(
    frame: pd.DataFrame, variables: Sequence[ExportVariable], provenance: dict[str, str]
) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"caseinspect"] = json.dumps(
        {
            "provenance": provenance,
            "labels": {v.column: v.label for v in variables},
            "value_labels": {
                v.column: {str(k): t for k, t in v.values.items()} for v in variables if v.values
            },
        }
    ).encode("utf-8")
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buffer)
    return buffer.getvalue()


def _write_readstat(
    frame: pd.DataFrame,
    framework: Framework,
    path: str,
    fmt: str,
    provenance: dict[str, str],
    *,
    source: str,
) -> None:
    import pyreadstat

    variables = export_variables(frame, framework, fmt)
    coded = coded_frame(frame, variables, source=source)
    labels: dict[str, str | None] = {v.name: v.label for v in variables}
    value_labels: dict[str, dict[int | float, str]] = {
        v.name: {float(k): t for k, t in v.values.items()} for v in variables if v.values
    }
    formats = {
        v.name: (f"F{len(str(max(v.values)))}.0" if fmt == "sav" else "%8.0g")
        for v in variables
        if v.values
    }
    head = (
        f"caseinspect {provenance['software_version']} export; framework {provenance['framework']} "
        f"{provenance['framework_version']}"
    )
    if fmt == "sav":
        pyreadstat.write_sav(
            coded,
            path,
            file_label=head[:_SPSS_FILE_LABEL],
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_format=formats,
            variable_measure={v.name: "nominal" for v in variables},
            note=_note_lines(
                [head, _CODING_NOTE] + [f"{k}: {v}" for k, v in sorted(provenance.items())]
            ),
        )
    else:
        pyreadstat.write_dta(
            coded,
            path,
            file_label=head[:_STATA_FILE_LABEL],
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_format=formats,
            version=15,
        )


_CODING_NOTE = (
    "Answers: 1 = Yes, 0 = No, system-missing = not applicable or not recorded. Profile categories "
    "1..k in framework order, system-missing = not recorded."
)


def _note_lines(paragraphs: Sequence[str]) -> list[str]:
    """SPSS document lines hold 80 bytes: wrap each paragraph (ASCII in practice)."""
    return [line for text in paragraphs for line in textwrap.wrap(text, _SPSS_NOTE_WIDTH) or [""]]


def _value_text(values: Mapping[int, str] | None) -> str:
    return "; ".join(f"{code} = {text}" for code, text in values.items()) if values else ""
