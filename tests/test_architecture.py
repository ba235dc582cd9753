"""Project-wide rules: docstring examples run, and the domain never imports the top floors."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import caseinspect

SRC = Path(caseinspect.__file__).parent
DOMAIN = (
    "framework",
    "cases",
    "sampling",
    "ratings",
    "ogrs",
    "stats",
    "analysis",
    "reports",
    "synth",
    "agreement",
    "published",
)


def _modules(package: str) -> list[str]:
    module = importlib.import_module(f"caseinspect.{package}")
    names = [module.__name__]
    for info in pkgutil.walk_packages(module.__path__, prefix=f"{module.__name__}."):
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", [n for p in DOMAIN for n in _modules(p)])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_never_import_web_or_cli(package):
    for path in (SRC / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = ("." * node.level) + (node.module or "")
            elif isinstance(node, ast.Import):
                target = ",".join(alias.name for alias in node.names)
            else:
                continue
            for forbidden in ("web", "cli", "django", "click"):
                assert not (
                    target in (f"..{forbidden}", f"...{forbidden}")
                    or target.startswith(f"..{forbidden}.")
                    or target.startswith(f"caseinspect.{forbidden}")
                    or target.split(".")[0] == forbidden
                ), f"{path.relative_to(SRC)} imports {target}"
