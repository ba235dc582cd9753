"""The coding workspace and the practice-example library (a Django app of its own).

Analysts code rationales into the codebook's themes (suggestions with scores from
:func:`caseinspect.text.suggest_codes`, accepted, rejected or added by a person), double-code
a sample and see per-theme kappa and AC1, and export the coded set. The library searches
practice notes and rationales (SQLite FTS5 or PostgreSQL full-text search, behind
:mod:`.search`); an analyst marks practice examples for publication, reviews their
pseudonymisation, and only approved examples can be downloaded for publication.
"""
