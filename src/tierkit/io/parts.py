"""Edits of the small package parts, done on the bytes so everything not touched stays as it was:
styles (new fills and cell formats appended), the workbook's sheet list, its relationships,
the content types, and the summary sheet's XML."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

from . import ooxml
from .table import SummaryTable, column_letter

_MIN_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)
#: Excel's built-in number formats tierkit uses (no ``numFmt`` element needed)
BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
_HEX = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8}|[0-9A-Fa-f]{3})")


def argb(colour: str) -> str:
    """'#RRGGBB' (or '#RGB', 'AARRGGBB') -> 'FFRRGGBB'."""
    m = _HEX.fullmatch(colour.strip())
    if not m:
        raise ValueError(f"not a colour: {colour!r} (expected '#RRGGBB')")
    h = m.group(1).upper()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return h if len(h) == 8 else "FF" + h


class Styles:
    """Append fills, fonts and cell formats to styles.xml, keeping every existing index."""

    def __init__(self, data: bytes | None) -> None:
        self.created = data is None
        self.data = data if data is not None else _MIN_STYLES
        m = re.search(rb"<(\w+:)?styleSheet\b", self.data)
        self.p = (m.group(1) or b"") if m else b""
        self.has_style_xfs = re.search(rb"<" + re.escape(self.p) + rb"cellStyleXfs\b", self.data) is not None
        self.new_fills: list[bytes] = []
        self.new_fonts: list[bytes] = []
        self.new_xfs: list[bytes] = []
        self.n_fills = self._count(b"fills", b"fill")
        self.n_fonts = self._count(b"fonts", b"font")
        self.n_xfs = self._count(b"cellXfs", b"xf")
        self._cell_xf: dict[tuple[str | None, str | None, bool], int] = {}
        self._bold_xf: int | None = None
        self.new_num_fmts: list[tuple[int, str]] = []

    def _section(self, name: bytes) -> bytes | None:
        """The content of the first ``<name>…</name>`` (None when absent or self-closing)."""
        found = next(_elements(self.data, self.p + name), None)
        return None if found is None else found[1]

    def _count(self, section: bytes, item: bytes) -> int:
        body = self._section(section)
        if body is None:
            return 0
        return len(re.findall(rb"<" + re.escape(self.p) + item + rb"[\s/>]", body))

    def _items(self, section: bytes, item: bytes) -> list[bytes]:
        """The existing elements of a section, as bytes (to reuse what an earlier run appended)."""
        body = self._section(section)
        if body is None:
            return []
        return [whole for whole, _ in _elements(body, self.p + item, whole=True)]

    def _xf(self, font: int, fill: int, apply: bytes, num_fmt: int = 0) -> int:
        xfid = b' xfId="0"' if self.has_style_xfs else b""
        xf = b'<%sxf numFmtId="%d" fontId="%d" fillId="%d" borderId="0"%s%s/>' % (self.p, num_fmt, font, fill, xfid,
                                                                                  apply)
        if xf in self.new_xfs:
            return self.n_xfs + self.new_xfs.index(xf)
        if fill < self.n_fills and font < self.n_fonts:  # both exist already: the format may too
            existing = self._existing_xfs()
            if xf in existing:
                return existing.index(xf)
        self.new_xfs.append(xf)
        return self.n_xfs + len(self.new_xfs) - 1

    def _existing_xfs(self) -> list[bytes]:
        if not hasattr(self, "_xfs_cache"):
            self._xfs_cache = self._items(b"cellXfs", b"xf")
        return self._xfs_cache

    def fill_xf(self, colour: str) -> int:
        """Index of a cell format with a solid background ``colour`` and text in black or white, whichever
        contrasts more with it (:func:`tierkit.contrast.text_colour_for`; reusing one from an earlier run)."""
        return self.cell_xf(fill=colour)

    def _fill_id(self, colour: str) -> int:
        p = self.p
        fill = (b'<%sfill><%spatternFill patternType="solid"><%sfgColor rgb="%s"/>'
                b'<%sbgColor indexed="64"/></%spatternFill></%sfill>' % (p, p, p, argb(colour).encode(), p, p, p))
        if not hasattr(self, "_fills_cache"):
            self._fills_cache = self._items(b"fills", b"fill")
        if fill in self._fills_cache:
            return self._fills_cache.index(fill)
        if fill in self.new_fills:
            return self.n_fills + self.new_fills.index(fill)
        self.new_fills.append(fill)
        return self.n_fills + len(self.new_fills) - 1

    def _font_id(self, colour: str | None, bold: bool) -> int:
        """The workbook's default font (font 0) in ``colour`` (``#RRGGBB``), bold or not; 0 for itself."""
        existing = self._items(b"fonts", b"font")
        base = existing[0] if existing else b"<%sfont/>" % self.p
        if colour is None and not bold:
            return 0
        p = self.p
        body = base[base.index(b">") + 1:base.rindex(b"<")] if not base.endswith(b"/>") else b""
        body = re.sub(rb"<" + re.escape(p) + rb"(?:color|b)\b[^>]*?(?:/>|>.*?</" + re.escape(p) + rb"(?:color|b)>)",
                      b"", body, flags=re.S)
        if colour is not None:  # CT_Font's order: b, i, ..., sz, color, name, family, charset, scheme
            tag = b'<%scolor rgb="%s"/>' % (p, argb(colour).encode())
            at = min((i for i in (body.find(b"<" + p + n) for n in (b"name", b"family", b"charset", b"scheme"))
                      if i >= 0), default=len(body))
            body = body[:at] + tag + body[at:]
        font = b"<%sfont>%s%s</%sfont>" % (p, b"<%sb/>" % p if bold else b"", body, p)
        if font in existing:
            return existing.index(font)
        if font not in self.new_fonts:
            self.new_fonts.append(font)
        return self.n_fonts + self.new_fonts.index(font)

    def number_format(self, code: str) -> int:
        """The id of the number format ``code`` (``#,##0``, ``0.0%``): a built-in one, or one appended."""
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        body = self._section(b"numFmts") or b""
        ids: list[int] = []
        for whole, _ in _elements(body, self.p + b"numFmt", whole=True):
            m = re.search(rb'numFmtId="(\d+)"', whole)
            c = re.search(rb'formatCode="([^"]*)"', whole)
            if m and c and c.group(1).decode("utf-8", "replace") == ooxml.xml_attr(code):
                return int(m.group(1))
            if m:
                ids.append(int(m.group(1)))
        for fid, known in self.new_num_fmts:
            if known == code:
                return fid
        fid = max([163, *ids, *(f for f, _ in self.new_num_fmts)]) + 1
        self.new_num_fmts.append((fid, code))
        return fid

    def cell_xf(self, *, fill: str | None = None, num_fmt: str | None = None, bold: bool = False) -> int:
        """Index of a cell format: a solid ``fill`` with text in the colour that contrasts with it, a number
        format ``num_fmt``, bold text; each part optional (reusing what an earlier run appended)."""
        key = (argb(fill) if fill else None, num_fmt, bold)
        if key not in self._cell_xf:
            from ..contrast import text_colour_for

            fill_id = self._fill_id(fill) if fill else 0
            font_id = self._font_id(text_colour_for(fill) if fill else None, bold)
            fmt_id = self.number_format(num_fmt) if num_fmt else 0
            apply = (b' applyNumberFormat="1"' if fmt_id else b"") + (b' applyFont="1"' if font_id else b"") \
                + (b' applyFill="1"' if fill_id else b"")
            self._cell_xf[key] = self._xf(font_id, fill_id, apply, fmt_id)
        return self._cell_xf[key]

    def bold_xf(self) -> int:
        if self._bold_xf is None:
            p = self.p
            font = b'<%sfont><%sb/><%ssz val="12"/></%sfont>' % (p, p, p, p)
            existing = self._items(b"fonts", b"font")
            if font in existing:
                font_id = existing.index(font)
            else:
                self.new_fonts.append(font)
                font_id = self.n_fonts + len(self.new_fonts) - 1
            self._bold_xf = self._xf(font_id, 0, b' applyFont="1"')
        return self._bold_xf

    @property
    def changed(self) -> bool:
        return bool(self.new_xfs) or bool(self.new_num_fmts) or self.created

    def _append(self, data: bytes, section: bytes, items: list[bytes], total: int) -> bytes:
        if not items:
            return data
        tag = b"<" + self.p + section
        start = _open_tag(data, tag)
        gt = data.find(b">", start) if start >= 0 else -1
        if gt < 0:
            raise ValueError(f"styles.xml has no <{section.decode()}>")
        closed = data[gt - 1:gt] == b"/"
        attrs = _COUNT_ATTR.sub(b"", data[start + len(tag):gt - 1 if closed else gt]) + b' count="%d"' % total
        opening = tag + attrs + b">"
        if closed:      # <fills count="0"/>
            return data[:start] + opening + b"".join(items) + b"</" + self.p + section + b">" + data[gt + 1:]
        close = data.index(b"</" + self.p + section + b">", gt + 1)
        return data[:start] + opening + data[gt + 1:close] + b"".join(items) + data[close:]

    def render(self) -> bytes:
        d = self.data
        if self.new_num_fmts:
            items = [b'<%snumFmt numFmtId="%d" formatCode="%s"/>' % (self.p, fid, ooxml.xml_attr(code).encode())
                     for fid, code in self.new_num_fmts]
            if _open_tag(d, b"<" + self.p + b"numFmts") >= 0:
                d = self._append(d, b"numFmts", items, self._count(b"numFmts", b"numFmt") + len(items))
            else:  # numFmts is the first child of styleSheet
                m = re.search(rb"<(\w+:)?styleSheet\b[^>]*>", d)
                if m is None:
                    raise ValueError("styles.xml has no <styleSheet>")
                block = b'<%snumFmts count="%d">%s</%snumFmts>' % (self.p, len(items), b"".join(items), self.p)
                d = d[:m.end()] + block + d[m.end():]
        d = self._append(d, b"fonts", self.new_fonts, self.n_fonts + len(self.new_fonts))
        d = self._append(d, b"fills", self.new_fills, self.n_fills + len(self.new_fills))
        return self._append(d, b"cellXfs", self.new_xfs, self.n_xfs + len(self.new_xfs))


