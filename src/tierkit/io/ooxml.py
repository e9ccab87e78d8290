"""Just enough of the Office Open XML package structure: relationships, the workbook's sheet
list and the parts they live in.  Parsing only; the writer edits these parts as bytes."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
STYLES_REL = REL_NS + "/styles"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    part: str | None       # zip member name, e.g. "xl/worksheets/sheet1.xml"
    kind: str              # "worksheet", "chartsheet", "dialogsheet", ...
    state: str             # "visible", "hidden", "veryHidden"


def rels_name(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """Resolve a relationship target against the part that holds the relationship."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


def parse_rels(data: bytes) -> list[Rel]:
    root = ET.fromstring(data)
    out = []
    for el in root:
        if el.tag.rsplit("}", 1)[-1] != "Relationship":
            continue
        out.append(Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                       el.get("TargetMode") == "External"))
    return out


def read_rels(zf: zipfile.ZipFile, part: str) -> list[Rel]:
    name = rels_name(part)
    try:
        return parse_rels(zf.read(name))
    except KeyError:
        return []


def workbook_part(zf: zipfile.ZipFile) -> str:
    for rel in read_rels(zf, ""):
        if rel.type.endswith("/officeDocument"):
            return resolve("", rel.target)
    return "xl/workbook.xml"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheets(zf: zipfile.ZipFile) -> list[SheetEntry]:
    """Every sheet of the workbook in tab order, with the zip member that holds it."""
    wb = workbook_part(zf)
    rels = {r.id: r for r in read_rels(zf, wb)}
    root = ET.fromstring(zf.read(wb))
    out: list[SheetEntry] = []
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = el.get(f"{{{REL_NS}}}id") or el.get(f"{{{STRICT_REL_NS}}}id") or ""
        rel = rels.get(rid)
        part = resolve(wb, rel.target) if rel and not rel.external else None
        kind = _local(rel.type.rsplit("/", 1)[-1]) if rel else "worksheet"
        out.append(SheetEntry(el.get("name", ""), int(el.get("sheetId", "0") or 0), rid, part, kind,
                              el.get("state", "visible")))
    return out


_ROOT_RE = re.compile(rb"<(?:(\w+):)?(worksheet|chartsheet)\b")


def element_prefix(xml_head: bytes) -> str:
    """The namespace prefix the sheet uses for its elements: '' for ``<worksheet>``, 'x:' for ``<x:worksheet>``."""
    m = _ROOT_RE.search(xml_head)
    return (m.group(1).decode() + ":") if m and m.group(1) else ""


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    return xml_escape(text).replace('"', "&quot;")


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_OOXML_ESCAPE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")


def clean_text(text: str) -> str:
    """Text safe inside an XML element (control characters XML 1.0 forbids are dropped).

    A carriage return is written as ``&#13;``: XML parsers turn a literal one into a line feed,
    so ``"a\r\nb"`` would read back as ``"a\nb"``.  A literal ``_x0041_`` is written as ``_x005F_x0041_``:
    Excel (and calamine) read ``_xHHHH_`` in cell text as an escaped character.
    """
    text = _ILLEGAL_XML.sub("", text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(r"_x005F\1", text)
    return xml_escape(text).replace("\r", "&#13;")
