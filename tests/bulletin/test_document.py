"""The built bulletin: structure, DOCX contents, numbers traced, language rules, suppression."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from caseinspect.analysis import compute_tables
from caseinspect.bulletin import TemplateRuleError, build_bulletin, check_bulletin, write_bulletin
from caseinspect.bulletin._context import Figures, ModelView, filters
from caseinspect.bulletin._numbers import Recorder


def _sections(built):
    return {s.id: s for s in built.sections}


def test_structure_follows_the_seeds(built):
    titles = [s.title for s in built.sections]
    assert titles[0] == "Executive summary"
    assert titles[1:5] == [
        "1. Introduction",
        "2. Findings",
        "3. Compared with the previous round",
        "4. Conclusion",
    ]
    assert titles[5:] == ["Annex A: Methodology", "Annex B: Analysis outputs"]
    findings = _sections(built)["findings"]
    headings = [re.sub(r"^[\d.]+ ", "", b.text) for b in findings.blocks if b.kind == "h"]
    numbered = [b.text for b in findings.blocks if b.kind == "h"]
    assert numbered[:4] == [
        "2.1 The cases inspected",
        "2.2 Service users' needs and strengths",
        "2.2.1 Needs",
        "2.2.2 Strengths",
    ]
    for expected in (
        "The cases inspected",
        "Needs",
        "Strengths",
        "Enablers and barriers",
        "Good and poor practice examples",
    ):
        assert expected in headings
    # Qualitative parts and the conclusion are marked placeholders until filled.
    roles = [b.role for b in findings.blocks if b.kind == "p"]
    assert roles.count("placeholder") == 2
    assert _sections(built)["conclusion"].placeholder


def test_figures_are_numbered_in_order_of_reference(built):
    # hmip-2018 numbers its figures from 2, as 2020/03 does (framework layout data).
    first = built.framework.layout.first_figure_number
    assert first == 2
    numbers = sorted(f.number for f in built.figures.values())
    assert numbers == list(range(first, first + len(numbers))) and len(numbers) >= 8
    prose = " ".join(b.text for s in built.sections for b in s.blocks if b.kind == "p")
    first_mentions = [int(m) for m in re.findall(r"Figure (\d+)", prose)]
    assert first_mentions[0] == first
    seen = []
    for n in first_mentions:
        if n not in seen:
            seen.append(n)
    assert seen == sorted(seen)


def test_profile_bullets_count_the_cases(built, round_2018):
    profile = next(b for b in _sections(built)["findings"].blocks if b.kind == "ul")
    crc = int((round_2018["provider_type"] == "CRC").sum())
    nps = int((round_2018["provider_type"] == "NPS").sum())
    share = round(100 * crc / len(round_2018))
    assert profile.items[0] == f"{crc:,} ({share}%) CRC and {nps:,} ({100 - share}%) NPS cases"
    women = int((round_2018["gender"] == "Female").sum())
    assert profile.items[1].startswith(f"{women:,} (")


def test_docx_has_headings_tables_and_figures(written, built):
    from docx import Document

    document = Document(str(written / "bulletin.docx"))
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("Heading 1") >= 7
    assert styles.count("Heading 2") >= 8
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "2. Findings" in headings and "Annex B: Analysis outputs" in headings
    # Annex tables C1-C6, A1, A2, the trend table and the number-per-case tables, real tables.
    assert len(document.tables) >= 6 + 4
    c1 = next(t for t in document.tables if t.cell(1, 0).text == "All cases")
    assert c1.cell(1, 2).text == next(
        cell.text for row, cell in _annex_c1(built) if row.label == "All cases"
    )
    assert len(document.inline_shapes) == len(built.figures)
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert all(d and "bar chart" in d for d in descriptions)
    # Significant cells are shaded, as in the annexes.
    xml = c1._tbl.xml
    assert 'w:fill="C9DCF0"' in xml


def _annex_c1(built):
    from caseinspect.reports import annex_layout

    return list(annex_layout(built.report)[0].cells())


def test_html_is_one_file_with_embedded_images(written):
    html = (written / "bulletin.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert html.count("data:image/png;base64,") >= 8
    assert not re.search(r'src="(?!data:)', html)
    assert '<caption id="caption-C3">Table C3:' in html and 'scope="col"' in html
    assert html.count("<h2") >= 8 and 'class="placeholder" role="note"' in html


def test_check_passes_on_a_fresh_bulletin(written):
    assert check_bulletin(written) == []


def test_editing_one_number_in_the_docx_fails_the_check_naming_the_sentence(written, tmp_path):
    from docx import Document

    copy = tmp_path / "edited"
    shutil.copytree(written, copy)
    (copy / "bulletin.html").unlink()
    document = Document(str(copy / "bulletin.docx"))
    target = next(
        p
        for p in document.paragraphs
        if p.style.name == "Normal" and "most frequently identified" in p.text
    )
    sentence_before = target.text
    old = re.search(r"\((\d+)%\)", sentence_before).group(1)
    new = str(int(old) + 1)
    for run in target.runs:
        run.text = run.text.replace(f"({old}%)", f"({new}%)", 1)
    document.save(str(copy / "bulletin.docx"))
    drifts = check_bulletin(copy)
    assert len(drifts) == 1
    drift = drifts[0]
    assert drift.source == "bulletin.docx"
    assert drift.number == f"{new}%" and drift.expected.endswith(f"({old}%)")
    assert f"({new}%)" in drift.sentence and "most frequently identified" in drift.sentence
    assert drift.cell.startswith("C1/")
    assert drift.sentence in str(drift)


def test_a_number_not_in_numbers_csv_fails_the_check(written, tmp_path):
    from docx import Document

    copy = tmp_path / "added"
    shutil.copytree(written, copy)
    document = Document(str(copy / "bulletin.docx"))
    document.add_paragraph("Our own note says 12.5% of something.")
    document.save(str(copy / "bulletin.docx"))
    drifts = check_bulletin(copy)
    assert [d.number for d in drifts] == ["12.5%"] and "not in numbers.csv" in drifts[0].problem


def test_numbers_csv_equals_a_second_computation_of_the_cells(written, round_2018, hmip):
    numbers = pd.read_csv(written / "numbers.csv", dtype=str, keep_default_na=False)
    assert len(numbers) > 80
    tables = compute_tables(round_2018, hmip)
    index = {
        (r.table, r.question, r.provider_split, r.variable, r.category): r
        for r in tables.itertuples(index=False)
    }
    annex = numbers[numbers["table"].isin(sorted({t.id for t in hmip.tables}))]
    assert len(annex) > 40
    for row in annex.itertuples(index=False):
        cell = index[(row.table, row.question, row.provider_split, row.variable, row.category)]
        assert int(row.n) == cell.n
        if row.rule in ("pct0", "phrase"):
            assert int(row.yes) == cell.yes
            percent = int(100 * cell.yes / cell.n + 0.5)  # half up, from the counts
            assert row.text.endswith(f"{percent}%") or row.text.endswith(f"({percent}%)")
        if row.rule == "value1":
            assert float(row.value) == cell.pct
    # Profile cells: counted by hand.
    profile = numbers[numbers["table"].eq("P")]
    for row in profile.itertuples(index=False):
        column = {"provider": "provider_type"}.get(row.variable, row.variable)
        assert int(row.yes) == int((round_2018[column] == row.category).sum())
    # Number per case and co-occurrence: counted again from the item columns.
    needs = [c.item for c in hmip.table("C1").columns]
    per_case = (round_2018[needs] == "yes").sum(axis=1)
    four = numbers[(numbers["table"] == "NC1") & (numbers["question"] == "four_or_more")]
    assert int(four.iloc[0]["yes"]) == int((per_case >= 4).sum())


def test_significant_only_where_the_model_retained_the_term(built):
    models = {(m.table, m.question, m.provider_split): m for m in built.report.models}
    checked = 0
    for ref in built.numbers:
        if ref.section in ("summary", "findings") and re.search(r"\bsignificant", ref.sentence):
            model = models.get((ref.table, ref.question, "all"))
            if model is not None:
                assert model.retained, ref.sentence
                checked += 1
    assert checked >= 3


def test_no_significance_method_means_no_significant_word(round_2018, hmip):
    plain = build_bulletin(round_2018, hmip, significance="none")
    for section in plain.sections:
        if section.id in ("summary", "introduction", "findings", "conclusion"):
            for block in section.blocks:
                for text in (block.text, *block.items):
                    assert "significant" not in text, text


def test_the_significant_helper_refuses_a_term_the_model_did_not_retain():
    helpers = filters(Recorder(), Figures())
    kept = ModelView(
        "C3", "needs_delivery", "all", "stepwise", True, ("provider_type",), ("Provider",), 10, 0
    )
    assert helpers["significant"](kept, "provider_type").endswith("significant")
    with pytest.raises(TemplateRuleError, match="did not retain"):
        helpers["significant"](kept, "gender")


def test_suppression_hides_cells_in_the_text(round_2018, hmip):
    threshold = 60
    hidden = build_bulletin(round_2018, hmip, suppress=threshold)
    cells = hidden.cells
    status = {
        (r.table, r.question, r.provider_split, r.variable, r.category): r.suppressed
        for r in cells.itertuples(index=False)
    }
    assert sum(1 for s in status.values() if s) > 20
    for ref in hidden.numbers:
        key = (ref.table, ref.question, ref.provider_split, ref.variable, ref.category)
        assert not status.get(key), f"{ref.text} from suppressed cell {key} in: {ref.sentence}"
    # A small group is never quoted: the 'Other' ethnic group has fewer cases than the threshold.
    others = int((round_2018["ethnic_group"] == "Other").sum())
    assert 0 < others < threshold
    prose = " ".join(t for s in hidden.sections for b in s.blocks for t in (b.text, *b.items))
    assert "Other " not in prose.replace("Other ethnic", "")
    # Fewer numbers than the unsuppressed bulletin, and the text says so in the method.
    assert (
        len(hidden.numbers)
        < len(build_bulletin(round_2018, hmip, significance="none").numbers) + 40
    )
    methodology = " ".join(
        b.text for b in next(s for s in hidden.sections if s.id == "methodology").blocks
    )
    assert f"fewer than {threshold} cases are suppressed" in methodology


def test_a_ranking_with_a_suppressed_member_is_withheld(round_2018, hmip):
    # With a threshold above the smallest need's delivery count, "ranged from x to y" is dropped.
    hidden = build_bulletin(round_2018, hmip, suppress=200, significance="none")
    c5 = hidden.cells[(hidden.cells["table"] == "C5") & (hidden.cells["variable"] == "all")]
    assert c5["suppressed"].ne("").any()
    prose = " ".join(b.text for s in hidden.sections for b in s.blocks)
    assert "Looking at delivery against specific needs" not in prose
    assert dict(hidden.withheld).get("findings", 0) >= 1  # and the bulletin says how many


def test_written_files_and_provenance(written, built):
    import json

    names = sorted(p.name for p in written.iterdir())
    assert names == [
        "bulletin.docx",
        "bulletin.html",
        "cells.csv",
        "numbers.csv",
        "provenance.json",
    ]
    provenance = json.loads((written / "provenance.json").read_text())
    assert provenance["framework"] == "hmip-2018" and provenance["framework_fingerprint"]
    assert len(provenance["data_fingerprint"]) >= 16 and provenance["software_version"]
    assert provenance["bulletin"]["previous_framework"]["framework"] == "qi-2016"
    assert provenance["bulletin"]["crosswalk"] == "crosswalks/qi-2016__hmip-2018.yaml"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) not installed")
def test_pdf_is_tagged_a4_with_landscape_annex_pages(built, tmp_path):
    import subprocess

    write_bulletin(built, tmp_path, ("pdf",))
    pdf = tmp_path / "bulletin.pdf"
    info = subprocess.run(
        ["pdfinfo", "-l", "-1", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert "Title:           " + built.title in info
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes[0] == ("595.276", "841.89")  # A4 portrait
    assert ("841.89", "595.276") in sizes  # the annex tables on A4 landscape


def test_quoting_a_cell_the_tables_do_not_hold_is_a_template_error(built, hmip):
    from caseinspect.bulletin._context import Cells

    helpers = filters(Recorder(), Figures())
    cells = Cells(built.cells, hmip)
    assert helpers["pct"](cells.get("C3", "needs_delivery")).endswith("%\ue002")
    missing = cells.get("C3", "no_such_question")
    assert missing.value is None  # a template may test for it ...
    with pytest.raises(TemplateRuleError, match="C3/no_such_question"):
        helpers["pct"](missing)  # ... but not print it


def test_identical_bulletins_are_identical_files(built):
    import time

    from caseinspect.bulletin._docx import render_docx
    from caseinspect.bulletin._html import render_html

    assert render_html(built) == render_html(built)
    first = render_docx(built)
    time.sleep(2.1)  # zip entries carry a 2-second clock: let it move
    assert render_docx(built) == first
