"""The provider-ratings figure: how many providers got each rating, standard by standard.

Like Figure 1 of bulletin 2020/03 ("Provider ratings for services"), for every standard
at once: one stacked horizontal bar per standard, one panel per provider type (CRCs and
NPS divisions are rated on different domain-three standards).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..framework import Framework
from ._inputs import _ratings_rules
from ._rate import NOT_RATED, WITHHELD, RatingsResult

__all__ = ["PALETTE", "ratings_figure"]

#: ColorBrewer RdBu, 4 classes — diverging and colour-blind safe — highest level first.
PALETTE = ("#0571b0", "#92c5de", "#f4a582", "#ca0020")
_UNRATED_COLOUR = "#d9d9d9"
_DARK = {"#0571b0", "#ca0020"}  # segments that need white numbers


def ratings_figure(result: RatingsResult, framework: Framework) -> Figure:
    """Stacked bars of the number of providers at each rating, per standard and overall.

    Parameters
    ----------
    result : RatingsResult
        From :func:`rate_providers`.
    framework : Framework
        The framework the ratings were made with (levels and standard titles).

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; save it with ``fig.savefig(path, dpi=150)``.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("hmip-2018")
    >>> kq = [k.item for s in fw.standards if s.basis == "cases" for k in s.key_questions]
    >>> cases = pd.DataFrame([{"provider": "Wessex", "provider_type": "CRC",
    ...                        **{item: "yes" for item in kq}}])
    >>> from caseinspect.ratings import rate_providers
    >>> fig = ratings_figure(rate_providers(cases, fw), fw)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['CRC (1 provider)']
    """
    levels = [lv.name for lv in _ratings_rules(framework).levels]
    colours = dict(zip(levels, _palette(len(levels)), strict=True))
    ratings = result.ratings
    types = [t for t in _type_order(framework, ratings) if (ratings.provider_type == t).any()]
    panels = []
    for ptype in types:
        mine = ratings[ratings.provider_type == ptype]
        providers = set(mine.provider)
        rows = []
        for standard in framework.standards_for(ptype):
            got = mine[mine.standard == standard.code].rating
            rows.append((f"{standard.code} {standard.title}", got.value_counts().to_dict()))
        overall = result.overall[result.overall.provider.isin(providers)].rating
        rows.append(("Overall", overall.value_counts().to_dict()))
        panels.append((ptype, len(providers), rows))

    heights = [len(rows) for _, _, rows in panels] or [1]
    fig = Figure(figsize=(10, 1.6 + 0.42 * sum(heights) + 0.6 * len(heights)), layout="constrained")
    axes = fig.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[
        :, 0
    ]
    has_unrated = False
    for ax, (ptype, n_providers, rows) in zip(axes, panels, strict=True):
        labels = ["\n".join(textwrap.wrap(label, 34)) for label, _ in rows]
        left = [0] * len(rows)
        for level in [*levels, NOT_RATED]:
            counts = [
                counts.get(level, 0) + (counts.get(WITHHELD, 0) if level == NOT_RATED else 0)
                for _, counts in rows
            ]
            if not any(counts):
                continue
            colour = colours.get(level, _UNRATED_COLOUR)
            has_unrated |= level == NOT_RATED
            bars = ax.barh(
                range(len(rows)),
                counts,
                left=left,
                color=colour,
                edgecolor="white",
                linewidth=0.8,
                hatch="//" if level == NOT_RATED else None,
                label=level,
            )
            ax.bar_label(
                bars,
                labels=[str(c) if c else "" for c in counts],
                label_type="center",
                color="white" if colour in _DARK else "black",
                fontsize=9,
            )
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(range(len(rows)), labels, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max(n_providers, 1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(
            f"{ptype} ({n_providers} provider{'s' if n_providers != 1 else ''})",
            loc="left",
            fontsize=11,
            fontweight="bold",
        )
        ax.spines[["top", "right"]].set_visible(False)
        ax.get_yticklabels()[-1].set_fontweight("bold")
        ax.axhline(len(rows) - 1.5, color="#555555", linewidth=0.6)  # sets Overall apart
    axes[-1].set_xlabel("Number of providers")
    handles = [_patch(colours[lv], lv) for lv in levels]
    if has_unrated:
        handles.append(_patch(_UNRATED_COLOUR, "Not rated / withheld", hatch="//"))
    fig.legend(
        handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9
    )
    fig.suptitle(
        f"Provider ratings by standard ({framework.id}, version {framework.version})",
        fontsize=12,
        fontweight="bold",
    )
    return fig


def _palette(n: int) -> tuple[str, ...]:
    if n == len(PALETTE):
        return PALETTE
    from matplotlib import colormaps  # only for frameworks with another number of levels

    cmap = colormaps["RdBu_r"]
    return tuple(_hex(cmap(1 - i / max(n - 1, 1) * 0.9 - 0.05)) for i in range(n))


def _hex(rgba: Sequence[float]) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgba[:3])


def _type_order(framework: Framework, ratings: pd.DataFrame) -> list[str]:
    try:
        order = list(framework.profile_variable("provider_type").categories)
    except KeyError:
        order = []
    return order + sorted(set(ratings.provider_type) - set(order))


def _patch(colour: str, label: str, hatch: str | None = None) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="white", hatch=hatch, label=label)
