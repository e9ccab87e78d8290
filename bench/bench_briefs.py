"""Benchmark: the full RFM brief pack of the distributor sample (cover + one page per tier).

    python bench/bench_briefs.py [--lang en|zh] [--repeat 3] [--rules rfm] [--out /tmp/bench_briefs.pdf]
                                 [--skip-cli] [--big-rows 1000000]

In this process: tierkit's own time (reading + classifying the data, figures, charts, templating) against
WeasyPrint's (layout + PDF), and the total.  Targets (issue 6): total < 4 s, own work < half.
The first run pays the imports and the font caches; the best of the warm runs is what counts.  WeasyPrint's
own steps are timed inside its share (parse HTML, CSS cascade, box tree, pages laid out, drawing with the
SVG charts, font subsets); "pages laid out" also counts the page layouts (a page laid out twice counts twice:
the 13-page pack took 26 with the running "(continued)" header, 15 since).

In fresh processes (issue 14), side by side: WeasyPrint alone laying out the pack's HTML (the baseline),
``tierkit brief`` cold (target < 3 s) with its layout worker (WeasyPrint loaded and warmed up in a second
process while the table is read and classified, then laying out the pack in two parts at once, the cover and
the first tiers there and the rest in a copy of it forked then, joined with pypdf: reporting/parallel.py) and
without it
(``TIERKIT_NO_WORKER=1``: one process, as before), ``tierkit brief --split`` (the pack plus one PDF per tier:
the pack laid out in the worker while every tier's file is laid out at once here), and a brief of
``--big-rows`` customers from a parquet file with the abc rules (peak RSS target < 1 GB).  Each line gives the
wall time, the CPU time of the whole process tree (a fair measure on a shared machine) and the peak RSS of
the largest process in it (the worker included).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import tierkit  # noqa: E402
from tierkit.reporting import build_pack, charts, render_html, render_pdf, write_document  # noqa: E402

WORKBOOK = ROOT / "sample_workbooks" / "distributor.xlsx"
FALLBACK_RULES = ROOT / "tests" / "reporting" / "data" / "rfm_test.yaml"


class Clock:
    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def add(self, name: str, seconds: float) -> None:
        self.parts[name] = self.parts.get(name, 0.0) + seconds

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - t)

        return wrapper


def read(clock: Clock) -> tuple[Any, Any]:
    """The customer sheet and a loader for the other sheets, as ``tierkit brief`` reads them."""
    t = time.perf_counter()
    try:
        from tierkit.io import read_table

        raw = read_table(WORKBOOK, sheet="Customers")
        frame = raw.frame
        cache: dict[str, Any] = {}

        def sheets(name: str) -> Any:
            if name not in cache:
                try:
                    cache[name] = read_table(WORKBOOK, sheet=name).frame
                except tierkit.TierkitError:
                    cache[name] = None
            return cache[name]
    except ImportError:  # pragma: no cover - before tierkit.io landed
        import pandas as pd

        all_sheets = pd.read_excel(WORKBOOK, sheet_name=None, engine="calamine")
        frame, sheets = all_sheets["Customers"], all_sheets  # type: ignore[assignment]
    clock.add("read", time.perf_counter() - t)
    return frame, sheets


def one_run(rules: str | Path, lang: str, out: Path) -> tuple[Clock, int]:
    clock = Clock()
    frame, sheets = read(clock)
    t = time.perf_counter()
    rs = tierkit.load_ruleset(rules)
    res = tierkit.classify(rs, frame, source=tierkit.TableSource(file=WORKBOOK.name, sheet="Customers",
                                                                 sheets=sheets))
    clock.add("classify", time.perf_counter() - t)
    originals = {name: getattr(charts, name) for name in ("tier_bars", "pareto_curve", "differs")}
    for name, fn in originals.items():
        setattr(charts, name, clock.timed("charts", fn))
    try:
        t = time.perf_counter()
        pack = build_pack(res, lang=lang, top=10)
        clock.add("figures", time.perf_counter() - t - clock.parts.get("charts", 0.0))
    finally:
        for name, fn in originals.items():
            setattr(charts, name, fn)
    t = time.perf_counter()
    html = render_html(pack)
    clock.add("templating", time.perf_counter() - t)
    with weasyprint_parts(clock):
        t = time.perf_counter()
        document = render_pdf(html)
        clock.add("weasyprint layout", time.perf_counter() - t)
        t = time.perf_counter()
        write_document(document, out)
        clock.add("weasyprint pdf", time.perf_counter() - t)
    return clock, len(document.pages)


#: WeasyPrint's steps, timed inside "weasyprint layout" and "weasyprint pdf" (module, attribute, part)
WEASY_STEPS = (
    ("weasyprint", "HTML.__init__", "  parse HTML"),
    ("weasyprint.document", "get_all_computed_styles", "  CSS cascade"),
    ("weasyprint.document", "build_formatting_structure", "  box tree"),
    ("weasyprint.layout.page", "make_page", "  pages laid out"),
    ("weasyprint.document", "Page.paint", "  drawing"),
    ("weasyprint.svg", "SVG.draw", "    of it charts (SVG)"),
    ("weasyprint.pdf", "build_fonts_dictionary", "  font subsets"),
)


@contextlib.contextmanager
def weasyprint_parts(clock: Clock) -> Iterator[None]:
    """Time WeasyPrint's own steps (each wrapped while the block runs); "pages laid out" also counts the
    pages made (a page laid out twice counts twice: see tests/reporting/test_layout_once.py)."""
    import importlib

    saved = []
    for module_name, attr, part in WEASY_STEPS:
        owner: Any = importlib.import_module(module_name)
        *path, name = attr.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, clock.timed(part, original))
    try:
        yield
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


CLI = "import sys; from tierkit.cli import main; sys.argv[0] = 'tierkit'; main()"
WEASY_ONLY = """
import sys, time
t0 = time.perf_counter()
from weasyprint import HTML
from tierkit.reporting.fetcher import AssetFetcher
html = open(sys.argv[1], encoding="utf-8").read()
HTML(string=html, base_url="tierkit:", url_fetcher=AssetFetcher(None)).write_pdf(sys.argv[2])
"""


def big_table(path: Path, n: int) -> None:
    """``n`` customers (id, name, region, revenue) as parquet, with fixed seeds."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    ids = np.char.add("C", np.char.zfill(np.arange(n).astype(str), 7))
    pd.DataFrame({"Customer ID": ids, "Name": np.char.add("Account ", ids),
                  "Region": rng.choice(["North", "South", "East", "West", "华东"], n),
                  "Revenue": np.round(rng.lognormal(7, 1.6, n), 2)}).to_parquet(path, index=False)


