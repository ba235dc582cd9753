"""Case-level structure of the synthetic rounds: counts, joint facts, rules, reproducibility.

References are the bulletins' own figures (quoted with where they are printed), the
published tables, and the interchange format's rules; never the generator's settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caseinspect.errors import UsageError
from caseinspect.published import published_path
from caseinspect.synth import case_columns, generate_round, synth_round

from .conftest import SEEDS, synth_cases

NEEDS = [
    "accommodation",
    "ete",
    "family_relationships",
    "lifestyle",
    "alcohol_misuse",
    "drug_misuse",
    "thinking_behaviour",
    "attitudes_to_offending",
]
STRENGTHS = [
    "family_relationships",
    "social_group",
    "motivation_to_change",
    "employment",
    "non_criminal_identity",
]
PROFILE = [
    "gender",
    "age_group",
    "ethnic_group",
    "supervision_type",
    "likelihood_of_reoffending",
    "rosh",
]
KEY_QUESTIONS = [f"kq_2_{s}_{k}" for s in (1, 2, 3, 4) for k in (1, 2, 3)]


def test_columns_are_the_interchange_format(round_2018, round_2016):
    assert list(round_2018.columns) == list(case_columns("2018-19"))
    assert list(round_2018.columns[:10]) == [
        "case_id",
        "inspection_id",
        "provider",
        "provider_type",
        "gender",
        "age_group",
        "ethnic_group",
        "supervision_type",
        "likelihood_of_reoffending",
        "rosh",
    ]
    assert "delivery_strength_non_criminal_identity" in round_2018.columns
    assert list(round_2016.columns[10:17]) == [
        "barriers_to_engagement_identified",
        "diversity_considered",
        "pre_allocation_assessment_sufficient",
        "post_allocation_assessment_sufficient",
        "risk_of_harm_public_sufficient",
        "risk_of_harm_known_adults_sufficient",
        "risk_of_harm_children_sufficient",
    ]


def test_2018_profile_counts_are_table_c1(round_2018):
    published = pd.read_csv(published_path("2018-19"), dtype={"category": str})
    c1 = published[(published["table"] == "C1") & (published["question"] == "accommodation")]
    for variable in PROFILE:
        expected = c1[c1["variable"] == variable].set_index("category")["n"].astype(int).to_dict()
        counts = round_2018[variable].value_counts().to_dict()
        assert {k: counts.get(k, 0) for k in expected} == expected, variable
    # Missing sub-group values (published/README.md, from Table C1).
    missing = {v: int(round_2018[v].eq("").sum()) for v in PROFILE}
    assert missing == {
        "gender": 21,
        "age_group": 30,
        "ethnic_group": 89,
        "supervision_type": 21,
        "likelihood_of_reoffending": 87,
        "rosh": 62,
    }


def test_2018_inspections_are_table_a1(round_2018):
    assert len(round_2018) == 3308
    assert round_2018["provider_type"].value_counts().to_dict() == {"CRC": 2474, "NPS": 834}
    providers = round_2018.groupby("provider", observed=True)["provider_type"].first()
    assert providers.value_counts().to_dict() == {"CRC": 21, "NPS": 7}
    assert round_2018["inspection_id"].nunique() == 28
    assert "2018-19-merseyside-crc" in set(round_2018["inspection_id"])
    assert round_2018["case_id"].is_unique
    assert round_2018["case_id"].iloc[0] == "C1819-000001"


def test_2016_profile_matches_bulletin_text(round_2016):
    # Bulletin 2018/01, section 2: 1,066 cases: 672 CRC, 394 NPS; 156 female; 500 post-custody;
    # 177 high/very high RoSH.
    assert len(round_2016) == 1066
    assert round_2016["provider_type"].value_counts().to_dict() == {"CRC": 672, "NPS": 394}
    assert (round_2016["gender"] == "Female").sum() == 156
    assert (round_2016["supervision_type"] == "Post-custody").sum() == 500
    assert (round_2016["rosh"] == "High/Very high").sum() == 177
    assert round_2016["inspection_id"].nunique() == 14


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_no_crc_case_has_a_high_rosh(round_id):
    cases = synth_cases(round_id)
    assert not ((cases["provider_type"] == "CRC") & (cases["rosh"] == "High/Very high")).any()


def test_applicability_rules(round_2018):
    for kind, names in (("need", NEEDS), ("strength", STRENGTHS)):
        for name in names:
            identified = round_2018[f"{kind}_{name}"]
            assert identified.isin(["yes", "no"]).all()
            delivery = round_2018[f"delivery_{kind}_{name}"]
            assert (delivery.eq("") | identified.eq("yes")).all()
    assessed = round_2018["strengths_assessment"].ne("")
    assert assessed.sum() == 2805  # Table C4
    for item in ("strengths_planning", "strengths_delivery"):
        assert not (round_2018[item].ne("") & ~assessed).any()
    for item in KEY_QUESTIONS:
        assert round_2018[item].ne("").mean() >= 0.98


@pytest.mark.parametrize("seed", SEEDS)
def test_joint_facts_of_bulletin_2020_03(seed):
    """Section 2.2: 47% four or more needs; drug misuse and lifestyle together 33%; mean needs
    3.6 (NPS 4.1, CRC 3.4); strengths: 27% none, 40% one, 33% two or more."""
    cases = synth_cases("2018-19", seed)
    needs = np.stack([cases[f"need_{n}"].eq("yes").to_numpy() for n in NEEDS], axis=1)
    strengths = np.stack([cases[f"strength_{s}"].eq("yes").to_numpy() for s in STRENGTHS], axis=1)
    count, s_count = needs.sum(axis=1), strengths.sum(axis=1)
    crc = cases["provider_type"].eq("CRC").to_numpy()
    assert abs((count >= 4).mean() - 0.47) <= 0.02
    assert (
        abs(
            (needs[:, NEEDS.index("drug_misuse")] & needs[:, NEEDS.index("lifestyle")]).mean()
            - 0.33
        )
        <= 0.02
    )
    assert (round(count.mean(), 1), round(count[~crc].mean(), 1), round(count[crc].mean(), 1)) == (
        3.6,
        4.1,
        3.4,
    )
    assert abs((s_count == 0).mean() - 0.27) <= 0.02
    assert abs((s_count == 1).mean() - 0.40) <= 0.02
    assert abs((s_count >= 2).mean() - 0.33) <= 0.02
    # The strongest co-occurrence of two needs is drug misuse with lifestyle.
    pairs = {
        (i, j): (needs[:, i] & needs[:, j]).mean() - needs[:, i].mean() * needs[:, j].mean()
        for i in range(8)
        for j in range(i + 1, 8)
    }
    assert max(pairs, key=pairs.get) == (NEEDS.index("lifestyle"), NEEDS.index("drug_misuse"))


def test_key_questions_follow_their_prompts(round_2018):
    for kq, prompt in (
        ("kq_2_1_2", "needs_assessment"),
        ("kq_2_2_2", "needs_planning"),
        ("kq_2_3_2", "needs_delivery"),
    ):
        said_no = round_2018[prompt].eq("no")
        assert round_2018.loc[said_no, kq].eq("no").mean() >= 0.85, kq
        assert (
            round_2018.loc[~said_no, kq].eq("yes").mean()
            > round_2018.loc[said_no, kq].eq("yes").mean() + 0.4
        )


def _rating(pct: float) -> str:
    # Framework hmip-2018 ratings rules: lowest key question, 80 / 65 / 50.
    return (
        "Outstanding"
        if pct >= 80
        else "Good"
        if pct >= 65
        else "Requires improvement"
        if pct >= 50
        else "Inadequate"
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_provider_ratings_are_a_plausible_mix(seed):
    cases = synth_cases("2018-19", seed)
    ratings = []
    for _provider, group in cases.groupby("provider", observed=True):
        for standard in "1234":
            pcts = []
            for k in "123":
                answers = group[f"kq_2_{standard}_{k}"]
                pcts.append(100 * answers.eq("yes").sum() / answers.ne("").sum())
            ratings.append((group["provider_type"].iloc[0], standard, _rating(round(min(pcts)))))
    frame = pd.DataFrame(ratings, columns=["type", "standard", "rating"])
    nps = frame[frame["type"] == "NPS"]["rating"]
    crc = frame[frame["type"] == "CRC"]["rating"]
    assert nps.isin(["Good", "Requires improvement"]).mean() >= 0.6
    assert crc.isin(["Requires improvement", "Inadequate"]).mean() >= 0.75
    assert frame["rating"].nunique() >= 3  # providers differ


def test_same_seed_same_cases_and_different_seed_different_cases():
    a = synth_round("2016-17", n_cases=400, seed=11)
    b = synth_round("2016-17", n_cases=400, seed=11)
    c = synth_round("2016-17", n_cases=400, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a.drop(columns="case_id").equals(c.drop(columns="case_id"))
    assert (a["diversity_considered"] != c["diversity_considered"]).any()


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_scaling_keeps_the_published_shares(round_id):
    n = 20_000
    scaled = synth_round(round_id, n_cases=n, seed=3, text=False)
    reference = synth_cases(round_id)
    assert len(scaled) == n
    for column in ["provider_type", *PROFILE]:
        share = scaled[column].value_counts(normalize=True)
        expected = reference[column].value_counts(normalize=True)
        assert (share.reindex(expected.index) - expected).abs().max() < 0.001, column
    for item in (
        ["need_drug_misuse", "strength_employment", "needs_delivery", "delivery_need_accommodation"]
        if round_id == "2018-19"
        else ["diversity_considered", "risk_of_harm_children_sufficient"]
    ):
        rate = scaled[item].eq("yes").sum() / scaled[item].ne("").sum()
        expected = reference[item].eq("yes").sum() / reference[item].ne("").sum()
        assert abs(rate - expected) < 0.015, item


def test_rounds_bigger_than_a_chunk_keep_rates_and_provider_differences():
    chunks = list(generate_round("2018-19", n_cases=12_000, seed=4, chunk_size=5_000, text=False))
    assert [len(c) for c in chunks] == [5_000, 5_000, 2_000]
    cases = pd.concat(chunks, ignore_index=True)
    assert cases["case_id"].is_unique and cases["case_id"].iloc[-1] == "C1819-012000"
    reference = synth_cases("2018-19")
    for item in ("need_thinking_behaviour", "needs_assessment", "strengths_planning", "kq_2_3_3"):
        rate = cases[item].eq("yes").sum() / cases[item].ne("").sum()
        expected = reference[item].eq("yes").sum() / reference[item].ne("").sum()
        assert abs(rate - expected) < 0.02, item
    # Chunks are not renormalised one by one: providers still differ.
    by_provider = (
        cases[cases["provider_type"] == "CRC"]
        .groupby("provider", observed=True)["kq_2_1_3"]
        .apply(lambda s: s.eq("yes").mean())
    )
    assert by_provider.max() - by_provider.min() > 0.1
    assert not ((cases["provider_type"] == "CRC") & (cases["rosh"] == "High/Very high")).any()


def test_values_are_strings():
    cases = synth_round("2016-17", n_cases=50, seed=0)
    for column in cases.columns:
        assert all(isinstance(v, str) for v in cases[column]), column


@pytest.mark.parametrize(
    "kwargs", [{"n_cases": 0}, {"n_cases": -5}, {"n_cases": 2.5}, {"seed": -1}, {"chunk_size": 0}]
)
def test_bad_arguments_are_usage_errors(kwargs):
    with pytest.raises(UsageError):
        next(generate_round("2018-19", **kwargs))


def test_unknown_round_is_a_usage_error():
    with pytest.raises(UsageError, match="2018-19"):
        next(generate_round("2019-20"))
