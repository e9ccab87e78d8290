"""Benchmark the Excel add-in over xlwings' server runtime (not a timed test).

  TIER over a 10,000-row table through xlwings.server.custom_functions_call   target < 0.5 s
  apply_rules on a 100,000-row book payload (xw.Book(json=...), the remote engine)   target < 3 s

Run:  python bench/bench_addin.py   (sets XLWINGS_LICENSE_KEY=noncommercial unless a key is set)
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

import tierkit_addin
import xlwings as xw
from xlwings.server import custom_functions_call, custom_scripts_call

RULES = str(Path(__file__).resolve().parents[1] / "tests" / "addin" / "fixtures" / "mini.yaml")
HEADER = ["客户编号", "销售额", "订单数", "最近下单日期"]


def rows(n: int, seed: int = 7) -> list[list[Any]]:
    rnd = random.Random(seed)
    out: list[list[Any]] = [HEADER]
    for i in range(n):
        revenue: Any = round(rnd.lognormvariate(7, 1.5), 2)
        if i % 50 == 0:
            revenue = ""  # blanks
        elif i % 7 == 0:
            revenue = f"{revenue:,.2f}"  # numbers as text
        out.append([f"C{i:06d}", revenue, rnd.randint(1, 20), 44900 + rnd.randint(0, 800)])
    return out


def best_of(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_udf(n: int = 10_000) -> float:
    data = {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", "func_name": "tier",
            "args": [[[RULES]], rows(n), None], "caller_address": "Office.js[Book1]Sheet1!F1",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy"}
    body = json.dumps(data)

    def once() -> None:
        result = asyncio.run(custom_functions_call(json.loads(body), tierkit_addin))
        assert len(result) == n and not str(result[0][0]).startswith("tierkit:"), result[:2]

    once()  # warm caches (rule-set file, imports)
    return best_of(once)


def bench_apply(n: int = 100_000) -> float:
    book = {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "big.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": "Customers", "values": rows(n), "pictures": [], "tables": []}]}
    body = json.dumps(book)

    def once() -> None:
        b = xw.Book(json=json.loads(body))
        b = asyncio.run(custom_scripts_call(tierkit_addin, "apply_rules", typehint_to_value={xw.Book: b},
                                            args=[RULES, "en"]))
        out = json.dumps(b.json())
        assert b._tierkit_result["rows"] == n, out[:500]

    once()
    return best_of(once, repeat=2)


def main() -> None:
    udf = bench_udf()
    print(f"TIER over 10,000 rows via custom_functions_call: {udf:.3f} s (target < 0.5 s) "
          f"{'OK' if udf < 0.5 else 'SLOW'}")
    apply = bench_apply()
    print(f"apply_rules on a 100,000-row book payload:      {apply:.3f} s (target < 3 s) "
          f"{'OK' if apply < 3 else 'SLOW'}")


if __name__ == "__main__":
    main()
