"""The codebook: themes of inspectors' rationales, as framework data.

A framework's codebook lives beside it, in ``<Framework.companion_dir>/codebook.yaml``
(``framework/data/hmip-2018/codebook.yaml`` for the shipped 2018 standards). The research
team edits that file to add, reword or retire a theme; nothing in the code names a theme.
:func:`load_codebook` reads it, checks every key against the framework, and returns frozen
values. Every problem in the file is reported at once, each with its line and key path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import ExitCode, Problem, ValidationError
from ..framework import Framework

__all__ = ["THEME_KINDS", "Codebook", "CodebookError", "Theme", "codebook_path", "load_codebook"]

#: The kinds a theme may have: enablers explain a sufficient ('yes') judgement, barriers
#: an insufficient ('no') one, 'other' themes either.
THEME_KINDS = ("enabler", "barrier", "other")

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_THEME_KEYS = {
    "code",
    "label",
    "kind",
    "source",
    "definition",
    "include",
    "exclude",
    "examples",
    "items",
}
_REQUIRED = ("code", "label", "kind", "definition", "examples")


class CodebookError(ValidationError):
    """A codebook file with problems; ``problems`` lists each with its line and key."""

    exit_code = ExitCode.UNUSABLE


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook.

    Attributes
    ----------
    code : str
        Stable identifier, as written to ``codes.csv``.
    label : str
        Short name for tables and the bulletin.
    kind : {"enabler", "barrier", "other"}
    definition : str
    include, exclude : tuple of str
        Inclusion and exclusion notes for coders.
    examples : tuple of str
        Sentences as an inspector might write them; the classifier's few-shot examples.
    items : tuple of str
        Framework items whose rationales the theme applies to; empty means all of them.
    source : str
        Where the theme comes from (e.g. a bulletin section).
    """

    code: str
    label: str
    kind: Literal["enabler", "barrier", "other"]
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    examples: tuple[str, ...]
    items: tuple[str, ...]
    source: str = ""

    def applies_to(self, item: str) -> bool:
        """Whether the theme may be coded on a rationale of ``item``."""
        return not self.items or item in self.items

    def explains(self, answer: str) -> bool:
        """Whether the theme can explain the judgement ``answer`` ('yes', 'no', or '')."""
        if self.kind == "other" or answer not in ("yes", "no"):
            return True
        return (self.kind == "enabler") == (answer == "yes")


@dataclass(frozen=True)
class Codebook:
    """The themes of one framework, in file order.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> book = load_codebook(load_framework("hmip-2018"))
    >>> [t.code for t in book.themes if t.kind == "enabler"][:3]
    ['sources_and_voice', 'timely_referrals_sequencing', 'protective_factors_utilised']
    >>> book.theme("agency_liaison").label
    'Good liaison with other agencies'
    """

    framework: str
    version: str
    title: str
    source: str
    themes: tuple[Theme, ...]
    items: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.themes)

    def theme(self, code: str) -> Theme:
        """The theme with this code; :class:`~caseinspect.errors.UnknownName` if none."""
        for theme in self.themes:
            if theme.code == code:
                return theme
        from ..errors import UnknownName

        raise UnknownName(f"the codebook of {self.framework!r} has no theme {code!r}")

    def candidates(self, item: str, answer: str = "") -> tuple[Theme, ...]:
        """The themes that may be coded on a rationale of ``item`` explaining ``answer``."""
        return tuple(t for t in self.themes if t.applies_to(item) and t.explains(answer))


def codebook_path(framework: Framework) -> Path:
    """Where the framework's codebook is looked for: ``<companion_dir>/codebook.yaml``."""
    return framework.companion_dir / "codebook.yaml"


