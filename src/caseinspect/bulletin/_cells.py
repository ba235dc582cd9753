"""The bulletin's own tables: sample profile, number per case, and co-occurrence.

The annex tables (:func:`caseinspect.analysis.compute_tables`) hold most numbers the
prose quotes; the rest (the sample profile bullets, "47% had four or more needs", "drug
misuse and lifestyle, 33% of cases") get cells here, in the same tidy layout, so every
number in the text names a cell of ``cells.csv`` and can be recomputed.

Tables
------
``P``  sample profile: question ``cases``, one row per profile category; ``n`` the cases
       in the round, ``yes`` those in the category.
``N<t>`` number per case of prevalence table ``t``: questions ``none``, ``one``, ``two``,
       ``three``, ``four_or_more``, ``two_or_more``; ``n`` all cases, ``yes`` those cases.
``J<t>`` co-occurrence in prevalence table ``t``: question ``<a>__<b>`` for each pair of
       columns; ``yes`` the cases with both.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ..analysis import round_half_up
from ..framework import Framework

__all__ = ["PER_CASE", "extra_cells"]

#: Questions of the number-per-case tables: (question, label, lowest count, highest count).
PER_CASE = (
    ("none", "None", 0, 0),
    ("one", "One", 1, 1),
    ("two", "Two", 2, 2),
    ("three", "Three", 3, 3),
    ("four_or_more", "Four or more", 4, None),
    ("two_or_more", "Two or more", 2, None),
)

_COLUMNS = ["table", "question", "provider_split", "variable", "category", "n", "pct", "yes"]


def extra_cells(cases: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Profile, number-per-case and co-occurrence cells of ``cases`` (see module notes).

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("qi-2016")
    >>> cases = pd.DataFrame({"provider_type": ["CRC", "CRC", "NPS"], "gender": ["Male", "", "Male"]})
    >>> cells = extra_cells(cases, fw)
    >>> cells[cells.category == "CRC"][["table", "n", "yes", "pct"]].values.tolist()
    [['P', 3, 2, 66.7]]
    """
    records: list[tuple] = []
    total = len(cases)
    for variable in framework.profile:
        values = (
            cases[variable.code]
            if variable.code in cases.columns
            else pd.Series("", index=cases.index)
        )
        for category in variable.categories:
            count = int(values.eq(category).sum())
            records.append(("P", "cases", "all", variable.table_variable, category, total, count))
        missing = int((~values.isin(variable.categories)).sum())
        records.append(
            ("P", "cases", "all", variable.table_variable, "Not recorded", total, missing)
        )
    for spec in framework.tables:
        if spec.kind != "prevalence":
            continue
        if total == 0 or any(c.item not in cases.columns for c in spec.columns):
            continue
        present: dict[str, np.ndarray] = {
            c.question: cases[c.item].eq("yes").to_numpy() for c in spec.columns
        }
        counts = np.sum(np.vstack(list(present.values())), axis=0)
        for question, _, low, high in PER_CASE:
            mask = counts >= low if high is None else (counts >= low) & (counts <= high)
            records.append(
                (f"N{spec.id}", question, "all", "all", "All cases", total, int(mask.sum()))
            )
        for a, b in combinations(spec.columns, 2):
            both = int((present[a.question] & present[b.question]).sum())
            records.append(
                (
                    f"J{spec.id}",
                    f"{a.question}__{b.question}",
                    "all",
                    "all",
                    "All cases",
                    total,
                    both,
                )
            )
    frame = pd.DataFrame.from_records(
        records, columns=["table", "question", "provider_split", "variable", "category", "n", "yes"]
    )
    n = frame["n"].to_numpy()
    yes = frame["yes"].to_numpy()
    pct = np.where(n > 0, round_half_up(yes, np.where(n > 0, n, 1)), np.nan)
    frame["pct"] = pct
    return frame[_COLUMNS]
