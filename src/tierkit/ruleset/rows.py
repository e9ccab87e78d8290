"""A rule set from a rules table (a ``Rules`` sheet, or an Excel range in the add-in).

The table is read into the same document the YAML loader reads, each value knowing its cell, and
checked by the same :class:`~tierkit.ruleset.schema.SchemaReader`: errors name the cell.  Cells are
counted from the table's top-left cell: the header row is row 1, its first column A.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import RuleFileError, Where, msg
from .loader import validate_expressions
from .model import RuleSet, Text
from .schema import SchemaReader
from .text import SOURCE_LANG, known_language, suggest_language
from .yaml_lines import Pos, located, located_list

_DEFAULT_WORDS = ("default", "else", "otherwise", "其他")
_TRUE_WORDS = ("true", "yes", "1", "y", "是")


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _clean(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _language_columns(header: list[str], part: str, source_label: str) -> dict[str, tuple[str, ...]]:
    """The columns of ``part`` (``label``/``strategy``) per language: ``label`` and ``label_en`` are English,
    ``label_<language>`` the others; a ``label_<x>`` whose ``x`` names no language is an error."""
    out: dict[str, tuple[str, ...]] = {SOURCE_LANG: (f"{part}_{SOURCE_LANG}", part)}
    for i, head in enumerate(header):
        if not head.startswith(f"{part}_"):
            continue
        code = head[len(part) + 1:]
        lang = known_language(code)
        if lang is None:
            guess = suggest_language(code)
            hint = (msg("did you mean '{name}'?", name=f"{part}_{guess}") if guess
                    else msg("write e.g. {zh} or {ja}", zh=f"{part}_zh", ja=f"{part}_ja"))
            raise RuleFileError(msg("column '{head}' names no language", head=head),
                                where=Where(file=source_label, cell=f"{column_letter(i)}1"), hint=hint)
        if lang != SOURCE_LANG:
            out[lang] = (*out.get(lang, ()), head)
    return out


def ruleset_from_rows(rows: Sequence[Sequence[Any]], *, name: str = "sheet_rules",
                      source_label: str = "Rules sheet") -> RuleSet:
    """Build a rule set from a table: a header row with id / label / when (+ color, strategy, default).

    Columns may also be ``label_<language>`` and ``strategy_<language>`` for any language (``label_zh``,
    ``strategy_ja``, ``label_pt-BR``; ``label`` and ``strategy`` are English); several rows with the same id
    add strategies to that segment.  Used for a ``Rules`` sheet and for Excel ranges in the add-in.
    ``RuleSet.source`` is the table as tab-separated text (so the digest follows the cells).
    """
    if not rows:
        raise RuleFileError(msg("the rules table is empty"), where=Where(file=source_label),
                            hint=msg("add a header row: id | label | when | strategy"))
    header = [_clean(h).lower() for h in rows[0]]
    for col in ("id", "when"):
        if col not in header:
            raise RuleFileError(msg("the rules table has no '{col}' column", col=col), where=Where(file=source_label),
                                hint=msg("header row must hold: id | label | when | strategy (| color | default)"))
    idx = {h: i for i, h in enumerate(header) if h}
    langs = {part: _language_columns(header, part, source_label) for part in ("label", "strategy")}

    def cell(row: Sequence[Any], rownum: int, *keys: str) -> tuple[str | None, Pos | None]:
        """The first non-blank of the columns ``keys`` in ``row`` (table row ``rownum``), and its cell."""
        for key in keys:
            i = idx.get(key)
            if i is not None and i < len(row) and _clean(row[i]):
                return _clean(row[i]), f"{column_letter(i)}{rownum}"
        return None, None

    def texts(row: Sequence[Any], rownum: int, columns: dict[str, tuple[str, ...]]
              ) -> tuple[dict[str, str], Pos | None]:
        """A text in every language ``columns`` gives (language -> its columns), and the first cell it fills."""
        out: dict[str, str] = {}
        first: Pos | None = None
        for lang, keys in columns.items():
            value, value_at = cell(row, rownum, *keys)
            if value:
                out[lang] = value
                first = first or value_at
        return out, first

    segments: dict[str, dict[str, Any]] = {}  # id -> the segment's values, positions and strategies
    for rownum, row in enumerate(rows[1:], start=2):
        sid, id_at = cell(row, rownum, "id")
        if not sid or id_at is None:
            continue
        seg = segments.setdefault(sid, {"values": {"id": sid}, "at": {"id": id_at}, "strategies": [],
                                        "strategy_at": []})
        values, at = seg["values"], seg["at"]
        label, label_at = texts(row, rownum, langs["label"])
        if label:
            values["label"], at["label"] = label, label_at
        when, when_at = cell(row, rownum, "when")
        flag, flag_at = cell(row, rownum, "default")
        if when and when.lower() in _DEFAULT_WORDS:
            values["default"], at["default"] = True, when_at
        elif when:
            values["when"], at["when"] = when, when_at
        if flag and flag.lower() in _TRUE_WORDS:
            values["default"], at["default"] = True, flag_at
        color, color_at = cell(row, rownum, "color", "colour")
        if color:
            values["color"], at["color"] = color, color_at
        strategy, strategy_at = texts(row, rownum, langs["strategy"])
        if strategy:
            seg["strategies"].append(strategy)
            seg["strategy_at"].append(strategy_at)
    if not segments:
        raise RuleFileError(msg("the rules table has no segment rows"), where=Where(file=source_label),
                            hint=msg("fill at least one row with an id and a when"))
    items = []
    for seg in segments.values():
        values, at = seg["values"], seg["at"]
        if seg["strategies"]:
            values["strategies"] = located_list(seg["strategies"], at["id"], seg["strategy_at"])
        items.append(located(values, at["id"], at))
    reader = SchemaReader(source_label)
    parsed = reader.segments(located_list(items, "A1", [item.line for item in items]), "A1")
    source = "\n".join("\t".join(_clean(v) for v in row) for row in rows)
    rs = RuleSet(name=name, title=Text(name), segments=parsed, source=source)
    validate_expressions(rs, file=source_label,
                         cells={sid: str(seg["at"]["when"]) for sid, seg in segments.items() if "when" in seg["at"]})
    return rs
