"""Excel speed at region scale: import of 30 000 people and the whole-base export.

Each figure is printed with its ratio to a baseline measured in the same run (the program's
reader, exchange/book_file.py with python-calamine, beside openpyxl read_only reading the same
cells, the ratio printed):
- import (check + write in one transaction) vs openpyxl read_only just reading the file
  (goal ≤ 2×), with the peak memory of the import (goal ≤ 400 MB); beside it the import's
  floor: the program's reader reading the form's cells, plus the INSERTs the import sent, sent
  again by the SQLite driver alone into the database as it was, and committed — what is left
  of the goal (3 s) for the checks, the change log and the queries, per row of the form;
- export of the exchange workbook of the region demo (benchmarks/common.py region_db_path():
  30 000 people, 40 000 diagnostic sessions, 1,6 million answers — the answers continue on
  further sheets), written by xlsxwriter in constant_memory mode, run in a child process of its
  own (its time and peak memory: goals ≤ 20 s and ≤ 400 MB), vs openpyxl write_only writing the
  same cells on the same sheets (the export used to be written so: the ratio is printed); then
  the written file is opened with openpyxl read_only and every sheet's rows counted (none over
  the 1 048 576 rows a spreadsheet holds, each table's rows all there).
Run: .venv/bin/python benchmarks/bench_excel.py [--people 30000] [--only import|export]
     [--keep region-book.xlsx]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.exchange import workbook  # noqa: E402
from desktop_app.exchange.book_file import open_book  # noqa: E402
from desktop_app.exchange.importer import import_file  # noqa: E402
from desktop_app.exchange.schema import part_title, sheet_title  # noqa: E402
from desktop_app.exchange.workbook import carried_columns, exchange_tables, export_all  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность",
          "Квалификационная категория", "Дата присвоения категории", "Начало педагогического стажа",
          "Предмет", "Управленческие кадры", "Уровень образования", "Год окончания",
          "Специальность по диплому", "Учебное заведение", "Педагогическое образование",
          "Телефон", "Эл. почта", "Согласие на публикацию", "Примечание"]
LAST = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков", "Фёдоров",
        "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Егоров", "Орлов", "Зайцев"]
FIRST = ["Иван", "Пётр", "Сергей", "Андрей", "Олег", "Алексей", "Михаил", "Никита"]
MIDDLE = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Олегович", "Алексеевич"]
SPREADSHEET_ROWS = 1_048_576  # Excel and LibreOffice: rows of a sheet
CATEGORIES = ["высшая", "первая", "без категории", "соответствие занимаемой должности"]


def make_people_file(path: Path, count: int, orgs: list[str]) -> None:
    rng = random.Random(7)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Педагоги")
    ws.append(HEADER)
    seen = set()
    while len(seen) < count:
        born = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
        name = (rng.choice(LAST), rng.choice(FIRST), rng.choice(MIDDLE))
        if (name, born) in seen:
            continue
        seen.add((name, born))
        start = born + timedelta(days=365 * 22)
        ws.append([*name, born.strftime("%d.%m.%Y"), rng.choice(orgs), "учитель",
                   rng.choice(CATEGORIES[1:2]), start + timedelta(days=1000), start, "математика",
                   rng.choice(["да", "нет"]), "высшее", born.year + 22, "учитель математики",
                   "педагогический университет", "да", f"8 913 {rng.randrange(100, 999)} 45 67",
                   f"t{len(seen)}@school.ru", "нет", ""])
    wb.save(path)


def make_region(path: Path, orgs: int, people_file: Path) -> list[str]:
    """A region-scale database: ОО via the organisations form, people via the people form."""
    names = [f"МБОУ СОШ № {i}" for i in range(1, orgs + 1)]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Организации")
    ws.append(["Краткое наименование", "Тип организации"])
    for n in names:
        ws.append([n, "общеобразовательная"])
    org_file = path.with_suffix(".orgs.xlsx")
    wb.save(org_file)
    db = open_database(path)
    try:
        assert import_file(db, org_file).applied
    finally:
        db.dispose()
    return names


def read_only_baseline(path: Path) -> float:
    start = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                cell.value  # noqa: B018
    wb.close()
    return time.perf_counter() - start


def book_file_read(path: Path) -> tuple[float, float]:
    """The program's reader (exchange/book_file.py: python-calamine after the file's checks)
    reading the same cells as read_only_baseline(): its whole time, and the time until the
    first row is given (the file's checks, the guards' reading of the sheet's XML and its
    parsing, which come one after the other before any row)."""
    start = time.perf_counter()
    first: float | None = None
    with open_book(path) as book:
        for ws in book.worksheets:
            for row in ws.iter_rows():
                if first is None:
                    first = time.perf_counter() - start
                for _value in row:
                    pass
    return time.perf_counter() - start, first or 0.0


def write_only_baseline(db_path: Path, out: Path) -> float:
    """openpyxl write_only writing the same cells on the same sheets (values already read from
    the database, a table longer than a sheet continued as the export does)."""
    db = open_database(db_path, read_only=True)
    try:
        with db.sessions() as s:
            sheets = [(t.name, [c.name for c in carried_columns(t)],
                       [tuple(r) for r in s.execute(t.select().with_only_columns(
                           *carried_columns(t)).order_by(*t.primary_key.columns))])
                      for t in exchange_tables()]
    finally:
        db.dispose()
    per_sheet = workbook.SHEET_ROW_LIMIT - 1
    start = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    for name, header, rows in sheets:
        for part, first in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
            ws = wb.create_sheet(part_title(name, part))
            ws.append(header)
            for row in rows[first:first + per_sheet]:
                ws.append(row)
    wb.save(out)
    return time.perf_counter() - start


def count_sheets(path: Path) -> dict[str, int]:
    """Rows of every sheet (header rows included), read by openpyxl read_only cell by cell as
    read_only_baseline() does."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows: dict[str, int] = {}
    try:
        for ws in wb.worksheets:
            count = 0
            for row in ws.iter_rows():
                for cell in row:
                    cell.value  # noqa: B018
                count += 1
            rows[ws.title] = count
    finally:
        wb.close()
    return rows


