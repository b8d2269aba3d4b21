"""Copies of a SQLite database made with the online backup API, each checked after writing."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


class BackupError(Exception):
    """A backup could not be written or did not pass its check (message in Russian)."""


def integrity_ok(path: Path, quick: bool = False) -> bool:
    """True when SQLite finds the file sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


def backup_file(source: Path, dest: Path) -> Path:
    """Copy an (open, possibly WAL) database to dest with the online backup API, then check it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"Не удалось сделать резервную копию в {dest}: {exc}") from exc
    if not integrity_ok(tmp):
        tmp.unlink(missing_ok=True)
        raise BackupError(f"Резервная копия {dest} не прошла проверку целостности")
    tmp.replace(dest)
    return dest


def stamped_name(source: Path, reason: str, now: datetime | None = None) -> str:
    """«metodaktiv-2026-11-25_103000-before-migration.sqlite»."""
    moment = (now or datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    return f"{source.stem}-{moment}-{reason}.sqlite"
