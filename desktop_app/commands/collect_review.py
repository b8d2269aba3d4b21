"""collect status and collect apply: the round's state, and the returned files previewed and
taken in (the argparse is in commands/collect.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.commands.common import (
    UserError,
    disk_full_guard,
    open_db,
    shown_target,
)
from desktop_app.commands.exchange import open_for_writing
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database

NO_ROUND = "Сбора сведений ещё не было: начните его командой collect start."


def run_status(args: argparse.Namespace) -> int:
    """The latest round: every ОО with its file's state; the silent ones. Reads only."""
    from desktop_app.exchange.rounds.status import round_status, status_json, status_lines

    db = open_db(args, read_only=True)
    try:
        status = round_status(db)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(status_json(status) if status else None, ensure_ascii=False, indent=1))
    elif status is None:
        print(NO_ROUND)
    else:
        print("\n".join(status_lines(status)))
    return 0


def run_apply(args: argparse.Namespace) -> int:
    """Each returned file previewed (--preview: nothing written at all) or applied, each all or
    nothing on its own; 1 when any file is refused."""
    paths = [_in_path(text) for text in args.files]
    if args.preview:
        return _preview(args, paths)
    if getattr(args, "read_only", False):
        raise UserError("База открыта только для чтения (--read-only): файлы сбора не "
                        "применены; посмотреть изменения можно с --preview.")
    db = open_for_writing(args, "Файлы сбора сведений не применены")
    refused = 0
    try:
        for number, path in enumerate(paths):
            if number:
                print()
            refused += not _apply_one(args, db, path)
    finally:
        db.dispose()
    _total(len(paths), refused)
    return 1 if refused else 0


def _preview(args: argparse.Namespace, paths: list[Path]) -> int:
    from desktop_app.exchange.rounds.preview import review_return
    from desktop_app.exchange.rounds.review import review_lines
    from desktop_app.exchange.rounds.spec import RoundError

    # a dry run's transaction is rolled back; no backup, no upgrade, the round not touched
    db = open_db(args, rollback_only=True)
    refused = 0
    try:
        for number, path in enumerate(paths):
            if number:
                print()
            try:
                review = review_return(db, path)
            except RoundError as exc:
                _refusal(path, str(exc))
                refused += 1
                continue
            print("\n".join(review_lines(review)))
            refused += bool(review.errors)
    finally:
        db.dispose()
    print()
    print("Проверка без записи: база не изменена.")
    _total(len(paths), refused)
    return 1 if refused else 0


def _apply_one(args: argparse.Namespace, db: Database, path: Path) -> bool:
    """One file applied (or told applied before); False when refused."""
    from desktop_app.exchange.rounds.apply import apply_return
    from desktop_app.exchange.rounds.review import review_lines
    from desktop_app.exchange.rounds.spec import RoundError

    try:
        with disk_full_guard(shown_target(args)):
            result = apply_return(db, path, accept_conflicts=args.accept_conflicts)
    except (RoundError, BackupError) as exc:
        _refusal(path, str(exc))
        return False
    print("\n".join(review_lines(result.review)) if result.review.applied_before is None
          else f"Файл «{path.name}»: {result.review.org_name}")
    print(f"  {result.message}")
    if result.backup is not None:
        print(f"  Резервная копия базы до применения: {result.backup}")
    return result.applied or result.review.applied_before is not None


def _refusal(path: Path, message: str) -> None:
    print(f"Файл «{path.name}» не принят: {message}", file=sys.stderr)


def _total(files: int, refused: int) -> None:
    if files > 1:
        print(f"Файлов — {files}, не принято — {refused}.")


def _in_path(text: str) -> Path:
    path = Path(text)
    if not text.strip():
        raise UserError("Не указан файл сбора сведений: укажите файл .xlsx, .ods или .xls.")
    if path.is_dir():
        raise UserError(f"«{path.resolve()}» — это папка, а нужен файл .xlsx, .ods или .xls.")
    if not path.exists():
        raise UserError(f"Файл «{path}» не найден.")
    return path
