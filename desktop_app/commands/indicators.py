"""indicators: the municipal indicators of a year (as of 31 December or a date), against plan."""

from __future__ import annotations

import argparse
import json

from desktop_app.commands.common import UserError, open_db, parse_ru_date
from desktop_app.services import indicators
from desktop_app.textutil import fmt_date, fmt_number, fmt_percent


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "indicators", help="показатели эффективности за год: A, B, факт и план",
        description="Показатели I1–I5 (Положение о ММАН, раздел 6) и P4 (приказ № 279, IV.4) "
        "на 31 декабря года или на указанную дату.",
    )
    p.add_argument("--year", type=int, required=True, metavar="ГГГГ", help="год расчёта")
    p.add_argument("--date", type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                   help="дата расчёта внутри года (по умолчанию 31 декабря)")
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(func=run_indicators)


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    return fmt_number(value) if value == 0 else f"{value:+.1f}".replace(".", ",")


def _table(year: int, on_text: str, results: list[indicators.IndicatorResult]) -> str:
    lines = [f"Показатели за {year} год на {on_text}", ""]
    header = f"{'Код':<4} {'A':>6} {'B':>6} {'Факт':>9} {'План':>9} {'Откл.':>7}  Оценка"
    lines.append(header)
    lines.append("-" * len(header))
    for r in results:
        diff = _signed(r.difference)
        lines.append(
            f"{r.code:<4} {r.a:>6} {r.b:>6} {fmt_percent(r.fact):>9} {fmt_percent(r.plan):>9} "
            f"{diff:>7}  {indicators.status_label(r.status)}"
        )
    lines.append("")
    lines += [f"{r.code} — {r.name}" for r in results]
    return "\n".join(lines)


def run_indicators(args: argparse.Namespace) -> int:
    db = open_db(args, read_only=getattr(args, "read_only", False))
    try:
        with db.sessions() as session:
            results = indicators.compute_indicators(session, args.year, args.date)
            on = indicators.as_of(args.year, args.date)
    except indicators.IndicatorInputError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    if args.json:
        rows = [
            {"code": r.code, "name": r.name, "unit": r.unit, "plan": r.plan, "fact": r.fact,
             "a": r.a, "b": r.b}
            for r in results
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print(_table(args.year, fmt_date(on), results))
    return 0
