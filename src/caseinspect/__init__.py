"""caseinspect: inspecting the quality of probation casework and publishing what it finds.

The package is split into domain packages (``framework``, ``cases``, ``sampling``,
``ratings``, ``ogrs``, ``stats``, ``analysis``, ``reports``, ``synth``) and two top floors
(``cli`` and ``web``) that call them. The domain packages never import the top floors.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caseinspect")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
