"""template, import, export: Excel blank forms, checked imports and the exchange workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.commands.common import (
    DiskFull,
    UserError,
    db_target,
    disk_full_guard,
    open_db,
    shown_target,
)
from desktop_app.commands.progress import terminal_progress
from desktop_app.exchange.kinds import KIND_CODES
from desktop_app.exchange.result import ImportResult
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database, open_database
from desktop_app.store.lock import DatabaseBusy


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("template", help="бланк Excel для заполнения в ОО")
    p.add_argument("kind", choices=KIND_CODES, metavar="ВИД",
                   help="что в бланке: " + ", ".join(KIND_CODES))
    p.add_argument("--out", required=True, metavar="F.xlsx", help="куда сохранить бланк")
    p.set_defaults(func=run_template)
    p = sub.add_parser("import", help="загрузить файл Excel (бланк или книгу обмена)")
    p.add_argument("file", metavar="F.xlsx", help="файл Excel (.xlsx, .xls) или LibreOffice "
                   "(.ods)")
    p.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывая")
    p.add_argument("--valid-only", action="store_true",
                   help="загрузить верные строки, пропустив отклонённые")
    p.add_argument("--report", metavar="R.xlsx", help="сохранить отчёт о проверке в Excel")
    p.add_argument("--merge", action="store_true",
                   help="книгу обмена добавить к данным базы, даже новой, сохранив её настройки "
                        "(в базу с ОО или педагогами книга добавляется всегда; без --merge новая "
                        "база становится точной копией книги)")
    p.set_defaults(func=run_import)
    p = sub.add_parser("export", help="выгрузить всю базу в книгу обмена Excel")
    p.add_argument("--out", required=True, metavar="F.xlsx", help="куда сохранить книгу")
    p.set_defaults(func=run_export)


def _out_path(text: str) -> Path:
    out = Path(text)
    if not text.strip():
        raise UserError("Не указан файл, куда сохранить: укажите имя файла .xlsx.")
    if out.is_dir():
        raise UserError(f"«{out.resolve()}» — это папка, а нужен файл .xlsx.")
    if not out.parent.exists():
        raise UserError(f"Папка «{out.parent}» не существует.")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"Имя файла «{out.name}» должно оканчиваться на .xlsx.")
    return out


def _in_path(text: str) -> Path:
    """The workbook to import as given; a folder or nothing at all is refused here, the rest
    (missing, not a workbook, damaged) by the reader."""
    path = Path(text)
    if not text.strip():
        raise UserError("Не указан файл для загрузки: укажите файл .xlsx, .ods или .xls.")
    if path.is_dir():
        raise UserError(f"«{path.resolve()}» — это папка, а нужен файл .xlsx, .ods или .xls.")
    return path


def run_template(args: argparse.Namespace) -> int:
    from desktop_app.exchange.templates import write_template

    out = _out_path(args.out)
    db = open_db(args)  # a blank form only reads the database: a missing file is refused
    try:
        write_template(db, args.kind, out)
    finally:
        db.dispose()
    print(f"Бланк сохранён: {out}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from desktop_app.exchange.workbook import export_all

    out = _out_path(args.out)
    db = open_db(args, read_only=bool(getattr(args, "read_only", False)))
    try:
        # the partial file is removed by export_all; the bar, on a terminal only
        with disk_full_guard(out), terminal_progress() as progress:
            counts = export_all(db, out, progress=progress)
    except ExchangeError as exc:  # a text too long for a cell: nothing written
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    print(f"Книга обмена сохранена: {out} (листов: {_sheet_count(out)}, "
          f"строк: {sum(counts.values())})")
    return 0


def _sheet_count(path: Path) -> int:
    """Sheets actually written, continuation sheets of long tables included."""
    from desktop_app.exchange.book_file import open_book

    with open_book(path) as book:
        return len(book.sheetnames)


def busy_message(exc: DatabaseBusy, refused: str) -> str:
    """The refusal of a writing command while the database is open in another copy:
    who holds it and since when; `refused` says what was not done («Загрузка не выполнена»)."""
    return (f"База данных «{exc.path.name}» занята: она открыта в другой копии Методактива "
            f"{exc.holder.describe()}. {refused}, база не изменена. Закройте программу там "
            "и повторите команду.")


def open_for_writing(args: argparse.Namespace, refused: str) -> Database:
    """Open --db for a command that writes, holding its lock as the window does; an older file
    is upgraded after a backup. A missing file is refused (DatabaseMissing), never created:
    a new database is made by `init` only."""
    try:
        return open_database(db_target(args), create=False, lock=True)
    except DatabaseBusy as exc:
        raise UserError(busy_message(exc, refused)) from exc


def run_import(args: argparse.Namespace) -> int:
    from desktop_app.exchange.importer import import_file

    path = _in_path(args.file)
    report = _out_path(args.report) if args.report is not None else None
    # a dry run writes nothing (its transaction is rolled back, the file is not upgraded): it
    # may check a file while the window has the database open
    db = (open_db(args, rollback_only=True) if args.dry_run
          else open_for_writing(args, "Загрузка не выполнена"))
    try:
        # a full disk (the database, its -wal, the copy before-import): all rolled back
        with disk_full_guard(shown_target(args)), terminal_progress() as progress:
            result = import_file(db, path, dry_run=args.dry_run, valid_only=args.valid_only,
                                 merge=args.merge, progress=progress)
    except ExchangeError as exc:
        raise UserError(str(exc)) from exc
    except BackupError as exc:  # the copy before-import: the import is rolled back
        raise UserError(f"Загрузка не выполнена: перед загрузкой делается резервная копия базы, "
                        f"а сделать её не удалось. {exc} База не изменена.") from exc
    finally:
        db.dispose()
    print_result(result)
    if report is not None:
        from desktop_app.exchange.report import save_report

        try:
            with disk_full_guard(report):
                save_report(result, report)
        except DiskFull as exc:
            done = "загрузка выполнена" if result.applied else "база данных не изменена"
            raise UserError(f"Не хватает места на диске для отчёта «{report}»: освободите "
                            f"место и повторите; {done}.") from exc
        print(f"Отчёт сохранён: {report}")
    return 1 if result.refused else 0


def print_result(result: ImportResult) -> None:
    print(result.summary())
    for e in result.errors:
        value = f" «{e.value}»" if e.value else ""
        print(f"  лист «{e.sheet}», строка {e.row}, столбец {e.column}{value}: {e.reason}",
              file=sys.stderr)
    if result.backup is not None:
        print(f"Резервная копия базы до загрузки: {result.backup}")