# --------------------------------------------------------------------------- finding elements

#: an existing ``count`` attribute (the lookbehind keeps a long run of blanks from being retried at every blank)
_COUNT_ATTR = re.compile(rb'(?<!\s)\s+count="\d*"')
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _open_tag(data: bytes, tag: bytes, start: int = 0) -> int:
    """Where ``tag`` (``b"<fills"``) next starts a tag of that very name (not ``<fillsX``), or -1."""
    while (i := data.find(tag, start)) >= 0:
        end = i + len(tag)
        if end == len(data) or data[end] not in _WORD:
            return i
        start = i + 1
    return -1


def _elements(data: bytes, name: bytes, *, whole: bool = False) -> Iterator[tuple[bytes, bytes | None]]:
    """The elements ``<name …/>`` and ``<name …>…</name>`` in ``data``, in order and not nested, as (the
    element's bytes if ``whole``, else b"", its content or None when self-closing).

    Plain ``find`` calls, each byte looked at a bounded number of times: the regex this replaces
    (``<name\\b[^>]*?(?:/>|>(.*?)</name>)``) rescanned to the end of the part from every ``<name`` when
    a ``>`` or the closing tag was missing, which took hours on a 1 MB hostile styles.xml."""
    tag, closing = b"<" + name, b"</" + name + b">"
    pos, gt, close = 0, -1, -1
    no_close = False  # no closing tag after some point: none after any later one either
    while (i := _open_tag(data, tag, pos)) >= 0:
        if gt < i:
            gt = data.find(b">", i)
            if gt < 0:
                return  # no tag ends after here
        if data[gt - 1:gt] == b"/":
            yield (data[i:gt + 1] if whole else b""), None
            pos = gt + 1
            continue
        if not no_close and close < gt:
            close = data.find(closing, gt + 1)
            no_close = close < 0
        if no_close:
            pos = i + 1  # as the regex did: only a self-closing one may still follow
            continue
        yield (data[i:close + len(closing)] if whole else b""), data[gt + 1:close]
        pos = close + len(closing)


