"""Bulletins built once per test session from small synthetic rounds."""

from __future__ import annotations

import pytest

from caseinspect.bulletin import build_bulletin, write_bulletin
from caseinspect.framework import load_framework
from caseinspect.synth import synth_round


@pytest.fixture(scope="session")
def hmip():
    return load_framework("hmip-2018")


@pytest.fixture(scope="session")
def qi():
    return load_framework("qi-2016")


@pytest.fixture(scope="session")
def round_2018():
    return synth_round("2018-19", n_cases=900, seed=7, text=False)


@pytest.fixture(scope="session")
def round_2016():
    return synth_round("2016-17", n_cases=500, seed=7, text=False)


@pytest.fixture(scope="session")
def built(round_2018, round_2016, hmip, qi):
    return build_bulletin(round_2018, hmip, previous=round_2016, previous_framework=qi)


@pytest.fixture(scope="session")
def written(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulletin")
    write_bulletin(built, folder, ("html", "docx"))
    return folder
