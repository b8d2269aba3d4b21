#!/usr/bin/env bash
# Linux check of the Windows build chain: the spec builds a one-folder bundle that passes its
# self-test offscreen, and makensis compiles the NSIS script with that bundle as payload.
# Needs: pip install -e ".[dev]" (PyInstaller) and apt-get install nsis.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
PY=${PYTHON:-python3}
"$PY" installer/build.py --skip-zip
ls -la dist/
