"""Runs every benchmark in turn on the region-scale demo and keeps what they printed.

    python benchmarks/run_all.py [--only startup,registry,...]

Each script prints its figures beside a baseline measured in the same run, with the ratio and
the goal; this runner builds the region demo once (benchmarks/common.py), runs the scripts in
separate processes, and writes everything to benchmarks/out/results-<date>.txt.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["startup", "registry", "pairs", "diagnostics", "indicators", "excel", "reports",
           "collect", "collect_preview", "dialogs", "postgres"]


def run_one(name: str, log: list[str]) -> int:
    script = HERE / f"bench_{name}.py"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, encoding="utf-8",
        errors="replace",
    )
    took = time.perf_counter() - started
    block = f"===== {name} ({took:.0f} с, код {result.returncode})\n{result.stdout}{result.stderr}"
    print(block, flush=True)
    log.append(block)
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="Все замеры скорости подряд")
    parser.add_argument("--only", default=",".join(SCRIPTS))
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from benchmarks.common import region_db_path

    print(f"База региона: {region_db_path()}", flush=True)
    log: list[str] = []
    failures = [n for n in args.only.split(",") if run_one(n.strip(), log) != 0]
    out = HERE / "out" / f"results-{datetime.now():%Y-%m-%d_%H%M}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(log), encoding="utf-8")
    print(f"Записано: {out}" + (f"; с ошибкой: {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
