"""indicators: the municipal indicators of a year (as of 31 December or a date), against plan."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.commands.common import UserError, check_year, open_db, parse_ru_date
from desktop_app.services import indicators, municipalities, region
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
    p.add_argument("--details", type=_code, choices=indicators.CODES, metavar="КОД",
                   help="кто учтён в показателе (" + ", ".join(indicators.CODES) + "): "
                   "все из знаменателя B, учтённые и в числителе — с пометкой A, с ОО и "
                   "основанием")
    p.add_argument("--by-municipality", action="store_true",
                   help="каждый муниципалитет отдельно и регион в целом (база региона, куда "
                   "сведены книги обмена муниципалитетов)")
    p.add_argument("--municipality", metavar="НАИМЕНОВАНИЕ",
                   help="только ОО этого муниципалитета и работающие в них (база региона; "
                   "наименование — без учёта регистра, е/ё и пробелов); с --details — кто учтён "
                   "в нём")
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(func=run_indicators)


def _code(text: str) -> str:
    """An indicator code as typed («i3» too); an unknown one is refused by the choices."""
    return text.strip().upper()


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
    check_year(args.year)  # before the database is opened
    if getattr(args, "by_municipality", False):
        if getattr(args, "details", None):
            raise UserError("--details и --by-municipality вместе не задаются: состав "
                            "показателя выводится по всей базе или по одному муниципалитету "
                            "(--municipality).")
        if getattr(args, "municipality", None):
            raise UserError("--municipality и --by-municipality вместе не задаются: "
                            "--by-municipality и так выводит каждый муниципалитет.")
        return run_by_municipality(args)
    if getattr(args, "details", None):
        return run_details(args)
    db = open_db(args, read_only=getattr(args, "read_only", False))
    try:
        with db.sessions() as session:
            chosen = _municipality(session, getattr(args, "municipality", None))
            results = indicators.compute_indicators(session, args.year, args.date,
                                                    chosen[0] if chosen else None)
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
        whose = f" — {chosen[1]}" if chosen else ""
        print(_table(args.year, f"{fmt_date(on)}{whose}", results))
    return 0


def _municipality(session: Session, name: str | None) -> tuple[int, str] | None:
    """The municipality named (its id and name as the database keeps it), None when no name is
    given; a name the database does not know is refused with the names it knows."""
    if name is None:
        return None
    found = municipalities.by_name(session, name)
    if found is None:
        known = [n for _id, n, _orgs in municipalities.organisations_by_municipality(session)]
        raise UserError(f"Муниципалитет «{name}» не найден. В базе есть муниципалитеты с ОО: "
                        f"{'; '.join(known) or 'нет ни одного'}.")
    return found.id, found.name


# --by-municipality: the region side by side ---------------------------------------------------
def _result_json(r: indicators.IndicatorResult) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "unit": r.unit, "plan": r.plan, "fact": r.fact,
            "a": r.a, "b": r.b, "status": r.status}


def run_by_municipality(args: argparse.Namespace) -> int:
    db = open_db(args, read_only=getattr(args, "read_only", False))
    try:
        with db.sessions() as session:
            found = region.region_indicators(session, args.year, args.date)
    except indicators.IndicatorInputError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    if args.json:
        _emit(json.dumps({
            "year": found.year, "on": found.on.isoformat(),
            "municipalities": [{"id": m.id, "name": m.name, "oktmo": m.oktmo,
                                "indicators": [_result_json(r) for r in m.results],
                                "below_plan": m.below_plan()} for m in found.municipalities],
            "region": [_result_json(r) for r in found.region],
        }, ensure_ascii=False, indent=1))
    else:
        _emit(_region_table(found))
    return 0


def _cell(r: indicators.IndicatorResult) -> str:
    """«12,5 (3/24)»: the fact with A and B, «— (0/0)» without a base."""
    return f"{fmt_percent(r.fact)} ({r.a}/{r.b})"


def _region_table(found: region.RegionIndicators) -> str:
    codes = [r.code for r in found.region]
    rows = [(m.name, [_cell(r) for r in m.results]) for m in found.municipalities]
    rows.append(("Регион в целом", [_cell(r) for r in found.region]))
    rows.append(("План", [fmt_percent(r.plan) for r in found.region]))
    name_width = min(max(len(n) for n, _ in rows), NAME_WIDTH)
    widths = [max(len(c), *(len(cells[i]) for _, cells in rows)) for i, c in enumerate(codes)]
    lines = [f"Показатели по муниципалитетам за {found.year} год на {fmt_date(found.on)}", "",
             f"{'Муниципалитет':<{name_width}}  " + "  ".join(
                 f"{c:>{w}}" for c, w in zip(codes, widths, strict=True))]
    lines.append("-" * len(lines[-1]))
    for name, cells in rows:
        if name == "Регион в целом":
            lines.append("-" * len(lines[2]))
        lines.append(f"{name:<{name_width}}  " + "  ".join(
            f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    lines.append("")
    lines.append("Факт, % (A/B); план — один для региона.")
    below = found.below_plan()
    if below:
        lines.append("Ниже плана: " + "; ".join(
            f"{m.name} — {', '.join(m.below_plan())}" for m in below) + ".")
    else:
        lines.append("Ниже плана нет ни одного муниципалитета.")
    lines.append("")
    lines += [f"{r.code} — {r.name}" for r in found.region]
    return "\n".join(lines)


# --details: who is counted ------------------------------------------------------------------
NAME_WIDTH = 48  # names and ОО are padded to the longest up to this, never cut


def run_details(args: argparse.Namespace) -> int:
    """The ОО or people of B of one indicator, those of A marked, from the same drill-down the
    window shows (services.indicators.drill_down); reads only."""
    db = open_db(args, read_only=getattr(args, "read_only", False))
    try:
        with db.sessions() as session:
            chosen = _municipality(session, getattr(args, "municipality", None))
            drill = indicators.drill_down(session, args.details, args.year, args.date,
                                          chosen[0] if chosen else None)
    except indicators.IndicatorInputError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    members = _members(drill)
    if args.json:
        _emit(json.dumps(_details_json(drill, members), ensure_ascii=False, indent=1))
    else:
        _emit(_details_table(drill, members))
    return 0


def _emit(text: str) -> None:
    """Print to a terminal or a pipe; a reader that stops early (`| head`) is not an error."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # the rest goes nowhere, so that the flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _members(drill: indicators.Drill) -> list[dict[str, Any]]:
    """Every row of B in its order, with whether it is in A and why it is in each. A is within
    B for every indicator (A counts those of B who meet its condition)."""
    in_a = {r.id: r.reason for r in drill.a_rows}
    return [{"id": r.id, "name": r.name, "organisation": r.organisation, "in_a": r.id in in_a,
             "reason_a": in_a.get(r.id, ""), "reason_b": r.reason} for r in drill.b_rows]


