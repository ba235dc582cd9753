"""Errors shared by every part of caseinspect.

One message shape everywhere: a :class:`Problem` names where (file, row, column), what
(the value) and which rule was broken. Errors that carry several problems list them all,
so a user fixes a file in one pass rather than one error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "CaseinspectError",
    "ExitCode",
    "InvalidArgument",
    "MissingExtraError",
    "OutputError",
    "Problem",
    "UnknownName",
    "UsageError",
    "ValidationError",
    "require_extra",
]


class ExitCode(IntEnum):
    """The one exit-code map of every ``caseinspect`` command (documented in the README).

    The same kind of outcome gives the same code from every command, as pip's
    ``status_codes`` do: scripts and schedulers can rely on it.
    """

    #: The command did what was asked.
    SUCCESS = 0
    #: The input was read and has problems (an invalid case file, inconsistent tables).
    PROBLEMS = 1
    #: The command could not be used: missing file, unknown framework, bad option,
    #: a missing optional extra, an output that cannot be written.
    UNUSABLE = 2
    #: An unexpected internal error (a bug): one line, ``--debug`` for the traceback.
    INTERNAL = 3
    #: Interrupted (Ctrl-C).
    INTERRUPTED = 130


class CaseinspectError(Exception):
    """Base class of every error caseinspect raises on purpose.

    The CLI turns these into a message and :attr:`exit_code` without a traceback, in one
    place. ``hint`` is a short suggestion of what to do next.
    """

    exit_code: int = ExitCode.UNUSABLE

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class UsageError(CaseinspectError):
    """A request that cannot be carried out as asked (bad option values, missing files)."""


class InvalidArgument(CaseinspectError, ValueError):
    """A function was called with a value outside what it accepts.

    Also a :class:`ValueError`, so callers that treat it as one keep working.
    """


class UnknownName(CaseinspectError, KeyError):
    """A name (item, profile variable, table, term) that the framework or model lacks.

    Also a :class:`KeyError`; ``str()`` gives the message without KeyError's quotes.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutputError(CaseinspectError):
    """An output could not be written (disk full, no permission); names the path."""


class MissingExtraError(UsageError):
    """An optional part of caseinspect is not installed; says which extra brings it."""

    def __init__(self, feature: str, extra: str, *, module: str | None = None):
        what = f" (the module '{module}' is missing)" if module else ""
        super().__init__(
            f"{feature} needs the optional '{extra}' part of caseinspect{what}.",
            hint=f"install it with: pip install 'caseinspect[{extra}]'",
        )
        self.extra = extra


def require_extra(module: str, *, extra: str, feature: str) -> None:
    """Raise :class:`MissingExtraError` unless ``module`` can be imported.

    Examples
    --------
    >>> require_extra("json", extra="web", feature="the web application")
    >>> require_extra("no_such_module_here", extra="web", feature="serve")
    Traceback (most recent call last):
    ...
    caseinspect.errors.MissingExtraError: serve needs the optional 'web' part of caseinspect (the module 'no_such_module_here' is missing).
    """
    import importlib.util

    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingExtraError(feature, extra, module=module)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input.

    Parameters
    ----------
    file : str
        The file (or other source, e.g. ``"web form"``) the problem is in.
    row : int or None
        Row as a spreadsheet shows it (header = row 1, first case = row 2), or ``None``
        for problems that concern no row.
    column : str or None
        The column (or framework key) concerned.
    value : str or None
        The offending value as the user wrote it.
    rule : str
        A short, stable identifier of the rule broken (e.g. ``"unknown-category"``).
    message : str
        A sentence a person can act on.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
        }


class ValidationError(CaseinspectError):
    """An input broke one or more rules; ``problems`` lists every one of them.

    Exit code 1 (:attr:`ExitCode.PROBLEMS`): the input was read and has problems.
    """

    exit_code = ExitCode.PROBLEMS

    def __init__(self, problems: list[Problem], *, hint: str | None = None):
        self.problems = sorted(problems, key=_problem_sort_key)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {n - 50} more" if n > 50 else ""
        super().__init__(f"{head}:\n{shown}{more}", hint=hint)


def _problem_sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.rule, p.message)
