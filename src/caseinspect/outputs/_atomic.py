"""Write a file under a temporary name in its folder, rename it onto the final name last."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import OutputError

__all__ = ["atomic_output", "atomic_outputs", "write_bytes_atomic", "write_text_atomic"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary file lives in the same folder, so the final :func:`os.replace` is a
    rename on one file system (atomic on POSIX and Windows). If the ``with`` block raises
    (disk full, permission, any bug), the temporary file is removed, ``path`` is left as it
    was (absent, or its previous content) and the exception propagates; a disk or
    permission error (ENOSPC, EDQUOT, EFBIG, EROFS, EACCES, EPERM, or any OSError about the
    temporary file) becomes :class:`~caseinspect.errors.OutputError` naming ``path``
    (exit code 2). A folder that cannot be written at all is an ``OutputError`` too.

    Parameters
    ----------
    path : str or PathLike
        The final name of the file.

    Yields
    ------
    Path
        Where to write. It exists (empty) when yielded; write it whole.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "a.txt").read_text()
    'done'
    >>> try:
    ...     with atomic_output(folder / "b.txt") as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise OSError(28, "No space left on device")
    ... except OutputError as exc:
    ...     print(str(exc).replace(str(folder), "DIR"))
    cannot write DIR/b.txt: No space left on device; nothing was written under that name
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    final = Path(path)
    folder = final.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=folder)
    except FileNotFoundError as exc:
        raise OutputError(f"cannot write {final}: the folder {folder} does not exist") from exc
    except OSError as exc:
        raise OutputError(f"cannot write {final}: {exc.strerror or exc} (folder {folder})") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp creates the file 0600; give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError) and _about(exc, tmp):
            raise OutputError(
                f"cannot write {final}: {exc.strerror or exc}; nothing was written under that name"
            ) from exc
        raise


#: Errors that concern the output, whatever file name they carry.
_OUTPUT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
)


def _about(exc: OSError, tmp: Path) -> bool:
    """Whether an OSError raised while writing ``tmp`` is a problem of writing it."""
    return exc.errno in _OUTPUT_ERRNOS or (exc.filename is not None and Path(exc.filename) == tmp)


@contextlib.contextmanager
def atomic_outputs(paths: Sequence[str | os.PathLike[str]]) -> Iterator[list[Path]]:
    """:func:`atomic_output` for a set of files written together by one command.

    Yields one temporary path per final path. Only when the whole block succeeds are they
    renamed, **in the order given** (put the provenance file last: it then only exists
    beside complete outputs); on failure every temporary file is removed and no final
    name is touched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     with atomic_outputs([folder / "a.csv", folder / "provenance.json"]) as (a, p):
    ...         _ = a.write_text("x")
    ...         raise OSError(28, "No space left on device")
    ... except OutputError:
    ...     pass
    >>> list(folder.iterdir())
    []
    """
    with contextlib.ExitStack() as stack:
        # An ExitStack leaves its contexts last-in first-out: enter them in reverse so the
        # renames happen in the order given.
        temporary = [stack.enter_context(atomic_output(p)) for p in reversed(list(paths))]
        yield temporary[::-1]


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_bytes_atomic(pathlib.Path(tempfile.mkdtemp()) / "x.bin", b"ab")
    >>> p.read_bytes()
    b'ab'
    """
    final = Path(path)
    with atomic_output(final) as tmp:
        tmp.write_bytes(data)
    return final


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends to ``path`` atomically; return the path."""
    return write_bytes_atomic(path, text.encode("utf-8"))
