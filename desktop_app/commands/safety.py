"""backup, restore and backups: copies of the database and restoring one.

A database file is copied with SQLite's online backup API (store/backups.py); a database on a
PostgreSQL server (--db postgresql://…) with pg_dump, restored with pg_restore
(store/server_backup.py). Either copy is checked before it is named; either restore is checked
after it is done. A URL is shown with its password hidden."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import UserError, db_target, disk_full_guard, open_db
from desktop_app.store.backup import BackupError, backup_file, backups_folder
from desktop_app.store.backups import backup_now, list_backups, restore, same_file
from desktop_app.store.database import (
    DatabaseMissing,
    DatabaseRefused,
    check_integrity,
    check_sqlite_file,
)
from desktop_app.store.engine import hide_password, sqlite_path, url_for
from desktop_app.store.lock import DatabaseBusy, DatabaseLock
from desktop_app.store.server_backup import (
    SUFFIX,
    backup_server,
    list_server_backups,
    manifest_path,
    read_manifest,
    restore_server,
    server_backups_folder,
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup", help="сделать проверенную резервную копию базы",
        description="Копирует базу и проверяет копию. Файл SQLite копируется встроенным "
                    "механизмом SQLite; база на сервере PostgreSQL (--db postgresql://…) — "
                    "программой pg_dump (она должна быть установлена на этом компьютере), копия "
                    "читается обратно целиком и сверяется с базой по числу записей.")
    p.add_argument("--out", metavar="ПУТЬ",
                   help="папка или новый файл копии (по умолчанию — папка резервных копий "
                        "этой базы: backups в папке данных или рядом с базой; для базы на "
                        "сервере — backups в папке данных, новый файл — .dump)")
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
        raise UserError("Резервные копии делаются для базы в файле SQLite и для базы на сервере "
                        "PostgreSQL (--db postgresql://…); эта база — ни то, ни другое.")
    if not path.exists():
        raise DatabaseMissing(path, f"Файл базы данных «{path}» не найден.{missing}")
    return path


def _server_url(args: argparse.Namespace) -> str | None:
    """The --db URL of a database on a PostgreSQL server, None for a file."""
    url = url_for(db_target(args))
    return url if url.startswith("postgresql") else None


def run_backup(args: argparse.Namespace) -> int:
    url = _server_url(args)
    if url is not None:
        return _server_backup(args, url, Path(args.out) if args.out else None)
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
    url = _server_url(args)
    if url is not None:
        return _server_restore(url, Path(args.file))
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
    url = _server_url(args)
    if url is not None:
        found, folder = list_server_backups(url), server_backups_folder()
        print(f"База данных: {hide_password(url)}")
    else:
        path = _db_file(args)
        found, folder = list_backups(path), backups_folder(path)
    print(f"Папка резервных копий этой базы: {folder}")
    if not found:
        print("Резервных копий этой базы нет.")
    for info in found:
        size = f"{info.size / 1024 / 1024:.1f}".replace(".", ",")
        print(f"{info.made_at:%d.%m.%Y %H:%M:%S}  {info.reason_label:<24} {size} МБ  {info.path}")
    return 0


# a database on a PostgreSQL server ------------------------------------------------------------
def _server_backup(args: argparse.Namespace, url: str, out: Path | None) -> int:
    """pg_dump's checked copy: into the backups folder (rotated), a folder, or a new file."""
    from desktop_app.store.backups import rotate_server

    dest_file = None
    if out is not None and not out.is_dir():
        if out.exists() or out.is_symlink():
            raise UserError(f"Файл «{out}» уже существует: резервная копия не записывается "
                            "поверх него. Укажите новое имя файла или папку.")
        if out.suffix.lower() in (".sqlite", ".db"):
            raise UserError(f"Копия базы на сервере — файл {SUFFIX}, а не «{out.name}»: укажите "
                            f"новое имя файла, оканчивающееся на {SUFFIX}, или папку.")
        if out.suffix.lower() == SUFFIX:
            dest_file = out.resolve()
    folder = out.resolve() if out is not None and dest_file is None else None
    try:
        with disk_full_guard(dest_file or folder or server_backups_folder()):
            dest = backup_server(url, "manual", folder=folder, dest=dest_file)
        if out is None:
            rotate_server(url, *_keep(args))
    except (BackupError, DatabaseRefused) as exc:
        raise UserError(str(exc)) from exc
    manifest = read_manifest(dest) or {}
    counts = manifest.get("counts", {})
    print(f"База данных: {hide_password(url)}")
    print(f"Резервная копия сохранена: {dest}")
    print(f"Проверена: прочитана обратно целиком, записей в каждой таблице столько же, сколько "
          f"в базе (таблиц: {len(counts)}, записей: {sum(int(n) for n in counts.values())}); "
          f"опись копии: {manifest_path(dest).name}")
    return 0


def _keep(args: argparse.Namespace) -> tuple[int, int]:
    """How many copies the database's settings keep (the defaults when it cannot be read)."""
    from desktop_app.store.backups import (
        DEFAULT_DAILY_KEEP,
        DEFAULT_MONTHLY_KEEP,
        _keep_settings,
    )

    try:
        db = open_db(args)
    except DatabaseRefused:
        return DEFAULT_DAILY_KEEP, DEFAULT_MONTHLY_KEEP
    try:
        return _keep_settings(db)
    finally:
        db.dispose()


def _server_restore(url: str, source: Path) -> int:
    try:
        with disk_full_guard(server_backups_folder()):
            result = restore_server(url, source)
    except (BackupError, DatabaseRefused) as exc:
        raise UserError(str(exc)) from exc
    if result.previous is not None:
        print(f"Прежнее состояние сохранено: {result.previous}")
    if result.upgraded_from:
        print(f"Копия обновлена со схемы {result.upgraded_from} до текущей.")
    checked = ("записей в каждой таблице столько, сколько в описи копии" if result.manifest
               else "описи рядом с копией нет: записей в каждой таблице столько, сколько в "
                    "самой копии")
    print(f"Проверено: {checked} (таблиц: {len(result.counts)}, записей: "
          f"{sum(result.counts.values())}), ревизия схемы текущая.")
    print(f"База восстановлена из «{source}»: {hide_password(url)}")
    return 0
