"""Frozen values that a framework file loads into.

Nothing here reads files; :mod:`caseinspect.framework._loader` builds these objects and
checks them. Every other part of caseinspect reads the framework through these classes,
so no raw YAML dict ever leaves the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import UnknownName

__all__ = [
    "Condition",
    "Framework",
    "Item",
    "KeyQuestion",
    "OverallBand",
    "ProfileRule",
    "ProfileVariable",
    "RatingLevel",
    "RatingsRules",
    "SampleMinimum",
    "SamplingRules",
    "Section",
    "Standard",
    "TableColumn",
    "TableSpec",
    "Domain",
    "PROFILE_ID_COLUMNS",
    "ANSWER_VALUES",
]

#: Identifying columns every case carries before its sub-group profile.
PROFILE_ID_COLUMNS: tuple[str, ...] = ("case_id", "inspection_id", "provider", "provider_type")

#: The answers an item may hold; an empty cell means not applicable / not recorded.
ANSWER_VALUES: tuple[str, ...] = ("yes", "no")


@dataclass(frozen=True)
class ProfileVariable:
    """A case-profile variable used to break tables down into sub-groups.

    ``table_variable`` is the name used in the tidy tables (e.g. ``provider`` for the
    ``provider_type`` column), as in the published annex CSVs.
    """

    code: str
    label: str
    table_variable: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ProfileRule:
    """A combination of profile values the framework forbids (a structural zero)."""

    rule: str
    message: str
    when: Mapping[str, tuple[str, ...]]
    forbid: Mapping[str, tuple[str, ...]]

    def violated(self, profile: Mapping[str, str | None]) -> str | None:
        """Return the offending column if ``profile`` breaks the rule, else ``None``."""
        for column, values in self.when.items():
            if profile.get(column) not in values:
                return None
        for column, values in self.forbid.items():
            if profile.get(column) in values:
                return column
        return None


@dataclass(frozen=True)
class Condition:
    """When an item applies: ``item`` must hold ``equals``.

    Conditions are deliberately tiny (one item, one value, optionally combined with
    ``all``): every applicability rule the inspectorate has used is of this form, and a
    small language keeps the web form's show/hide logic and the validator identical.
    """

    item: str | None = None
    equals: str | None = None
    all: tuple[Condition, ...] = ()

    def items(self) -> tuple[str, ...]:
        """Item codes this condition reads."""
        own = (self.item,) if self.item else ()
        return own + tuple(code for sub in self.all for code in sub.items())

    def holds(self, answers: Mapping[str, str | None]) -> bool:
        """Whether the condition holds for one case's answers."""
        if self.item is not None and answers.get(self.item) != self.equals:
            return False
        return all(sub.holds(answers) for sub in self.all)

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Vectorised :meth:`holds` over a case table (missing columns never hold)."""
        result = pd.Series(True, index=frame.index)
        if self.item is not None:
            if self.item in frame.columns:
                result &= frame[self.item].eq(self.equals).fillna(False).astype(bool)
            else:
                result &= False
        for sub in self.all:
            result &= sub.mask(frame)
        return result

    def mask_arrays(self, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """:meth:`holds` over columns given as arrays of strings (missing columns never hold)."""
        result = np.ones(n, dtype=bool)
        if self.item is not None:
            column = columns.get(self.item)
            if column is None:
                result[:] = False
            else:
                result &= column == self.equals
        for sub in self.all:
            result &= sub.mask_arrays(columns, n)
        return result

    def describe(self) -> str:
        parts = [f"'{self.item}' is '{self.equals}'"] if self.item else []
        parts += [sub.describe() for sub in self.all]
        return " and ".join(parts)


@dataclass(frozen=True)
class Item:
    """One recorded judgement or identification, keyed by its code in case files.

    Attributes
    ----------
    kind : {"identified", "judgement"}
        ``identified`` items say whether a need or strength is present; ``judgement``
        items are the inspector's Yes/No sufficiency judgements.
    applies_if : Condition or None
        When set, the item must be left empty unless the condition holds.
    not_applicable : {"allowed", "never"}
        Whether an inspector may leave the item empty as not applicable in a complete
        assessment. Files may always leave items empty (not recorded).
    rationale : {"none", "optional", "required"}
        Whether a rationale accompanies the answer on the assessment form.
    required : bool
        Whether a case can be submitted with the item left blank while it applies: a
        required item must be answered, or (where ``not_applicable`` is ``"allowed"``)
        explicitly marked not applicable by the inspector.
    """

    code: str
    label: str
    text: str
    section: str
    kind: Literal["identified", "judgement"]
    group: str | None
    applies_if: Condition | None
    not_applicable: Literal["allowed", "never"]
    rationale: Literal["none", "optional", "required"]
    required: bool = False

    @property
    def rationale_column(self) -> str:
        return f"{self.code}__rationale"


@dataclass(frozen=True)
class Section:
    """A section of the case assessment form."""

    code: str
    title: str
    hint: str | None = None


@dataclass(frozen=True)
class KeyQuestion:
    """A key question of a case-based standard, answered as item ``item``."""

    code: str
    item: str
    lens: str
    text: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class Standard:
    """A rated standard.

    ``basis`` is ``"cases"`` for standards rated from the case sample's key questions and
    ``"judgement"`` for those rated by inspectors' judgement. ``provider_types`` is empty
    when the standard applies to every provider.
    """

    code: str
    title: str
    statement: str
    domain: str
    basis: Literal["cases", "judgement"]
    provider_types: tuple[str, ...]
    key_questions: tuple[KeyQuestion, ...]

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"

    def applies_to(self, provider_type: str) -> bool:
        return not self.provider_types or provider_type in self.provider_types


@dataclass(frozen=True)
class Domain:
    code: str
    title: str
    standards: tuple[Standard, ...]


@dataclass(frozen=True)
class RatingLevel:
    name: str
    score: int
    min_pct: float


@dataclass(frozen=True)
class OverallBand:
    name: str
    min_score: int
    max_score: int


@dataclass(frozen=True)
class RatingsRules:
    """How standards and providers are rated (levels highest first).

    ``min_cases_per_key_question``: below this many applicable cases for any of a
    standard's key questions, its rating (and so the overall rating) is provisional.
    """

    standard_rule: str
    pct_rounding: str
    override_requires_reason: bool
    levels: tuple[RatingLevel, ...]
    overall_bands: tuple[OverallBand, ...]
    min_cases_per_key_question: int = 0


@dataclass(frozen=True)
class SampleMinimum:
    column: str
    categories: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class SamplingRules:
    """Eligibility, stratification and size settings for drawing a case sample."""

    confidence: float = 0.80
    margin: float = 0.05
    proportion: float = 0.5
    months_min: float = 6.0
    months_max: float = 7.0
    exclude_if_only_requirements: tuple[str, ...] = ()
    exclude_flags: tuple[str, ...] = ()
    min_delivery_weeks: int = 4
    strata: tuple[str, ...] = ()
    minimums: tuple[SampleMinimum, ...] = ()
    spread_by: tuple[str, ...] = ()
    reserve_fraction: float = 0.2


@dataclass(frozen=True)
class TableColumn:
    """One column of an annex table: the published ``question`` code and its item."""

    question: str
    item: str
    label: str


@dataclass(frozen=True)
class TableSpec:
    """Layout of one annex table.

    ``kind`` is ``"prevalence"`` (share of cases with a need or strength identified; a
    mean row may follow) or ``"sufficiency"`` (share of applicable cases judged 'yes').
    ``provider_splits`` lists ``all`` and/or provider types, each a block of columns.
    """

    id: str
    title: str
    kind: Literal["prevalence", "sufficiency"]
    print_n: bool
    breakdowns: tuple[str, ...]
    provider_splits: tuple[str, ...]
    columns: tuple[TableColumn, ...]
    mean_row: TableColumn | None = None
    note: str | None = None


@dataclass(frozen=True)
class FigureLayout:
    """How the framework's figures are drawn, where the tables cannot say it.

    Parameters
    ----------
    risk_variables : tuple of str
        Profile variables the bulletin calls "risk levels" (the mean number of needs and
        strengths is drawn by each of them).
    titles : tuple of (str, str)
        Figure titles as the bulletin printed them, keyed by figure kind (``by-split``).
    """

    risk_variables: tuple[str, ...] = ()
    titles: tuple[tuple[str, str], ...] = ()

    def title(self, kind: str, default: str) -> str:
        """The printed title of a figure kind, else ``default``."""
        return dict(self.titles).get(kind, default)


@dataclass(frozen=True)
class LayoutRules:
    """How the published outputs are numbered and annotated (framework key ``layout``).

    Attributes
    ----------
    first_figure_number : int
        Number of the first figure the reports draw, so that a bulletin's own numbering
        can be reproduced (2020/03 numbers its case-level figures from 2).
    unreliable_below : int
        A cell with fewer applicable cases than this is marked as unreliable in print,
        shaded or not (0 turns the mark off).
    significance_note : str or None
        The sentence under each tested table saying what shading means; by default the
        report's own description of the method used.
    """

    first_figure_number: int = 1
    unreliable_below: int = 10
    significance_note: str | None = None


#: Excel's limit on the characters in a cell (the default of ``limits.text_length``).
DEFAULT_MAX_TEXT_LENGTH = 32_767


@dataclass(frozen=True)
class Framework:
    """A loaded, checked framework: the instrument a round of inspections used.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("hmip-2018")
    >>> fw.item("need_drug_misuse").label
    'Drug misuse'
    >>> [s.code for s in fw.standards_for("CRC")][:5]
    ['1.1', '1.2', '1.3', '1.4', '2.1']
    """

    id: str
    version: str
    title: str
    round: str | None
    fingerprint: str
    source: str
    profile: tuple[ProfileVariable, ...]
    profile_rules: tuple[ProfileRule, ...]
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    domains: tuple[Domain, ...]
    ratings: RatingsRules | None
    sampling: SamplingRules | None
    tables: tuple[TableSpec, ...]
    #: The longest free text (rationale, practice note, any cell) a case may hold, in
    #: characters: framework key ``limits.text_length``. The default is Excel's cell limit,
    #: so every valid case can be exported to XLSX.
    max_text_length: int = DEFAULT_MAX_TEXT_LENGTH
    layout: LayoutRules = field(default_factory=LayoutRules)
    figures: FigureLayout = field(default_factory=FigureLayout)
    _items_by_code: Mapping[str, Item] = field(repr=False, compare=False, default_factory=dict)

    # --- look-ups ---------------------------------------------------------------------
    def item(self, code: str) -> Item:
        """The item with this code; ``KeyError`` naming the framework if unknown."""
        try:
            return self._items_by_code[code]
        except KeyError:
            raise UnknownName(f"framework {self.id!r} has no item {code!r}") from None

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def profile_variable(self, code: str) -> ProfileVariable:
        for variable in self.profile:
            if variable.code == code:
                return variable
        raise UnknownName(f"framework {self.id!r} has no profile variable {code!r}")

    @property
    def profile_columns(self) -> tuple[str, ...]:
        """All profile columns of the interchange format, in order."""
        extra = tuple(v.code for v in self.profile if v.code not in PROFILE_ID_COLUMNS)
        return PROFILE_ID_COLUMNS + extra

    @property
    def standards(self) -> tuple[Standard, ...]:
        return tuple(s for d in self.domains for s in d.standards)

    def standards_for(self, provider_type: str) -> tuple[Standard, ...]:
        """The rated standards of a provider of this type, in framework order."""
        return tuple(s for s in self.standards if s.applies_to(provider_type))

    def items_in_section(self, section: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section)

    def items_in_group(self, group: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.group == group)

    def table(self, table_id: str) -> TableSpec:
        for spec in self.tables:
            if spec.id == table_id:
                return spec
        raise UnknownName(f"framework {self.id!r} has no table {table_id!r}")

    def dependants(self, code: str) -> tuple[Item, ...]:
        """Items whose applicability reads item ``code`` (for the web form's show/hide)."""
        return tuple(i for i in self.items if i.applies_if and code in i.applies_if.items())

    @property
    def companion_dir(self) -> Path:
        """The folder of files that go with this framework (bulletin templates, codebook).

        ``<folder of the YAML>/<YAML file name without .yaml>/``: for the shipped
        ``data/hmip-2018.yaml`` that is ``data/hmip-2018/``. The folder need not exist;
        each part that reads from it says what it looked for.
        """
        source = Path(self.source)
        return source.parent / source.stem

    @property
    def provenance(self) -> dict[str, str]:
        return {
            "framework": self.id,
            "framework_version": self.version,
            "framework_fingerprint": self.fingerprint,
        }
