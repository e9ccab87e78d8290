"""``tierkit apply``: classify a table with one or more rule sets and write the tiered copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .bind import TableSource
from .errors import TierkitError, Where, display_path
from .ruleset import load_ruleset
from .ruleset.model import RuleSet
from .segment import Classification, classify

HEADERS = {
    "en": ("{name}", "{name} ID", "{name} reason"),
    "zh": ("{name}", "{name}编号", "{name}原因"),
}
ALL_TIER_HEADERS = ("Tier", "Tier ID", "Tier reason", "层级", "层级编号", "层级原因")


def load_rules_spec(spec: str | RuleSet, workbook: Path | None = None,
                    params: dict[str, float] | None = None) -> RuleSet:
    """A built-in name, a YAML path, or ``sheet:NAME`` (a rules table on a sheet of the input workbook)."""
    if isinstance(spec, RuleSet):
        return spec
    if spec.lower().startswith("sheet:"):
        from .io import read_table
        from .ruleset import ruleset_from_rows

        name = spec.split(":", 1)[1]
        if workbook is None:
            raise TierkitError(f"--rules {spec}: a rules sheet needs a workbook input")
        table = read_table(workbook, sheet=name)
        rows = [list(table.frame.columns), *table.frame.astype(object).where(table.frame.notna(), None).values.tolist()]
        rs = ruleset_from_rows(rows, name=name.strip().lower().replace(" ", "_") or "sheet",
                               source_label=f"{display_path(workbook)} sheet '{name}'")
        if params:
            from .ruleset.loader import apply_param_overrides

            rs = apply_param_overrides(rs, params)
        return rs
    return load_ruleset(spec, params=params or None)


def default_output(path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".xlsm":
        return path.with_name(f"{path.stem}.tiered.xlsm")
    if suffix in (".csv", ".parquet", ".xlsx"):
        return path.with_name(f"{path.stem}.tiered{suffix}")
    return path.with_name(f"{path.stem}.tiered.xlsx")


def column_names(rs: RuleSet, lang: str, several: bool) -> tuple[str, str, str]:
    if several:
        base = rs.column or rs.name.upper()
    else:
        base = "层级" if lang == "zh" else "Tier"
    tpl = HEADERS[lang]
    return tpl[0].format(name=base), tpl[1].format(name=base), tpl[2].format(name=base)


@dataclass
class ApplyResult:
    output: Path
    results: list[Classification]
    lang: str = "en"
    conflicts: int = 0
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"wrote {display_path(self.output)}"]
        for res in self.results:
            rs = res.ruleset
            lines.append(f"{rs.name}: {res.n} rows")
            for row in res.summary(self.lang).itertuples():
                extra = f"  {row.measure_share:6.1%} of {rs.measure}" if hasattr(row, "measure_share") else ""
                lines.append(f"  {row.label:<28} {row.count:>8,}  {row.share:6.1%}{extra}")
            any_error = np.zeros(res.n, dtype=bool)
            for e in res.errors.values():
                any_error |= e
            if any_error.any():
                lines.append(f"  note: {int(any_error.sum()):,} rows have blanks where a condition needs a value; "
                             "those conditions did not match them (the reason column names the blanks)")
        if self.conflicts:
            lines.append(f"{self.conflicts:,} rows flagged for attention in the cross-tab (Tier summary)")
        lines.extend(self.notes)
        return "\n".join(lines)


def apply_rulesets(table: Any, rules: Sequence[str | RuleSet], dst: Path, *, lang: str = "en",
                   as_of: dt.date | None = None, params: dict[str, float] | None = None, force: bool = False,
                   engine: str = "compiled", source: TableSource | None = None) -> ApplyResult:
    """Classify ``table`` (a RawTable) with every rule set and write the copy to ``dst``."""
    from .io import NewColumn, write_output

    if Path(dst).resolve() == Path(table.path).resolve():
        raise TierkitError("the output would overwrite the input", where=Where(file=display_path(table.path)),
                           hint="tierkit never modifies the input; choose another -o")
    rulesets = [load_rules_spec(r, Path(table.path)) for r in rules]
    if params:
        from .ruleset.loader import apply_param_overrides

        known = {k for rs in rulesets for k in rs.params}
        unknown = [k for k in params if k not in known]
        if unknown:
            from .errors import did_you_mean

            listing = ", ".join(sorted(known)) or "none"
            raise TierkitError(f"unknown parameter '{unknown[0]}'",
                               hint=did_you_mean(unknown[0], known) or f"parameters: {listing}")
        rulesets = [apply_param_overrides(rs, {k: v for k, v in params.items() if k in rs.params})
                    for rs in rulesets]
    names = [rs.name for rs in rulesets]
    if len(set(names)) != len(names):
        raise TierkitError("the same rule set is given twice", hint="give each --rules once")
    several = len(rulesets) > 1
    results = [classify(rs, table.frame, as_of=as_of, engine=engine, source=source) for rs in rulesets]
    notes = [f"{res.ruleset.name}: {note}" for res in results for note in res.binding.notes]
    lengths = {res.n for res in results}
    if len(lengths) > 1:
        raise TierkitError("these rule sets make tables of different lengths (one works per order, one per "
                           "customer)", hint="apply them one at a time")
    if lengths and lengths.pop() != len(table.frame):
        # the input held orders and the features made one row per customer: write that table instead
        table = customer_table(table, results[0].binding.frame)
        if Path(dst).suffix.lower() in (".xlsx", ".xlsm"):
            dst = Path(dst).with_suffix(".xlsx")
        notes.append(f"the input holds orders; the output is a new table with "
                     f"one row per customer ({table.frame.shape[0]:,} rows)")
    columns = []
    replace = set(ALL_TIER_HEADERS)
    for rs, res in zip(rulesets, results, strict=True):
        h_label, h_id, h_reason = column_names(rs, lang, several)
        for other in ("en", "zh"):
            replace.update(column_names(rs, other, several))
            replace.update(column_names(rs, other, not several))
        fills = res.colors()
        columns.append(NewColumn(h_label, res.labels(lang), fills))
        columns.append(NewColumn(h_id, res.tier_ids(), None))
        columns.append(NewColumn(h_reason, res.reasons(lang), None))
    summary = summary_tables(results, lang)
    conflicts = 0
    if several:
        cross, conflicts = crosstab_table(results[0], results[1], lang)
        summary.append(cross)
    summary.append(_about_table(results, table, lang, as_of))
    write_output(table, Path(dst), columns, summary=summary, replace_headers=sorted(replace), force=force)
    return ApplyResult(output=Path(dst), results=results, lang=lang, conflicts=conflicts, notes=notes)


def customer_table(table: Any, frame: Any) -> Any:
    """A RawTable for a derived per-customer frame (written as a new sheet, not patched into the input)."""
    from dataclasses import replace

    from .io import column_letter

    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return replace(table, frame=frame, sheet=None, header_row=1, row_numbers=np.arange(2, len(frame) + 2),
                   column_letters=[column_letter(i + 1) for i in range(len(frame.columns))])


def summary_tables(results: Sequence[Classification], lang: str) -> list[Any]:
    from .io import SummaryTable

    tables = []
    for res in results:
        rs = res.ruleset
        df = res.summary(lang)
        zh = lang == "zh"
        header = ["层级编号" if zh else "Tier ID", "层级" if zh else "Tier", "客户数" if zh else "Customers",
                  "占比" if zh else "Share"]
        has_measure = "measure_sum" in df.columns
        if has_measure:
            header += [f"{rs.measure} 合计" if zh else f"{rs.measure} total",
                       f"{rs.measure} 占比" if zh else f"{rs.measure} share"]
        rows = []
        for rec in df.to_dict("records"):
            row = [rec["id"], rec["label"], int(rec["count"]), round(float(rec["share"]), 4)]
            if has_measure:
                row += [round(float(rec["measure_sum"]), 2), round(float(rec["measure_share"]), 4)]
            rows.append(row)
        total = ["", "合计" if zh else "Total", int(df["count"].sum()), 1.0 if res.n else 0.0]
        if has_measure:
            total += [round(float(df["measure_sum"].sum()), 2), 1.0]
        rows.append(total)
        fills = [c if isinstance(c, str) else None for c in df["color"]] + [None]
        title = f"{rs.title.get(lang)} ({rs.name}, {rs.hit_policy}, rules {rs.digest})"
        tables.append(SummaryTable(title=title, header=header, rows=rows, fills=fills))
        meta = res.binding.feature_meta
        if meta and meta.get("features"):
            from .features import describe_metadata

            lines = describe_metadata(meta)
            tables.append(SummaryTable(title=("特征与分位点" if zh else "Features and cut-points") + f" ({rs.name})",
                                       header=["说明" if zh else "Detail"], rows=[[line] for line in lines]))
    return tables


def crosstab_table(a: Classification, b: Classification, lang: str) -> tuple[Any, int]:
    """Counts of rule set A's tiers (rows) × B's tiers (columns); cells pairing a 'value' tier with a 'risk'
    tier (segment ``signal``) are flagged for a manager's attention."""
    from .io import SummaryTable

    segs_a, segs_b = a.ruleset.segments, b.ruleset.segments
    counts = np.zeros((len(segs_a) + 1, len(segs_b) + 1), dtype=np.int64)
    np.add.at(counts, (a.tier_index, b.tier_index), 1)
    zh = lang == "zh"
    header = [f"{a.ruleset.name} \\ {b.ruleset.name}"] + [s.label.get(lang) for s in segs_b]
    rows = []
    flagged = 0
    for i, sa in enumerate(segs_a):
        row: list[Any] = [sa.label.get(lang)]
        for j, sb in enumerate(segs_b):
            c = int(counts[i, j])
            if c and _conflict(sa, sb):
                flagged += c
                row.append(f"{c} ⚠")
            else:
                row.append(c)
        rows.append(row)
    title = (f"交叉表 {a.ruleset.name} × {b.ruleset.name}（⚠ = 需要经理关注：高价值但有风险）" if zh else
             f"Cross-tab {a.ruleset.name} × {b.ruleset.name} (⚠ = needs a manager's attention: valuable but at risk)")
    return SummaryTable(title=title, header=header, rows=rows), flagged


def _conflict(sa: Any, sb: Any) -> bool:
    signals = {sa.signal, sb.signal}
    return signals == {"value", "risk"}


def _about_table(results: Sequence[Classification], table: Any, lang: str, as_of: dt.date | None) -> Any:
    from . import __version__
    from .io import SummaryTable

    zh = lang == "zh"
    now = results[0].binding.now if results else None
    rows: list[list[object]] = [
        ["来源" if zh else "Source", f"{display_path(table.path)}" + (f" / {table.sheet}" if table.sheet else "")],
        ["规则" if zh else "Rules", ", ".join(f"{r.ruleset.display_path} ({r.ruleset.digest})" for r in results)],
        ["基准日期" if zh else "As of", now.date().isoformat() if now else ""],
        ["生成工具" if zh else "Made by", f"tierkit {__version__}"],
    ]
    return SummaryTable(title="关于" if zh else "About this run", header=["", ""], rows=rows)
