"""The CLI starts light, and the core install pulls in no optional part."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from caseinspect.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "django", "weasyprint")


def _modules_after(code: str) -> list[str]:
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    code = (
        "from caseinspect.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert _modules_after(code) == []


def test_a_light_command_imports_only_what_it_uses():
    # `frameworks` needs the framework loader (numpy/pandas for its tables) but never
    # Django, matplotlib, statsmodels or WeasyPrint.
    loaded = _modules_after("from caseinspect.cli import main\nmain(['frameworks'])")
    assert not {"django", "matplotlib", "statsmodels", "weasyprint"} & set(loaded)


def test_the_command_table_matches_each_command():
    for name, (module, attribute, short_help) in COMMANDS.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name, (module, attribute)
        assert command.get_short_help_str(limit=90) == short_help, name


def test_the_core_install_pulls_in_no_optional_part():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {
        dep.split(">")[0].split("[")[0].split("=")[0].strip().lower()
        for dep in project["dependencies"]
    }
    assert not core & {"django", "gunicorn", "psycopg", "weasyprint", "django-axes", "django-csp"}
    extras = project["optional-dependencies"]
    assert {"web", "pdf", "postgres", "text", "all"} <= set(extras)
    assert any(d.lower().startswith("django") for d in extras["web"])
    assert any(d.lower().startswith("weasyprint") for d in extras["pdf"])
    assert any(d.lower().startswith("psycopg") for d in extras["postgres"])


def test_a_missing_extra_is_one_message_and_exit_2(monkeypatch, capsys):
    import importlib.util

    from caseinspect.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "django" else real(name, *a)
    )
    assert main(["serve", "--db", "sqlite:////tmp/x.sqlite3"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'caseinspect[web]'" in err and "Traceback" not in err


def test_the_version_is_the_released_one():
    # __version__ is written in the package (reading the installed metadata cost start-up
    # time): it must say what pyproject.toml and the installed metadata say.
    from importlib.metadata import version

    import caseinspect

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert caseinspect.__version__ == project["version"] == version("caseinspect")
