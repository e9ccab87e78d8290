"""Matching the names a rule set uses to the headers of a table: the one header-matching rule.

A name (or one of its aliases) matches a header at the first of these levels that finds one:

1. **exact**: the same text;
2. **folded**: the same after trimming spaces and ignoring case (``" Revenue "`` ~ ``revenue``);
3. **normalised**: the same after Unicode NFKC (full-width ``ＲＦＭ`` -> ``RFM``, the ideographic space,
   ``（）`` -> ``()``), case folding, and every run of characters that are not letters or digits (of any
   script: Chinese is kept as is) read as one ``_`` (``"Customer ID"`` ~ ``customer-id`` ~ ``customer_id``);
4. **compact**: the normalised text without its ``_`` (``CustomerID`` ~ ``customer_id``).

An exact match of any candidate beats a folded match of an earlier one, and so on; among headers
that match at the same level, the leftmost wins.  Non-text headers (numbers) match by their text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

_NORM_RE = re.compile(r"[\W_]+")


def normalise_header(text: object) -> str:
    """``"Customer ID"`` -> ``customer_id``; full-width forms read as their ASCII, Chinese kept as is."""
    return _NORM_RE.sub("_", unicodedata.normalize("NFKC", str(text)).casefold()).strip("_")


def _folded(text: str) -> str:
    return text.strip().casefold()


def compact_key(text: object) -> str:
    """The loosest level: the normalised text without its ``_`` (``CustomerID`` ~ ``customer_id``); also how
    sheet names and flag words are compared."""
    return normalise_header(text).replace("_", "")


_compact = compact_key


#: the matching levels, strongest first
LEVELS: tuple[Callable[[str], str], ...] = (str, _folded, normalise_header, _compact)


class HeaderIndex:
    """The headers of one table, indexed once for every level of :data:`LEVELS`."""

    def __init__(self, headers: Iterable[Hashable]) -> None:
        self.headers = list(headers)
        self._levels: list[dict[str, Hashable]] = []
        for key in LEVELS:
            index: dict[str, Hashable] = {}
            for header in self.headers:
                text = key(str(header))
                if text or key is str:
                    index.setdefault(text, header)
            self._levels.append(index)

    def find(self, candidates: str | Iterable[str]) -> Any:
        """The header that the first of ``candidates`` (a name, then its aliases) matches, or None."""
        wanted = [candidates] if isinstance(candidates, str) else [str(c) for c in candidates]
        for key, index in zip(LEVELS, self._levels, strict=True):
            for cand in wanted:
                text = key(cand)
                if (text or key is str) and text in index:
                    return index[text]
        return None


def find_header(headers: Iterable[Hashable], candidates: str | Iterable[str]) -> Any:
    """The header of ``headers`` that one of ``candidates`` names (see the module docs), or None."""
    return HeaderIndex(headers).find(candidates)


def with_aliases(names: str | Iterable[str], fields: Mapping[str, Any] | None = None) -> list[str]:
    """Each of ``names`` followed by its aliases in ``fields`` (``Field`` objects or ``{aliases: [...]}``)."""
    out: list[str] = []
    for name in [names] if isinstance(names, str) else list(names):
        out.append(str(name))
        spec = (fields or {}).get(name)
        aliases = spec.get("aliases") if isinstance(spec, Mapping) else getattr(spec, "aliases", None)
        out.extend(str(a) for a in aliases or [])
    return out


def find_column(frame: Any, names: str | Iterable[str], fields: Mapping[str, Any] | None = None) -> Any:
    """The column of ``frame`` (a DataFrame) called one of ``names`` or one of their ``fields`` aliases."""
    return find_header(frame.columns, with_aliases(names, fields))


__all__ = ["LEVELS", "HeaderIndex", "compact_key", "find_column", "find_header", "normalise_header", "with_aliases"]
