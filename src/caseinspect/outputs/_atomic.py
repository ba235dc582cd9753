"""Write a file under a temporary name in its folder, rename it onto the final name last."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError

__all__ = ["atomic_output", "write_bytes_atomic", "write_text_atomic"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary file lives in the same folder, so the final :func:`os.replace` is a
    rename on one file system (atomic on POSIX and Windows). If the ``with`` block raises
    (disk full, permission, any bug), the temporary file is removed, ``path`` is left as it
    was (absent, or its previous content) and the exception propagates. A folder that
    cannot be written at all raises :class:`~caseinspect.errors.OutputError` naming it.

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
    ... except OSError:
    ...     pass
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
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


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
