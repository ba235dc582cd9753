"""Property (issue #13): a damaged CSV is stored exactly as it reads, or refused at the damage.

A valid case file is damaged the ways files get damaged — cut at any byte, blank lines
anywhere, mixed line endings, a byte-order mark, a random byte inserted or overwritten —
and imported through ``caseinspect import`` into the test database (SQLite in memory by
default). For every generated file one of two things must happen, never anything in
between:

* the import succeeds and every cell of every case is stored exactly as an independent
  reader (pandas' C parser) reads the damaged file; or
* the import is refused (exit 1, nothing stored) with a problem whose row — as a
  spreadsheet shows it — is the row the damage is on, and whose column, when it names
  one, is the damaged column.

Damage that cannot change any cell (blank lines, line endings between rows, a BOM) must
import, and give back the original cells.
"""

from __future__ import annotations

import io
import itertools
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseinspect.cli import main
from caseinspect.framework import load_framework
from caseinspect.outputs import csv_bytes
from caseinspect.web.models import Case
from caseinspect.web.store import cases_frame

from .factories import case_frame

pytestmark = pytest.mark.django_db(transaction=True)

FW = load_framework("hmip-2018")
_COUNTER = itertools.count(1)
_PROBLEM = re.compile(r"^(?P<file>.+?)(?:, row (?P<row>\d+))?(?:, column '(?P<column>.*?)')?: ")


def _valid_file(prefix: str) -> tuple[pd.DataFrame, bytes, list[int], list[list[int]]]:
    """A valid case file, its bytes, and where each record and each field starts."""
    frame = case_frame(FW, 3, inspections=1, prefix=prefix, seed=len(prefix))
    frame["inspection_id"] = f"{prefix}-INSP"
    frame["provider"] = f"Provider {prefix}"
    frame["provider_type"] = "CRC"
    frame.loc[frame.index[0], "rosh"] = "Low"
    frame = frame.loc[:, [c for c in frame.columns if (frame[c] != "").any()]]
    # Free text with a separator, quotes and a line break: quoting is exercised too.
    rationale = next(c for c in frame.columns if c.endswith("__rationale"))
    frame[rationale] = frame[rationale].where(frame[rationale] == "", 'He said "no", then\nagreed')
    data = csv_bytes(frame, neutralise=False)
    records = [list(frame.columns)] + frame.to_numpy().tolist()
    starts, field_starts, offset = [], [], 0
    for record in records:
        line = csv_bytes(pd.DataFrame([record]), neutralise=False).split(b"\n", 1)[1]
        # One record as written: recompute its fields' byte offsets within the line.
        starts.append(offset)
        fields, pos = [], offset
        for k, cell in enumerate(record):
            fields.append(pos)
            pos += len(_written(cell)) + (1 if k < len(record) - 1 else 0)
        field_starts.append(fields)
        offset += len(line)
    assert offset == len(data)
    return frame, data, starts, field_starts


def _written(cell: str) -> bytes:
    """A field as a CSV writer with minimal quoting writes it."""
    if any(c in cell for c in ',"\n\r'):
        return ('"' + cell.replace('"', '""') + '"').encode()
    return cell.encode()


def _where(position: int, starts: list[int], field_starts: list[list[int]], header: list[str]):
    """(spreadsheet row, column name) of the byte at ``position`` of the undamaged file."""
    record = max(i for i, s in enumerate(starts) if s <= position)
    field = max(k for k, s in enumerate(field_starts[record]) if s <= position)
    return record + 1, header[field]


def _reference(data: bytes) -> pd.DataFrame:
    """The damaged file as an independent reader sees it (pandas' C parser)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, engine="c"
    )


def _stored(after_pk: int, columns: list[str]) -> pd.DataFrame:
    """The cases this import stored (whatever the damage did to their ids)."""
    stored = cases_frame(framework_id=FW.id, queryset=Case.objects.filter(pk__gt=after_pk))
    return stored[columns].reset_index(drop=True)


damage = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("blank-lines"), st.lists(st.floats(0, 1), min_size=1, max_size=3)),
    st.tuples(st.just("line-ends"), st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=4)),
    st.tuples(st.just("bom"), st.none()),
    st.tuples(
        st.just("insert"),
        st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=1), st.booleans()),
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind_and_args=damage)
def test_a_damaged_file_is_stored_exactly_or_refused_at_the_damage(tmp_path, capsys, kind_and_args):
    kind, args = kind_and_args
    prefix = f"D{next(_COUNTER):04d}"
    frame, data, starts, field_starts = _valid_file(prefix)
    header = list(frame.columns)
    body_start = starts[1]
    damaged_at: tuple[int, str] | None = None  # (row, column) of the damage
    clean = False  # damage that cannot change a cell
    if kind == "truncate":
        cut = body_start + int(args * (len(data) - body_start))
        damaged = data[:cut]
        if cut < len(data) and cut not in starts:
            damaged_at = _where(cut, starts, field_starts, header)
    elif kind == "blank-lines":
        damaged = data
        for fraction in sorted(args, reverse=True):
            where = starts[1 + int(fraction * (len(starts) - 2))]
            damaged = damaged[:where] + b"\n" + damaged[where:]
        clean = True
    elif kind == "line-ends":
        ends = iter(args * len(starts))
        pieces = [data[s:e] for s, e in zip(starts, starts[1:] + [len(data)], strict=True)]
        damaged = b"".join(p[:-1] + next(ends).encode() for p in pieces)
        clean = True
    elif kind == "bom":
        damaged = b"\xef\xbb\xbf" + data
        clean = True
    else:
        fraction, byte, overwrite = args
        position = body_start + int(fraction * (len(data) - body_start - 1))
        damaged = data[:position] + byte + data[position + (1 if overwrite else 0) :]
        damaged_at = _where(position, starts, field_starts, header)
    path = tmp_path / f"{prefix}.csv"
    path.write_bytes(damaged)
    before = Case.objects.count()
    last_pk = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    code = main(["import", str(path), "--framework", FW.id])
    captured = capsys.readouterr()
    if code == 0:
        stored = _stored(last_pk, header)
        reference = _reference(damaged)
        assert stored.to_numpy().tolist() == reference[header].to_numpy().tolist()
        if clean:
            assert stored.to_numpy().tolist() == frame.to_numpy().tolist()
        return
    assert not clean, captured.out + captured.err
    assert code == 1, captured.err
    assert Case.objects.count() == before
    problems = [m.groupdict() for m in map(_PROBLEM.match, captured.out.splitlines()) if m]
    assert problems, captured.out + captured.err
    if damaged_at is None:  # only the header is left
        assert "no-cases" in captured.out, captured.out
        return
    row, column = damaged_at
    assert any(
        p["row"] is not None
        and int(p["row"]) == row
        and (p["column"] is None or p["column"] == column)
        for p in problems
    ), (kind, args, damaged_at, captured.out)
