"""Benchmark the Excel add-in through the real server over HTTP (not a timed test: nothing is asserted).

  serve         `tierkit serve` in its own process; every call below is an HTTP POST to it (httpx, keep-alive),
                as the Office.js functions make them (JSON body: the range as a 2-D list)
  floor         TIER over a 1-row table: HTTP + JSON + xlwings, no real work (what any call costs)
  TIER cold     TIER over 10,000 rows the server has not seen (one cell changed per call)   target < 0.1 s
  TIER warm     TIER over the same 10,000 rows again (the shared classification, cached)
  3 functions   TIER, TIER_ID, TIER_REASON over one new 10,000-row range, one after the other (one classification)
  RFM_SCORE     over 10,000 rows (three columns)
  in-process    the parts of a cold TIER without HTTP: JSON, xlwings' argument handling, reading the cells as a
                table, classifying, spilling
  apply_rules   on a 100,000-row book payload (xw.Book(json=...), the remote engine), in this process

Run:  python bench/bench_addin.py [--rows 10000] [--repeat 5]
(sets XLWINGS_LICENSE_KEY=noncommercial unless a key is set)
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import tierkit_addin
import xlwings as xw
from tierkit_addin import core
from xlwings.server import custom_functions_call, custom_scripts_call

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "addin" / "fixtures"
RULES = str(FIXTURES / "mini.yaml")
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


def payload(func: str, *args: Any) -> dict[str, Any]:
    return {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", "func_name": func,
            "args": list(args), "caller_address": "Office.js[Book1]Sheet1!F1", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy"}


def best_of(fn: Callable[[int], Any], repeat: int) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return min(times)


@contextmanager
def server() -> Iterator[str]:
    """`tierkit serve` on a free loopback port, in its own process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from tierkit.cli import main; main()", "serve", "--port",
                             str(port), "--rules-dir", str(FIXTURES)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("tierkit serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def bench_http(n: int, repeat: int) -> dict[str, float]:
    table = rows(n)
    out: dict[str, float] = {}
    with server() as base, httpx.Client(base_url=base, timeout=60) as client:
        def body(func: str, *args: Any) -> bytes:
            return json.dumps(payload(func, *args)).encode()  # Excel's side: serialised before the clock runs

        def post(data: bytes) -> list[list[Any]]:
            r = client.post("/xlwings/custom-functions-call", content=data,
                            headers={"content-type": "application/json"})
            r.raise_for_status()
            result = r.json()["result"]
            assert not str(result[0][0]).startswith("tierkit:"), result[:2]
            return result

        def variant(i: int) -> list[list[Any]]:
            t = [list(r) for r in table]
            t[1][2] = 1000 + i       # one cell changed: a table the server has not classified
            return t

        one_row, whole = body("tier", [["mini"]], table[:2]), body("tier", [["mini"]], table)
        post(one_row)  # warm up: imports, the rule set
        out["floor"] = best_of(lambda i: post(one_row), repeat)
        post(whole)
        fresh = [body("tier", [["mini"]], variant(i)) for i in range(repeat)]
        out["TIER cold"] = best_of(lambda i: post(fresh[i]), repeat)
        post(body("tier_id", [["mini"]], table))
        out["TIER warm"] = best_of(lambda i: post(whole), repeat)
        threes = [[body(func, [["mini"]], variant(repeat + i)) for func in ("tier", "tier_id", "tier_reason")]
                  for i in range(repeat)]

        def three(i: int) -> None:
            for data in threes[i]:
                post(data)

        out["3 functions"] = best_of(three, repeat)
        cols = [[[r[3]] for r in table], [[r[2]] for r in table], [[r[1]] for r in table]]
        rfm = body("rfm_score", *cols)
        out["RFM_SCORE"] = best_of(lambda i: post(rfm), repeat)
    return out


def forget() -> None:
    """Empty the add-in's classification cache (when there is one)."""
    cache = getattr(core, "CLASSIFICATIONS", None)
    if cache is not None:
        cache.clear()


def bench_parts(n: int, repeat: int) -> dict[str, float]:
    """A cold TIER in this process, part by part."""
    table = rows(n)
    body = json.dumps(payload("tier", [[RULES]], table, None))
    parts: dict[str, list[float]] = {}

    def clock(name: str, start: float) -> float:
        now = time.perf_counter()
        parts.setdefault(name, []).append(now - start)
        return now

    for _ in range(repeat):
        forget()
        t = time.perf_counter()
        data = json.loads(body)
        t = clock("json", t)
        rs = core.resolve_ruleset(data["args"][0])
        cells = core.as_rows(data["args"][1])
        t = clock("arguments", t)
        tab = core.customers_only(core.table_from_rows(cells), rs)
        t = clock("read table", t)
        res = core.classify(rs, tab)
        t = clock("classify", t)
        core.column(core.spread(res.labels("en"), tab))
        t = clock("spill", t)
        forget()
        asyncio.run(custom_functions_call(json.loads(body), tierkit_addin))
        clock("whole call (xlwings)", t)
    return {k: min(v) for k, v in parts.items()}


def bench_apply(n: int = 100_000) -> float:
    book = {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "big.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": "Customers", "values": rows(n), "pictures": [], "tables": []}]}
    body = json.dumps(book)

    def once(i: int) -> None:
        b = xw.Book(json=json.loads(body))
        b = asyncio.run(custom_scripts_call(tierkit_addin, "apply_rules", typehint_to_value={xw.Book: b},
                                            args=[RULES, "en"]))
        out = json.dumps(b.json())
        assert b._tierkit_result["rows"] == n, out[:500]

    once(0)
    return best_of(once, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5, help="best of N calls")
    ap.add_argument("--skip-apply", action="store_true")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}; best of {args.repeat}")
    http = bench_http(args.rows, args.repeat)
    floor = http["floor"]
    print(f"through `tierkit serve` over HTTP, {args.rows:,} rows:")
    for name, secs in http.items():
        ratio = "" if name == "floor" else f"  x{secs / floor:5.1f} of the floor"
        goal = "  (target < 0.100 s: " + ("OK)" if secs < 0.1 else "SLOW)") if name == "TIER cold" else ""
        print(f"  {name:<12} {secs:7.3f} s{ratio}{goal}")
    print("a cold TIER in-process, by part:")
    for name, secs in bench_parts(args.rows, args.repeat).items():
        print(f"  {name:<21} {secs:7.3f} s")
    if not args.skip_apply:
        apply = bench_apply()
        print(f"apply_rules on a 100,000-row book payload: {apply:.3f} s (target < 3 s) "
              f"{'OK' if apply < 3 else 'SLOW'}")


if __name__ == "__main__":
    main()
