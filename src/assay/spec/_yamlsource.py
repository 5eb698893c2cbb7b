"""Reading YAML while keeping where each value came from, so errors can name a line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from assay.spec._errors import SpecError, SpecIssue
from assay.spec._issues import format_loc


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans.

    YAML 1.1 reads yes/no/on/off as booleans, which silently turns `options: [yes, no]` into
    [True, False]; only true/false are booleans here.
    """


_BOOL_TAG = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class YamlDocument:
    """Parsed data plus the line of every mapping key and sequence item."""

    data: Any
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    issues: list[SpecIssue] = field(default_factory=list)

    def line_for(self, loc: tuple[str | int, ...]) -> int | None:
        """Line of `loc`, or of its nearest ancestor present in the file (a missing key -> its parent)."""
        parts = _key(loc)
        for end in range(len(parts), -1, -1):
            line = self.lines.get(parts[:end])
            if line is not None:
                return line
        return None


def _key(loc: tuple[str | int, ...]) -> tuple[str, ...]:
    # Lines are looked up by pydantic locs, where a mapping key like `7` may arrive as int or str.
    return tuple(str(p) for p in loc)


def read_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; syntax errors raise `SpecError`, duplicate keys are returned as issues."""
    loader = _Loader(text.removeprefix("\ufeff"))
    try:
        node = loader.get_single_node()
        doc = YamlDocument(data=None if node is None else loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = ": ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise SpecError(source, [SpecIssue("", mark.line + 1 if mark else None, message, source)]) from None
    except yaml.YAMLError as exc:
        raise SpecError(source, [SpecIssue("", None, f"invalid YAML: {exc}", source)]) from None
    finally:
        loader.dispose()
    if node is not None:
        doc.lines[()] = node.start_mark.line + 1
        _walk(node, (), doc, source, set())
    return doc


def _walk(node: yaml.Node, path: tuple[str | int, ...], doc: YamlDocument, source: str, active: set[int]) -> None:
    if id(node) in active:  # a recursive alias
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key, line = str(key_node.value), key_node.start_mark.line + 1
            child: tuple[str | int, ...] = (*path, key)
            if key in first_seen and key != "<<":
                message = f"duplicate key {key!r} (first given on line {first_seen[key]})"
                doc.issues.append(SpecIssue(format_loc(child), line, message, source))
            else:
                first_seen[key] = line
                doc.lines[_key(child)] = line
            _walk(value_node, child, doc, source, active)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[_key((*path, i))] = item.start_mark.line + 1
            _walk(item, (*path, i), doc, source, active)
    active.discard(id(node))
