"""``tierkit brief --verify PACK.pdf``: re-run the rules attached to an archived pack on the data attached to it
and confirm every customer's tier (see :mod:`.archive` for the two attachments).

The PDF is untrusted: it is read only when it is at most :data:`MAX_PDF_BYTES`, with pypdf's decompression
limits lowered to :data:`MAX_ATTACHMENT_BYTES`; it must hold exactly the two expected attachments (any other
name, a repeat, or more files is refused), and nothing is written: an attachment's name is never a path.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .. import TierkitError
from ..errors import Where, display_path, msg
from ..i18n import tr
from .archive import DATA_NAME, ID_HEADER, RULES_NAME, STAMP_RE, TIER_HEADER, TYPES_RE

#: the largest PDF --verify opens
MAX_PDF_BYTES = 256 * 1024 * 1024
#: the largest attachment, once decompressed
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
#: the differences listed one per line (the rest are counted)
MAX_LISTED = 20
EXPECTED = (RULES_NAME, DATA_NAME)
_TYPE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=(string|int|float|date|datetime|bool)$")


@dataclass(frozen=True)
class Difference:
    """A customer whose tier the attached rules give differently from the pack."""

    row: int  #: 1-based data row of the attached CSV
    id: str  #: the customer id
    printed: str  #: the tier id in the pack
    now: str  #: the tier id the rules give now


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify_pdf` found."""

    customers: int  #: rows checked
    tiers: dict[str, int]  #: tier id -> customers confirmed in it
    differences: tuple[Difference, ...]  #: every customer whose tier differs

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self, limit: int = MAX_LISTED, lang: str = "en") -> list[str]:
        """One line per difference (at most ``limit``, then a count of the rest), in ``lang``."""
        out = [tr(lang, "row {row} ({id}): pack says {printed}, rules give {now}", row=d.row, id=_show(d.id),
                  printed=_tier(d.printed, lang), now=_tier(d.now, lang))
               for d in self.differences[:limit]]
        if len(self.differences) > limit:
            out.append(tr(lang, "... and {n} more differences", n=len(self.differences) - limit))
        return out


def read_attachments(path: str | Path) -> dict[str, bytes]:
    """The two attachments of an archived pack, checked (sizes, count, names); TierkitError otherwise."""
    from pypdf import PdfReader, apply_configuration, get_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    path = Path(path)
    where = Where(file=display_path(path))
    try:
        size = path.stat().st_size
    except OSError as err:
        raise TierkitError(msg("cannot read {path}: {strerror}", path=display_path(path), strerror=err.strerror),
                           where=where) from None
    if size > MAX_PDF_BYTES:
        raise TierkitError(msg("{path} is {size:,} bytes: --verify opens PDFs up to {limit:,} bytes",
                               path=display_path(path), size=size, limit=MAX_PDF_BYTES), where=where)
    limit = MAX_ATTACHMENT_BYTES
    limits = get_configuration().with_overwrites(
        zlib_maximum_output_length=limit, lzw_maximum_output_length=limit, run_length_maximum_output_length=limit,
        maximum_declared_stream_length=limit, array_based_stream_maximum_output_length=limit,
        brotli_maximum_output_length=limit)
    found: dict[str, bytes] = {}
    try:
        with apply_configuration(limits):
            reader = PdfReader(path, strict=False)
            entries = []
            for entry in reader.attachment_list:
                entries.append(entry)
                if len(entries) > len(EXPECTED):
                    break
            names = [str(e.name) for e in entries]
            unexpected = [n for n in names if n not in EXPECTED]
            if not names:
                raise TierkitError(msg("{path} has no attachments: it is not an archived pack",
                                       path=display_path(path)),
                                   where=where, hint=msg("make one with tierkit brief --archive"))
            if unexpected or len(names) != len(set(names)) or len(names) > len(EXPECTED):
                shown = ", ".join(_show(n) for n in names[: len(EXPECTED) + 1])
                raise TierkitError(msg("{path} has attachments {shown}; an archived pack holds exactly "
                                       "{RULES_NAME} and {DATA_NAME}",
                                       path=display_path(path), shown=shown, RULES_NAME=RULES_NAME,
                                       DATA_NAME=DATA_NAME), where=where)
            for entry in entries:
                declared = entry.size
                if declared is not None and int(declared) > MAX_ATTACHMENT_BYTES:
                    raise TierkitError(msg("attachment {name} is too big ({declared:,} bytes)",
                                           name=entry.name, declared=int(declared)), where=where)
                content = entry.content
                if len(content) > MAX_ATTACHMENT_BYTES:
                    raise TierkitError(msg("attachment {name} is too big ({n_content:,} bytes)",
                                           name=entry.name, n_content=len(content)), where=where)
                found[str(entry.name)] = content
    except TierkitError:
        raise
    except LimitReachedError:
        raise TierkitError(msg("{path}: an attachment is too big (over {limit:,} bytes decompressed)",
                               path=display_path(path), limit=MAX_ATTACHMENT_BYTES), where=where) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as err:
        raise TierkitError(msg("cannot read {path} as a PDF: {err}", path=display_path(path), err=_show(str(err))),
                           where=where) from None
    missing = [n for n in EXPECTED if n not in found]
    if missing:
        raise TierkitError(msg("{path} lacks the attachment {missing}", path=display_path(path), missing=missing[0]),
                           where=where,
                           hint=msg("make the pack with tierkit brief --archive"))
    return found