def load_codebook(framework: Framework, path: str | Path | None = None) -> Codebook:
    """Read and check a codebook against ``framework``.

    Parameters
    ----------
    framework : Framework
        The items named by the themes must be items of this framework with a rationale.
    path : str or Path, optional
        The codebook file; by default :func:`codebook_path` of the framework.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        Listing every problem in the file (missing file, bad YAML, unknown key, missing or
        empty value, duplicate code, unknown kind or item), each with its line and key.
    """
    source = Path(path) if path is not None else codebook_path(framework)
    name = str(source)
    if not source.is_file():
        raise CodebookError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    "missing-codebook",
                    f"framework {framework.id!r} has no codebook: {name} does not exist",
                )
            ],
            hint="write a codebook.yaml beside the framework (see docs/themes.md)",
        )
    try:
        text = source.read_text(encoding="utf-8")
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise CodebookError(
            [Problem(name, None, None, None, "encoding", f"not UTF-8: {exc}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CodebookError(
            [Problem(name, line, None, None, "yaml", f"not valid YAML: {exc}")]
        ) from None
    builder = _Builder(name, framework)
    codebook = builder.build(doc)
    if builder.problems:
        raise CodebookError(sorted(builder.problems, key=lambda p: (p.row or 0, p.column or "")))
    assert codebook is not None  # noqa: S101 - no problems means it was built
    return codebook


# --- YAML with line numbers -------------------------------------------------------------
class _LineDict(dict):
    line: int = 0


class _LineList(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping and sequence."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> _LineList:
    sequence = _LineList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + 1
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Builder:
    """Collects every problem while building the codebook."""

    def __init__(self, source: str, framework: Framework):
        self.source = source
        self.framework = framework
        self.problems: list[Problem] = []
        self.rationale_items = tuple(i.code for i in framework.items if i.rationale != "none")

    def problem(self, node: Any, path: str, rule: str, message: str, value: Any = None) -> None:
        line = getattr(node, "line", None)
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.source, line, path, shown, rule, message))

    def build(self, doc: Any) -> Codebook | None:
        if not isinstance(doc, dict):
            self.problem(
                doc, "", "not-a-mapping", "the file must be a mapping with 'codebook' and 'themes'"
            )
            return None
        for key in sorted(set(doc) - {"codebook", "themes"}):
            self.problem(
                doc, str(key), "unknown-key", f"unknown key {key!r} (allowed: codebook, themes)"
            )
        head = doc.get("codebook")
        if not isinstance(head, dict):
            self.problem(
                doc,
                "codebook",
                "missing",
                "'codebook' must be a mapping (framework, version, title)",
            )
            head = _LineDict()
        for key in sorted(set(head) - {"framework", "version", "title"}):
            self.problem(head, f"codebook.{key}", "unknown-key", f"unknown key {key!r}")
        framework_id = str(head.get("framework", ""))
        if framework_id != self.framework.id:
            self.problem(
                head,
                "codebook.framework",
                "wrong-framework",
                f"the codebook says it is for {framework_id or 'no framework'!r}, "
                f"but is read for {self.framework.id!r}",
                framework_id,
            )
        version = head.get("version")
        if version is None or str(version).strip() == "":
            self.problem(head, "codebook.version", "missing", "'version' is required")
        nodes = doc.get("themes")
        if not isinstance(nodes, list) or not nodes:
            self.problem(doc, "themes", "missing", "'themes' must be a non-empty list")
            nodes = []
        themes: list[Theme] = []
        seen: dict[str, int] = {}
        for index, node in enumerate(nodes):
            theme = self.build_theme(node, f"themes[{index}]")
            if theme is None:
                continue
            if theme.code in seen:
                self.problem(
                    node,
                    f"themes[{index}].code",
                    "duplicate",
                    f"theme code {theme.code!r} is used twice (first at line {seen[theme.code]})",
                    theme.code,
                )
                continue
            seen[theme.code] = getattr(node, "line", 0)
            themes.append(theme)
        self.check_exclusions(nodes, {t.code for t in themes})
        items = tuple(i for i in self.rationale_items if any(t.applies_to(i) for t in themes))
        return Codebook(
            framework=self.framework.id,
            version=str(version or ""),
            title=str(head.get("title", "")),
            source=self.source,
            themes=tuple(themes),
            items=items,
        )

    def build_theme(self, node: Any, path: str) -> Theme | None:
        if not isinstance(node, dict):
            self.problem(node, path, "not-a-mapping", "each theme must be a mapping")
            return None
        for key in sorted(set(node) - _THEME_KEYS):
            self.problem(
                node,
                f"{path}.{key}",
                "unknown-key",
                f"unknown key {key!r} (allowed: {', '.join(sorted(_THEME_KEYS))})",
            )
        ok = True
        for key in _REQUIRED:
            value = node.get(key)
            if value is None or (isinstance(value, (str, list)) and len(value) == 0):
                self.problem(node, f"{path}.{key}", "missing", f"'{key}' is required")
                ok = False
        code = str(node.get("code", ""))
        if code and not _CODE.match(code):
            self.problem(
                node,
                f"{path}.code",
                "bad-code",
                "a theme code is lower case letters, digits and underscores, starting with a letter",
                code,
            )
            ok = False
        kind = node.get("kind")
        if kind is not None and kind not in THEME_KINDS:
            self.problem(
                node,
                f"{path}.kind",
                "unknown-kind",
                f"kind must be one of {', '.join(THEME_KINDS)}",
                kind,
            )
            ok = False
        include = self.strings(node, path, "include")
        exclude = self.strings(node, path, "exclude")
        examples = self.strings(node, path, "examples")
        items = self.strings(node, path, "items")
        for item in items:
            if item not in self.framework.item_codes:
                self.problem(
                    node.get("items", node),
                    f"{path}.items",
                    "unknown-item",
                    f"framework {self.framework.id!r} has no item {item!r}",
                    item,
                )
                ok = False
            elif item not in self.rationale_items:
                self.problem(
                    node.get("items", node),
                    f"{path}.items",
                    "no-rationale",
                    f"item {item!r} takes no rationale in framework {self.framework.id!r}",
                    item,
                )
                ok = False
        for key in ("label", "definition", "source"):
            value = node.get(key)
            if value is not None and not isinstance(value, str):
                self.problem(node, f"{path}.{key}", "not-text", f"'{key}' must be text", value)
                ok = False
        if not ok:
            return None
        return Theme(
            code=code,
            label=str(node["label"]).strip(),
            kind=kind,  # type: ignore[arg-type]  # checked above
            definition=" ".join(str(node["definition"]).split()),
            include=include,
            exclude=exclude,
            examples=examples,
            items=items,
            source=str(node.get("source", "")).strip(),
        )

    def strings(self, node: dict[str, Any], path: str, key: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(node, f"{path}.{key}", "not-a-list", f"'{key}' must be a list of text")
            return ()
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.problem(
                    value,
                    f"{path}.{key}[{i}]",
                    "not-text",
                    "each entry must be non-empty text",
                    entry,
                )
                continue
            out.append(entry.strip())
        return tuple(out)

    def check_exclusions(self, nodes: Iterable[Any], codes: set[str]) -> None:
        """An exclusion note that names a theme (``...: code.``) must name one that exists."""
        pattern = re.compile(r":\s*([a-z][a-z0-9_]*)\b")
        for index, node in enumerate(nodes):
            if not isinstance(node, dict) or not isinstance(node.get("exclude"), list):
                continue
            for j, note in enumerate(node["exclude"]):
                if not isinstance(note, str):
                    continue
                for match in pattern.finditer(note):
                    ref = match.group(1)
                    if "_" in ref and ref not in codes:
                        self.problem(
                            node["exclude"],
                            f"themes[{index}].exclude[{j}]",
                            "unknown-theme",
                            f"the note refers to a theme {ref!r} that the codebook does not have",
                            ref,
                        )
