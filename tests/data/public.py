"""Public data sets for end-to-end checks, fetched from PyPI (the only registry CI reaches).

CDNOW (Fader & Hardie): the CD purchases of a cohort of 23,570 customers who first bought at CDNOW in the
first quarter of 1997, followed to the end of June 1998. The Lifetimes package (MIT) ships it; its 1/10
sample (2,357 customers, 6,919 purchases) is what the tests use. The wheel is downloaded once into
``.cache/datasets/`` (git-ignored) by ``scripts/test.sh``, or on first use.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "datasets"
WHEEL = "Lifetimes-0.11.3-py3-none-any.whl"


def lifetimes_wheel() -> Path:
    path = CACHE / WHEEL
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--dest", str(CACHE),
                               "Lifetimes==0.11.3"], capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode or not path.exists():
            raise RuntimeError(f"could not download the CDNOW data set (Lifetimes 0.11.3 from PyPI): "
                               f"{proc.stderr.strip()[-500:]}")
    return path


def cdnow_sample() -> pd.DataFrame:
    """CDNOW_sample.txt as a frame: customer, date, cds, amount (one row per purchase)."""
    with zipfile.ZipFile(lifetimes_wheel()) as zf, zf.open("lifetimes/datasets/CDNOW_sample.txt") as fh:
        frame = pd.read_csv(fh, sep=r"\s+", header=None, names=["customer", "sample_id", "date", "cds", "amount"],
                            dtype={"customer": str, "sample_id": str, "date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame
