"""backup, restore and backups: copies of the database and restoring one."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import UserError, db_target, disk_full_guard
from desktop_app.store.backup import BackupError, backup_file, backups_folder
from desktop_app.store.backups import backup_now, list_backups, restore, same_file
from desktop_app.store.database import (
    DatabaseMissing,
    DatabaseRefused,
    check_integrity,
    check_sqlite_file,
)
from desktop_app.store.engine import sqlite_path, url_for
from desktop_app.store.lock import DatabaseBusy, DatabaseLock


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", help="сделать проверенную резервную копию базы")
    p.add_argument("--out", metavar="ПУТЬ",
                   help="папка или новый файл копии (по умолчанию — папка резервных копий "
                        "этой базы: backups в папке данных или рядом с базой)")
    p.set_defaults(func=run_backup)
    p = sub.add_parser("restore", help="восстановить базу из резервной копии (текущая сохраняется)")
    p.add_argument("file", metavar="ФАЙЛ", help="файл резервной копии")
    p.set_defaults(func=run_restore)
    p = sub.add_parser("backups", help="список резервных копий этой базы")
    p.set_defaults(func=run_list)


def _db_file(args: argparse.Namespace, missing: str = "") -> Path:
    """The --db file; a missing one is refused (DatabaseMissing, `missing` added to the
    message), never created."""
    path = sqlite_path(url_for(db_target(args)))
    if path is None:
        raise UserError("Резервные копии делаются только для базы в файле SQLite.")
    if not path.exists():
        raise DatabaseMissing(path, f"Файл базы данных «{path}» не найден.{missing}")
    return path


def run_backup(args: argparse.Namespace) -> int:
    path = _db_file(args)
    out = Path(args.out) if args.out else None
    if out is not None:
        _refuse_existing(path, out)  # before anything opens the database
    try:
        check_sqlite_file(path)
        check_integrity(path)
        with disk_full_guard(out or backups_folder(path)):
            dest = _backup(path, out)
    except (BackupError, DatabaseRefused) as exc:
        raise UserError(str(exc)) from exc
    print(f"Резервная копия сохранена: {dest}")
    return 0


def _backup(path: Path, out: Path | None) -> Path:
    """Into the database's backups folder (rotated), a folder, or a new file named by --out."""
    if out is None:
        return backup_now(path, "manual")
    if out.suffix.lower() in (".sqlite", ".db") and not out.is_dir():
        return backup_file(path, out.resolve())
    return backup_now(path, "manual", folder=out.resolve())


def _refuse_existing(path: Path, out: Path) -> None:
    """A copy is never written over a file: the database itself (by whatever path: «./»,
    «../», a link, a hard link), another database of ours, or any other file."""
    if out.is_dir() or not (out.exists() or out.is_symlink()):
        return
    if same_file(out, path):
        raise UserError(f"«{out}» — это сам файл базы данных «{path}»: копия в него не "
                        "записывается, база не изменена. Укажите другой файл или папку.")
    try:
        check_sqlite_file(out)
    except (DatabaseRefused, OSError):
        raise UserError(f"Файл «{out}» уже существует: резервная копия не записывается поверх "
                        "него. Укажите новое имя файла или папку.") from None
    raise UserError(f"Файл «{out}» — другая база данных Методактива: резервная копия не "
                    "записывается поверх неё. Укажите новое имя файла или папку.")


def run_restore(args: argparse.Namespace) -> int:
    path = _db_file(args, " Восстанавливать некуда: сначала создайте пустую базу (init), "
                          "затем повторите восстановление.")
    lock = DatabaseLock(path)
    try:
        lock.acquire()
    except DatabaseBusy as exc:
        raise UserError(f"{exc} Закройте её и повторите восстановление.") from exc
    try:
        with disk_full_guard(path):
            result = restore(path, Path(args.file))
    except (BackupError, DatabaseRefused) as exc:
        raise UserError(str(exc)) from exc
    finally:
        lock.release()
    if result.previous is not None:
        print(f"Прежнее состояние сохранено: {result.previous}")
    if result.upgraded_from:
        print(f"Копия обновлена со схемы {result.upgraded_from} до текущей.")
    print(f"База восстановлена из «{args.file}»: {path}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    path = _db_file(args)
    found = list_backups(path)
    print(f"Папка резервных копий этой базы: {backups_folder(path)}")
    if not found:
        print("Резервных копий этой базы нет.")
    for info in found:
        size = f"{info.size / 1024 / 1024:.1f}".replace(".", ",")
        print(f"{info.made_at:%d.%m.%Y %H:%M:%S}  {info.reason_label:<24} {size} МБ  {info.path}")
    return 0
