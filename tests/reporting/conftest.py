"""Fixtures of the report tests.

Golden HTML files live in ``tests/golden/reports/``; refresh them after an intended change with

    pytest tests/reporting --update-golden        (or: TIERKIT_UPDATE_GOLDEN=1 pytest tests/reporting)

and review the diff.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import tierkit

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parents[1]
GOLDEN = ROOT / "tests" / "golden" / "reports"
SAMPLES = ROOT / "sample_workbooks"
AS_OF = dt.date(2024, 12, 31)
GENERATED = dt.datetime(2025, 1, 2, 9, 30)

XSS_NAME = "<script>alert(1)</script>"
TEMPLATE_NAME = "{{ 7*7 }} Trading"
CHINESE_NAME = "上海金鼎机电有限公司"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files under tests/golden/ instead of comparing with them")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    try:
        flag = bool(request.config.getoption("--update-golden"))
    except ValueError:  # the option is registered only when this conftest is an initial one
        flag = False
    return flag or os.environ.get("TIERKIT_UPDATE_GOLDEN", "") not in ("", "0")


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook as a DataFrame (a stand-in for tierkit.io in these tests)."""
    return pd.read_excel(path, sheet_name=None, engine="calamine")


def customers() -> pd.DataFrame:
    """Twelve customers: Chinese names, a <script> name, a Jinja-looking name, blanks."""
    return pd.DataFrame({
        "Customer ID": [f"C{i:02d}" for i in range(1, 13)],
        "Customer": ["North Star Ltd", XSS_NAME, TEMPLATE_NAME, "East Wind Co", "Delta / Sons", "Acme",
                     "Blue Sky", "Red River", "Green Hill", "Old Mill", "Quiet Bay", "Lone Pine"],
        "客户名称": [CHINESE_NAME, "北京华信科技有限公司", "深圳宏远贸易有限公司", "杭州启明物流有限公司",
                 "成都瑞丰食品有限公司", None, "苏州天宇电子有限公司", "武汉永安建设有限公司", "重庆中科医疗有限公司",
                 "南京博源能源有限公司", "西安东方化工有限公司", "沈阳海纳机械有限公司"],
        "Region": ["North", "East", "East", "East", "South", "West", "North", "South", "East", "West", "North",
                   "South"],
        "Revenue": [350_000.0, 180_000.0, 120_500.5, 95_000.0, 260_000.0, 45_000.0, 30_000.0, 21_000.0,
                    12_000.0, 8_000.0, None, 500.0],
        "Orders": [40, 25, 18, 15, 30, 9, 7, 5, 3, 2, 1, 1],
    })


@pytest.fixture(scope="session")
def tiny_rules() -> tierkit.RuleSet:
    return tierkit.load_ruleset(DATA / "tiny.yaml")


@pytest.fixture(scope="session")
def tiny_result(tiny_rules: tierkit.RuleSet) -> tierkit.Classification:
    return tierkit.classify(tiny_rules, customers(), as_of=AS_OF,
                            source=tierkit.TableSource(file="customers.xlsx", sheet="Customers"))


class WeasyLog(logging.Handler):
    """Collects every record WeasyPrint logs (a PDF test fails on any warning)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


@pytest.fixture(scope="session")
def weasy_log() -> Iterator[WeasyLog]:
    handler = WeasyLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def pdf_text(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Text with every run of whitespace made one space (lines wrap differently in a PDF)."""
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text: str) -> str:
    """Text without whitespace (Chinese lines wrap anywhere)."""
    return re.sub(r"\s+", "", text)


def pdf_fonts(path: Path) -> list[dict[str, Any]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the last six columns are fixed
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)
