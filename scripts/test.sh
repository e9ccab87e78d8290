#!/usr/bin/env bash
# Install the test dependencies (LibreOffice for round-trip checks, Chromium for the add-in task pane,
# Java 17 for PySpark local mode) and run the whole test suite plus ruff and mypy. Exit code is non-zero on any
# failure, including
# pytest's "no tests collected" (exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."

# Java 17 for the Spark tests (tests/backends/test_spark.py), unless a java is already on PATH
JAVA_APT=()
command -v java >/dev/null 2>&1 || JAVA_APT=(openjdk-17-jre-headless)
bash scripts/setup.sh libreoffice-calc-nogui chromium "${JAVA_APT[@]}"
.venv/bin/python -m pip install -q -e '.[test,duckdb,spark]'

export XLWINGS_LICENSE_KEY="${XLWINGS_LICENSE_KEY:-noncommercial}"
.venv/bin/ruff check src addin tests bench sample_workbooks scripts
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
