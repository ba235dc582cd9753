"""tables.csv: which test and df each p came from; small p-values that never read as zero."""

from __future__ import annotations

import io

import pandas as pd

from caseinspect.reports import tidy_frame, write_csv


def test_test_and_df_columns_name_the_test_behind_each_p(hmip_report, hmip):
    frame = tidy_frame(hmip_report)
    assert list(frame.columns[-2:]) == ["test", "df"]
    with_p = frame[frame.p != ""]
    assert (with_p.test != "").all() and (with_p.df != "").all()
    assert (frame.loc[frame.p == "", "test"] == "").all()
    # df = levels - 1 of the sub-group variable (counted from the framework's categories).
    levels = {v.table_variable: len(v.categories) for v in hmip.profile}
    for variable, df in with_p.groupby("variable").df.first().items():
        assert int(df) <= levels[variable] - 1
    # Shaded cells under stepwise came from the likelihood-ratio test that kept the term;
    # unshaded ones with a p from the score test of adding it.
    assert set(with_p[with_p.significant == "true"].test) == {"lr"}
    assert set(with_p[with_p.significant == "false"].test) <= {"score", "lr"}


def test_p_values_at_full_precision_in_scientific_notation(hmip_report, tmp_path):
    path = write_csv(hmip_report, tmp_path / "tables.csv")
    text = path.read_text(encoding="utf-8")
    read = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    small = read[(read.p != "") & (read.p.astype(float, errors="ignore") != "")]
    values = small.p.astype(float)
    tiny = small[values < 1e-4]
    assert len(tiny) > 0 and tiny.p.str.contains("e-").all()
    assert not (read.p == "0.000000").any()
    cells = hmip_report.cells
    assert sorted(values.unique()) == sorted(cells.p.dropna().unique())  # exact round trip
