"""caseinspect: inspecting the quality of probation casework and publishing what it finds.

The package is split into domain packages (``framework``, ``cases``, ``sampling``,
``ratings``, ``ogrs``, ``stats``, ``analysis``, ``reports``, ``synth``) and two top floors
(``cli`` and ``web``) that call them. The domain packages never import the top floors.
"""

#: The release, as in ``pyproject.toml`` (a test keeps the two equal). Written here rather
#: than read from the installed metadata: importing ``importlib.metadata`` took a tenth
#: of a second-long command's start-up (issue #12).
__version__ = "0.1.0"

__all__ = ["__version__"]
