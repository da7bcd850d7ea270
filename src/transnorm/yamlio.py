"""YAML read safely, with line numbers for error messages.

Every YAML file transnorm reads (config, gazetteer entries, lexicon, overrides) goes through
here: a SafeLoader that refuses anchors and Python tags, keeps the line of each mapping, and
reads YAML 1.1's yes/no/on/off as strings; and `yaml_line`, which maps a pydantic error
location back to the line of the file it came from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """A fault in a YAML file, with the file and line it is on."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of each mapping (for error messages only).

    Anchors and aliases (&x / *x) are refused before anything is built: a gazetteer has no
    use for them, and nested aliases are the "billion laughs" expansion bomb. Python tags
    (!!python/object...) are refused by SafeLoader itself.
    """

    def compose_node(self, parent, index):  # noqa: D102 - yaml.composer.Composer API
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            what = f"alias *{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"anchor &{event.anchor}"
            raise yaml.composer.ComposerError(
                None, None, f"YAML anchors and aliases are not allowed in a gazetteer ({what})", event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# YAML 1.1 reads NO (Norway), On, Yes as booleans; in a gazetteer they are names and codes.
# Only true/false stay booleans, as in YAML 1.2.
_BOOL = "tag:yaml.org,2002:bool"
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != _BOOL] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


_LineLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

try:  # libyaml reads a gazetteer file about 4x faster (the cold index build reads 1.4 MB of them)
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

if _CParser is not None:
    class _CLineLoader(_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """_LineLoader's constructor and resolvers over libyaml's parser. libyaml composes nodes
        in C, so it cannot refuse anchors as they come: it is used only on text with no `&` or
        `*` outside comment lines (no anchor or alias can be there); other text goes to _LineLoader."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLineLoader.yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers


def _loader(text: str) -> type:
    if _CParser is None:
        return _LineLoader
    for line in text.splitlines():
        if ("&" in line or "*" in line) and not line.lstrip().startswith("#"):
            return _LineLoader
    return _CLineLoader


def load_yaml(path: Path, error: type[YamlFileError] = YamlFileError) -> Any:
    """Parse a YAML file safely (no Python tags), keeping mapping line numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), None, f"cannot read: {exc}") from exc
    try:
        try:
            return yaml.load(text, Loader=_loader(text))  # noqa: S506 - both are safe loaders
        except yaml.YAMLError:  # the error as _LineLoader words it (its messages are the documented ones)
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        reason = f"{problem} (column {mark.column + 1})" if problem and mark else (problem or str(exc))
        raise error(str(path), mark.line + 1 if mark else None, f"invalid YAML: {reason}") from exc


def yaml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the node at pydantic's `loc` (or its nearest parent), so errors point into the file."""
    node, line = yaml.compose(text, Loader=yaml.SafeLoader), None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hits = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            if not hits:
                break
            key_node, node = hits[-1]  # safe_load keeps the last of duplicate keys
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line

