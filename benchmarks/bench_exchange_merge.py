"""A region consolidating municipalities: merging exchange workbooks into a database with data.

Two municipal demos (seeds 1 and 2, the second renamed as another municipality) are exported;
the first book is loaded into a new database (a copy), the second merged into it, then the second
merged again (every record matched, nothing written). Each figure is printed with its ratio to a
baseline measured in the same run: openpyxl read_only just reading every cell of the second book.
Run: /work/venv/bin/python benchmarks/bench_exchange_merge.py [--scale municipality]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.demo import write_demo  # noqa: E402
from desktop_app.exchange.importer import import_file  # noqa: E402
from desktop_app.exchange.workbook import export_all  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402


def read_all(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return cells


def timed_import(db_path: Path, book: Path) -> tuple[float, int, int]:
    db = open_database(db_path)
    try:
        start = time.perf_counter()
        result = import_file(db, book)
        elapsed = time.perf_counter() - start
    finally:
        db.dispose()
    assert result.applied and not result.errors, result.summary()
    return elapsed, result.added, sum(s.count("совпадает") for s in result.sheets)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="municipality")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    os.environ["METODAKTIV_HOME"] = str(folder / "home")
    books = []
    for seed in (1, 2):
        path = folder / f"m{seed}.sqlite"
        write_demo(path, args.scale, seed=seed)
        if seed == 2:
            con = sqlite3.connect(path)
            con.execute("UPDATE organisations SET full_name = full_name || ' (второй округ)'")
            con.execute("UPDATE settings SET value='Второй округ' WHERE key='municipality'")
            con.commit()
            con.close()
        db = open_database(path)
        try:
            rows = sum(export_all(db, folder / f"m{seed}.xlsx").values())
        finally:
            db.dispose()
        books.append(folder / f"m{seed}.xlsx")
    start = time.perf_counter()
    cells = read_all(books[1])
    baseline = time.perf_counter() - start
    print(f"scale {args.scale}: second book {rows} rows, {cells} cells")
    print(f"baseline: openpyxl read_only reads the second book: {baseline:.2f} s")
    region = folder / "region.sqlite"
    for label, book in (("first book into a new database (copy)", books[0]),
                        ("second book merged (new records)", books[1]),
                        ("second book merged again (all matched)", books[1])):
        elapsed, added, matched = timed_import(region, book)
        print(f"{label}: {elapsed:.2f} s ({elapsed / baseline:.2f}× baseline), "
              f"added {added}, matched {matched}")


if __name__ == "__main__":
    main()
