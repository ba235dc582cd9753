"""Write a ratings result to disk (shared by the CLI and the demo builder)."""

from __future__ import annotations

from pathlib import Path

from ..framework import Framework
from ._figure import ratings_figure
from ._rate import RatingsResult

__all__ = ["write_ratings"]


def write_ratings(
    result: RatingsResult, framework: Framework, out_dir: str | Path
) -> dict[str, Path]:
    """Write ``key_questions.csv``, ``ratings.csv``, ``overall.csv`` and ``ratings.png``.

    Returns the paths by name. Identical results give identical CSV files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "key_questions": out / "key_questions.csv",
        "ratings": out / "ratings.csv",
        "overall": out / "overall.csv",
        "figure": out / "ratings.png",
    }
    result.key_questions.to_csv(paths["key_questions"], index=False, lineterminator="\n")
    result.ratings[["provider", "standard", "rating", "score", "basis", "title"]].to_csv(
        paths["ratings"], index=False, lineterminator="\n"
    )
    result.overall.to_csv(paths["overall"], index=False, lineterminator="\n")
    figure = ratings_figure(result, framework)
    figure.savefig(paths["figure"], dpi=150, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(figure)
    return paths
