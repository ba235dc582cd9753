"""Fixtures for the renderer tests: small random rounds in the case interchange format.

The synthetic round generator (``caseinspect.synth``) is written elsewhere; these tests
only need realistic-looking input, so a seeded random table with the interchange columns
is enough. Applicability is respected (``delivery_need_X`` only where ``need_X`` is
'yes'), CRCs hold no high RoSH case, and a few profile values are left unrecorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caseinspect.analysis import build_report
from caseinspect.framework import load_framework


def random_cases(framework, n: int = 400, seed: int = 1) -> pd.DataFrame:
    """A seeded random case table for ``framework`` in the interchange format."""
    rng = np.random.default_rng(seed)
    provider_type = rng.choice(["CRC", "NPS"], size=n, p=[0.7, 0.3])
    frame = pd.DataFrame(
        {
            "case_id": [f"C{i:04d}" for i in range(n)],
            "inspection_id": [f"I-{i % 6}" for i in range(n)],
            "provider": [f"{t} area {i % 3}" for i, t in enumerate(provider_type)],
            "provider_type": provider_type,
        }
    )
    for variable in framework.profile:
        if variable.code == "provider_type":
            continue
        k = len(variable.categories)
        weights = np.linspace(2.0, 1.0, k)
        values = rng.choice(variable.categories, size=n, p=weights / weights.sum()).astype(object)
        values[rng.random(n) < 0.03] = ""  # not recorded
        frame[variable.code] = values
    if "rosh" in frame.columns:  # structural zero: CRCs held no high RoSH case
        crc_high = (frame["provider_type"] == "CRC") & (frame["rosh"] == "High/Very high")
        frame.loc[crc_high, "rosh"] = "Medium"
    nps = (frame["provider_type"] == "NPS").to_numpy()
    for item in framework.items:
        base = 0.35 if item.kind == "identified" else 0.62
        p = np.clip(base + 0.15 * nps, 0.02, 0.98)
        values = np.where(rng.random(n) < p, "yes", "no").astype(object)
        if item.applies_if is not None:
            values[~item.applies_if.mask(frame).to_numpy()] = ""
        elif item.kind == "judgement":
            values[rng.random(n) < 0.02] = ""
        frame[item.code] = values
    return frame


@pytest.fixture(scope="session")
def hmip():
    return load_framework("hmip-2018")


@pytest.fixture(scope="session")
def qi():
    return load_framework("qi-2016")


@pytest.fixture(scope="session")
def hmip_report(hmip):
    """A report with significance tested (stepwise), as the annexes were."""
    return build_report(random_cases(hmip, n=600, seed=11), hmip, significance="stepwise")


@pytest.fixture(scope="session")
def qi_report(qi):
    return build_report(random_cases(qi, n=400, seed=5), qi, significance="stepwise")


# --- a tiny HTML tree (the standard library has a parser but no DOM) --------------------
from html.parser import HTMLParser  # noqa: E402

_VOID = {"meta", "img", "br", "hr", "link", "input", "col", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def visible_text(self) -> str:
        """Text a sighted reader sees: without visually hidden spans."""
        parts = []
        for c in self.children:
            if isinstance(c, str):
                parts.append(c)
            elif "vh" not in (c.attrs.get("class") or "").split():
                parts.append(c.visible_text())
        return "".join(parts)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str, **attrs) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and all(c.attrs.get(k) == v for k, v in attrs.items()):
                    found.append(c)
                found += c.find_all(tag, **attrs)
        return found

    def find(self, tag: str, **attrs) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def find_cell(report, table, question, variable, category, split="all"):
    """The report's tidy cell as a dict (the expected values of the renderers' tests)."""
    c = report.cells
    rows = c[
        (c.table == table)
        & (c.question == question)
        & (c.provider_split == split)
        & (c.variable == variable)
        & (c.category == category)
    ]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()
