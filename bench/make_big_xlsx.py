"""Generate the benchmark workbook: 1,000,000 customer rows x 8 columns (.xlsx, shared strings).

Usage: python bench/make_big_xlsx.py [--rows N] [--out PATH]

The file is cached under bench/.cache/ (gitignored); it is rebuilt only when missing.
Written with xlsxwriter in its default (shared-strings) mode, like a workbook saved by Excel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
HEADERS = ["Customer ID", "Name", "Region", "Revenue", "Orders", "Last order", "Margin", "Active"]
REGIONS = ["North", "South", "East", "West", "华东", "华南", "Central", "Overseas"]


def default_path(rows: int) -> Path:
    return CACHE / f"customers_{rows}.xlsx"


def make(path: Path, rows: int, seed: int = 7) -> Path:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Customers")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    pct = wb.add_format({"num_format": "0.0%"})
    ws.write_row(0, 0, HEADERS, head)
    ws.freeze_panes(1, 0)
    base = dt.date(2020, 1, 1)
    for i in range(1, rows + 1):
        ws.write_number(i, 0, 100000 + i)
        ws.write_string(i, 1, f"Customer {rng.randrange(rows // 2 or 1):07d}")
        ws.write_string(i, 2, REGIONS[rng.randrange(len(REGIONS))])
        ws.write_number(i, 3, round(rng.lognormvariate(7, 1.2), 2), money)
        ws.write_number(i, 4, rng.randrange(1, 200))
        ws.write_datetime(i, 5, dt.datetime.combine(base + dt.timedelta(days=rng.randrange(1800)), dt.time()),
                          date_fmt)
        ws.write_number(i, 6, round(rng.uniform(-0.1, 0.6), 4), pct)
        ws.write_boolean(i, 7, rng.random() < 0.8)
    wb.close()
    tmp.replace(path)
    return path


def ensure(rows: int = 1_000_000, path: Path | None = None) -> Path:
    path = path or default_path(rows)
    if not path.exists():
        t0 = time.perf_counter()
        print(f"generating {path} ({rows:,} rows) ...", file=sys.stderr)
        make(path, rows)
        print(f"  done in {time.perf_counter() - t0:.1f}s, {path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    print(ensure(args.rows, args.out))


if __name__ == "__main__":
    main()
