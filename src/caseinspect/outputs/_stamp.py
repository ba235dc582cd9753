"""One timestamp for the files caseinspect writes, so the same input gives the same bytes."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime

from ..errors import InvalidArgument, UsageError

__all__ = ["FIXED_TIMESTAMP", "output_timestamp", "fixed_xlsx_dates", "fixed_readstat_dates"]

#: Used when neither the provenance nor ``SOURCE_DATE_EPOCH`` gives a time: the time of
#: writing is not part of an output.
FIXED_TIMESTAMP = datetime(2000, 1, 1, 0, 0, 0)


def output_timestamp(provenance: Mapping[str, object] | None = None) -> datetime:
    """The time written into a file's metadata (naive, UTC).

    In order: the provenance's ``created`` (ISO 8601), the ``SOURCE_DATE_EPOCH``
    environment variable (https://reproducible-builds.org/specs/source-date-epoch/),
    else :data:`FIXED_TIMESTAMP`.

    Examples
    --------
    >>> output_timestamp({"created": "2019-03-01T10:00:00"})
    datetime.datetime(2019, 3, 1, 10, 0)
    """
    created = (provenance or {}).get("created")
    if created:
        try:
            stamp = datetime.fromisoformat(str(created))
        except ValueError:
            raise UsageError(
                f"provenance 'created' is not an ISO date and time: {created!r}"
            ) from None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
        return stamp
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}")
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    return FIXED_TIMESTAMP


def fixed_xlsx_dates(data: bytes, when: datetime) -> bytes:
    """Rewrite an XLSX archive with ``when`` as every entry's date and the document times."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # Zip entry dates cannot be earlier than 1980.
    entry_time = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                for tag in (rb"dcterms:created", rb"dcterms:modified"):
                    content = re.sub(
                        rb"(<" + tag + rb"[^>]*>)[^<]*(</" + tag + rb">)",
                        rb"\g<1>" + stamp + rb"\g<2>",
                        content,
                    )
            entry = zipfile.ZipInfo(info.filename, date_time=entry_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fixed_readstat_dates(data: bytes, fmt: str, when: datetime) -> bytes:
    """Replace the creation time ReadStat writes into a ``.sav`` or ``.dta`` file.

    SPSS: the header holds ``dd Mmm yy`` at byte 92 and ``hh:mm:ss`` at byte 101 (the
    system-file layout). Stata 118/119: ``<timestamp>`` holds ``dd Mon yyyy hh:mm``.
    """
    month = _MONTHS[when.month - 1]
    if fmt == "sav":
        if not data.startswith((b"$FL2", b"$FL3")):
            raise InvalidArgument("not an SPSS system file")
        stamp = f"{when.day:02d} {month} {when.year % 100:02d}{when:%H:%M:%S}".encode("ascii")
        return data[:92] + stamp + data[92 + len(stamp) :]
    text = f"{when.day:02d} {month} {when.year:04d} {when:%H:%M}".encode("ascii")
    return re.sub(
        rb"<timestamp>.[^<]*</timestamp>",
        lambda _m: b"<timestamp>" + bytes([len(text)]) + text + b"</timestamp>",
        data,
        count=1,
        flags=re.DOTALL,
    )
