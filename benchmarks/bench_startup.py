"""Start-up of the window on the region-scale demo beside a bare PySide6 window process.

Run: python benchmarks/bench_startup.py [--runs 3] [--rebuild]

(a) a bare PySide6 process that shows an empty QMainWindow and quits after its first paint;
(b) `python -m desktop_app --db benchmarks/out/region.sqlite` until the main window, with the
    registry and every list loaded, has painted (METODAKTIV_BENCH_EXIT_AFTER_SHOW=1).
Each is timed from just before the process is started to its first paint, in separate
processes, after one warm-up run each; the medians, their ratio (target ≤ 4×) and the peak
memory of (b) (target ≤ 400 MB) are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, region_file, region_is_stale  # noqa: E402

RATIO_TARGET = 4.0
MEMORY_TARGET_MB = 400.0

BARE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1200, 760)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.6f}", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False


first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.show()
sys.exit(app.exec())
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["METODAKTIV_BENCH_EXIT_AFTER_SHOW"] = "1"
    env["METODAKTIV_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    if sys.platform.startswith("linux") and not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _wait(proc: subprocess.Popen[str]) -> tuple[int, float | None]:
    """Wait for the child; its own peak RSS in MB where the system reports it (not Windows)."""
    wait4 = getattr(os, "wait4", None)
    if wait4 is None:
        return proc.wait(), None
    _pid, status, usage = wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return proc.returncode, usage.ru_maxrss / scale


def run_once(args: list[str], home: Path) -> tuple[float, float | None]:
    """Seconds from just before the start to the first paint, and the peak RSS in MB."""
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        encoding="utf-8", env=_env(home), cwd=ROOT,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    code, rss = _wait(proc)
    painted = [line for line in out.splitlines() if line.startswith("first-paint ")]
    if code != 0 or not painted:
        raise SystemExit(f"Процесс {args[:3]} завершился с кодом {code}:\n{out}")
    return float(painted[-1].split()[1]) - started, rss


def measure(name: str, args: list[str], runs: int, home: Path) -> tuple[float, float | None]:
    run_once(args, home)  # warm-up: file cache, compiled bytecode
    times, peaks = [], []
    for number in range(1, runs + 1):
        seconds, rss = run_once(args, home)
        times.append(seconds)
        if rss is not None:
            peaks.append(rss)
        memory = f", пик памяти {rss:.0f} МБ" if rss is not None else ""
        print(f"  {name}, запуск {number}: {seconds:.2f} с{memory}", flush=True)
    return statistics.median(times), (max(peaks) if peaks else None)


def main() -> int:
    parser = argparse.ArgumentParser(description="Время запуска окна на базе региона")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="перестроить базу региона")
    options = parser.parse_args()
    if options.rebuild or region_is_stale():
        # built in its own process: a child forked from a big parent would inherit its peak RSS
        flags = ["--rebuild"] if options.rebuild else []
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "common.py"), *flags],
                       check=True, cwd=ROOT)
    db = region_file()
    home = db.parent / "home"
    print(f"База: {db} ({db.stat().st_size / 1e6:.0f} МБ)")
    bare, _ = measure("(a) пустое окно PySide6", ["-c", BARE], options.runs, home)
    app, peak = measure("(b) Методактив на базе региона",
                        ["-m", "desktop_app", "--db", str(db)], options.runs, home)
    ratio = app / bare
    print(f"(a) пустое окно PySide6, медиана: {bare:.2f} с")
    print(f"(b) окно Методактива с реестром, медиана: {app:.2f} с")
    verdict = "в норме" if ratio <= RATIO_TARGET else "ХУЖЕ ЦЕЛИ"
    print(f"Отношение (b)/(a): {ratio:.2f}× (цель ≤ {RATIO_TARGET:.0f}×) — {verdict}")
    if peak is None:
        print("Пик памяти (b): система не сообщает (Windows) — смотрите Диспетчер задач")
    else:
        verdict = "в норме" if peak <= MEMORY_TARGET_MB else "ХУЖЕ ЦЕЛИ"
        print(f"Пик памяти (b): {peak:.0f} МБ (цель ≤ {MEMORY_TARGET_MB:.0f} МБ) — {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
