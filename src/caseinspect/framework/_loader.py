"""Read a framework YAML file, check it whole, and build the frozen model.

Every problem in the file is collected with its line and key path before anything is
returned, so an author fixes the file in one pass: :class:`FrameworkError` lists them all.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from ..errors import ExitCode, Problem, ValidationError
from ._model import (
    DEFAULT_MAX_TEXT_LENGTH,
    PROFILE_ID_COLUMNS,
    Condition,
    Domain,
    FigureLayout,
    Framework,
    Item,
    KeyQuestion,
    LayoutRules,
    OverallBand,
    ProfileRule,
    ProfileVariable,
    RatingLevel,
    RatingsRules,
    SampleMinimum,
    SamplingRules,
    Section,
    Standard,
    TableColumn,
    TableSpec,
)

__all__ = ["FrameworkError", "load_framework", "available_frameworks", "framework_path"]

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_SUFFIX = "__"


class FrameworkError(ValidationError):
    """A framework file is not valid; ``problems`` lists every problem with its location.

    Exit code 2: a command cannot be used without a valid framework (``check-framework``,
    whose input the framework is, reports its problems with exit code 1).
    """

    exit_code = ExitCode.UNUSABLE


def available_frameworks() -> tuple[str, ...]:
    """Names of the frameworks shipped with caseinspect."""
    data = files(__package__).joinpath("data")
    return tuple(sorted(p.name[:-5] for p in data.iterdir() if p.name.endswith(".yaml")))


def framework_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped framework name (``hmip-2018``) or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        if not candidate.is_file():
            raise FrameworkError(
                [
                    Problem(
                        str(candidate),
                        None,
                        None,
                        None,
                        "file-not-found",
                        "framework file not found",
                    )
                ]
            )
        return candidate
    shipped = Path(str(files(__package__).joinpath("data", f"{name_or_path}.yaml")))
    if not shipped.is_file():
        known = ", ".join(available_frameworks())
        raise FrameworkError(
            [
                Problem(
                    str(name_or_path),
                    None,
                    None,
                    None,
                    "unknown-framework",
                    f"no framework named '{name_or_path}'; shipped frameworks: {known}",
                )
            ],
            hint="pass a shipped framework name or the path of a framework YAML file",
        )
    return shipped


_CACHE: dict[tuple[str, str], Framework] = {}


def load_framework(name_or_path: str | Path) -> Framework:
    """Load and check a framework.

    Parameters
    ----------
    name_or_path : str or Path
        A shipped framework name (see :func:`available_frameworks`) or a YAML file path.

    Returns
    -------
    Framework
        Frozen and checked; identical files give equal fingerprints.

    Raises
    ------
    FrameworkError
        Listing every problem in the file, each with its line and key path.

    Examples
    --------
    >>> fw = load_framework("qi-2016")
    >>> fw.id, len(fw.items), [t.id for t in fw.tables][:3]
    ('qi-2016', 7, ['T1', 'T2', 'T3'])
    """
    path = framework_path(name_or_path)
    raw_bytes = path.read_bytes()
    fingerprint = hashlib.sha256(raw_bytes).hexdigest()
    key = (str(path.resolve()), fingerprint)
    if key in _CACHE:
        return _CACHE[key]
    try:
        text = raw_bytes.decode("utf-8")
        try:
            document, duplicates = _read_yaml(text, str(path), _FAST_LOADER)
        except yaml.YAMLError:
            # libyaml words its errors differently: read again with PyYAML's own parser,
            # which raises the error (line and message) authors have always been shown.
            document, duplicates = _read_yaml(text, str(path), _LineLoader)
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            [Problem(str(path), None, None, None, "encoding", f"not UTF-8: {exc}")]
        ) from None
    except RecursionError:  # _check_nesting should have caught it; never a traceback
        raise FrameworkError(
            [Problem(str(path), None, None, None, "too-deep", "the YAML is nested too deeply")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FrameworkError(
            [
                Problem(
                    str(path),
                    line,
                    None,
                    None,
                    "yaml-syntax",
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                )
            ]
        ) from None
    builder = _Builder(str(path), fingerprint)
    builder.problems.extend(
        Problem(str(path), line, key, key, "duplicate-key", message)
        for line, key, message in duplicates
    )
    framework = builder.build(document)
    if builder.problems:
        raise FrameworkError(
            builder.problems, hint="fix the framework file; every problem is listed"
        )
    _CACHE[key] = framework
    return framework


# --- YAML with line numbers -------------------------------------------------------------


class _LineDict(dict):
    line: int = 0


class _LineList(list):
    line: int = 0


#: Deeper than any framework needs (the shipped ones nest 6 levels); deeper files are
#: refused before PyYAML's recursive composer could overflow the stack.
MAX_NESTING = 50


def _read_yaml(
    text: str, source: str, loader_class: type[_LineLoader] | type[_CLineLoader]
) -> tuple[Any, list[tuple[int, str, str]]]:
    """The document of ``text`` (mappings and sequences knowing their line), and its duplicates.

    ``loader_class`` is :class:`_CLineLoader` (libyaml: the shipped framework reads in a
    few milliseconds instead of a few hundred, most of the ``tables`` command's budget,
    issue #12) or :class:`_LineLoader` (pure Python, for its error messages); both build
    the same document with the same lines.
    """
    _check_nesting(text, source, loader_class)
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _check_nesting(
    text: str, source: str, loader_class: type[yaml.SafeLoader] | type[_CLineLoader]
) -> None:
    """Refuse YAML nested deeper than :data:`MAX_NESTING`, naming the line.

    Walks the parser's events (a loop, not recursion), so it cannot overflow itself.
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                line = event.start_mark.line + 1 if event.start_mark is not None else None
                raise FrameworkError(
                    [
                        Problem(
                            source,
                            line,
                            None,
                            None,
                            "too-deep",
                            f"the YAML is nested more than {MAX_NESTING} levels deep; "
                            "a framework file never needs that",
                        )
                    ]
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping and sequence.

    It also records duplicate keys (PyYAML keeps the last one silently) as
    ``(line, key, message)`` in :attr:`duplicates`, naming both lines.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[tuple[int, str, str]] = []


_CSafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CLineLoader(_CSafeLoader):
    """:class:`_LineLoader` on libyaml's parser (PyYAML's own when libyaml is missing)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[tuple[int, str, str]] = []


def _construct_map(loader: _LineLoader | _CLineLoader, node: yaml.MappingNode) -> _LineDict:
    first_line: dict[object, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in first_line:
            loader.duplicates.append(
                (
                    line,
                    str(key),
                    f"key '{key}' appears twice in the same mapping (lines {first_line[key]} "
                    f"and {line}); only one may be given",
                )
            )
        else:
            first_line[key] = line
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_seq(loader: _LineLoader | _CLineLoader, node: yaml.SequenceNode) -> _LineList:
    sequence = _LineList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + 1
    return sequence


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


# Plain YAML 1.1 would read yes/no/on/off as booleans; answers are the strings "yes"/"no".
# The loader gets its own copy of the resolver table first: the inherited one is
# PyYAML's, shared by every yaml.safe_load in the process.
_LineLoader.yaml_implicit_resolvers = {
    first: list(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in list(_LineLoader.yaml_implicit_resolvers):
    _LineLoader.yaml_implicit_resolvers[_first] = [
        (tag, regexp)
        for tag, regexp in _LineLoader.yaml_implicit_resolvers[_first]
        if tag != "tag:yaml.org,2002:bool"
    ]
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# The fast loader constructs and resolves exactly as _LineLoader: only the parser differs.
_CLineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_CLineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_CLineLoader.yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
_FAST_LOADER = _CLineLoader


class _Builder:
    """Walks the document, records problems, and builds the model where it can."""

    def __init__(self, source: str, fingerprint: str):
        self.source = source
        self.fingerprint = fingerprint
        self.problems: list[Problem] = []

    # --- problem recording --------------------------------------------------------------
    def problem(self, node: Any, path: str, rule: str, message: str, value: Any = None) -> None:
        line = getattr(node, "line", None)
        self.problems.append(
            Problem(self.source, line, path, None if value is None else str(value), rule, message)
        )

    def get(
        self,
        node: dict,
        key: str,
        path: str,
        kind: type | tuple,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        if not isinstance(node, dict):
            self.problem(node, path, "wrong-type", "expected a mapping")
            return default
        if key not in node or node[key] is None:
            if required:
                self.problem(
                    node, f"{path}.{key}" if path else key, "missing-key", f"'{key}' is required"
                )
            return default
        value = node[key]
        if not isinstance(value, kind) or (
            kind is not bool and isinstance(value, bool) and bool not in _as_tuple(kind)
        ):
            names = " or ".join(t.__name__ for t in _as_tuple(kind))
            self.problem(
                node,
                f"{path}.{key}" if path else key,
                "wrong-type",
                f"'{key}' must be {names}, not {type(value).__name__}",
                value,
            )
            return default
        return value

    def unknown_keys(self, node: Any, path: str, allowed: set[str]) -> None:
        if isinstance(node, dict):
            for key in node:
                if key not in allowed:
                    self.problem(
                        node,
                        f"{path}.{key}" if path else str(key),
                        "unknown-key",
                        f"unknown key '{key}'; allowed: {', '.join(sorted(allowed))}",
                    )

    def str_list(
        self, node: dict, key: str, path: str, *, required: bool = True
    ) -> tuple[str, ...]:
        values = self.get(node, key, path, list, required=required, default=[])
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.problem(values, f"{path}.{key}[{i}]", "wrong-type", "expected a string", value)
            else:
                out.append(str(value))
        return tuple(out)

    # --- the document ---------------------------------------------------------------------
    def build(self, doc: Any) -> Framework:
        if not isinstance(doc, dict):
            self.problem(
                doc, "", "wrong-type", "a framework file must be a mapping at the top level"
            )
            doc = _LineDict()
        self.unknown_keys(
            doc,
            "",
            {
                "id",
                "limits",
                "version",
                "title",
                "round",
                "profile",
                "profile_rules",
                "sections",
                "items",
                "domains",
                "ratings",
                "sampling",
                "tables",
                "layout",
                "figures",
            },
        )
        fid = self.get(doc, "id", "", str, default="")
        version = self.get(doc, "version", "", (str, int, float), default="")
        if not isinstance(version, str):
            # YAML reads an unquoted 2016.10 as the number 2016.1: the text is lost.
            self.problem(
                doc,
                "version",
                "version-not-string",
                f"'version' must be text in quotes, not the number {version}: YAML reads an "
                'unquoted 2016.10 as 2016.1, so write e.g. version: "2016.10"',
                version,
            )
        title = self.get(doc, "title", "", str, default="")
        round_ = self.get(doc, "round", "", str, required=False)
        profile = self.build_profile(self.get(doc, "profile", "", list, default=[]))
        sections = self.build_sections(self.get(doc, "sections", "", list, default=[]))
        items = self.build_items(
            self.get(doc, "items", "", list, default=[]), {s.code for s in sections}
        )
        items_by_code = {item.code: item for item in items}
        self.check_conditions(items, items_by_code)
        profile_rules = self.build_profile_rules(
            self.get(doc, "profile_rules", "", list, required=False, default=[]), profile
        )
        domains = self.build_domains(
            self.get(doc, "domains", "", list, required=False, default=[]), items_by_code
        )
        ratings = self.build_ratings(doc.get("ratings")) if doc.get("ratings") is not None else None
        sampling = (
            self.build_sampling(doc.get("sampling")) if doc.get("sampling") is not None else None
        )
        tables = self.build_tables(
            self.get(doc, "tables", "", list, required=False, default=[]), profile, items_by_code
        )
        figures = self.build_figures(
            self.get(doc, "figures", "", dict, required=False, default={}), profile
        )
        if any(s.basis == "cases" for d in domains for s in d.standards) and ratings is None:
            self.problem(
                doc, "ratings", "missing-key", "case-based standards need a 'ratings' block"
            )
        return Framework(
            id=fid,
            version=str(version),
            title=title,
            round=round_,
            fingerprint=self.fingerprint,
            source=self.source,
            max_text_length=self.build_limits(doc.get("limits")),
            profile=profile,
            profile_rules=profile_rules,
            sections=sections,
            items=items,
            domains=domains,
            ratings=ratings,
            sampling=sampling,
            tables=tables,
            figures=figures,
            layout=self.build_layout(doc.get("layout")),
            _items_by_code=items_by_code,
        )

    def build_figures(self, node: dict, profile: tuple[ProfileVariable, ...]) -> FigureLayout:
        """The ``figures`` block: risk variables (profile codes) and printed titles."""
        self.unknown_keys(node, "figures", {"risk_variables", "titles"})
        codes = {v.code for v in profile}
        risks = self.get(node, "risk_variables", "figures", list, required=False, default=[])
        for i, code in enumerate(risks):
            if code not in codes:
                self.problem(
                    node,
                    f"figures.risk_variables[{i}]",
                    "unknown-variable",
                    f"'{code}' is not a profile variable",
                    str(code),
                )
        titles = self.get(node, "titles", "figures", dict, required=False, default={})
        return FigureLayout(
            risk_variables=tuple(str(c) for c in risks if c in codes),
            titles=tuple((str(k), str(v)) for k, v in titles.items()),
        )

    def build_layout(self, node: Any) -> LayoutRules:
        """The optional ``layout`` block: figure numbering, small-cell mark, table note."""
        if node is None:
            return LayoutRules()
        path = "layout"
        if not isinstance(node, dict):
            self.problem(node, path, "wrong-type", "expected a mapping")
            return LayoutRules()
        self.unknown_keys(
            node, path, {"first_figure_number", "unreliable_below", "significance_note"}
        )
        first = self.get(node, "first_figure_number", path, int, required=False, default=1)
        below = self.get(node, "unreliable_below", path, int, required=False, default=10)
        for key, value, least in (
            ("first_figure_number", first, 1),
            ("unreliable_below", below, 0),
        ):
            if isinstance(value, int) and value < least:
                self.problem(
                    node, f"{path}.{key}", "out-of-range", f"must be {least} or more", str(value)
                )
        return LayoutRules(
            first_figure_number=first if isinstance(first, int) and first >= 1 else 1,
            unreliable_below=below if isinstance(below, int) and below >= 0 else 10,
            significance_note=self.get(node, "significance_note", path, str, required=False),
        )

    def build_limits(self, node: Any) -> int:
        """The ``limits`` block: ``text_length``, the longest free text a cell may hold."""
        if node is None:
            return DEFAULT_MAX_TEXT_LENGTH
        self.unknown_keys(node, "limits", {"text_length"})
        value = self.get(node, "text_length", "limits", int, required=False)
        if value is None:
            return DEFAULT_MAX_TEXT_LENGTH
        if value < 1:
            self.problem(
                node, "limits.text_length", "out-of-range", "must be a positive number", value
            )
            return DEFAULT_MAX_TEXT_LENGTH
        return int(value)

    def build_profile(self, nodes: list) -> tuple[ProfileVariable, ...]:
        out, seen = [], set()
        for i, node in enumerate(nodes):
            path = f"profile[{i}]"
            self.unknown_keys(node, path, {"code", "label", "table_variable", "categories"})
            code = self.get(node, "code", path, str, default="")
            if code in PROFILE_ID_COLUMNS[:3]:
                self.problem(
                    node,
                    f"{path}.code",
                    "reserved-code",
                    f"'{code}' is an identifying column, not a sub-group",
                )
            if code in seen:
                self.problem(
                    node,
                    f"{path}.code",
                    "duplicate-code",
                    f"profile variable '{code}' defined twice",
                    code,
                )
            seen.add(code)
            categories = self.str_list(node, "categories", path)
            if len(set(categories)) != len(categories):
                self.problem(
                    node, f"{path}.categories", "duplicate-category", "a category is listed twice"
                )
            if not categories:
                self.problem(
                    node, f"{path}.categories", "empty", "a profile variable needs categories"
                )
            out.append(
                ProfileVariable(
                    code=code,
                    label=self.get(node, "label", path, str, default=code),
                    table_variable=self.get(
                        node, "table_variable", path, str, required=False, default=code
                    ),
                    categories=categories,
                )
            )
        if "provider_type" not in seen:
            self.problem(
                nodes, "profile", "missing-profile", "the profile must define 'provider_type'"
            )
        return tuple(out)

    def build_profile_rules(
        self, nodes: list, profile: tuple[ProfileVariable, ...]
    ) -> tuple[ProfileRule, ...]:
        cats = {v.code: set(v.categories) for v in profile}
        out = []
        for i, node in enumerate(nodes):
            path = f"profile_rules[{i}]"
            self.unknown_keys(node, path, {"rule", "message", "when", "forbid"})
            parts = {}
            for key in ("when", "forbid"):
                mapping = self.get(node, key, path, dict, default={})
                parsed = {}
                for column, values in mapping.items():
                    values = tuple(
                        str(v) for v in (values if isinstance(values, list) else [values])
                    )
                    if column not in cats:
                        self.problem(
                            mapping,
                            f"{path}.{key}.{column}",
                            "unknown-profile",
                            f"no profile variable '{column}'",
                        )
                    else:
                        for v in values:
                            if v not in cats[column]:
                                self.problem(
                                    mapping,
                                    f"{path}.{key}.{column}",
                                    "unknown-category",
                                    f"'{v}' is not a category of '{column}'",
                                    v,
                                )
                    parsed[column] = values
                parts[key] = parsed
            out.append(
                ProfileRule(
                    rule=self.get(node, "rule", path, str, default=""),
                    message=self.get(node, "message", path, str, default=""),
                    when=parts["when"],
                    forbid=parts["forbid"],
                )
            )
        return tuple(out)

    def build_sections(self, nodes: list) -> tuple[Section, ...]:
        out, seen = [], set()
        for i, node in enumerate(nodes):
            path = f"sections[{i}]"
            self.unknown_keys(node, path, {"code", "title", "hint"})
            code = str(self.get(node, "code", path, (str, int, float), default=""))
            if code in seen:
                self.problem(
                    node, f"{path}.code", "duplicate-code", f"section '{code}' defined twice", code
                )
            seen.add(code)
            out.append(
                Section(
                    code=code,
                    title=self.get(node, "title", path, str, default=code),
                    hint=self.get(node, "hint", path, str, required=False),
                )
            )
        return tuple(out)

    def build_items(self, nodes: list, section_codes: set[str]) -> tuple[Item, ...]:
        out, seen = [], set()
        for i, node in enumerate(nodes):
            path = f"items[{i}]"
            self.unknown_keys(
                node,
                path,
                {
                    "code",
                    "label",
                    "text",
                    "section",
                    "kind",
                    "group",
                    "applies_if",
                    "not_applicable",
                    "rationale",
                    "required",
                },
            )
            code = self.get(node, "code", path, str, default="")
            if code and (not _CODE.match(code) or _RESERVED_SUFFIX in code):
                self.problem(
                    node,
                    f"{path}.code",
                    "bad-code",
                    "item codes are lower-case letters, digits and single underscores",
                    code,
                )
            if code in seen:
                self.problem(
                    node, f"{path}.code", "duplicate-code", f"item '{code}' defined twice", code
                )
            if code in PROFILE_ID_COLUMNS:
                self.problem(
                    node, f"{path}.code", "reserved-code", f"'{code}' is a profile column", code
                )
            seen.add(code)
            section = str(self.get(node, "section", path, (str, int, float), default=""))
            if section and section not in section_codes:
                self.problem(
                    node, f"{path}.section", "unknown-section", f"no section '{section}'", section
                )
            kind = self.choice(node, "kind", path, ("identified", "judgement"), "judgement")
            na = self.choice(node, "not_applicable", path, ("allowed", "never"), "allowed")
            rationale = self.choice(
                node, "rationale", path, ("none", "optional", "required"), "optional"
            )
            applies_if = None
            if node.get("applies_if") is not None:
                applies_if = self.build_condition(node["applies_if"], f"{path}.applies_if")
            out.append(
                Item(
                    code=code,
                    label=self.get(node, "label", path, str, default=code),
                    text=self.get(node, "text", path, str, default=""),
                    section=section,
                    kind=cast(Literal["identified", "judgement"], kind),
                    group=self.get(node, "group", path, str, required=False),
                    applies_if=applies_if,
                    not_applicable=cast(Literal["allowed", "never"], na),
                    rationale=cast(Literal["none", "optional", "required"], rationale),
                    required=bool(
                        self.get(node, "required", path, bool, required=False, default=False)
                    ),
                )
            )
        if not out:
            self.problem(nodes, "items", "empty", "a framework needs at least one item")
        return tuple(out)

    def choice(
        self, node: dict, key: str, path: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = self.get(node, key, path, str, required=False, default=default)
        if value not in allowed:
            self.problem(
                node,
                f"{path}.{key}",
                "bad-value",
                f"'{key}' must be one of {', '.join(allowed)}",
                value,
            )
            return default
        return value

    def build_condition(self, node: Any, path: str) -> Condition:
        if not isinstance(node, dict):
            self.problem(
                node, path, "wrong-type", 'a condition is a mapping like {item: X, equals: "yes"}'
            )
            return Condition()
        self.unknown_keys(node, path, {"item", "equals", "all"})
        subs = tuple(
            self.build_condition(sub, f"{path}.all[{j}]")
            for j, sub in enumerate(node.get("all") or [])
        )
        item = node.get("item")
        equals = node.get("equals")
        if item is not None and equals is None:
            self.problem(node, f"{path}.equals", "missing-key", "'equals' is required with 'item'")
        if equals is not None and str(equals) not in ("yes", "no"):
            self.problem(
                node, f"{path}.equals", "bad-value", '\'equals\' must be "yes" or "no"', equals
            )
        if item is None and not subs:
            self.problem(node, path, "empty", "a condition needs 'item' or 'all'")
        return Condition(
            item=None if item is None else str(item),
            equals=None if equals is None else str(equals),
            all=subs,
        )

    def check_conditions(self, items: tuple[Item, ...], by_code: dict[str, Item]) -> None:
        order = {item.code: i for i, item in enumerate(items)}
        for i, item in enumerate(items):
            if item.applies_if is None:
                continue
            for code in item.applies_if.items():
                if code not in by_code:
                    self.problem(
                        None, f"items[{i}].applies_if", "unknown-item", f"no item '{code}'", code
                    )
                elif order[code] >= i:
                    # Forms show items in order; a rule may only look back, which also rules out cycles.
                    self.problem(
                        None,
                        f"items[{i}].applies_if",
                        "forward-reference",
                        f"'{item.code}' depends on '{code}', which comes after it",
                        code,
                    )

    def build_domains(self, nodes: list, items: dict[str, Item]) -> tuple[Domain, ...]:
        out = []
        seen: set[tuple[str, str]] = set()
        for i, node in enumerate(nodes):
            path = f"domains[{i}]"
            self.unknown_keys(node, path, {"code", "title", "standards"})
            dcode = str(self.get(node, "code", path, (str, int, float), default=""))
            standards = []
            for j, snode in enumerate(self.get(node, "standards", path, list, default=[])):
                spath = f"{path}.standards[{j}]"
                self.unknown_keys(
                    snode,
                    spath,
                    {"code", "title", "statement", "basis", "provider_types", "key_questions"},
                )
                scode = str(self.get(snode, "code", spath, (str, int, float), default=""))
                ptypes = self.str_list(snode, "provider_types", spath, required=False)
                for ptype in ptypes or ("*",):
                    if (scode, ptype) in seen:
                        self.problem(
                            snode,
                            f"{spath}.code",
                            "duplicate-code",
                            f"standard '{scode}' defined twice",
                            scode,
                        )
                    seen.add((scode, ptype))
                basis = self.choice(snode, "basis", spath, ("cases", "judgement"), "judgement")
                kqs = []
                for k, knode in enumerate(
                    self.get(snode, "key_questions", spath, list, required=False, default=[])
                ):
                    kpath = f"{spath}.key_questions[{k}]"
                    self.unknown_keys(knode, kpath, {"code", "item", "lens", "prompts"})
                    item_code = self.get(knode, "item", kpath, str, default="")
                    prompts = self.str_list(knode, "prompts", kpath, required=False)
                    for code in (item_code, *prompts):
                        if code and code not in items:
                            self.problem(knode, kpath, "unknown-item", f"no item '{code}'", code)
                    kqs.append(
                        KeyQuestion(
                            code=str(self.get(knode, "code", kpath, (str, int, float), default="")),
                            item=item_code,
                            lens=self.get(knode, "lens", kpath, str, default=""),
                            text=items[item_code].text if item_code in items else "",
                            prompts=prompts,
                        )
                    )
                if basis == "cases" and not kqs:
                    self.problem(
                        snode, spath, "missing-key", "a case-based standard needs key_questions"
                    )
                standards.append(
                    Standard(
                        code=scode,
                        title=self.get(snode, "title", spath, str, default=""),
                        statement=self.get(
                            snode, "statement", spath, str, required=False, default=""
                        ),
                        domain=dcode,
                        basis=cast(Literal["cases", "judgement"], basis),
                        provider_types=ptypes,
                        key_questions=tuple(kqs),
                    )
                )
            out.append(
                Domain(
                    code=dcode,
                    title=self.get(node, "title", path, str, default=""),
                    standards=tuple(standards),
                )
            )
        return tuple(out)

    def build_ratings(self, node: Any) -> RatingsRules:
        path = "ratings"
        self.unknown_keys(
            node,
            path,
            {
                "standard_rule",
                "pct_rounding",
                "override_requires_reason",
                "levels",
                "overall_bands",
                "min_cases_per_key_question",
            },
        )
        min_cases = self.get(
            node, "min_cases_per_key_question", path, int, required=False, default=0
        )
        if isinstance(min_cases, int) and min_cases < 0:
            self.problem(
                node,
                f"{path}.min_cases_per_key_question",
                "out-of-range",
                "must be 0 or more",
                str(min_cases),
            )
        levels = []
        for i, lnode in enumerate(self.get(node, "levels", path, list, default=[])):
            lpath = f"{path}.levels[{i}]"
            levels.append(
                RatingLevel(
                    name=self.get(lnode, "name", lpath, str, default=""),
                    score=self.get(lnode, "score", lpath, int, default=0),
                    min_pct=float(self.get(lnode, "min_pct", lpath, (int, float), default=0)),
                )
            )
        if [lv.min_pct for lv in levels] != sorted((lv.min_pct for lv in levels), reverse=True):
            self.problem(
                node,
                f"{path}.levels",
                "order",
                "levels must be listed highest first (min_pct descending)",
            )
        if levels and levels[-1].min_pct != 0:
            self.problem(node, f"{path}.levels", "gap", "the lowest level must start at min_pct 0")
        bands = []
        for i, bnode in enumerate(self.get(node, "overall_bands", path, list, default=[])):
            bpath = f"{path}.overall_bands[{i}]"
            bands.append(
                OverallBand(
                    name=self.get(bnode, "name", bpath, str, default=""),
                    min_score=self.get(bnode, "min_score", bpath, int, default=0),
                    max_score=self.get(bnode, "max_score", bpath, int, default=0),
                )
            )
        for a, b in itertools.pairwise(bands):
            if b.min_score != a.max_score + 1:
                self.problem(
                    node,
                    f"{path}.overall_bands",
                    "gap",
                    f"bands '{a.name}' and '{b.name}' leave a gap or overlap",
                )
        rule = self.choice(
            node, "standard_rule", path, ("lowest_key_question",), "lowest_key_question"
        )
        rounding = self.choice(
            node, "pct_rounding", path, ("round_half_up_integer", "none"), "round_half_up_integer"
        )
        return RatingsRules(
            standard_rule=rule,
            pct_rounding=rounding,
            override_requires_reason=bool(node.get("override_requires_reason", True)),
            levels=tuple(levels),
            overall_bands=tuple(bands),
            min_cases_per_key_question=min_cases
            if isinstance(min_cases, int) and min_cases > 0
            else 0,
        )

    def build_sampling(self, node: Any) -> SamplingRules:
        path = "sampling"
        fields = {
            "confidence",
            "margin",
            "proportion",
            "months_min",
            "months_max",
            "exclude_if_only_requirements",
            "exclude_flags",
            "min_delivery_weeks",
            "strata",
            "minimums",
            "spread_by",
            "reserve_fraction",
        }
        self.unknown_keys(node, path, fields)
        if not isinstance(node, dict):
            self.problem(node, path, "wrong-type", "expected a mapping")
            return SamplingRules()
        number = (int, float)
        minimums = []
        for i, mnode in enumerate(
            self.get(node, "minimums", path, list, required=False, default=[])
        ):
            mpath = f"{path}.minimums[{i}]"
            minimums.append(
                SampleMinimum(
                    column=self.get(mnode, "column", mpath, str, default=""),
                    categories=self.str_list(mnode, "categories", mpath),
                    count=self.get(mnode, "count", mpath, int, default=0),
                )
            )
        rules = SamplingRules(
            confidence=float(
                self.get(node, "confidence", path, number, required=False, default=0.80)
            ),
            margin=float(self.get(node, "margin", path, number, required=False, default=0.05)),
            proportion=float(
                self.get(node, "proportion", path, number, required=False, default=0.5)
            ),
            months_min=float(
                self.get(node, "months_min", path, number, required=False, default=6.0)
            ),
            months_max=float(
                self.get(node, "months_max", path, number, required=False, default=7.0)
            ),
            exclude_if_only_requirements=self.str_list(
                node, "exclude_if_only_requirements", path, required=False
            ),
            exclude_flags=self.str_list(node, "exclude_flags", path, required=False),
            min_delivery_weeks=self.get(
                node, "min_delivery_weeks", path, int, required=False, default=4
            ),
            strata=self.str_list(node, "strata", path, required=False),
            minimums=tuple(minimums),
            spread_by=self.str_list(node, "spread_by", path, required=False),
            reserve_fraction=float(
                self.get(node, "reserve_fraction", path, number, required=False, default=0.2)
            ),
        )
        for key in ("confidence", "margin", "proportion"):
            if not 0 < getattr(rules, key) < 1:
                self.problem(
                    node,
                    f"{path}.{key}",
                    "out-of-range",
                    f"'{key}' must be between 0 and 1",
                    getattr(rules, key),
                )
        if rules.months_min > rules.months_max:
            self.problem(
                node, f"{path}.months_min", "out-of-range", "months_min is above months_max"
            )
        return rules

    def build_tables(
        self, nodes: list, profile: tuple[ProfileVariable, ...], items: dict[str, Item]
    ) -> tuple[TableSpec, ...]:
        profile_codes = {v.code for v in profile}
        provider_types = next((v.categories for v in profile if v.code == "provider_type"), ())
        out, seen = [], set()
        for i, node in enumerate(nodes):
            path = f"tables[{i}]"
            self.unknown_keys(
                node,
                path,
                {
                    "id",
                    "title",
                    "kind",
                    "print_n",
                    "breakdowns",
                    "provider_splits",
                    "columns",
                    "mean_row",
                    "note",
                },
            )
            tid = str(self.get(node, "id", path, (str, int), default=""))
            if tid in seen:
                self.problem(
                    node, f"{path}.id", "duplicate-code", f"table '{tid}' defined twice", tid
                )
            seen.add(tid)
            kind = self.choice(node, "kind", path, ("prevalence", "sufficiency"), "sufficiency")
            breakdowns = self.str_list(node, "breakdowns", path, required=False)
            for b in breakdowns:
                if b not in profile_codes:
                    self.problem(
                        node,
                        f"{path}.breakdowns",
                        "unknown-profile",
                        f"no profile variable '{b}'",
                        b,
                    )
            splits = self.str_list(node, "provider_splits", path, required=False) or ("all",)
            for s in splits:
                if s != "all" and s not in provider_types:
                    self.problem(
                        node,
                        f"{path}.provider_splits",
                        "unknown-category",
                        f"'{s}' is neither 'all' nor a provider type",
                        s,
                    )
            columns = []
            for j, cnode in enumerate(self.get(node, "columns", path, list, default=[])):
                cpath = f"{path}.columns[{j}]"
                self.unknown_keys(cnode, cpath, {"question", "item", "label"})
                item = self.get(cnode, "item", cpath, str, default="")
                if item not in items:
                    self.problem(cnode, f"{cpath}.item", "unknown-item", f"no item '{item}'", item)
                columns.append(
                    TableColumn(
                        question=self.get(cnode, "question", cpath, str, default=item),
                        item=item,
                        label=self.get(cnode, "label", cpath, str, default=item),
                    )
                )
            mean_row = None
            if node.get("mean_row") is not None:
                mnode = node["mean_row"]
                if kind != "prevalence":
                    self.problem(
                        mnode,
                        f"{path}.mean_row",
                        "bad-value",
                        "only prevalence tables have a mean row",
                    )
                mean_row = TableColumn(
                    question=self.get(mnode, "question", f"{path}.mean_row", str, default=""),
                    item="",
                    label=self.get(mnode, "label", f"{path}.mean_row", str, default=""),
                )
            out.append(
                TableSpec(
                    id=tid,
                    title=self.get(node, "title", path, str, default=tid),
                    kind=cast(Literal["prevalence", "sufficiency"], kind),
                    print_n=bool(node.get("print_n", True)),
                    breakdowns=breakdowns,
                    provider_splits=splits,
                    columns=tuple(columns),
                    mean_row=mean_row,
                    note=self.get(node, "note", path, str, required=False),
                )
            )
        return tuple(out)


def _as_tuple(kind: type | tuple) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)
