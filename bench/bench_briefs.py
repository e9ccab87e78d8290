"""Benchmark: the full RFM brief pack of the distributor sample (cover + one page per tier).

    python bench/bench_briefs.py [--lang en|zh] [--repeat 3] [--rules rfm] [--out /tmp/bench_briefs.pdf]

Prints tierkit's own time (reading + classifying the data, figures, charts, templating) against
WeasyPrint's (layout + PDF), and the total.  Targets (issue 6): total < 4 s, own work < half.
The first run pays the imports and matplotlib's font cache; the best of the warm runs is what counts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import tierkit  # noqa: E402
from tierkit.reporting import build_pack, charts, render_html, render_pdf, write_document  # noqa: E402

WORKBOOK = ROOT / "sample_workbooks" / "distributor.xlsx"
FALLBACK_RULES = ROOT / "tests" / "reporting" / "data" / "rfm_test.yaml"


class Clock:
    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.parts[name] = self.parts.get(name, 0.0) + seconds

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
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
    t = time.perf_counter()
    document = render_pdf(html)
    clock.add("weasyprint layout", time.perf_counter() - t)
    t = time.perf_counter()
    write_document(document, out)
    clock.add("weasyprint pdf", time.perf_counter() - t)
    return clock, len(document.pages)


OWN = ("read", "classify", "figures", "charts", "templating")
WEASY = ("weasyprint layout", "weasyprint pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", default=None, help="rule set (default: built-in rfm, else the test copy)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_briefs.pdf"))
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
    best = min(warm, key=lambda c: sum(c.parts.values()))
    print(f"\nRFM pack of {WORKBOOK.name} ({rules if isinstance(rules, str) else rules.name}, {args.lang}): "
          f"{pages} pages -> {args.out}")
    print("best warm run, by part:")
    for key in (*OWN, *WEASY):
        print(f"  {key:<18} {best.parts.get(key, 0.0):6.3f} s")
    own = sum(best.parts.get(k, 0.0) for k in OWN)
    weasy = sum(best.parts.get(k, 0.0) for k in WEASY)
    total = own + weasy
    median = statistics.median(sum(c.parts.values()) for c in warm)
    print(f"tierkit's own work {own:.2f} s ({own / total:.0%}) | WeasyPrint {weasy:.2f} s "
          f"({weasy / pages:.3f} s/page) | total {total:.2f} s (median {median:.2f} s)")
    print(f"targets: total < 4 s: {'ok' if total < 4 else 'MISSED'}; own < half: "
          f"{'ok' if own < total / 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
