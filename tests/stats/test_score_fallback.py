"""The score test's fallback for models on the boundary (quasi-separation)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from caseinspect.stats import subgroup_significance
from caseinspect.stats._logistic import _score_statistic_pinv, fit_binomial, score_test


def test_pinv_formula_equals_statsmodels_when_the_information_is_regular():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(200), rng.integers(0, 2, 200)])
    Z = rng.integers(0, 2, (200, 2)).astype(float)
    y = (rng.random(200) < 0.4).astype(float)
    fit = fit_binomial(X, y, np.ones(200), np.array([0, 1]))
    ours, df = _score_statistic_pinv(fit, Z)
    assert df == 2
    assert np.isclose(ours, score_test(fit, Z).statistic, rtol=1e-8)


def test_quasi_separation_in_the_current_model_does_not_stop_selection():
    # Every 'Low' case is 'yes': once rosh is in the model its fitted probability is 1 and
    # the score test of the next candidate has a singular information matrix.
    rows = []
    for i in range(120):
        rosh = ["Low", "Medium", "High/Very high"][i % 3]
        gender = "Female" if i % 4 == 0 else "Male"
        outcome = "yes" if rosh == "Low" or (i % 5 == 0) else "no"
        rows.append({"y": outcome, "rosh": rosh, "gender": gender})
    data = pd.DataFrame(rows)
    result = subgroup_significance(
        data,
        "y",
        "yes",
        ["rosh", "gender"],
        levels={"rosh": ["Low", "Medium", "High/Very high"], "gender": ["Male", "Female"]},
    )
    assert result["rosh"].retained
    assert result["gender"].p is not None
