"""Fixtures for the renderer tests: small random rounds in the case interchange format.

The synthetic round generator (``caseinspect.synth``) is written elsewhere; these tests
only need realistic-looking input, so a seeded random table with the interchange columns
is enough. Applicability is respected (``delivery_need_X`` only where ``need_X`` is
'yes'), CRCs hold no high RoSH case, and a few profile values are left unrecorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caseinspect.analysis import build_report
from caseinspect.framework import load_framework


def random_cases(framework, n: int = 400, seed: int = 1) -> pd.DataFrame:
    """A seeded random case table for ``framework`` in the interchange format."""
    rng = np.random.default_rng(seed)
    provider_type = rng.choice(["CRC", "NPS"], size=n, p=[0.7, 0.3])
    frame = pd.DataFrame({
        "case_id": [f"C{i:04d}" for i in range(n)],
        "inspection_id": [f"I-{i % 6}" for i in range(n)],
        "provider": [f"{t} area {i % 3}" for i, t in enumerate(provider_type)],
        "provider_type": provider_type,
    })
    for variable in framework.profile:
        if variable.code == "provider_type":
            continue
        k = len(variable.categories)
        weights = np.linspace(2.0, 1.0, k)
        values = rng.choice(variable.categories, size=n, p=weights / weights.sum()).astype(object)
        values[rng.random(n) < 0.03] = ""  # not recorded
        frame[variable.code] = values
    if "rosh" in frame.columns:  # structural zero: CRCs held no high RoSH case
        crc_high = (frame["provider_type"] == "CRC") & (frame["rosh"] == "High/Very high")
        frame.loc[crc_high, "rosh"] = "Medium"
    nps = (frame["provider_type"] == "NPS").to_numpy()
    for item in framework.items:
        base = 0.35 if item.kind == "identified" else 0.62
        p = np.clip(base + 0.15 * nps, 0.02, 0.98)
        values = np.where(rng.random(n) < p, "yes", "no").astype(object)
        if item.applies_if is not None:
            values[~item.applies_if.mask(frame).to_numpy()] = ""
        elif item.kind == "judgement":
            values[rng.random(n) < 0.02] = ""
        frame[item.code] = values
    return frame


@pytest.fixture(scope="session")
def hmip():
    return load_framework("hmip-2018")


@pytest.fixture(scope="session")
def qi():
    return load_framework("qi-2016")


@pytest.fixture(scope="session")
def hmip_report(hmip):
    """A report with significance tested (stepwise), as the annexes were."""
    return build_report(random_cases(hmip, n=600, seed=11), hmip, significance="stepwise")


@pytest.fixture(scope="session")
def qi_report(qi):
    return build_report(random_cases(qi, n=400, seed=5), qi, significance="stepwise")