def count_sheets_book_file(path: Path) -> dict[str, int]:
    """Rows of every sheet as count_sheets() counts them, read by the program's reader as the
    import reads an exchange book, the next sheets read ahead (rows past the last filled cell
    are not rows to it: the export writes none)."""
    rows: dict[str, int] = {}
    with open_book(path) as book:
        book.read_ahead = True  # as the import reads an exchange book: sheet after sheet
        for ws in book.worksheets:
            count = 0
            for row in ws.iter_rows():
                for _value in row:
                    pass
                count += 1
            rows[ws.title] = count
    return rows


def check_export(path: Path, counts: dict[str, int]) -> float:
    """Every sheet within the spreadsheet limit; each table's rows over its sheets all there.
    Returns the time openpyxl read_only took to read every cell (the import's baseline); the
    program's reader reads them too (the file check: goal ≤ 10 s)."""
    start = time.perf_counter()
    rows = count_sheets(path)
    took = time.perf_counter() - start
    start = time.perf_counter()
    assert count_sheets_book_file(path) == rows
    checked = time.perf_counter() - start
    print(f"Проверка файла читателем программы (python-calamine, все ячейки): {checked:.1f} с "
          f"(цель ≤ 10 с) — {checked / took:.2f}× к openpyxl read_only ({took:.1f} с)")
    over = {t: n for t, n in rows.items() if n > SPREADSHEET_ROWS}
    assert not over, f"листы длиннее {SPREADSHEET_ROWS} строк: {over}"
    for table, count in counts.items():
        titles = [t for n in range(1, 100) if (t := part_title(table, n)) in rows]
        assert sum(rows[t] - 1 for t in titles) == count, (table, count, titles)
    answers = [f"«{t}» {n}" for t, n in rows.items() if t.startswith(sheet_title("answers"))]
    print(f"Проверка файла (openpyxl read_only, {took:.1f} с): листов {len(rows)}, самый длинный "
          f"— {max(rows.values())} строк (предел {SPREADSHEET_ROWS}); ответы: "
          f"{', '.join(answers)} строк с заголовком; строки каждой таблицы сходятся")
    return took


def bench_export(folder: Path, keep: Path | None) -> None:
    from benchmarks.common import region_db_path

    source = region_db_path()
    # the export first, in a child of its own: the baseline keeps every row in memory
    exported, peak_mb, counts = export_in_child(source, folder / "export.xlsx")
    base_export = write_only_baseline(source, folder / "baseline.xlsx")
    print(f"openpyxl write_only, те же ячейки на тех же листах: {base_export:.2f} с")
    size = (folder / "export.xlsx").stat().st_size / 1024 / 1024
    print(f"Экспорт книги обмена региона (xlsxwriter constant_memory; {sum(counts.values())} "
          f"строк, из них ответов {counts['answers']}; файл {size:.1f} МБ): {exported:.2f} с "
          f"(цель ≤ 20 с) — {exported / base_export:.2f}× к openpyxl write_only; пик памяти "
          f"процесса экспорта {peak_mb:.0f} МБ (цель ≤ 400 МБ)")
    read = check_export(folder / "export.xlsx", counts)
    elapsed, peak_mb, line = import_in_child(folder / "copy.sqlite", folder / "export.xlsx",
                                             sum(counts.values()))
    print(f"Загрузка этой книги в новую базу (копия, {sum(counts.values())} строк): "
          f"{elapsed:.2f} с (цель ≤ 30 с) — {elapsed / read:.2f}× к чтению всех её ячеек "
          f"openpyxl read_only (цель ≤ 0,25×); пик памяти процесса {peak_mb:.0f} МБ "
          "(цель ≤ 400 МБ)")
    print(f"  {line}")
    if keep is not None:
        shutil.copyfile(folder / "export.xlsx", keep)
        print(f"Книга сохранена: {keep}")


