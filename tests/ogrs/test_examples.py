"""The Examples sections of the public docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import caseinspect.ogrs as package

MODULES = [importlib.import_module(f"{package.__name__}.{m.name}")
           for m in pkgutil.iter_modules(package.__path__)]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
