"""What every command shares: the refusal exception, opening the --db database, dates."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from desktop_app import paths
from desktop_app.store.database import Database, open_database


class UserError(Exception):
    """A refusal to report in Russian with exit code 1 (never a traceback)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def db_target(args: argparse.Namespace) -> str:
    """The --db path or URL, else the user's own database in the data folder."""
    return str(args.db) if getattr(args, "db", None) else str(paths.default_db_path())


def open_db(args: argparse.Namespace, create: bool = False, read_only: bool = False) -> Database:
    """Open the database named by --db; a missing file is refused unless create is set."""
    return open_database(db_target(args), create=create, read_only=read_only)


def parse_ru_date(text: str) -> date:
    """ДД.ММ.ГГГГ (also ДД.ММ.ГГ) for argparse; a wrong date is a usage error."""
    for fmt in ("%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"дата «{text}» не в формате ДД.ММ.ГГГГ или невозможна")
