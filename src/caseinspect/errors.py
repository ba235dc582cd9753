"""Errors shared by every part of caseinspect.

One message shape everywhere: a :class:`Problem` names where (file, row, column), what
(the value) and which rule was broken. Errors that carry several problems list them all,
so a user fixes a file in one pass rather than one error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CaseinspectError", "Problem", "ValidationError", "UsageError"]


class CaseinspectError(Exception):
    """Base class of every error caseinspect raises on purpose.

    The CLI turns these into a message and exit code 2 (bad input) without a traceback.
    ``hint`` is a short suggestion of what to do next.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class UsageError(CaseinspectError):
    """A request that cannot be carried out as asked (bad option values, missing files)."""


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
    """An input broke one or more rules; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem], *, hint: str | None = None):
        self.problems = sorted(problems, key=_problem_sort_key)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {n - 50} more" if n > 50 else ""
        super().__init__(f"{head}:\n{shown}{more}", hint=hint)


def _problem_sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.rule, p.message)
