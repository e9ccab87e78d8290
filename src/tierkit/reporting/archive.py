"""The two files an archived pack (``tierkit brief --archive``, PDF/A-3b) carries, so a printed pack can be
re-checked later against its inputs (``tierkit brief --verify``, :mod:`.verify`):

* :data:`RULES_NAME` - the rule set as it ran, parameters applied, as YAML (a rule set read from a sheet too);
* :data:`DATA_NAME` - one CSV row per customer: its id, the tier it got and the value of every field the rules
  read (derived features included, so no orders sheet is needed to check it).  It is data, not for Excel: no
  formula escaping.

The YAML's first line records the date the rules were evaluated at (``# tierkit-archive as_of=...``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import yaml

from .. import Classification, RuleSet

RULES_NAME = "tierkit-rules.yaml"
DATA_NAME = "tierkit-data.csv"
#: the CSV's first two columns (the rule fields follow under their own names)
ID_HEADER = "tierkit:id"
TIER_HEADER = "tierkit:tier"
#: the YAML's first line
STAMP = "# tierkit-archive as_of={as_of}"
STAMP_RE = re.compile(r"^# tierkit-archive as_of=(\S*)\s*$")
#: the YAML's second line: the type each CSV column was read as (``name=float, ...``)
TYPES = "# tierkit-archive types={types}"
TYPES_RE = re.compile(r"^# tierkit-archive types=(.*)$")


@dataclass(frozen=True)
class ArchiveFile:
    """One file attached to an archived pack."""

    name: str  #: :data:`RULES_NAME` or :data:`DATA_NAME`
    data: bytes  #: its content (UTF-8)
    description: str  #: what it is (shown by PDF readers next to the attachment)


def archive_files(result: Classification, id_column: Any = None) -> list[ArchiveFile]:
    """The rules (YAML) and the data (CSV) of ``result``, ready to attach to its pack."""
    types = {str(k): str(v) for k, v in result.binding.types.items() if k in result.binding.typed.columns}
    rules = ruleset_yaml(result.ruleset, as_of=result.binding.now, types=types)
    data = data_csv(result, id_column=id_column)
    return [ArchiveFile(RULES_NAME, rules.encode("utf-8"), "the rule set as it ran (parameters applied)"),
            ArchiveFile(DATA_NAME, data.encode("utf-8"), "per customer: id, tier id and the fields the rules read")]


# ---------------------------------------------------------------------- the rules as YAML

def ruleset_yaml(rs: RuleSet, *, as_of: dt.date | dt.datetime | None = None,
                 types: Mapping[str, str] | None = None) -> str:
    """``rs`` as a rule file: the YAML it was read from with ``params`` set to the values it ran with, or, for a
    rule set read from a sheet, the same rules written out as YAML.  Loading it gives the same tiers."""
    document = _source_document(rs)
    if document is None:
        document = _as_document(rs)
    if rs.params:
        document["params"] = {k: _plain(v) for k, v in rs.params.items()}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
    stamp = STAMP.format(as_of=as_of.isoformat() if as_of is not None else "")
    kinds = TYPES.format(types=", ".join(f"{k}={v}" for k, v in (types or {}).items()))
    return f"{stamp}\n{kinds}\n{text}"


def _source_document(rs: RuleSet) -> dict[str, Any] | None:
    """The rule file ``rs`` was read from, as a mapping (None when it came from a sheet, not YAML)."""
    try:
        data = yaml.safe_load(rs.source) if rs.source else None
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or "segments" not in data:
        return None
    return data


def _as_document(rs: RuleSet) -> dict[str, Any]:
    """A rule set built in memory (a rules sheet) as the mapping a rule file holds."""
    out: dict[str, Any] = {"name": rs.name, "title": _plain(rs.title)}
    if rs.hit_policy != "first":
        out["hit_policy"] = rs.hit_policy
    for key in ("measure", "column"):
        if getattr(rs, key):
            out[key] = getattr(rs, key)
    if rs.description:
        out["description"] = _plain(rs.description)
    if rs.fields:
        out["fields"] = {name: _keyed(f, skip=("name",)) for name, f in rs.fields.items()}
    if rs.features:
        raise ValueError("a rule set with features is read from YAML, whose text is kept")  # pragma: no cover
    out["segments"] = [_keyed(seg) for seg in rs.segments]
    return out


def _keyed(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The rule-file keys of a model object whose value is not the default."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        if not f.metadata.get("key", True) or f.name in skip:
            continue
        value = getattr(obj, f.name)
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else MISSING)
        if value == default or value is None or value == ():
            continue
        out[f.name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    """A model value as YAML can write it: a text in one language as a string, else ``{lang: text}``."""
    if isinstance(value, Mapping):
        items = {str(k): _plain(v) for k, v in value.items()}
        if set(items) == {"en"}:
            return items["en"]
        return items
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value) if abs(value) < 2 ** 53 else value
    return value


# ---------------------------------------------------------------------- the data as CSV

def data_csv(result: Classification, id_column: Any = None) -> str:
    """One row per customer: id, tier id (``a, b`` when a collect rule set gave several) and every field the
    rules read, typed values written plainly (dates ISO, blanks empty).  Not escaped for spreadsheets."""
    binding = result.binding
    frame = binding.frame
    if id_column is None:
        from .build import identity_columns

        id_column, _ = identity_columns(frame)
    ids = [_cell(v) for v in frame[id_column]] if id_column is not None and id_column in frame else \
        [str(i + 1) for i in range(len(frame))]
    tiers = result.tier_ids()
    typed = binding.typed
    names = [str(c) for c in typed.columns if str(c) not in (ID_HEADER, TIER_HEADER)]
    columns = [[_cell(v) for v in typed[name]] for name in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([ID_HEADER, TIER_HEADER, *names])
    for i in range(len(tiers)):
        writer.writerow([ids[i], tiers[i], *(col[i] for col in columns)])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return ""
        return repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 2 ** 53 else repr(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)



def pdf_options(result: Classification | None = None, *, tags: bool = False, id_column: Any = None) -> dict[str, Any]:
    """WeasyPrint's options for a pack: with ``result``, PDF/A-3b carrying its :func:`archive_files`
    (``--archive``); with ``tags``, a tagged PDF (``--pdf-tags``)."""
    out: dict[str, Any] = {}
    if tags:
        out["pdf_tags"] = True
    if result is not None:
        out["pdf_variant"] = "pdf/a-3b"
        out["attachments"] = Attachments(archive_files(result, id_column=id_column))
    return out


class Attachments(Sequence[Any]):
    """The archive's files as WeasyPrint attachments, made afresh each time they are read (a WeasyPrint
    ``Attachment`` can be written once; ``--split`` writes the same files into every PDF)."""

    RELATIONSHIP: ClassVar[dict[str, str]] = {RULES_NAME: "Source", DATA_NAME: "Data"}

    def __init__(self, files: Sequence[ArchiveFile]) -> None:
        self.files = tuple(files)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: Any) -> Any:
        from weasyprint import Attachment

        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        f = self.files[index]
        return Attachment(file_obj=io.BytesIO(f.data), name=f.name, description=f.description,
                          relationship=self.RELATIONSHIP.get(f.name, "Unspecified"))


__all__ = ["DATA_NAME", "ID_HEADER", "RULES_NAME", "STAMP_RE", "TIER_HEADER", "TYPES_RE", "ArchiveFile", "Attachments",
           "archive_files", "data_csv", "pdf_options", "ruleset_yaml"]
