"""Writing a drawn sample: the sample file and its companions, byte for byte reproducible."""

from __future__ import annotations

import json

import pandas as pd

from caseinspect.framework import load_framework
from caseinspect.sampling import draw_sample, sample_paths, write_sample

from .conftest import REFERENCE, STRATA_EXAMPLE, population


def test_every_file_written_and_read_back(tmp_path):
    result = draw_sample(
        population(STRATA_EXAMPLE), load_framework("hmip-2018").sampling, 20, 4, REFERENCE
    )
    paths = write_sample(result, tmp_path / "out" / "draw.csv", provenance={"seed": 4})
    assert {k: p.name for k, p in paths.items()} == {
        "sample": "draw.csv",
        "exclusions": "draw.exclusions.csv",
        "reserve": "draw.reserve.csv",
        "report": "draw.report.csv",
        "allocation": "draw.allocation.csv",
        "provenance": "draw.provenance.json",
    }
    assert paths == sample_paths(tmp_path / "out" / "draw.csv")
    back = pd.read_csv(paths["sample"], dtype=str, keep_default_na=False)
    assert back["case_id"].tolist() == result.sample["case_id"].tolist()
    assert len(pd.read_csv(paths["reserve"])) == len(result.reserve)
    assert json.loads(paths["provenance"].read_text()) == {"seed": 4}
    assert b"\r\n" not in paths["sample"].read_bytes()
    again = write_sample(result, tmp_path / "again.csv")
    assert "provenance" not in again and not (tmp_path / "again.provenance.json").exists()
    for kind, path in again.items():
        assert path.read_bytes() == paths[kind].read_bytes(), kind