def verify_pdf(path: str | Path) -> Verdict:
    """Re-run the attached rules on the attached data of the archived pack at ``path``."""
    files = read_attachments(path)
    try:
        rules, data = files[RULES_NAME].decode("utf-8"), files[DATA_NAME].decode("utf-8")
    except UnicodeDecodeError:
        raise TierkitError(msg("{path}: the attachments are not UTF-8 text", path=display_path(Path(path))),
                           where=Where(file=display_path(Path(path)))) from None
    return verify_files(rules, data, source=display_path(Path(path)))


def verify_files(rules: str, data: str, *, source: str = "<archive>") -> Verdict:
    """Re-run ``rules`` (the archived YAML) on ``data`` (the archived CSV) and compare with its tier column."""
    import tierkit

    as_of, types = _header(rules)
    document = yaml.safe_load(rules)
    if not isinstance(document, dict):
        raise TierkitError(msg("{source}: {RULES_NAME} is not a rule file", source=source, RULES_NAME=RULES_NAME),
                           where=Where(file=source))
    # the features' outputs are columns of the CSV: the rules read them as recorded, no orders sheet needed
    document.pop("features", None)
    rs = tierkit.parse_ruleset(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                               name=str(document.get("name") or "archived"))
    frame = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
    if list(frame.columns[:2]) != [ID_HEADER, TIER_HEADER]:
        raise TierkitError(msg("{source}: {DATA_NAME} does not start with {ID_HEADER},{TIER_HEADER}",
                               source=source, DATA_NAME=DATA_NAME, ID_HEADER=ID_HEADER, TIER_HEADER=TIER_HEADER),
                           where=Where(file=source))
    printed = frame[TIER_HEADER].tolist()
    ids = frame[ID_HEADER].tolist()
    table = frame.drop(columns=[ID_HEADER, TIER_HEADER]).replace("", None)
    for name, kind in types.items():  # each column as the rules read it when the pack was made
        if name in table.columns:
            table[name] = _typed(table[name], kind)
    result = tierkit.classify(rs, table, as_of=as_of)
    now = [str(t) for t in result.tier_ids()]
    diffs = tuple(Difference(i + 1, ids[i], printed[i], now[i]) for i in range(len(printed)) if now[i] != printed[i])
    tiers: dict[str, int] = {}
    for tier, again in zip(printed, now, strict=True):
        if tier == again:
            tiers[tier] = tiers.get(tier, 0) + 1
    return Verdict(customers=len(printed), tiers=tiers, differences=diffs)


def _typed(column: pd.Series, kind: str) -> pd.Series:
    if kind in ("int", "float"):
        return pd.to_numeric(column, errors="coerce")
    if kind in ("date", "datetime"):
        values = pd.to_datetime(column, errors="coerce", format="ISO8601")
        return values.dt.date if kind == "date" else values
    if kind == "bool":
        return column.map({"true": True, "false": False, None: None})
    return column


def _tier(tier: str, lang: str = "en") -> str:
    return _show(tier) if tier else tr(lang, "(no tier)")


def _header(rules: str) -> tuple[dt.datetime | None, dict[str, str]]:
    """The evaluation date and the column types from the archived YAML's first two lines."""
    lines = rules.splitlines()[:2]
    as_of: dt.datetime | None = None
    types: dict[str, str] = {}
    if lines and (m := STAMP_RE.match(lines[0])) and m.group(1):
        try:
            as_of = dt.datetime.fromisoformat(m.group(1))
        except ValueError:
            as_of = None
    if len(lines) > 1 and (m := TYPES_RE.match(lines[1])):
        for part in (p.strip() for p in m.group(1).split(",")):
            if _TYPE_RE.match(part):
                name, kind = part.split("=")
                types[name] = kind
    return as_of, types


def _show(text: Any, limit: int = 60) -> str:
    """Untrusted text for one line of a message: printable, at most ``limit`` characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


__all__ = ["MAX_ATTACHMENT_BYTES", "MAX_LISTED", "MAX_PDF_BYTES", "Difference", "Verdict", "read_attachments",
           "verify_files", "verify_pdf"]
