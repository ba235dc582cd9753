"""One error hierarchy: nothing caseinspect raises on purpose is a bare built-in error.

Errors a user can meet derive from :class:`caseinspect.errors.CaseinspectError`, so the
CLI reports them in one line with the documented exit code. A bare ``ValueError`` or
``KeyError`` raised by the project would reach a user as "internal error" (exit 3).
``RuntimeError`` stays allowed: it marks a broken invariant, which is a bug.
"""

from __future__ import annotations

import ast
from pathlib import Path

import caseinspect
from caseinspect.errors import CaseinspectError, InvalidArgument, UnknownName

SOURCE = Path(caseinspect.__file__).resolve().parent
BUILT_IN = {"ValueError", "KeyError", "TypeError", "IndexError", "LookupError", "Exception"}


def _bare_raises(tree: ast.AST) -> list[tuple[int, str]]:
    """Raises of built-in errors outside a ``try`` body (where they are caught locally)."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_try: bool) -> None:
        if isinstance(node, ast.Try):
            for child in node.body:
                visit(child, True)
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(child, in_try)
            return
        if isinstance(node, ast.Raise) and node.exc is not None and not in_try:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id in BUILT_IN:
                found.append((node.lineno, exc.id))
        for child in ast.iter_child_nodes(node):
            visit(child, in_try)

    visit(tree, False)
    return found


def test_no_module_raises_a_bare_built_in_error():
    offenders = [
        f"{path.relative_to(SOURCE)}:{line}: {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for line, name in _bare_raises(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_walker_finds_what_it_must():
    tree = ast.parse(
        "def f(x):\n"
        "    if x:\n"
        "        raise ValueError('no')\n"
        "    try:\n"
        "        raise KeyError(x)\n"
        "    except KeyError:\n"
        "        raise TypeError('mapped')\n"
    )
    assert _bare_raises(tree) == [(3, "ValueError"), (7, "TypeError")]


def test_domain_errors_keep_their_built_in_kind_for_callers():
    assert issubclass(InvalidArgument, ValueError) and issubclass(InvalidArgument, CaseinspectError)
    assert issubclass(UnknownName, KeyError) and str(UnknownName("no item 'x'")) == "no item 'x'"
