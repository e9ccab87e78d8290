"""Ordinary inputs the hostile cases start from: a small rule file and small customer tables."""

from __future__ import annotations

from pathlib import Path

from .zipgen import Part, rows_xml, sheet_xml, xlsx

MINI_RULES = """\
name: mini
title: {en: Mini tiers, zh: 迷你分层}
hit_policy: first
measure: revenue
fields:
  customer_id: {type: string, role: id, aliases: [Customer ID]}
  revenue: {type: float, aliases: [Revenue]}
  name: {type: string, aliases: [Name]}
segments:
  - id: big
    label: {en: Big, zh: 大客户}
    when: WHEN
  - id: small
    label: {en: Small, zh: 小客户}
    default: true
"""

HEADER = ["Customer ID", "Name", "Revenue"]


def customers(n: int = 5, name: str = "Shop") -> list[list[object]]:
    return [HEADER] + [[f"C{i:04d}", f"{name} {i}", 100.0 * i] for i in range(1, n + 1)]


def rules_file(folder: Path, when: str = "revenue >= 300", name: str = "rules.yaml") -> Path:
    path = folder / name
    path.write_text(MINI_RULES.replace("WHEN", when.replace("\\", "\\\\").replace('"', '\\"').join('""')),
                    encoding="utf-8")
    return path


def book(folder: Path, rows: list[list[object]] | None = None, name: str = "in.xlsx",
         **more: Part | bytes) -> Path:
    """A workbook with the table on sheet Customers, and more sheets given as worksheet parts."""
    return xlsx(folder / name, {"Customers": sheet_xml(rows_xml(rows or customers())), **more})


def csv_file(folder: Path, text: str, name: str = "in.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
