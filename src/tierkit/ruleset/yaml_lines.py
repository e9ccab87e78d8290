"""YAML loading that remembers the line of every mapping key and list item.

A position (:data:`Pos`) is a 1-based line of a YAML file, or the cell (``"D3"``) a rules table
gave the value: the schema reads both kinds of document alike and names the place in errors.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from ..textwidth import is_wide

#: a line of a YAML file, or a cell address of a rules table
Pos = int | str


class LineDict(dict[str, Any]):
    """A dict from YAML that knows the 1-based line of each key (``lines``) and of itself (``line``)."""

    line: Pos = 0
    lines: dict[str, Pos]


class LineList(list[Any]):
    line: Pos = 0
    lines: list[Pos]


def located(mapping: dict[str, Any], at: Pos, keys: dict[str, Pos] | None = None) -> LineDict:
    """A :class:`LineDict` built in memory (from a rules table): ``at`` for itself, ``keys`` for its keys."""
    out = LineDict(mapping)
    out.line = at
    out.lines = {key: (keys or {}).get(key, at) for key in mapping}
    return out


def located_list(items: list[Any], at: Pos, positions: list[Pos]) -> LineList:
    out = LineList(items)
    out.line = at
    out.lines = list(positions)
    return out


def rename_key(obj: LineDict, old: str, new: str) -> None:
    """Rename a key in place, keeping its position (for migrations); an existing ``new`` wins."""
    if old not in obj:
        return
    value = obj.pop(old)
    pos = obj.lines.pop(old, obj.line)
    if new not in obj:
        obj[new] = value
        obj.lines[new] = pos


#: rule files larger than this are refused before parsing (the built-in ones are a few KB)
MAX_RULE_FILE_BYTES = 1 << 20


class _Loader(yaml.SafeLoader):
    """SafeLoader refusing anchors and aliases: rule files never need them, and aliases are how a
    few hundred bytes of YAML expand to gigabytes ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            what = f"alias *{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"anchor &{event.anchor}"
            raise yaml.composer.ComposerError(
                None, None, f"{what}: anchors and aliases are not allowed in rule files (write the value out)",
                event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[str(key) if not isinstance(key, str) else key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    return fold_wide(node, value) if node.style == ">" else value


#: a character of a script written without spaces between words (CJK ideographs, kana, hangul, fullwidth
#: punctuation such as ``，`` ``（``)
_wide = is_wide


def _no_space(before: str, after: str) -> bool:
    """No space between two wide characters, nor next to wide punctuation (``头部客户；B类``)."""
    wide_before, wide_after = _wide(before), _wide(after)
    return (wide_before and wide_after) or (wide_before and unicodedata.category(before).startswith("P")) \
        or (wide_after and unicodedata.category(after).startswith("P"))


def fold_wide(node: yaml.ScalarNode, value: str) -> str:
    """A folded (``>``) scalar whose lines are joined without a space where both sides are wide characters.

    YAML folds a line break into a space, which splits a Chinese sentence wrapped over two lines
    (``头部客户； B类``).  The lines are read from the source again and joined as YAML joins them, except that
    no space goes between two wide characters nor next to wide punctuation; should that rebuild not match
    what YAML read (an unusual layout), the text stays as YAML read it.
    """
    buffer = getattr(node.start_mark, "buffer", None)
    if not isinstance(buffer, str):
        return value
    lines = [ln.rstrip("\r") for ln in buffer[node.start_mark.index:node.end_mark.index].split("\n")[1:]]
    indent = min((len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()), default=0)
    lines = [ln[indent:] if ln.strip() else "" for ln in lines]
    while lines and not lines[-1]:
        lines.pop()
    plain: list[str] = []
    joined: list[str] = []
    blanks = 0
    prev: str | None = None
    for ln in lines:
        if not ln:
            blanks += 1
            continue
        if prev is None:
            sep = wide_sep = "\n" * blanks  # leading empty lines stay line breaks
        else:
            if blanks:
                sep = wide_sep = "\n" * blanks
            elif prev[:1] in (" ", "\t") or ln[:1] in (" ", "\t"):
                sep = wide_sep = "\n"
            else:
                sep = " "
                wide_sep = "" if _no_space(prev[-1], ln[0]) else " "
        plain.append(sep)
        joined.append(wide_sep)
        plain.append(ln)
        joined.append(ln)
        prev, blanks = ln, 0
    body = value.rstrip("\n")
    if "".join(plain) != body:
        return value
    return "".join(joined) + value[len(body):]


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_str)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)  # type: ignore[arg-type]


def load_yaml(text: str) -> Any:
    """Parse YAML text; mappings become :class:`LineDict`, sequences :class:`LineList`."""
    return yaml.load(text, Loader=_Loader)


def line_of(obj: Any, key: str | int | None = None) -> Pos | None:
    if key is None:
        return getattr(obj, "line", None)
    if isinstance(obj, LineDict) and isinstance(key, str):
        return obj.lines.get(key, obj.line)
    if isinstance(obj, LineList) and isinstance(key, int) and 0 <= key < len(obj.lines):
        return obj.lines[key]
    return getattr(obj, "line", None)
