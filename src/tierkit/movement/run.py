"""The three ways to compare, each ending in one movement workbook and one console report:

* :func:`compare_dates`: one workbook (with an orders sheet) classified at two dates;
* :func:`compare_files`: two snapshots of the customer table (tiered outputs keep their own tiers);
* :func:`compare_rules`: the same data under two versions of a rule set (``tierkit rules diff``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import app
from ..errors import TierkitError, display_path, msg
from ..i18n import tr
from ..ruleset.model import RuleSet
from .compute import Movement, compare
from .snapshot import relative_features, snapshot_at, snapshot_of_file, with_cut_points
from .texts import console, notes
from .workbook import write_movement

MOVEMENT = "movement"


@dataclass
class MovementResult:
    movement: Movement
    output: Path
    lang: str = "en"
    relative: list[str] = field(default_factory=list)
    fixed_cuts: bool = False

    def lines(self) -> list[str]:
        """The console report (the same figures as the workbook's Tier movement sheet)."""
        return [tr(self.lang, "wrote {path}", path=display_path(self.output)),
                *console(self.movement, self.lang, relative=self.relative, fixed_cuts=self.fixed_cuts)]


def default_output(path: str | Path) -> Path:
    """``<name>.movement.xlsx`` beside ``path``."""
    return app.default_output(Path(path), MOVEMENT, fmt="xlsx")


def _finish(mv: Movement, dst: Path, *, lang: str, title: str, relative: list[str], fixed_cuts: bool, force: bool,
            inputs: list[Path]) -> MovementResult:
    lines = notes(mv, lang, relative=relative, fixed_cuts=fixed_cuts)
    write_movement(mv, dst, lang=lang, notes=lines, title=title, force=force, inputs=inputs)
    return MovementResult(movement=mv, output=dst, lang=lang, relative=relative, fixed_cuts=fixed_cuts)


def _check_dst(dst: Path, force: bool, inputs: list[Path]) -> None:
    from ..io.atomic import check_output

    check_output(dst, force=force, inputs=inputs)


def compare_dates(input: str | Path, rs: RuleSet, date_from: dt.date, date_to: dt.date, *,
                  output: str | Path | None = None, lang: str = "en", fixed_cuts: bool = False,
                  sheet: str | None = None, header_row: int | None = None, id_column: str | None = None,
                  keep_all_rows: bool = False, visible_only: bool = False, force: bool = False) -> MovementResult:
    """Classify ``input`` at ``date_from`` and at ``date_to`` (features from its orders up to each date, as
    ``apply --as-of``) and write who moved."""
    if date_to < date_from:
        raise TierkitError(
            msg("--to {date_to} is before --from {date_from}", date_to=date_to, date_from=date_from),
            hint=msg("give the earlier date as --from"),
        )
    dst = Path(output) if output else default_output(input)
    _check_dst(dst, force, [Path(input)])
    table = app.open_table(input, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[rs])
    opts = dict(id_column=id_column, keep_all_rows=keep_all_rows, lang=lang)
    before, first = snapshot_at(table, rs, as_of=date_from, name=date_from.isoformat(), reasons=False, **opts)  # type: ignore[arg-type]
    later = with_cut_points(rs, first) if fixed_cuts else rs
    after, _ = snapshot_at(table, later, as_of=date_to, name=date_to.isoformat(), **opts)  # type: ignore[arg-type]
    mv = compare(before, after)
    title = tr(lang, "Tier movement: {title} ({name}), {before} → {after}", title=rs.title.get(lang), name=rs.name,
               before=before.name, after=after.name)
    return _finish(mv, dst, lang=lang, title=title, relative=relative_features(rs, fixed_cuts=fixed_cuts),
                   fixed_cuts=fixed_cuts, force=force, inputs=[Path(input)])


def compare_files(before_path: str | Path, after_path: str | Path, rs: RuleSet, *,
                  output: str | Path | None = None, lang: str = "en", as_of: dt.date | None = None,
                  sheet: str | None = None, header_row: int | None = None, id_column: str | None = None,
                  keep_all_rows: bool = False, visible_only: bool = False, force: bool = False) -> MovementResult:
    """Compare two snapshots of the customer table, matched on the customer id."""
    inputs = [Path(before_path), Path(after_path)]
    dst = Path(output) if output else default_output(after_path)
    _check_dst(dst, force, inputs)
    snaps = []
    for k, path in enumerate(inputs):
        table = app.open_table(path, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[rs])
        snaps.append(snapshot_of_file(table, rs, lang=lang, as_of=as_of, id_column=id_column,
                                      keep_all_rows=keep_all_rows, reasons=k == 1))
    if snaps[0].name == snaps[1].name:
        snaps[0].name, snaps[1].name = display_path(inputs[0]), display_path(inputs[1])
    mv = compare(snaps[0], snaps[1])
    title = tr(lang, "Tier movement: {title} ({name}), {before} → {after}", title=rs.title.get(lang), name=rs.name,
               before=snaps[0].name, after=snaps[1].name)
    relative = [] if all(s.given for s in snaps) else relative_features(rs)
    return _finish(mv, dst, lang=lang, title=title, relative=relative, fixed_cuts=False, force=force, inputs=inputs)


def compare_rules(old: RuleSet, new: RuleSet, data: str | Path, *, output: str | Path | None = None,
                  lang: str = "en", as_of: dt.date | None = None, sheet: str | None = None,
                  header_row: int | None = None, id_column: str | None = None, keep_all_rows: bool = False,
                  visible_only: bool = False, force: bool = False) -> MovementResult:
    """The same data under two versions of a rule set: what publishing ``new`` would move."""
    dst = Path(output) if output else default_output(data)
    _check_dst(dst, force, [Path(data)])
    table = app.open_table(data, sheet=sheet, header_row=header_row, visible_only=visible_only, rulesets=[old, new])
    opts = dict(as_of=as_of, id_column=id_column, keep_all_rows=keep_all_rows, lang=lang)
    old_name, new_name = _version_names(old, new, lang)
    before, _ = snapshot_at(table, old, name=old_name, reasons=False, **opts)  # type: ignore[arg-type]
    after, _ = snapshot_at(table, new, name=new_name, **opts)  # type: ignore[arg-type]
    mv = compare(before, after)
    title = tr(lang, "Rule change impact on {data}: {before} → {after}", data=Path(data).name, before=old_name,
               after=new_name)
    return _finish(mv, dst, lang=lang, title=title, relative=[], fixed_cuts=False, force=force, inputs=[Path(data)])


def _version_names(old: RuleSet, new: RuleSet, lang: str) -> tuple[str, str]:
    a, b = old.display_path, new.display_path
    if a == b:  # the same file, NEW with --param overrides
        changed = {k: v for k, v in new.params.items() if old.params.get(k) != v}
        shown = ", ".join(f"{k}={v:g}" for k, v in changed.items())
        return tr(lang, "{name} as is", name=old.name), f"{new.name} ({shown})" if shown else new.name
    return a, b
