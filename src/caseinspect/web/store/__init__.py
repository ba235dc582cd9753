"""The database layer shared by the command line, the demo builder and the web views.

- :func:`import_cases` — an all-or-nothing import of a validated case table;
- :func:`cases_frame` — stored cases back out in the interchange format;
- :func:`round_cases` — a named round's cases (latest inspection of each area) and their
  data fingerprint, for analysis, downloads and the bulletin;
- :func:`create_demo_accounts` — one demo account per role (demo databases only).

Call :func:`caseinspect.web.setup` first when not running inside the web server.
"""

from ._demo import DEMO_PASSWORDS, create_demo_accounts
from ._export import cases_frame
from ._import import ImportSummary, import_cases
from ._rounds import ANALYSED_STATUSES, LeftOut, RoundCases, round_cases, round_members

__all__ = [
    "ANALYSED_STATUSES",
    "DEMO_PASSWORDS",
    "ImportSummary",
    "LeftOut",
    "RoundCases",
    "cases_frame",
    "create_demo_accounts",
    "import_cases",
    "round_cases",
    "round_members",
]
