"""Starting a collection round: one workbook per ОО of the demo municipality (30 ОО) and of the
region (600 ОО, benchmarks/common.py region_db_path()), beside openpyxl alone writing the same
rows.

Each figure is printed with its ratio to a baseline measured in the same run:
- start_round (the snapshot of every ОО read from the database, its workbook written — the
  guide, the four data sheets with notes, formats and dropdowns, the lists, the hidden header —
  and the round recorded) vs openpyxl write_only writing the same cell values on the same
  sheets, one workbook per ОО, the values already at hand (goal ≤ 2×).
The databases are copies in a temporary folder (a round is recorded in them).

Run: python benchmarks/bench_collect.py [--only municipality|region] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.exchange.importer import LISTS_SHEET  # noqa: E402
from desktop_app.exchange.rounds import write  # noqa: E402
from desktop_app.exchange.rounds.spec import (  # noqa: E402
    CODE,
    GUIDE_SHEET,
    MARK,
    ROUND_SHEET,
    SHEETS,
    Snapshot,
    take_snapshot,
)
from desktop_app.exchange.templates import closed_lists, header_title  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402

ON = date(2026, 11, 1)  # the demo's «today»
DEADLINE = date(2026, 12, 15)
Book = list[tuple[str, list[list[Any]]]]  # (sheet title, rows) of one ОО's workbook


def same_values(db_path: Path) -> list[Book]:
    """What start_round writes, as plain values (dates as dates, lists' labels, да/нет): the
    sheets and rows of each ОО's workbook, read beforehand."""
    db = open_database(db_path, read_only=True)
    books: list[Book] = []
    try:
        with db.sessions() as s:
            lists: dict[str, list[str]] = {}
            for sheet in SHEETS:
                for key, values in closed_lists(s, sheet.form_fields).items():
                    lists[f"{sheet.title}: {key}"] = values
            list_rows = [list(lists), *map(list, _columns(lists))]
            centre = write.centre_of({})
            for org_id, name in write.working_organisations(s, ON):
                snapshot = take_snapshot(s, org_id, ON)
                books.append(_book(name, snapshot, list_rows, centre))
    finally:
        db.dispose()
    return books


def _columns(lists: dict[str, list[str]]) -> list[tuple[str | None, ...]]:
    from itertools import zip_longest

    return list(zip_longest(*lists.values()))


def _book(name: str, snapshot: Snapshot, list_rows: list[list[Any]], centre: Any) -> Book:
    guide = [[text] for _kind, text in write.guide_text(name, ON, DEADLINE, centre)]
    book: Book = [(GUIDE_SHEET, guide)]
    for sheet in SHEETS:
        shown = [write.value_of(f) for f in sheet.fields]
        rows: list[list[Any]] = [[header_title(f) for f in sheet.fields]]
        for code, row in snapshot.rows[sheet.kind].items():
            rows.append([code if f.key == CODE.key else show(row.get(f.key, ""))
                         for f, show in zip(sheet.fields, shown, strict=True)])
        book.append((sheet.title, rows))
    book.append((LISTS_SHEET, list_rows))
    header = [[MARK], ["Формат", 1], ["Сбор", 1], ["Дата", ON.isoformat()], ["Код ОО", 1],
              ["ОО", name], ["Отпечаток", snapshot.fingerprint()], ["Подпись", "0" * 64]]
    book.append((ROUND_SHEET, header))
    return book


def write_only_baseline(books: list[Book], folder: Path) -> float:
    """openpyxl write_only writing the same values on the same sheets, a workbook per ОО."""
    folder.mkdir()
    start = time.perf_counter()
    for n, book in enumerate(books):
        wb = openpyxl.Workbook(write_only=True)
        for title, rows in book:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(folder / f"{n}.xlsx")
    return time.perf_counter() - start


def bench(label: str, source: Path, folder: Path) -> float:
    db_path = folder / f"{label}.sqlite"
    shutil.copyfile(source, db_path)
    books = same_values(db_path)
    rows = sum(len(rows) - 1 for book in books for title, rows in book[1:5])
    base = write_only_baseline(books, folder / f"{label}-baseline")
    print(f"{label}: openpyxl write_only, те же значения на тех же листах ({len(books)} книг, "
          f"{rows} строк данных): {base:.2f} с")
    db = open_database(db_path, lock=True)
    try:
        start = time.perf_counter()
        result = write.start_round(db, ON, folder / f"{label}-round", DEADLINE)
        took = time.perf_counter() - start
    finally:
        db.dispose()
    size = sum(f.path.stat().st_size for f in result.files) / 1024 / 1024
    assert len(result.files) == len(books), (len(result.files), len(books))
    print(f"{label}: сбор сведений — {len(result.files)} файлов ({size:.1f} МБ), чтение базы, "
          f"запись и учёт: {took:.2f} с ({took / len(result.files) * 1000:.0f} мс на ОО) — "
          f"{took / base:.2f}× (цель ≤ 2×)")
    return took / base


def main() -> int:
    parser = argparse.ArgumentParser(description="Скорость начала сбора сведений")
    parser.add_argument("--only", choices=["municipality", "region"])
    parser.add_argument("--keep", type=Path, help="папка, куда скопировать файлы сбора")
    args = parser.parse_args()
    from benchmarks.common import region_db_path
    from desktop_app.demo import write_demo

    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "municipality"):
            municipality = folder / "municipality-source.sqlite"
            write_demo(municipality, "municipality", seed=1)
            ratios.append(bench("municipality", municipality, folder))
        if args.only in (None, "region"):
            ratios.append(bench("region", region_db_path(), folder))
        if args.keep is not None:
            for part in folder.glob("*-round"):
                shutil.copytree(part, args.keep / part.name, dirs_exist_ok=True)
            print(f"Файлы сохранены: {args.keep}")
    return 0 if all(r <= 2 for r in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
