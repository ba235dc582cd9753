"""A small round with rationales and practice notes (names in them) for the coding app."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.synth import iter_chunks

from ..conftest import PASSWORD


def _synthetic():
    chunks = list(iter_chunks("2018-19", 700, seed=31))
    cases = pd.concat([c.cases for c in chunks], ignore_index=True).astype(str)
    names = pd.concat([c.names for c in chunks], ignore_index=True)
    return cases, names


@pytest.fixture(scope="session")
def synthetic_names():
    """The names truth of the synthetic practice notes (every original name)."""
    return _synthetic()[1]


@pytest.fixture(scope="session")
def synthetic_rows():
    """Synthetic 2018-19 cases: every practice note of 700 cases plus 20 without one."""
    cases = _synthetic()[0]
    noted = cases[cases["practice_note"] != ""]
    plain = cases[cases["practice_note"] == ""].head(20)
    frame = pd.concat([noted, plain]).reset_index(drop=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


@pytest.fixture
def coding_world(db, fw, synthetic_rows):
    from caseinspect.web.actions.inspections import create_inspection
    from caseinspect.web.actions.users import create_user
    from caseinspect.web.models import Case, Provider
    from caseinspect.web.store import import_cases

    users = {
        name: create_user(None, name, role, PASSWORD)
        for name, role in [
            ("admin", "administrator"),
            ("analyst", "analyst"),
            ("analyst2", "analyst"),
            ("lead", "lead_inspector"),
            ("insp", "inspector"),
        ]
    }
    providers = {}
    frames = []
    for ptype, group in synthetic_rows.groupby("provider_type"):
        provider = Provider.objects.create(name=f"Provider {ptype}", provider_type=ptype)
        inspection = create_inspection(
            users["admin"], code=f"I-{ptype}", provider=provider, framework=fw, lead=users["lead"]
        )
        group = group.copy()
        group["inspection_id"], group["provider"] = inspection.code, provider.name
        import_cases(group, fw, source=f"{ptype}.csv", user=users["admin"], inspection=inspection)
        providers[ptype] = provider
        frames.append(group)
    return {
        "users": users,
        "providers": providers,
        "frame": pd.concat(frames),
        "cases": {c.case_id: c for c in Case.objects.all()},
    }