CHILD_MAIN = "import sys; from benchmarks.bench_excel import main; sys.exit(main())"


def _in_child(*args: str) -> tuple[float, float, str]:
    """Run this script with args in a fresh process: its own time, its peak resident memory
    (the child's own VmHWM on Linux; elsewhere the largest of the children run so far) and
    the rest of its last line."""
    # run as an imported module («-c»), as the program's own «python -m desktop_app» runs: a
    # process the import starts (exchange/scan_child.py, "spawn") then does not import this
    # script again with all it imports
    done = subprocess.run([sys.executable, "-c", CHILD_MAIN, *args], capture_output=True,
                          text=True, encoding="utf-8", check=True,
                          cwd=Path(__file__).resolve().parents[1])
    elapsed_text, own_peak, rest = done.stdout.strip().split("\n")[-1].split(" ", 2)
    if own_peak != "-":  # the child's own high-water mark (Linux), not the parent's at fork
        return float(elapsed_text), float(own_peak), rest
    try:
        import resource  # POSIX only: on Windows the memory figure is not measured
    except ImportError:
        return float(elapsed_text), float("nan"), rest
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return float(elapsed_text), peak, rest


def import_in_child(db_path: Path, people_file: Path, expected: int) -> tuple[float, float, str]:
    """The import in a fresh process: its time, its peak memory and its result line."""
    return _in_child("--import-only", str(db_path), str(people_file), str(expected))


def export_in_child(db_path: Path, out: Path) -> tuple[float, float, dict[str, int]]:
    """The export in a fresh process: its time, its peak memory and the rows of each table."""
    elapsed, peak, counts_text = _in_child("--export-only", str(db_path), str(out))
    counts = {name: int(n) for name, n in (p.split("=") for p in counts_text.split(","))}
    return elapsed, peak, counts


def export_only(db_path: Path, out: Path) -> int:
    db = open_database(db_path, read_only=True)
    try:
        start = time.perf_counter()
        counts = export_all(db, out)
        elapsed = time.perf_counter() - start
    finally:
        db.dispose()
    print(f"{elapsed:.3f} {own_peak_mb()} " + ",".join(f"{k}={v}" for k, v in counts.items()))
    return 0


def write_floor(db_path: Path, people_file: Path) -> int:
    """The writing's floor: the INSERTs the import of the form sends (recorded from one import
    into a copy of the database), sent again by the SQLite driver alone — no check, no row
    built, no SQLAlchemy — into a second copy as it was before the import, and committed.
    Prints its time and the rows it wrote."""
    work = db_path.with_name("floor.sqlite")
    statements: list[tuple[str, Any, bool]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                 many: bool) -> None:
        if statement.lstrip()[:6].upper() == "INSERT":
            statements.append((statement, parameters, many))

    for round_ in ("record", "replay"):
        for leftover in work.parent.glob(work.name + "*"):
            leftover.unlink()
        shutil.copy(db_path, work)
        db = open_database(work)
        try:
            if round_ == "record":
                event.listen(db.engine, "before_cursor_execute", remember)
                assert import_file(db, people_file).applied
                continue
            raw = db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                start = time.perf_counter()
                for statement, parameters, many in statements:
                    (cursor.executemany if many else cursor.execute)(statement, parameters)
                raw.commit()
                elapsed = time.perf_counter() - start
                rows = raw.driver_connection.total_changes
            finally:
                raw.close()
        finally:
            db.dispose()
    print(f"{elapsed:.3f} {rows}")
    return 0


def own_peak_mb() -> str:
    """This process's peak resident memory since its start (VmHWM, Linux), «-» elsewhere:
    ru_maxrss of a child keeps the peak of the large parent it was forked from."""
    status = Path("/proc/self/status")
    if not status.exists():
        return "-"
    for line in status.read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return f"{int(line.split()[1]) / 1024:.1f}"
    return "-"


