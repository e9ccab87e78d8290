#!/usr/bin/env bash
# Install the test dependencies (LibreOffice for round-trip checks, Chromium for the add-in task pane)
# and run the whole test suite plus ruff and mypy. Exit code is non-zero on any failure, including
# pytest's "no tests collected" (exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh libreoffice-calc-nogui chromium
.venv/bin/python -m pip install -q -e '.[test,duckdb]'

export XLWINGS_LICENSE_KEY="${XLWINGS_LICENSE_KEY:-noncommercial}"
.venv/bin/ruff check src addin tests bench sample_workbooks scripts
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
