"""What a bulletin prints about themes: counts and shares by sub-group, and quotes.

:func:`theme_table` counts, for each theme, the cases in which it was coded, out of the
cases that have a rationale it could be coded on (an item the codebook applies it to,
with a judgement of the kind it explains), overall, by provider type and by every
sub-group variable of the framework's tables. The published rule of the annex tables'
disclosure control (:func:`caseinspect.analysis.suppress`) applies unchanged: a cell of
fewer than ``suppress`` cases is blanked, and so are the cells that would give it away.

:func:`representative_quotes` picks, per theme, the rationales that best stand for it and
passes them through the practice engineer's :func:`caseinspect.text.pseudonymise_texts`,
so that no name (the case's recorded pseudonym first) leaves the system in a quote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import suppress as suppress_cells
from ..framework import Framework
from ._classify import rationale_units
from ._codebook import Codebook, load_codebook
from ._embed import split_sentences

__all__ = [
    "BULLETIN_THEME_COLUMNS",
    "QUOTE_COLUMNS",
    "THEME_TABLE_COLUMNS",
    "breakdown_variables",
    "bulletin_themes",
    "representative_quotes",
    "theme_table",
]

THEME_TABLE_COLUMNS = (
    "theme",
    "label",
    "kind",
    "variable",
    "category",
    "n",
    "count",
    "pct",
    "mentions",
    "suppressed",
)
QUOTE_COLUMNS = (
    "theme",
    "label",
    "kind",
    "rank",
    "case_id",
    "item",
    "score",
    "text",
    "names_replaced",
)


def breakdown_variables(framework: Framework) -> tuple[str, ...]:
    """Provider type, then every sub-group variable the framework's tables break down by."""
    seen: list[str] = []
    codes = {v.code for v in framework.profile}
    if "provider_type" in codes:
        seen.append("provider_type")
    for spec in framework.tables:
        for code in spec.breakdowns:
            if code not in seen:
                seen.append(code)
    return tuple(seen)


def _eligible(cases: pd.DataFrame, codebook: Codebook) -> dict[str, np.ndarray]:
    """Theme -> bool per case: has a rationale the theme could be coded on."""
    out = {}
    for theme in codebook.themes:
        mask = np.zeros(len(cases), dtype=bool)
        for item in codebook.items:
            column = f"{item}__rationale"
            if not theme.applies_to(item) or column not in cases.columns:
                continue
            has_text = cases[column].astype("string").fillna("").str.strip().ne("").to_numpy()
            answer = cases[item].astype("string").fillna("") if item in cases.columns else None
            if theme.kind == "other" or answer is None:
                explains = np.ones(len(cases), dtype=bool)
            else:
                wanted = "yes" if theme.kind == "enabler" else "no"
                explains = (answer.eq(wanted) | ~answer.isin(["yes", "no"])).to_numpy()
            mask |= has_text & explains
        out[theme.code] = mask
    return out