# --------------------------------------------------------------------------- package plumbing

def _insert_before(data: bytes, closing: bytes, text: bytes) -> bytes:
    pos = data.rfind(closing)
    if pos < 0:
        raise ValueError(f"{closing!r} not found")
    return data[:pos] + text + data[pos:]


def _ns_prefix(data: bytes, uri: str) -> bytes | None:
    m = re.search(rb'xmlns:(\w+)="' + re.escape(uri.encode()) + rb'"', data)
    return m.group(1) if m else None


def add_sheet_to_workbook(workbook_xml: bytes, name: str, sheet_id: int, rid: str) -> bytes:
    m = re.search(rb"<(\w+:)?workbook\b", workbook_xml)
    p = (m.group(1) or b"") if m else b""
    rp = _ns_prefix(workbook_xml, ooxml.REL_NS)
    rid_attr = b'%s:id="%s"' % (rp, rid.encode()) if rp else \
        b'xmlns:r="%s" r:id="%s"' % (ooxml.REL_NS.encode(), rid.encode())
    el = b'<%ssheet name="%s" sheetId="%d" %s/>' % (p, ooxml.xml_attr(name).encode(), sheet_id, rid_attr)
    return _insert_before(workbook_xml, b"</" + p + b"sheets>", el)


def rename_sheet(workbook_xml: bytes, sheet_id: int, name: str) -> bytes:
    """``workbook_xml`` with the ``<sheet>`` whose sheetId is ``sheet_id`` named ``name`` (only that attribute)."""
    def rename(m: re.Match[bytes]) -> bytes:
        return re.sub(rb'\bname\s*=\s*("[^"]*"|\'[^\']*\')', b'name="%s"' % ooxml.xml_attr(name).encode(), m.group(0),
                      count=1)

    pattern = rb'<(?:\w+:)?sheet\b[^>]*\bsheetId\s*=\s*["\']%d["\'][^>]*>' % sheet_id
    out, n = re.subn(pattern, rename, workbook_xml, count=1)
    if n != 1:
        raise ValueError(f"no sheet with sheetId {sheet_id} in the workbook part")
    return out


