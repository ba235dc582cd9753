"""Refit the synthetic rounds and rewrite their cached calibrations.

Run ``python -m caseinspect.synth._refit [ROUND ...]`` after changing the published tables
or ``data/model.yaml``; the fit is deterministic, so an unchanged input rewrites the same
bytes (a test checks that the shipped files are current).
"""

from __future__ import annotations

import sys

from ._calibrate import calibrate, calibration_file, to_json
from ._spec import ROUND_IDS

__all__: list[str] = []


def main(argv: list[str]) -> int:
    for round_id in argv or list(ROUND_IDS):
        calibration = calibrate(round_id)
        calibration_file(round_id).write_text(to_json(calibration), encoding="utf-8")
        print(f"{round_id}: latent {calibration.latent} achieved {calibration.achieved}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