TREE = """
import json, os, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_CHILDREN)
if done.returncode:
    sys.exit(done.stderr[-3000:])
print(json.dumps({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "rss": use.ru_maxrss / 1024}))
"""


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall time, CPU time of the process tree and the peak RSS (MB) of its largest process."""
    import json
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           **(env or {})}
    done = subprocess.run([sys.executable, "-c", TREE, sys.executable, *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode:
        raise SystemExit(f"step failed: {' '.join(args[:4])}\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["wall"], data["cpu"], data["rss"]


def cli_runs(rules: str | Path, lang: str, repeat: int, big_rows: int) -> None:
    """``tierkit brief`` in fresh processes beside WeasyPrint alone on the same HTML."""
    import tempfile

    print(f"\nin fresh processes (best of {repeat}; peak RSS the largest):")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        from tierkit import app

        raw = app.open_table(WORKBOOK, rulesets=[tierkit.load_ruleset(rules)])
        from tierkit.reporting.cli import classify_table

        res = classify_table(raw, tierkit.load_ruleset(rules))[0]
        html = tmp / "pack.html"
        html.write_text(render_html(build_pack(res, lang=lang, top=10)), encoding="utf-8")
        brief = ["-c", CLI, "brief", str(WORKBOOK), "--rules", str(rules), "--lang", lang, "--force"]
        one = {"TIERKIT_NO_WORKER": "1"}
        steps: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "weasyprint alone": (["-c", WEASY_ONLY, str(html), str(tmp / "w.pdf")], None),
            "tierkit brief": ([*brief, "-o", str(tmp / "b.pdf")], None),
            "  one process": ([*brief, "-o", str(tmp / "b1.pdf")], one),
            "brief --split": ([*brief, "-o", str(tmp / "s.pdf"), "--split", str(tmp / "split")], None),
            "  one process ": ([*brief, "-o", str(tmp / "s1.pdf"), "--split", str(tmp / "split1")], one),
        }
        best: dict[str, tuple[float, float, float]] = {}
        for _ in range(repeat):
            for name, (cmd, env) in steps.items():
                wall, cpu, rss = run_measured(cmd, env)
                old = best.get(name, (wall, cpu, rss))
                best[name] = (min(wall, old[0]), min(cpu, old[1]), max(rss, old[2]))
        base = best["weasyprint alone"][0]
        for name, (wall, cpu, rss) in best.items():
            goal = "  (target < 3 s)" if name == "tierkit brief" else ""
            print(f"  {name:<18} {wall:6.2f} s  x{wall / base:4.2f} of WeasyPrint alone  CPU {cpu:6.2f} s  "
                  f"peak RSS {rss:5.0f} MB{goal}")
        if big_rows:
            data = tmp / "big.parquet"
            big_table(data, big_rows)
            wall, cpu, rss = run_measured(["-c", CLI, "brief", str(data), "--rules", "abc", "--lang", lang,
                                           "-o", str(tmp / "big.pdf"), "--force"])
            print(f"  brief of {big_rows:,} customers (abc, parquet): {wall:6.2f} s  CPU {cpu:6.2f} s  "
                  f"peak RSS {rss:5.0f} MB (target < 1024 MB)")


OWN = ("read", "classify", "figures", "charts", "templating")
WEASY = ("weasyprint layout", "weasyprint pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", default=None, help="rule set (default: built-in rfm, else the test copy)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_briefs.pdf"))
    parser.add_argument("--skip-cli", action="store_true", help="no fresh-process runs")
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="customers of the big brief (0: none)")
    args = parser.parse_args()
    rules = args.rules or ("rfm" if "rfm" in tierkit.builtin_names() else FALLBACK_RULES)
    runs = []
    for i in range(args.repeat + 1):
        clock, pages = one_run(rules, args.lang, args.out)
        runs.append(clock)
        label = "cold" if i == 0 else f"warm {i}"
        own = sum(clock.parts.get(k, 0.0) for k in OWN)
        weasy = sum(clock.parts.get(k, 0.0) for k in WEASY)
        print(f"{label:>7}: own {own:5.2f} s  weasyprint {weasy:5.2f} s  total {own + weasy:5.2f} s")
    warm = runs[1:] or runs
    best = min(warm, key=lambda c: sum(c.parts.get(k, 0.0) for k in (*OWN, *WEASY)))
    print(f"\nRFM pack of {WORKBOOK.name} ({rules if isinstance(rules, str) else rules.name}, {args.lang}): "
          f"{pages} pages -> {args.out}")
    print("best warm run, by part:")
    for key in (*OWN, *WEASY):
        print(f"  {key:<18} {best.parts.get(key, 0.0):6.3f} s")
        if key == WEASY[-1]:
            print("WeasyPrint's steps (inside its layout and pdf above):")
            for _, _, part in WEASY_STEPS:
                count = f"  ({best.calls[part]} for {pages} pages)" if part == "  pages laid out" else ""
                print(f"  {part:<22} {best.parts.get(part, 0.0):6.3f} s{count}")
    own = sum(best.parts.get(k, 0.0) for k in OWN)
    weasy = sum(best.parts.get(k, 0.0) for k in WEASY)
    total = own + weasy
    median = statistics.median(sum(c.parts.get(k, 0.0) for k in (*OWN, *WEASY)) for c in warm)
    print(f"tierkit's own work {own:.2f} s ({own / total:.0%}) | WeasyPrint {weasy:.2f} s "
          f"({weasy / pages:.3f} s/page) | total {total:.2f} s (median {median:.2f} s)")
    print(f"targets: total < 4 s: {'ok' if total < 4 else 'MISSED'}; own < half: "
          f"{'ok' if own < total / 2 else 'MISSED'}")
    if not args.skip_cli:
        cli_runs(rules, args.lang, max(1, min(args.repeat, 2)), args.big_rows)


if __name__ == "__main__":
    main()
