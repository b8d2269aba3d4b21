"""Start-up of the window on the region-scale demo beside a bare PySide6 window process.

Run: python benchmarks/bench_startup.py [--runs 3] [--rebuild]

(a) a bare PySide6 process that shows an empty QMainWindow and quits after its first paint;
(b) `python -m desktop_app --db benchmarks/out/region.sqlite` until the main window, with the
    registry of 30 000 people loaded, has painted (METODAKTIV_BENCH_EXIT_AFTER_SHOW=1; the
    process then loads the rest of what its actions need and quits).
Each is timed from just before the process is started to its first paint, in separate
processes, after one warm-up run each; the medians, their ratio (target ≤ 4×) and the peak
memory of (b) (target ≤ 400 MB) are printed, with the processor time of each process (less
sensitive to other programs running at the same time than the wall-clock time) and the
phases of (b)'s start: Python and the command line, Qt and the window's modules, opening the
database, building the window with the registry loaded, the first paint; and, after it, when
the window was ready for every action (SQLAlchemy, the models and the services loaded, the
file's quick_check started in its worker thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
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


PHASES = {
    "python-and-cli": "Python и командная строка",
    "qt-and-ui-modules": "Qt и модули окна",
    "database-opened": "открытие базы (проверки, блокировка)",
    "window-built": "окно с загруженным реестром",
    "first-paint": "первая отрисовка",
    "ready": "после неё: SQLAlchemy, модели, сервисы",
}


@dataclass
class Run:
    seconds: float  # from just before the start to the first paint
    rss: float | None  # peak, MB
    cpu: float | None  # user + system seconds of the whole process
    marks: dict[str, float]  # phase → seconds since the start


def _wait(proc: subprocess.Popen[str]) -> tuple[int, float | None, float | None]:
    """Wait for the child; its own peak RSS in MB and its processor seconds where the system
    reports them (not Windows)."""
    wait4 = getattr(os, "wait4", None)
    if wait4 is None:
        return proc.wait(), None, None
    _pid, status, usage = wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return proc.returncode, usage.ru_maxrss / scale, usage.ru_utime + usage.ru_stime


def run_once(args: list[str], home: Path) -> Run:
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        encoding="utf-8", env=_env(home), cwd=ROOT,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    code, rss, cpu = _wait(proc)
    marks = {}
    for line in out.splitlines():
        if line.startswith("phase "):
            _word, name, stamp = line.split()
            marks[name] = float(stamp) - started
        elif line.startswith("first-paint "):
            marks["first-paint"] = float(line.split()[1]) - started
    if code != 0 or "first-paint" not in marks:
        raise SystemExit(f"Процесс {args[:3]} завершился с кодом {code}:\n{out}")
    return Run(marks["first-paint"], rss, cpu, marks)


def measure(name: str, args: list[str], runs: int, home: Path) -> list[Run]:
    run_once(args, home)  # warm-up: file cache, compiled bytecode
    done = []
    for number in range(1, runs + 1):
        run = run_once(args, home)
        done.append(run)
        memory = f", пик памяти {run.rss:.0f} МБ" if run.rss is not None else ""
        cpu = f", процессор {run.cpu:.2f} с" if run.cpu is not None else ""
        print(f"  {name}, запуск {number}: {run.seconds:.2f} с{cpu}{memory}", flush=True)
    return done


def median_cpu(runs: list[Run]) -> float | None:
    cpus = [r.cpu for r in runs if r.cpu is not None]
    return statistics.median(cpus) if cpus else None


def print_phases(runs: list[Run]) -> None:
    """Median length of each phase of the start (from the end of the one before)."""
    print("Фазы запуска (b), медианы:")
    before = 0.0
    for key, title in PHASES.items():
        ends = [r.marks[key] for r in runs if key in r.marks]
        if not ends:
            continue
        end = statistics.median(ends)
        print(f"  {title:<38} {1000 * (end - before):6.0f} мс  (к {end:.2f} с)")
        before = end
    checks = [r.marks["quick-check-done"] for r in runs if "quick-check-done" in r.marks]
    if checks:
        print(f"  quick_check в фоновом потоке закончен к {statistics.median(checks):.2f} с "
              f"(в {len(checks)} из {len(runs)} запусков — до выхода процесса)")


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
    bare_runs = measure("(a) пустое окно PySide6", ["-c", BARE], options.runs, home)
    app_runs = measure("(b) Методактив на базе региона",
                       ["-m", "desktop_app", "--db", str(db)], options.runs, home)
    bare = statistics.median(r.seconds for r in bare_runs)
    app = statistics.median(r.seconds for r in app_runs)
    peaks = [r.rss for r in app_runs if r.rss is not None]
    peak = max(peaks) if peaks else None
    print_phases(app_runs)
    ratio = app / bare
    print(f"(a) пустое окно PySide6, медиана: {bare:.2f} с")
    print(f"(b) окно Методактива с реестром, медиана: {app:.2f} с")
    bare_cpu, app_cpu = median_cpu(bare_runs), median_cpu(app_runs)
    if bare_cpu and app_cpu:
        print(f"Процессорное время, медианы: (a) {bare_cpu:.2f} с, (b) {app_cpu:.2f} с "
              f"({app_cpu / bare_cpu:.1f}×; в (b) входят и загрузка остального после отрисовки, "
              "и quick_check в фоновом потоке)")
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