def theme_table(
    codes: pd.DataFrame,
    cases: pd.DataFrame,
    framework: Framework,
    suppress: int | None = None,
    *,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Counts and shares of cases per theme, overall, by provider type and by sub-group.

    Parameters
    ----------
    codes : pandas.DataFrame
        ``case_id, item, theme`` (as :func:`suggest_codes` returns).
    cases : pandas.DataFrame
        The case table the codes belong to.
    framework : Framework
    suppress : int, optional
        Disclosure control threshold, as for ``caseinspect tables --suppress``.
    codebook : Codebook, optional

    Returns
    -------
    pandas.DataFrame
        :data:`THEME_TABLE_COLUMNS`: ``n`` cases with a rationale the theme could be coded
        on, ``count`` of them coded with the theme, ``pct`` = 100·count/n (1 decimal),
        ``mentions`` rationales coded with it; ``variable`` ``all`` (category ``All
        cases``) then each breakdown variable and category; ``suppressed`` is
        ``primary``/``secondary``/empty. A case whose sub-group is not recorded counts in
        'All cases' only.
    """
    codebook = codebook if codebook is not None else load_codebook(framework)
    eligible = _eligible(cases, codebook)
    case_ids = cases["case_id"].astype(str).to_numpy()
    position = pd.Index(case_ids)
    groups: list[tuple[str, str, np.ndarray]] = [("all", "All cases", np.ones(len(cases), bool))]
    for code in breakdown_variables(framework):
        variable = framework.profile_variable(code)
        values = cases[code].astype("string").fillna("") if code in cases.columns else None
        for category in variable.categories:
            mask = (
                values.eq(category).to_numpy() if values is not None else np.zeros(len(cases), bool)
            )
            groups.append((variable.table_variable, category, mask))
    rows = []
    for theme in codebook.themes:
        coded = codes[codes["theme"].astype(str) == theme.code]
        where = position.get_indexer(coded["case_id"].astype(str))
        where = where[where >= 0]
        mentions = np.bincount(where, minlength=len(cases))
        has = (mentions > 0) & eligible[theme.code]
        for table_variable, category, mask in groups:
            n = int((eligible[theme.code] & mask).sum())
            count = int((has & mask).sum())
            rows.append(
                {
                    "table": "themes",
                    "question": theme.code,
                    "provider_split": "all",
                    "variable": table_variable,
                    "category": category,
                    "n": n,
                    "yes": count,
                    "pct": round(100.0 * count / n, 1) if n else np.nan,
                    "mentions": int(mentions[mask].sum()),
                    "theme": theme.code,
                    "label": theme.label,
                    "kind": theme.kind,
                }
            )
    cells = pd.DataFrame(rows)
    if suppress is not None and len(cells):
        cells = suppress_cells(cells, int(suppress))
        hidden = cells["suppressed"].ne("").to_numpy()
        mentions_col = cells["mentions"].astype("Int64")
        mentions_col[hidden] = pd.NA
        cells["mentions"] = mentions_col
    else:
        cells["suppressed"] = ""
        for column in ("n", "yes", "mentions"):
            cells[column] = cells[column].astype("Int64")
    cells = cells.rename(columns={"yes": "count"})
    return cells[list(THEME_TABLE_COLUMNS)].reset_index(drop=True)


def representative_quotes(
    codes: pd.DataFrame,
    cases: pd.DataFrame,
    framework: Framework,
    *,
    per_theme: int = 3,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Up to ``per_theme`` quotes per theme, pseudonymised.

    A quote is a rationale coded with the theme; those coded with that theme alone come
    first (they stand for it most plainly), then the shortest (in sentences), then by
    score, highest first, then by case id
    (so the choice is reproducible). At most one quote per case and theme, and no text
    twice.

    Returns
    -------
    pandas.DataFrame
        :data:`QUOTE_COLUMNS`. ``text`` has every detected name replaced by a pseudonym
        (:func:`pseudonymise_texts`); ``names_replaced`` counts the replacements, which a
        reviewer checks before the quote is published.
    """
    from ._pseudonymise import pseudonymise_texts

    codebook = codebook if codebook is not None else load_codebook(framework)
    if not len(codes):
        return pd.DataFrame(columns=list(QUOTE_COLUMNS))
    frame = codes[["case_id", "item", "theme", "score"]].copy()
    frame["case_id"] = frame["case_id"].astype(str)
    themes_per_unit = frame.groupby(["case_id", "item"])["theme"].transform("size")
    frame["alone"] = themes_per_unit.eq(1)
    frame["sort_score"] = frame["score"].astype(float).fillna(-np.inf)
    # Shorter rationales first among those of one theme: a quote should say the theme, not
    # the surrounding remarks (how long the case had been open, ...).
    units = rationale_units(cases, codebook)[["case_id", "item", "text"]]
    frame = frame.merge(units, on=["case_id", "item"], how="left")
    lengths = {t: len(split_sentences(t)) for t in frame["text"].dropna().unique()}
    frame["sentences"] = frame["text"].map(lengths).fillna(99).astype(int)
    by_case = cases.assign(case_id=cases["case_id"].astype(str)).set_index("case_id")
    picked = []
    for theme in codebook.themes:
        rows = frame[frame["theme"] == theme.code]
        rows = rows.sort_values(
            ["alone", "sentences", "sort_score", "case_id", "item"],
            ascending=[False, True, False, True, True],
            kind="stable",
        ).drop_duplicates("case_id")
        seen: set[str] = set()
        for row in rows.itertuples(index=False):
            if len(seen) == per_theme:
                break
            column = f"{row.item}__rationale"
            text = str(by_case.at[row.case_id, column]) if column in by_case.columns else ""
            if not text.strip() or text in seen:  # a quote says something new
                continue
            seen.add(text)
            picked.append((theme, len(seen), row.case_id, row.item, row.score, text))
    if not picked:
        return pd.DataFrame(columns=list(QUOTE_COLUMNS))
    ids = [p[2] for p in picked]
    known: dict[str, list[str]] = {}
    genders: dict[str, str] = {}
    for case_id in set(ids):
        case = by_case.loc[case_id]
        name = str(case.get("practice_pseudonym", "") or "").strip()
        if name and name.lower() != "nan":
            known[case_id] = [name]
        gender = str(case.get("gender", "") or "")
        if gender in ("Male", "Female"):
            genders[case_id] = gender
    result = pseudonymise_texts(
        [p[5] for p in picked], case_ids=ids, known_names=known, genders=genders
    )
    out = []
    for (theme, rank, case_id, item, score, _), text in zip(picked, result.texts, strict=True):
        out.append((theme.code, theme.label, theme.kind, rank, case_id, item, score, text, 0))
    quotes = pd.DataFrame(out, columns=list(QUOTE_COLUMNS))
    quotes["names_replaced"] = _replacements_per_text(result.detections, len(picked))
    return quotes


def _replacements_per_text(detections: pd.DataFrame, n_texts: int) -> list[int]:
    """Names replaced in each text (dates and ages are only flagged: not counted)."""
    from ._names import NAME_RULES

    counts = [0] * n_texts
    if not len(detections):
        return counts
    names = detections[detections["rule"].astype(str).isin(NAME_RULES)]
    for i in names["index"].astype(int).tolist():
        if 0 <= i < n_texts:
            counts[i] += 1
    return counts


#: Columns of ``bulletin-themes.csv``, what ``caseinspect bulletin --themes`` reads: the
#: 'All cases' rows of themes.csv and one quote per theme.
BULLETIN_THEME_COLUMNS = (*THEME_TABLE_COLUMNS, "quote")


def bulletin_themes(table: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per theme for the bulletin's enablers-and-barriers section.

    The 'All cases' rows of :func:`theme_table` (``n`` cases the theme could be coded on,
    ``count`` coded with it, ``suppressed`` as there: the bulletin does not print a
    suppressed one) with ``quote``, the first of :func:`representative_quotes`
    (pseudonymised).

    Examples
    --------
    >>> table = pd.DataFrame({"theme": ["a", "a"], "label": ["A", "A"], "kind": "enabler",
    ...     "variable": ["all", "gender"], "category": ["All cases", "Male"], "n": [10, 6],
    ...     "count": [4, 2], "pct": [40.0, 33.3], "mentions": [5, 2], "suppressed": ""})
    >>> quotes = pd.DataFrame({"theme": ["a"], "rank": [1], "text": ["Checks were made."]})
    >>> row = bulletin_themes(table, quotes).iloc[0]
    >>> int(row["n"]), int(row["count"]), row["quote"]
    (10, 4, 'Checks were made.')
    """
    overall = table[table["variable"] == "all"].reset_index(drop=True)
    first = quotes[quotes["rank"].astype(int) == 1].drop_duplicates("theme").set_index("theme")
    overall["quote"] = [
        str(first.at[t, "text"]) if t in first.index else "" for t in overall["theme"]
    ]
    return overall[list(BULLETIN_THEME_COLUMNS)]
