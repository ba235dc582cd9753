"""The research bulletin: from a round of cases to a publishable bulletin.

:func:`build_bulletin` runs the analysis and renders the framework's findings templates
(``<companion_dir>/bulletin/*.j2``) through a small documented context (cells, models,
profile, comparisons); :func:`write_bulletin` writes ``bulletin.html`` (one file, images
embedded), ``bulletin.pdf`` (A4, tagged), ``bulletin.docx`` (editable), ``numbers.csv``
(every number of the prose with the cell it came from), ``cells.csv`` and
``provenance.json``; :func:`check_bulletin` re-reads the HTML and DOCX and reports every
number that is not in ``numbers.csv`` or no longer equals its cell. See
``docs/bulletin.md``.
"""

from ._check import Drift, check_bulletin
from ._compare import Comparison, Crosswalk, compare_rounds, load_crosswalk
from ._context import TemplateRuleError
from ._document import Bulletin, build_bulletin
from ._numbers import NumberRef
from ._phrases import PhraseBands, fraction_phrase, load_phrases
from ._write import write_bulletin

__all__ = [
    "Bulletin",
    "Comparison",
    "Crosswalk",
    "Drift",
    "NumberRef",
    "PhraseBands",
    "TemplateRuleError",
    "build_bulletin",
    "check_bulletin",
    "compare_rounds",
    "fraction_phrase",
    "load_crosswalk",
    "load_phrases",
    "write_bulletin",
]
