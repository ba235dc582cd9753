"""Write a ratings result to disk (shared by the CLI and the demo builder)."""

from __future__ import annotations

from pathlib import Path

from ..framework import Framework
from ..outputs import atomic_outputs, csv_bytes
from ._figure import ratings_figure
from ._rate import RatingsResult

__all__ = ["write_ratings"]


def write_ratings(
    result: RatingsResult, framework: Framework, out_dir: str | Path
) -> dict[str, Path]:
    """Write ``key_questions.csv``, ``ratings.csv``, ``overall.csv`` and ``ratings.png``.

    Returns the paths by name. Identical results give identical CSV files. The CSV files
    are for spreadsheet users: formula-like cells are neutralised (OWASP, see
    :func:`caseinspect.outputs.write_csv`). Everything is written to temporary names and
    renamed at the end, so a failure (a full disk) leaves none of the files behind.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "key_questions": out / "key_questions.csv",
        "ratings": out / "ratings.csv",
        "overall": out / "overall.csv",
        "figure": out / "ratings.png",
    }
    tables = {
        "key_questions": csv_bytes(result.key_questions),
        "ratings": csv_bytes(
            result.ratings[["provider", "standard", "rating", "score", "basis", "title"]]
        ),
        "overall": csv_bytes(result.overall),
    }
    import matplotlib.pyplot as plt

    figure = ratings_figure(result, framework)
    try:
        with atomic_outputs([paths[k] for k in (*tables, "figure")]) as temporary:
            for kind, tmp in zip(tables, temporary, strict=False):
                tmp.write_bytes(tables[kind])
            figure.savefig(temporary[-1], dpi=150, format="png", metadata={"Software": None})
    finally:
        plt.close(figure)
    return paths
