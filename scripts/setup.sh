#!/usr/bin/env bash
# Install tierkit and everything it needs on Debian/Ubuntu (or any machine that already has the
# system libraries): Pango for WeasyPrint, Noto CJK fonts for Chinese PDFs, poppler for checking PDFs.
# Creates ./.venv with tierkit installed in editable mode. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-noto-cjk fonts-dejavu-core poppler-utils)
EXTRA_APT=("$@")

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}" "${EXTRA_APT[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "tierkit setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e .
echo "tierkit setup: ok ($(.venv/bin/tierkit --version))"
