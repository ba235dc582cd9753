"""The model appendix and models.json: every model disclosed, checked against a second fit.

The counts are checked against hand counts from the cases, and -2 log-likelihood and the
odds ratios against an independent statsmodels fit of the final model on the complete
cases (not the engine's pattern-level fit).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from caseinspect.analysis import build_report
from caseinspect.analysis._disclosure import suppress_report
from caseinspect.reports import write_report
from caseinspect.reports._appendix import format_value, model_blocks

from .conftest import random_cases


@pytest.fixture(scope="module")
def hmip_cases(hmip):
    return random_cases(hmip, n=600, seed=11)


@pytest.fixture(scope="module")
def models_json(hmip_report, tmp_path_factory):
    out = tmp_path_factory.mktemp("models")
    written = write_report(hmip_report, out, formats=("csv",))
    assert written["models"] == out / "models.json"
    return json.loads((out / "models.json").read_text(encoding="utf-8"))


def test_one_entry_per_question_with_the_shading_rule(models_json, hmip):
    keys = {(m["table"], m["question"]) for m in models_json["models"]}
    expected = {(t.id, c.question) for t in hmip.tables for c in t.columns}
    assert keys == expected  # every question of every table
    assert models_json["shading"]["method"] == "stepwise"
    assert models_json["shading"]["test"] == "score/lr"
    assert models_json["provenance"]["data_fingerprint"]


def test_counts_match_hand_counts(models_json, hmip, hmip_cases):
    entry = next(
        m for m in models_json["models"] if (m["table"], m["question"]) == ("C3", "needs_delivery")
    )
    item = entry["item"]
    applicable = hmip_cases[hmip_cases[item] != ""]
    breakdowns = list(hmip.table("C3").breakdowns)
    incomplete = (applicable[breakdowns] == "").any(axis=1)
    assert entry["n_table"] == len(applicable)
    assert entry["n_missing_subgroup"] == int(incomplete.sum()) > 0
    assert entry["n_model"] == len(applicable) - int(incomplete.sum())
    assert entry["events"] == int((applicable.loc[~incomplete, item] == "yes").sum())


def test_minus2ll_and_odds_ratios_equal_an_independent_fit(models_json, hmip, hmip_cases):
    import statsmodels.api as sm

    entry = next(m for m in models_json["models"] if m["retained"] and m["steps"])
    item, terms = entry["item"], entry["retained"]
    breakdowns = list(hmip.table(entry["table"]).breakdowns)
    data = hmip_cases[hmip_cases[item] != ""]
    data = data[(data[breakdowns] != "").all(axis=1)]
    columns = []
    for term in terms:
        levels = [c for c in hmip.profile_variable(term).categories if (data[term] == c).any()]
        for level in levels[1:]:
            columns.append(pd.Series((data[term] == level).astype(float), name=f"{term}:{level}"))
    X = sm.add_constant(pd.concat(columns, axis=1))
    fit = sm.GLM((data[item] == "yes").astype(float), X, family=sm.families.Binomial()).fit()
    assert entry["minus2ll"] == pytest.approx(-2 * fit.llf, abs=1e-6)
    by_level = {f"{o['term']}:{o['level']}": o for o in entry["odds_ratios"]}
    for name in X.columns[1:]:
        assert by_level[name]["odds_ratio"] == pytest.approx(np.exp(fit.params[name]), rel=1e-6)
        low, high = np.exp(fit.conf_int().loc[name])
        assert by_level[name]["ci_low"] == pytest.approx(low, rel=1e-5)
        assert by_level[name]["ci_high"] == pytest.approx(high, rel=1e-5)


def test_terms_in_have_lr_and_terms_out_have_score_or_not_testable(models_json):
    for entry in models_json["models"]:
        for term in entry["terms"]:
            if not term["testable"]:
                assert term["p"] is None and term["reason"]
            elif term["in_model"]:
                assert term["test"] == "lr"
            else:
                assert term["test"] == "score"


def test_appendix_blocks_print_every_fact(hmip_report):
    blocks = model_blocks(hmip_report)
    assert len(blocks) == len(hmip_report.models)
    block, model = blocks[0], hmip_report.models[0]
    facts = {label: value for label, value, _ in block.facts}
    assert facts["Cases in the table"] == model.n_table
    assert facts["Cases in the model"] == model.n_model
    assert facts["Left out: a sub-group value not recorded"] == model.n_missing_subgroup
    assert facts["Events (yes)"] == model.events
    assert facts["-2 log-likelihood, final model"] == model.minus2ll
    captions = [t.caption for t in block.tables]
    assert "Tests against the final model" in captions
    assert block.method == hmip_report.shading.description


def test_small_p_values_never_print_as_zero():
    assert format_value(1e-12, "p") == "<0.001"
    assert format_value(0.0, "p") == "<0.001"
    assert format_value(0.0005, "p") != "0.000"


def test_methods_label_themselves(hmip, hmip_cases):
    full = build_report(hmip_cases, hmip, significance="full", fdr=True)
    rule = full.shading
    assert (rule.method, rule.test, rule.level, rule.fdr_family) == ("full", "lr", 0.05, "table")
    assert "Benjamini-Hochberg" in rule.description
    assert "retained in the final model" not in rule.description
    assert rule.description in full.notes
    for block in model_blocks(full):
        assert block.method == rule.description


def test_models_json_says_when_models_are_withheld(hmip_report, tmp_path):
    write_report(suppress_report(hmip_report, 5), tmp_path, formats=("csv",))
    document = json.loads((tmp_path / "models.json").read_text(encoding="utf-8"))
    assert document["withheld"] is True and document["models"] == []


def test_no_models_json_without_testing(hmip, hmip_cases, tmp_path):
    report = build_report(hmip_cases, hmip, significance="none")
    written = write_report(report, tmp_path, formats=("csv",))
    assert "models" not in written and not (tmp_path / "models.json").exists()


def test_tables_command_fdr_family_option(tmp_path, hmip, hmip_cases):
    from caseinspect.cli import main

    path = tmp_path / "cases.csv"
    hmip_cases.to_csv(path, index=False)
    out = tmp_path / "out"
    code = main(
        [
            "tables",
            str(path),
            "-f",
            "hmip-2018",
            "--out",
            str(out),
            "--format",
            "csv",
            "--significance",
            "full",
            "--fdr",
            "--fdr-family",
            "all",
            "-q",
        ]
    )
    assert code == 0
    document = json.loads((out / "models.json").read_text(encoding="utf-8"))
    assert document["shading"]["fdr_family"] == "all"
    assert "every test of the report" in document["shading"]["description"]