def _details_json(drill: indicators.Drill, members: list[dict[str, Any]]) -> dict[str, Any]:
    kind = "org" if drill.code in ("I1", "P4") else "person"
    a, b = len(drill.a_rows), len(drill.b_rows)
    return {"code": drill.code, "name": drill.name, "municipality": drill.municipality,
            "year": drill.year,
            "date": drill.on.isoformat(), "kind": kind, "a": a, "b": b,
            "fact": indicators.share(a, b),
            "members": [m if kind == "person" else {k: v for k, v in m.items()
                                                    if k != "organisation"} for m in members]}


def _details_table(drill: indicators.Drill, members: list[dict[str, Any]]) -> str:
    """One line per member of B: «A» or «B» first (grep «^A »), its number, name, ОО, reason."""
    a, b = len(drill.a_rows), len(drill.b_rows)
    orgs = drill.code in ("I1", "P4")
    lines = [drill.title,
             f"На {fmt_date(drill.on)}, период 01.01.{drill.year}–{fmt_date(drill.on)}: "
             f"A = {a}, B = {b}, факт {fmt_percent(indicators.share(a, b))}",
             f"Учёт: A — {'учтена' if orgs else 'учтён'} в числителе (и в знаменателе), "
             "B — только в знаменателе.",
             ""]
    if not members:
        lines.append("В знаменателе никого нет: показатель не определён.")
        return "\n".join(lines)
    varied = len({m["reason_b"] for m in members}) > 1  # B's reason says something per row
    name_w = min(NAME_WIDTH, max(len(m["name"]) for m in members))
    org_w = min(NAME_WIDTH, max(len(m["organisation"]) for m in members))
    num_w = len(str(len(members)))
    head = ["Учёт", f"{'№':>{num_w}}", f"{'ОО' if orgs else 'ФИО':<{name_w}}"]
    if not orgs:
        head.append(f"{'ОО':<{org_w}}")
    lines.append("  ".join([*head, "Основание"]))
    for n, m in enumerate(members, start=1):
        reason = m["reason_b"]
        if m["in_a"]:
            reason = f"{m['reason_b']}; {m['reason_a']}" if varied else m["reason_a"]
        cells = ["A   " if m["in_a"] else "B   ", f"{n:>{num_w}}", f"{m['name']:<{name_w}}"]
        if not orgs:
            cells.append(f"{m['organisation']:<{org_w}}")
        lines.append("  ".join([*cells, reason]))
    return "\n".join(lines)

