"""site: write the page «Наставничество» for the centre's site into a folder (reports/site.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import (
    UserError,
    check_date,
    disk_full_guard,
    given_db,
    open_db,
    os_reason,
    parse_ru_date,
)
from desktop_app.reports.site import SiteRefused, check_folder, write_site
from desktop_app.services import requisites, settings
from desktop_app.textutil import fmt_date


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "site", help="страница «Наставничество» для сайта центра: папка с index.html",
        description="Статическая страница для сайта (index.html и site.css, без скриптов и "
                    "внешних ресурсов): состав методического актива — только давшие согласие "
                    "на публикацию, пары и группы по формам наставничества, практики банка с "
                    "авторами, дата обновления. Папку копируют на сайт как есть. Папка "
                    "создаётся, если её нет; папка с другими файлами не принимается.",
    )
    p.add_argument("--out", required=True, type=Path, metavar="ПАПКА",
                   help="папка страницы: новая, пустая или с прежней страницей")
    p.add_argument("--date", type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                   help="дата сведений (по умолчанию сегодня)")
    p.set_defaults(func=run_site)


def run_site(args: argparse.Namespace) -> int:
    """Write the page; a folder that cannot take it is refused before the database is opened."""
    if args.date is not None:
        check_date(args.date)
    out: Path = args.out
    try:
        check_folder(out)
    except SiteRefused as exc:
        raise UserError(str(exc)) from exc
    db = open_db(args)
    try:
        with db.sessions() as session:
            values = settings.get_all(session)
            missing = requisites.placeholders(values)
            if missing:
                raise UserError(requisites.cli_refusal(missing, values, given_db(args)))
            with disk_full_guard(out):
                written = write_site(session, out, args.date)
    except SiteRefused as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"Не удалось записать страницу в папку «{out}»: {os_reason(exc)}.") \
            from exc
    finally:
        db.dispose()
    names = ", ".join(path.name for path in written)
    when = fmt_date(args.date) if args.date else "сегодня"
    print(f"Страница сайта на {when} записана в папку {out}: {names}")
    print("Скопируйте папку на сайт целиком, как есть.")
    return 0