def import_only(db_path: Path, people_file: Path, expected: int) -> int:
    children = ChildrenPeak()
    db = open_database(db_path)
    try:
        start = time.perf_counter()
        result = import_file(db, people_file)
        elapsed = time.perf_counter() - start
    finally:
        db.dispose()
        children.stop()
    assert result.applied and result.added == expected, (result.summary(), result.errors[:3])
    print(f"{elapsed:.3f} {own_peak_mb()} {result.message}{children.said()}")
    return 0


class ChildrenPeak:
    """The peak memory of the processes this one starts (the one that reads a book's large
    sheets through their guards, exchange/scan_child.py): each one's own high-water mark
    (VmHWM, Linux; read every 0,1 s while it runs) — ru_maxrss of a child keeps the size of
    this process at the moment it was forked."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        if Path("/proc/self/task").exists():
            self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.1):
            for listing in Path("/proc/self/task").glob("*/children"):
                for pid in listing.read_text(encoding="utf-8").split():
                    self.peak_kb = max(self.peak_kb, _vm_hwm_kb(pid))

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def said(self) -> str:
        return (f"; процесс проверки листов: пик {self.peak_kb / 1024:.0f} МБ"
                if self.peak_kb else "")


def _vm_hwm_kb(pid: str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:  # ended meanwhile
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def bench_import(folder: Path, people: int, orgs: int) -> None:
    db_path = folder / "region.sqlite"
    people_file = folder / "people.xlsx"
    names = make_region(db_path, orgs, people_file)
    make_people_file(people_file, people, names)
    size = people_file.stat().st_size / 1024 / 1024
    print(f"Файл: {people} педагогов, {size:.1f} МБ")
    baseline = read_only_baseline(people_file)
    print(f"openpyxl read_only, только чтение: {baseline:.2f} с")
    read, before_rows = book_file_read(people_file)
    print(f"Читатель программы (python-calamine), те же ячейки: {read:.2f} с — "
          f"{read / baseline:.2f}× к openpyxl read_only")
    before = folder / "before-import.sqlite"  # for the writing's floor below
    shutil.copy(db_path, before)
    elapsed, peak_mb, result_line = import_in_child(db_path, people_file, people)
    print(f"Импорт (проверка + запись): {elapsed:.2f} с (цель ≤ 3 с) — {elapsed / baseline:.2f}× "
          f"к openpyxl read_only (цель ≤ 2×); пик памяти процесса импорта {peak_mb:.0f} МБ "
          "(цель ≤ 400 МБ)")
    print(f"  {result_line}")
    done = subprocess.run([sys.executable, "-c", CHILD_MAIN, "--write-floor", str(before),
                           str(people_file)], capture_output=True, text=True, encoding="utf-8",
                          check=True, cwd=Path(__file__).resolve().parents[1])
    written_text, rows = done.stdout.strip().split("\n")[-1].split(" ")
    written = float(written_text)
    floor = read + written
    print(f"Нижняя граница импорта — без единой проверки и без журнала в Python: чтение всех "
          f"ячеек читателем программы {read:.2f} с + те же INSERT ({rows} строк в базе: "
          f"педагоги, места работы, журнал изменений), отправленные драйвером SQLite без "
          f"программы, с фиксацией {written:.2f} с = {floor:.2f} с")
    left = 3.0 - floor
    print(f"  Цель 3 с оставляет на проверки, записи журнала и строки запросов "
          f"{max(left, 0):.2f} с — {max(left, 0) / people * 1e6:.0f} мкс на строку бланка; "
          f"импорт тратит на них {elapsed - floor:.2f} с — "
          f"{(elapsed - floor) / people * 1e6:.0f} мкс на строку")
    bound = before_rows + (elapsed - before_rows) / 2
    print(f"  До первой строки (проверки файла, сторож XML, разбор листа — одно за другим): "
          f"{before_rows:.2f} с; остальное ({elapsed - before_rows:.2f} с), разделённое без "
          f"потерь на два ядра, дало бы импорт не быстрее {bound:.2f} с")


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--import-only":
        return import_only(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    if len(sys.argv) == 4 and sys.argv[1] == "--write-floor":
        return write_floor(Path(sys.argv[2]), Path(sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "--export-only":
        return export_only(Path(sys.argv[2]), Path(sys.argv[3]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--orgs", type=int, default=400)
    parser.add_argument("--only", choices=("import", "export"))
    parser.add_argument("--keep", type=Path, help="сохранить книгу обмена региона сюда")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("METODAKTIV_HOME", str(folder / "home"))
        if args.only != "export":
            bench_import(folder, args.people, args.orgs)
        if args.only != "import":
            bench_export(folder, args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
