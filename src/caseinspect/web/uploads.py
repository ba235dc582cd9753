"""Reading an uploaded file with the core reader (the same one the CLI uses)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def read_upload(upload) -> pd.DataFrame:
    """Read an uploaded CSV/XLSX/Parquet file as strings; problems name the uploaded file."""
    from ..cases import read_case_file
    from ..errors import Problem, ValidationError

    name = Path(upload.name).name
    suffix = Path(name).suffix.lower()
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="caseinspect-upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            return read_case_file(tmp)
        except ValidationError as exc:  # name the user's file, not our temporary copy
            raise ValidationError(
                [
                    Problem(
                        name if p.file == tmp else p.file,
                        p.row,
                        p.column,
                        p.value,
                        p.rule,
                        p.message,
                    )
                    for p in exc.problems
                ]
            ) from None
    finally:
        os.unlink(tmp)
