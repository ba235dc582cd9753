"""The distribution functions written without SciPy agree with SciPy's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from caseinspect.stats._distributions import (
    bernoulli_loglik,
    chi2_sf,
    normal_quantile,
    normal_two_sided_p,
)

STATISTICS = np.concatenate([np.geomspace(1e-10, 1500, 2000), np.arange(0.25, 120, 0.37)])


@pytest.mark.parametrize("df", range(1, 61))
def test_chi2_upper_tail_agrees_with_scipy(df):
    ours = np.array([chi2_sf(float(x), df) for x in STATISTICS])
    reference = special.chdtrc(df, STATISTICS)
    tail = reference > 1e-20
    np.testing.assert_allclose(ours[tail], reference[tail], rtol=5e-14, atol=0)
    deep = (reference > 1e-300) & ~tail
    np.testing.assert_allclose(ours[deep], reference[deep], rtol=3e-13, atol=0)
    assert np.all(ours[reference <= 1e-300] <= 1e-290)


def test_chi2_textbook_values():
    # The 5% critical values of chi-square tables (1, 2, 5 and 10 df).
    for x, df in [(3.841458820694124, 1), (5.991464547107979, 2), (11.0704976935164, 5)]:
        assert chi2_sf(x, df) == pytest.approx(0.05, rel=1e-13)
    assert chi2_sf(18.307038053275146, 10) == pytest.approx(0.05, rel=1e-13)
    assert chi2_sf(2.0, 2) == math.exp(-1.0)  # df = 2 is the exponential tail


def test_chi2_edges():
    assert chi2_sf(0.0, 3) == 1.0 and chi2_sf(-1.0, 1) == 1.0
    assert chi2_sf(math.inf, 4) == 0.0
    assert math.isnan(chi2_sf(math.nan, 2)) and math.isnan(chi2_sf(1.0, 0))
    # Fractional or very many degrees of freedom go to SciPy itself.
    assert chi2_sf(3.2, 2.5) == float(special.chdtrc(2.5, 3.2))
    assert chi2_sf(250.0, 240) == float(special.chdtrc(240, 250.0))


def test_normal_functions_agree_with_scipy():
    z = np.array([-40.0, -3.2, -1.0, 0.0, 0.5, 1.959963984540054, 8.0, np.inf, np.nan])
    np.testing.assert_allclose(
        normal_two_sided_p(z), 2 * stats.norm.sf(np.abs(z)), rtol=5e-14, atol=0
    )
    assert np.isnan(normal_two_sided_p(z)[-1])
    for p in (1e-12, 0.001, 0.025, 0.5, 0.9, 0.975, 0.995):
        assert normal_quantile(p) == pytest.approx(float(special.ndtri(p)), rel=2e-15, abs=0)


def test_bernoulli_loglik_is_xlogy_plus_xlog1py():
    rng = np.random.default_rng(3)
    trials = rng.integers(1, 30, 500).astype(float)
    events = np.floor(trials * rng.random(500))
    mu = rng.random(500)
    mu[:5] = [0.0, 1.0, 0.0, 1.0, 0.5]
    events[:5] = [0.0, trials[1], 0.0, trials[3], 0.0]
    reference = np.sum(special.xlogy(events, mu) + special.xlog1py(trials - events, -mu))
    assert bernoulli_loglik(events, trials, mu) == pytest.approx(reference, rel=1e-14)
    assert math.isfinite(bernoulli_loglik(events[:4], trials[:4], mu[:4]))
    assert math.isnan(bernoulli_loglik(np.zeros(1), np.ones(1), np.array([np.nan])))


def test_the_tables_path_imports_no_scipy():
    # The point of the module: the default analysis runs without importing SciPy.
    import subprocess
    import sys

    code = (
        "import sys, pandas as pd\n"
        "from caseinspect.stats import significance_table\n"
        "d = pd.DataFrame({'q': ['yes', 'no', 'yes', 'no'] * 20, 'g': ['a'] * 40 + ['b'] * 40})\n"
        "significance_table(d, ['q'], 'yes', ['g'])\n"
        "print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
