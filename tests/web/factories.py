"""Valid case tables for the web tests (no dependence on the synthetic-round generator)."""

from __future__ import annotations

import random

import pandas as pd

from caseinspect.cases import known_columns
from caseinspect.framework import Framework


def case_rows(
    framework: Framework,
    n: int,
    *,
    seed: int = 0,
    inspections: int = 2,
    prefix: str = "C",
    answered: bool = True,
) -> list[dict[str, str]]:
    rng = random.Random(seed)
    columns = known_columns(framework)
    rows = []
    for k in range(n):
        insp = k % inspections
        ptype = "CRC" if insp % 2 == 0 else "NPS"
        row = {c: "" for c in columns}
        row.update(
            case_id=f"{prefix}{k + 1:06d}",
            inspection_id=f"INSP-{insp + 1:02d}",
            provider=f"Provider {insp + 1:02d}",
            provider_type=ptype,
        )
        for var in framework.profile:
            if var.code == "provider_type":
                continue
            choices = list(var.categories)
            if var.code == "rosh" and ptype == "CRC":
                choices = [c for c in choices if c != "High/Very high"]
            row[var.code] = rng.choice(choices)
        if answered:
            for item in framework.items:
                if item.applies_if is not None and not item.applies_if.holds(row):
                    continue
                row[item.code] = rng.choice(["yes", "no"])
                if item.rationale == "required":
                    row[item.rationale_column] = f"Reason for {item.code} <b>&</b>"
        rows.append(row)
    return rows


def case_frame(framework: Framework, n: int, **kwargs) -> pd.DataFrame:
    frame = pd.DataFrame(case_rows(framework, n, **kwargs), dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame
