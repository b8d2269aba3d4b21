"""orders: the journal of orders (number, date, kind, title); read only."""

from __future__ import annotations

import argparse
import json

from desktop_app.commands.common import UserError
from desktop_app.commands.settings import reading_session
from desktop_app.textutil import fmt_date


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `orders`."""
    p = sub.add_parser(
        "orders", help="журнал приказов: номер, дата, вид, заголовок (только чтение)",
        description="Приказы, напечатанные программой: у каждого свой номер; повторная печать "
                    "того же вида на ту же дату получает тот же номер.",
    )
    p.add_argument("--json", action="store_true", help="вывести журнал в JSON")
    p.set_defaults(func=run_orders)


def run_orders(args: argparse.Namespace) -> int:
    """Print the journal of orders in the order of the register; nothing is written."""
    from sqlalchemy.exc import DBAPIError

    from desktop_app.reports import KINDS
    from desktop_app.services.order_journal import entries

    try:
        with reading_session(args) as session:
            journal = entries(session)
    except DBAPIError as exc:
        raise UserError(f"Журнал приказов не удалось прочитать: {exc.orig}") from exc
    titles = {code: kind.title for code, kind in KINDS.items()}
    if args.json:
        print(json.dumps([
            {"number": e.number, "date": e.on.isoformat(), "kind": e.kind,
             "kind_title": titles.get(e.kind, e.kind), "title": e.title,
             "created": e.created.isoformat(sep=" ")}
            for e in journal], ensure_ascii=False, indent=1))
        return 0
    if not journal:
        print("Журнал приказов пуст: ни один приказ ещё не напечатан.")
        return 0
    print(f"Журнал приказов ({len(journal)}):")
    width = max(len(e.number) for e in journal)
    for e in journal:
        print(f"  № {e.number:<{width}}  от {fmt_date(e.on)}  {titles.get(e.kind, e.kind)}: "
              f"«{e.title}»")
    return 0
