"""The committed lock is complete, hashed, and agrees with uv.lock and pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(path: Path) -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins.setdefault(_name(match.group(1)), set()).add(match.group(2))
    return pins


def test_every_pin_carries_hashes():
    for lock in ("requirements.txt", "requirements-build.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8"))
        pinned = [b for b in blocks if PIN.match(b)]
        assert pinned and all("--hash=sha256:" in b for b in pinned), lock


def test_every_dependency_of_the_project_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for deps in project["optional-dependencies"].values():
        wanted += [d for d in deps if not d.startswith("caseinspect")]
    pins = _pins(ROOT / "requirements.txt")
    names = {_name(re.split(r"[<>=\[; ]", d, maxsplit=1)[0]) for d in wanted}
    assert names - set(pins) == set()


def test_uv_lock_agrees_with_the_requirements_lock():
    packages = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]
    in_uv: dict[str, set[str]] = {}
    for package in packages:
        in_uv.setdefault(_name(package["name"]), set()).add(package.get("version", ""))
    pins = _pins(ROOT / "requirements.txt")
    disagree = {k: (v, in_uv.get(k)) for k, v in pins.items() if not v & in_uv.get(k, set())}
    assert disagree == {}