def add_relationship(rels_xml: bytes | None, rid: str, rel_type: str, target: str) -> bytes:
    if rels_xml is None:
        rels_xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<Relationships xmlns="' + ooxml.PKG_REL_NS.encode() + b'"></Relationships>')
    el = b'<Relationship Id="%s" Type="%s" Target="%s"/>' % (rid.encode(), rel_type.encode(),
                                                             ooxml.xml_attr(target).encode())
    return _insert_before(rels_xml, b"</Relationships>", el)


def add_override(ct_xml: bytes, part: str, content_type: str) -> bytes:
    name = ("/" + part).encode()
    if b'PartName="' + name + b'"' in ct_xml:
        return ct_xml
    return _insert_before(ct_xml, b"</Types>",
                          b'<Override PartName="%s" ContentType="%s"/>' % (name, content_type.encode()))


def next_rid(rels: Sequence[ooxml.Rel]) -> str:
    used = {r.id for r in rels}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


# --------------------------------------------------------------------------- summary sheet

def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if isinstance(value, float) else \
            f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{ooxml.clean_text(text)}</t></is></c>'


def summary_sheet_xml(tables: Sequence[SummaryTable], styles: Styles, header_style: int) -> bytes:
    """A worksheet with the summary tables one below the other: styled headers, number formats per column,
    tier fills with contrasting text, widths from what the cells show (:mod:`tierkit.io.summarylayout`).
    ``header_style`` (the data sheet's header format) is not used: the summary has its own."""
    from .summarylayout import HEADER_FILL, column_widths

    rows: list[str] = []
    widths = column_widths(tables)
    r = 0
    ncols = 0
    title_style = styles.bold_xf()
    head_style = styles.cell_xf(fill=HEADER_FILL, bold=True)

    def emit(values: Sequence[object], style_of: Sequence[int]) -> None:
        nonlocal r, ncols
        r += 1
        ncols = max(ncols, len(values))
        cells = [_cell(f"{column_letter(j + 1)}{r}", v, style_of[j] if j < len(style_of) else 0)
                 for j, v in enumerate(values)]
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")

    for t_index, table in enumerate(tables):
        if t_index:
            r += 1
        r += 1
        rows.append(f'<row r="{r}">' + _cell(f"A{r}", table.title, title_style) + "</row>")
        emit(table.header, [head_style if str(h) else 0 for h in table.header])
        for i, values in enumerate(table.rows):
            fill = table.fills[i] if table.fills and i < len(table.fills) else None
            emit(values, [styles.cell_xf(fill=fill, num_fmt=table.number_format(j))
                          if fill or table.number_format(j) else 0 for j in range(len(values))])
    last_col = column_letter(max(ncols, 1))
    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w:g}" customWidth="1"/>'
                   for j, w in sorted(widths.items()))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<worksheet xmlns="{ooxml.MAIN_NS}" xmlns:r="{ooxml.REL_NS}">'
           f'<dimension ref="A1:{last_col}{max(r, 1)}"/>'
           '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>'
           + (f"<cols>{cols}</cols>" if cols else "")
           + "<sheetData>" + "".join(rows) + "</sheetData>"
           '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
           "</worksheet>")
    return xml.encode("utf-8")
