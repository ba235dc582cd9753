"""The stats package's docstring examples run, and its public API is documented."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import caseinspect.stats as stats_pkg

MODULES = [f"caseinspect.stats.{m.name}" for m in pkgutil.iter_modules(stats_pkg.__path__)]


@pytest.mark.parametrize("name", ["caseinspect.stats", *MODULES])
def test_doctests(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


@pytest.mark.parametrize("name", stats_pkg.__all__)
def test_public_names_have_docstrings(name):
    obj = getattr(stats_pkg, name)
    if callable(obj):
        assert obj.__doc__ and len(obj.__doc__.strip()) > 40


def test_public_functions_have_examples():
    for name in (
        "fit_logistic",
        "subgroup_significance",
        "significance_table",
        "wilson_interval",
        "benjamini_hochberg",
        "format_result",
    ):
        assert "Examples" in getattr(stats_pkg, name).__doc__


def test_domain_does_not_import_cli_or_web():
    """The stats package stands on the ground floor: no Click, no Django, no CLI imports."""
    from pathlib import Path

    for path in Path(stats_pkg.__file__).parent.glob("*.py"):
        text = path.read_text()
        for banned in ("import click", "from ..cli", "from ..web", "import django", "from django"):
            assert banned not in text, f"{path.name} has '{banned}'"
