"""Tier movement: who moved between tiers since last time, and what a rule change would move.

The core (no CLI, no terminal): :mod:`.compute` aligns two snapshots and builds the matrices and the value at
risk, :mod:`.snapshot` takes snapshots the way ``tierkit apply`` classifies, :mod:`.workbook` writes the
movement workbook, :mod:`.run` ties them together for ``tierkit compare`` and ``tierkit rules diff``.
"""

from __future__ import annotations

from .cells import Cells, movement_cells, moves_cells
from .compute import MOVES, Movement, RiskPath, ScaleMovement, Snapshot, compare, ranked_by, ranks, scales
from .run import MovementResult, compare_dates, compare_files, compare_rules, default_output
from .since import Since, movement_since
from .snapshot import relative_features, snapshot_at, snapshot_of_file, with_cut_points
from .workbook import sheet_names, write_movement

__all__ = [
    "MOVES",
    "Cells",
    "Movement",
    "MovementResult",
    "RiskPath",
    "ScaleMovement",
    "Since",
    "Snapshot",
    "compare",
    "compare_dates",
    "compare_files",
    "compare_rules",
    "default_output",
    "movement_cells",
    "movement_since",
    "moves_cells",
    "ranked_by",
    "ranks",
    "relative_features",
    "scales",
    "sheet_names",
    "snapshot_at",
    "snapshot_of_file",
    "with_cut_points",
    "write_movement",
]
