"""Printing numbers from cells, finding them again in sentences."""

from __future__ import annotations

import pytest

from caseinspect.bulletin._numbers import (
    WITHHELD,
    Recorder,
    format_value,
    number_tokens,
    resolve,
    skeleton,
    split_sentences,
)


def test_percentages_round_half_up_from_the_exact_share():
    assert format_value("pct0", n=8, yes=5, value=None) == "63%"  # 62.5 -> 63
    assert format_value("pct0", n=3308, yes=2785, value=None) == "84%"
    assert format_value("phrase", n=3308, yes=2785, value=None) == "over four-fifths (84%)"
    assert format_value("phrase", n=100, yes=6, value=None) == "6%"


def test_values_counts_and_p():
    assert format_value("value1", n=None, yes=None, value=3.45) == "3.5"
    assert format_value("value1", n=None, yes=None, value=-0.04) == "0.0"
    assert format_value("count", n=3308, yes=None, value=None) == "3,308"
    assert format_value("cases", n=None, yes=472, value=None) == "472"
    assert format_value("p", n=None, yes=None, value=0.0004) == "p < 0.001"
    assert format_value("p", n=None, yes=None, value=0.0125) == "p = 0.013"
    with pytest.raises(ValueError):
        format_value("pct0", n=0, yes=0, value=None)


def test_references_and_labels_are_not_data():
    sentence = (
        "As Figure 6 and Table C3 show (section 2.3), 18-20s in 2018-19 scored 51% (n = 1,234)."
    )
    assert number_tokens(sentence, ("18-20", "2018-19")) == ["51%", "1,234"]
    assert skeleton(sentence, ("18-20", "2018-19")) == skeleton(
        sentence.replace("51%", "52%"), ("18-20", "2018-19")
    )


def test_sentences_split_but_not_inside_numbers():
    assert split_sentences("Mean 4.1 needs. NPS (63%) led.") == [
        "Mean 4.1 needs.",
        "NPS (63%) led.",
    ]


def test_resolve_records_sentences_and_drops_withheld_ones():
    recorder = Recorder()
    a = recorder.mark("84%", "pct0", ("C1", "q", "all", "all", "All cases"))
    b = recorder.mark("4.1", "value1", ("C1", "m", "all", "all", "All cases"))
    text, refs = resolve(f"It was {a}. The mean was {b}. Women: {WITHHELD} of cases.", recorder)
    assert text == "It was 84%. The mean was 4.1."
    assert [(r.text, r.sentence, r.position) for r in refs] == [
        ("84%", "It was 84%.", 0),
        ("4.1", "The mean was 4.1.", 0),
    ]
