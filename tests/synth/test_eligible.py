"""Synthetic eligible-case lists: sampling runs on them and excludes exactly the planted cases."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from caseinspect.cases import read_case_file
from caseinspect.errors import UsageError
from caseinspect.framework import load_framework
from caseinspect.sampling import ELIGIBLE_COLUMNS, draw_sample, months_between
from caseinspect.synth import EXCLUSION_SHARES, eligible_list

REFERENCE = date(2019, 2, 1)
HMIP = load_framework("hmip-2018")
QI = load_framework("qi-2016")


def categories(framework):
    return {v.code: v.categories for v in framework.profile}


@pytest.fixture(scope="module")
def crc():
    return eligible_list("Merseyside CRC", "CRC", 900, seed=2026, reference_date=REFERENCE)


def draw(frame, framework=HMIP, seed=1, reference=REFERENCE):
    return draw_sample(
        frame, framework.sampling, None, seed, reference, categories=categories(framework)
    )


def test_columns_and_codes(crc):
    flags = HMIP.sampling.exclude_flags
    assert set(ELIGIBLE_COLUMNS) | set(flags) <= set(crc.columns)
    assert len(crc) == 900 and crc["case_id"].is_unique
    assert all(re.fullmatch(r"E\d{8}", c) for c in crc["case_id"])
    assert all(re.fullmatch(r"RO\d{4}", c) for c in crc["officer"])
    assert all(re.fullmatch(r"OF\d{2}", c) for c in crc["office"])
    assert (crc.groupby("officer")["office"].nunique() == 1).all()  # an officer works in one office
    assert crc["officer"].nunique() > 50 and crc["office"].nunique() >= 5
    assert set(crc["provider"]) == {"Merseyside CRC"}
    assert all(isinstance(v, str) for column in crc.columns for v in crc[column])
    for flag in flags:
        assert set(crc[flag]) == {"yes", "no"}


def test_draw_excludes_exactly_the_planted_cases(crc):
    planted = crc.attrs["planted_exclusions"]
    result = draw(crc)
    assert (
        result.listed == 900
        and result.excluded == len(planted)
        and result.eligible == 900 - len(planted)
    )
    assert (
        dict(zip(result.exclusions["case_id"], result.exclusions["reasons"], strict=True))
        == planted
    )
    assert not set(result.sample["case_id"]) & set(planted) and not set(
        result.reserve["case_id"]
    ) & set(planted)
    assert len(result.sample) == result.size > 100 and len(result.reserve) > 0


def test_every_exclusion_rule_is_planted_in_its_share(crc):
    planted = pd.Series(crc.attrs["planted_exclusions"]).value_counts()
    assert set(planted.index) == set(EXCLUSION_SHARES)
    for code, share in EXCLUSION_SHARES.items():
        assert planted[code] == round(share * 900)
    assert 0.15 < len(crc.attrs["planted_exclusions"]) / 900 < 0.25


def test_planted_cases_break_their_rule_as_written(crc):
    """An independent reading of the list against the 2018 rules, for each planted reason."""
    rules = HMIP.sampling
    by_id = crc.set_index("case_id")
    only = set(rules.exclude_if_only_requirements)
    for case_id, reason in crc.attrs["planted_exclusions"].items():
        row = by_id.loc[case_id]
        months = months_between(date.fromisoformat(row["sentence_or_release_date"]), REFERENCE)
        if reason == "too-recent":
            assert months < 6
        elif reason == "too-long":
            assert months > 7
        else:
            assert 6 <= months <= 7
        requirements = set(filter(None, row["requirements"].split(";")))
        if reason == "only-excluded-requirements":
            assert row["disposal_type"] == "community" and requirements and requirements <= only
        if reason in rules.exclude_flags:
            assert row[reason] == "yes"
        if reason == "short-delivery":
            days = (
                date.fromisoformat(row["termination_or_recall_date"])
                - date.fromisoformat(row["sentence_or_release_date"])
            ).days
            assert 0 < days < 28


def test_eligible_cases_include_terminated_ones_with_four_weeks_or_more(crc):
    planted = crc.attrs["planted_exclusions"]
    kept = crc[~crc["case_id"].isin(planted) & (crc["termination_or_recall_date"] != "")]
    assert len(kept) > 0
    for _, row in kept.iterrows():
        days = (
            date.fromisoformat(row["termination_or_recall_date"])
            - date.fromisoformat(row["sentence_or_release_date"])
        ).days
        assert days >= 28


def test_case_mix_by_provider_type(crc):
    assert "High/Very high" not in set(crc["rosh"])  # CRCs held no high RoSH case
    assert 0.08 < (crc["gender"] == "Female").mean() < 0.25
    assert (crc["ethnic_group"] == "").any() and set(crc["ethnic_group"]) - {""} <= set(
        HMIP.profile_variable("ethnic_group").categories
    )
    assert set(crc.loc[crc["disposal_type"] == "custody", "requirements"]) == {""}
    nps = eligible_list("NPS North West", "NPS", 600, seed=2026, reference_date=REFERENCE)
    assert (nps["rosh"] == "High/Very high").mean() > 0.25
    assert (nps["disposal_type"] == "custody").mean() > (crc["disposal_type"] == "custody").mean()
    assert (
        dict(zip(draw(nps).exclusions["case_id"], draw(nps).exclusions["reasons"], strict=True))
        == nps.attrs["planted_exclusions"]
    )
    assert not set(nps["case_id"]) & set(crc["case_id"])


def test_same_arguments_same_list(crc):
    again = eligible_list("Merseyside CRC", "CRC", 900, seed=2026, reference_date=REFERENCE)
    pd.testing.assert_frame_equal(again, crc)
    assert again.attrs == crc.attrs
    other = eligible_list("Merseyside CRC", "CRC", 900, seed=2027, reference_date=REFERENCE)
    assert not other["case_id"].equals(crc["case_id"])


def test_through_a_csv_file_as_a_provider_would_send_it(crc, tmp_path):
    path = tmp_path / "eligible.csv"
    crc.to_csv(path, index=False)
    result = draw(read_case_file(path))
    assert set(result.exclusions["case_id"]) == set(crc.attrs["planted_exclusions"])


def test_other_rules_move_the_window():
    frame = eligible_list(
        "Avon and Somerset CRC", "CRC", 400, seed=5, reference_date=REFERENCE, rules=QI.sampling
    )
    result = draw(frame, QI)
    assert (
        dict(zip(result.exclusions["case_id"], result.exclusions["reasons"], strict=True))
        == frame.attrs["planted_exclusions"]
    )
    months = [
        months_between(date.fromisoformat(d), REFERENCE)
        for d in result.sample["sentence_or_release_date"]
    ]
    assert min(months) >= 8.5 and max(months) <= 9.5


def test_small_lists_keep_an_eligible_case():
    for n in (1, 2, 10):
        frame = eligible_list("Tiny CRC", "CRC", n, seed=0, reference_date=REFERENCE)
        assert len(frame) == n and draw(frame).eligible >= 1


@pytest.mark.parametrize(
    "args",
    [
        ("X", "Prison", 10, 0),
        ("X", "CRC", 0, 0),
        ("X", "CRC", 10, -1),
        ("X", "CRC", 2.5, 0),
        ("X", "CRC", True, 0),
    ],
)
def test_bad_arguments(args):
    with pytest.raises(UsageError):
        eligible_list(*args, reference_date=REFERENCE)


def test_docstring_examples():
    import doctest

    from caseinspect.synth import _eligible

    assert (
        doctest.testmod(
            _eligible, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )
