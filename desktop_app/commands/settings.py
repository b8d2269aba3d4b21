"""settings: show the database's settings (the centre's requisites first) or change one."""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from desktop_app.commands.common import UserError, given_db, open_db
from desktop_app.commands.exchange import open_for_writing
from desktop_app.services import requisites
from desktop_app.store.database import shown_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

REFUSED = "Настройка не изменена"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `settings show` and `settings set`."""
    p = sub.add_parser(
        "settings", help="настройки базы: реквизиты центра для документов, пороги, поля",
        description="Реквизиты центра (печатаются в каждом документе), пороги диагностики, "
                    "хранение резервных копий, поля страницы.",
    )
    actions = p.add_subparsers(dest="settings_action", metavar="ДЕЙСТВИЕ", required=True,
                               parser_class=type(p))
    show = actions.add_parser("show", help="показать все настройки с пояснениями (только чтение)")
    show.add_argument("--json", action="store_true", help="вывести настройки в JSON")
    show.set_defaults(func=run_show)
    change = actions.add_parser(
        "set", help="изменить одну настройку",
        description="Изменить одну настройку. Настройки: " + ", ".join(requisites.settable_keys())
                    + ". Пример: metodaktiv --db база.sqlite settings set head_last Иванова",
    )
    change.add_argument("key", metavar="НАСТРОЙКА", help="имя настройки (settings show)")
    change.add_argument("value", metavar="ЗНАЧЕНИЕ",
                        help="новое значение (с пробелами — в кавычках)")
    change.set_defaults(func=run_set, settings_parser=change)


@contextmanager
def reading_session(args: argparse.Namespace) -> Iterator[Session]:
    """A session that only reads --db (common.open_db): no upgrade, no lock, no file created or
    changed; no change log attached."""
    from desktop_app.store.engine import make_sessionmaker

    db = open_db(args)
    try:
        with make_sessionmaker(db.engine, changelog=False)() as session:
            yield session
    except sqlite3.DatabaseError as exc:
        where = db.path or shown_url(db.url)
        raise UserError(f"Базу данных «{where}» не удалось прочитать: {exc}") from exc
    finally:
        db.dispose()


def _read_values(args: argparse.Namespace) -> dict[str, str]:
    from sqlalchemy.exc import DBAPIError

    from desktop_app.services import settings

    try:
        with reading_session(args) as session:
            return settings.get_all(session)
    except DBAPIError as exc:
        raise UserError(f"Настройки базы не удалось прочитать: {exc.orig}") from exc


def run_show(args: argparse.Namespace) -> int:
    """Print every setting with its description; nothing is written."""
    rows = requisites.listing(_read_values(args))
    if args.json:
        print(json.dumps([
            {"key": r.key, "title": r.title, "value": r.value, "stored": r.stored,
             "placeholder": r.placeholder, "requisite": r.key in requisites.REQUISITES}
            for r in rows], ensure_ascii=False, indent=1))
        return 0
    width = max(len(r.key) for r in rows)
    print("Реквизиты центра (печатаются в документах):")
    for row in rows:
        _print_row(row, width)
        if row.key == requisites.REQUISITES[-1]:
            print("\nОстальные настройки:")
    missing = [r.key for r in rows if r.placeholder]
    if missing:
        db = given_db(args)  # a URL's password hidden
        program = "metodaktiv" + (f' --db "{db}"' if db else "")
        print(f"\nЕщё не заполнены (документы не печатаются): {', '.join(missing)}.\n"
              f'Заполните каждую: {program} settings set НАСТРОЙКА "значение"')
    return 0


def _print_row(row: requisites.SettingRow, width: int) -> None:
    value = f"«{row.value}»" if row.value else "(пусто)"
    notes = []
    if not row.stored and row.value:
        notes.append("по умолчанию")
    if row.placeholder:
        notes.append("заполните" if not row.value else "образец из поставки — замените")
    note = f"  [{', '.join(notes)}]" if notes else ""
    print(f"  {row.key:<{width}}  {value}{note}")
    if row.title:
        print(f"  {'':<{width}}  {row.title}")


def run_set(args: argparse.Namespace) -> int:
    """Change one setting through the writer's lock; the database is unchanged on a refusal."""
    from desktop_app.services import settings

    try:
        requisites.normalise(args.key, args.value)
    except requisites.UnknownSetting as exc:
        args.settings_parser.error(str(exc))
    except requisites.SettingRefused as exc:
        raise UserError(f"{exc} {REFUSED}.") from exc
    if getattr(args, "read_only", False):
        raise UserError(f"База открыта только для чтения (--read-only): {REFUSED.lower()}.")
    db = open_for_writing(args, REFUSED)
    try:
        with db.sessions() as session:
            changed = settings.change(session, args.key, args.value)
            missing = settings.missing_requisites(session, for_order=True)
            session.commit()
    except requisites.SettingRefused as exc:
        raise UserError(f"{exc} {REFUSED}.") from exc
    finally:
        db.dispose()
    title = requisites.describe(changed.key)
    if changed.new == changed.old:
        print(f"Настройка {changed.key} («{title}») уже равна «{changed.new}».")
    else:
        print(f"Настройка {changed.key} («{title}»): «{changed.new}» (было «{changed.old}»).")
    if changed.rebuilt is not None:
        added, updated, deleted = changed.rebuilt
        print(f"Дефициты пересчитаны по новому порогу: добавлено {added}, изменено {updated}, "
              f"удалено {deleted}.")
    if changed.key in requisites.SHIPPED_PLACEHOLDERS and changed.key in missing:
        print(f"Внимание: «{changed.new}» — образец из поставки; документы печатаются только с "
              "реквизитами центра.")
    if missing:
        print(f"Ещё не заполнены реквизиты: {', '.join(missing)}.")
    return 0
