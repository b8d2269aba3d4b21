"""recognitions: who meets (or nearly meets) each award's conditions on a date, and why; awards:
the awards' conditions (show, change); nominations: the nominations recorded (list, add, result).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from desktop_app.commands.common import UserError, check_date, check_year, open_db, parse_ru_date
from desktop_app.commands.exchange import open_for_writing
from desktop_app.model.enums import AwardMeasure, NominationResult
from desktop_app.services import awards, nominations, recognitions
from desktop_app.services.indicators import IndicatorInputError
from desktop_app.textutil import fmt_date

NOT_CHANGED = "Условия наград не изменены"
NOT_RECORDED = "Выдвижение не записано"
MAX_ID = 2**63 - 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _register_recognitions(sub)
    _register_awards(sub)
    _register_nominations(sub)


# recognitions ------------------------------------------------------------------------------
def _register_recognitions(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "recognitions",
        help="поощрение наставников: кто соответствует условиям наград и почему",
        description="Наставники, соответствующие условиям каждой награды (знак «За "
        "наставничество», «Почётный наставник», «Молодость и профессионализм», конкурсы), и "
        "почти соответствующие — с тем, чего не хватает. Расчёт на 31 декабря года или на "
        "указанную дату по парам, повторным диагностикам наставляемых и участию в мероприятиях; "
        "условия — в настройках наград (metodaktiv awards show).",
    )
    p.add_argument("--year", type=int, required=True, metavar="ГГГГ", help="год расчёта")
    p.add_argument(
        "--date",
        type=parse_ru_date,
        metavar="ДД.ММ.ГГГГ",
        help="дата расчёта внутри года (по умолчанию 31 декабря)",
    )
    p.add_argument("--award", metavar="КОД", help="только одна награда (код: awards show)")
    p.add_argument(
        "--all",
        action="store_true",
        dest="everyone",
        help="все рассмотренные, в том числе не соответствующие условиям",
    )
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(func=run_recognitions)


def recognition_json(row: recognitions.Recognition) -> dict[str, Any]:
    """One person against one award: person_id, award (the preset's key), meets, reasons …"""
    return {
        "person_id": row.person_id,
        "name": row.name,
        "organisation": row.organisation,
        "award": row.award,
        "award_name": row.award_name,
        "meets": row.meets,
        "near": row.near,
        "reasons": list(row.reasons),
        "missing": list(row.missing),
        "awarded_on": row.awarded_on.isoformat() if row.awarded_on else None,
        "nominations": [
            {"id": n.id, "date": n.nominated_on.isoformat(), "result": n.result, "note": n.note}
            for n in row.nominations
        ],
    }


def run_recognitions(args: argparse.Namespace) -> int:
    check_year(args.year)  # before the database is opened
    if args.date is not None:
        check_date(args.date)
    db = open_db(args)
    try:
        with db.sessions() as session:
            if args.award is not None:
                awards.get_award(session, args.award)  # an unknown key is refused by name
            found = recognitions.recognitions(
                session, args.year, args.date, args.award, args.everyone
            )
    except IndicatorInputError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    if args.json:
        print(json.dumps([recognition_json(r) for r in found.rows], ensure_ascii=False, indent=1))
    else:
        print(recognitions_text(found, args.everyone))
    return 0


def recognitions_text(found: recognitions.RecognitionList, everyone: bool = False) -> str:
    """By award: its conditions, then who meets them and who nearly meets them, with why."""
    lines = [f"Поощрение наставников на {fmt_date(found.on)}"]
    for award in found.awards:
        lines += ["", f"{award.name} ({award.level_label})"]
        if award.basis:
            lines.append(f"  Основание: {award.basis}")
        lines.append(f"  Условия: {award.conditions_text()}")
        rows = found.of_award(award.code)
        groups = [
            ("Соответствуют условиям", [r for r in rows if r.meets]),
            ("Почти соответствуют", [r for r in rows if not r.meets and r.near]),
        ]
        if everyone:
            groups.append(("Не соответствуют", [r for r in rows if not r.meets and not r.near]))
        if not rows:
            lines.append("  Соответствующих и почти соответствующих нет.")
        for title, group in groups:
            if group:
                lines.append(f"  {title} ({len(group)}):")
                lines += [line for r in group for line in _person_lines(r)]
    return "\n".join(lines)


def _person_lines(row: recognitions.Recognition) -> list[str]:
    where = f" — {row.organisation}" if row.organisation else ""
    lines = [f"    {row.name} (код {row.person_id}){where}"]
    if row.awarded_on is not None:
        lines.append(f"      Уже награждён(а): {fmt_date(row.awarded_on)}")
    # a condition met with its figure, one not met with what is missing
    lines += [f"      + {c.reason}" if c.met else f"      − {c.missing}" for c in row.checks]
    if row.nominations:
        lines.append(f"      Выдвижения: {row.nominations_text}")
    return lines


# awards --------------------------------------------------------------------------------------
def _register_awards(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "awards",
        help="награды для поощрения наставников и их условия: показать, изменить",
        description="Условия наград — данные базы, а не программы: центр меняет пороги сам. "
        "Условия: " + "; ".join(f"{m.value} — {m.label}" for m in AwardMeasure) + ".",
    )
    actions = p.add_subparsers(
        dest="awards_action", metavar="ДЕЙСТВИЕ", required=True, parser_class=type(p)
    )
    show = actions.add_parser("show", help="награды и их условия (только чтение)")
    show.add_argument("--json", action="store_true", help="вывести в JSON")
    show.set_defaults(func=run_awards_show)
    change = actions.add_parser(
        "set",
        help="задать (или добавить) условие награды",
        description="Пример: metodaktiv awards set za_nastavnichestvo min_mentees 4 --near 1",
    )
    change.add_argument("award", metavar="КОД", help="код награды (awards show)")
    change.add_argument(
        "condition", metavar="УСЛОВИЕ", help="условие: " + ", ".join(m.value for m in AwardMeasure)
    )
    change.add_argument("value", type=int, metavar="ЗНАЧЕНИЕ", help="порог, целое 0–100")
    change.add_argument(
        "--near",
        type=int,
        metavar="N",
        help="насколько можно не дотянуть до порога, чтобы попасть в список "
        "«почти соответствуют» (0 — не попадает)",
    )
    change.set_defaults(func=run_awards_set)
    remove = actions.add_parser("unset", help="убрать условие награды")
    remove.add_argument("award", metavar="КОД", help="код награды")
    remove.add_argument("condition", metavar="УСЛОВИЕ", help="условие")
    remove.set_defaults(func=run_awards_unset)


def award_json(award: awards.AwardSpec) -> dict[str, Any]:
    return {
        "code": award.code,
        "name": award.name,
        "level": award.level,
        "basis": award.basis,
        "candidates": award.candidates,
        "once": award.once,
        "conditions": [
            {"condition": c.measure, "label": c.label, "value": c.value, "near": c.near}
            for c in award.conditions
        ],
    }


def award_text(award: awards.AwardSpec) -> list[str]:
    lines = [
        f"{award.code}: {award.name} ({award.level_label}; рассматриваются: "
        f"{award.candidates_label}{'; вручается однократно' if award.once else ''})"
    ]
    if award.basis:
        lines.append(f"  Основание: {award.basis}")
    for c in award.conditions:
        near = f"; «почти» — если не хватает до {c.near}" if c.near else ""
        lines.append(f"  {c.measure} = {c.value}  ({c.label} {c.value}{near})")
    return lines


def run_awards_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        with db.sessions() as session:
            found = awards.list_awards(session)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps([award_json(a) for a in found], ensure_ascii=False, indent=1))
    else:
        print("\n\n".join("\n".join(award_text(a)) for a in found) or "Наград в базе нет.")
    return 0


def _change(args: argparse.Namespace, refused: str, action: Any) -> Any:
    if getattr(args, "read_only", False):
        raise UserError(f"База открыта только для чтения (--read-only): {refused.lower()}.")
    db = open_for_writing(args, refused)
    try:
        with db.sessions() as session:
            result = action(session)
            session.commit()
    except IndicatorInputError as exc:
        raise UserError(f"{exc} {refused}.") from exc
    finally:
        db.dispose()
    return result


def run_awards_set(args: argparse.Namespace) -> int:
    award = _change(
        args,
        NOT_CHANGED,
        lambda s: awards.set_condition(s, args.award, args.condition, args.value, args.near),
    )
    print("Условия записаны:")
    print("\n".join(award_text(award)))
    return 0


def run_awards_unset(args: argparse.Namespace) -> int:
    award = _change(
        args, NOT_CHANGED, lambda s: awards.remove_condition(s, args.award, args.condition)
    )
    print("Условие убрано:")
    print("\n".join(award_text(award)))
    return 0


# nominations ---------------------------------------------------------------------------------
def _register_nominations(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("nominations", help="выдвижения к наградам: список, запись, результат")
    actions = p.add_subparsers(
        dest="nominations_action", metavar="ДЕЙСТВИЕ", required=True, parser_class=type(p)
    )
    listing = actions.add_parser("list", help="выдвижения (только чтение)")
    listing.add_argument("--person", type=int, metavar="КОД", help="только одного педагога")
    listing.add_argument("--json", action="store_true", help="вывести в JSON")
    listing.set_defaults(func=run_nominations_list)
    results = ", ".join(f"{m.value} ({m.label})" for m in NominationResult)
    add = actions.add_parser("add", help="записать выдвижение")
    add.add_argument("--person", type=int, required=True, metavar="КОД", help="код педагога")
    add.add_argument("--award", required=True, metavar="КОД", help="код награды (awards show)")
    add.add_argument(
        "--date",
        type=parse_ru_date,
        metavar="ДД.ММ.ГГГГ",
        help="дата выдвижения (по умолчанию сегодня)",
    )
    add.add_argument(
        "--result",
        default=NominationResult.NOMINATED.value,
        metavar="РЕЗУЛЬТАТ",
        help=f"результат: {results}",
    )
    add.add_argument("--note", default="", metavar="ТЕКСТ", help="примечание")
    add.set_defaults(func=run_nominations_add)
    result = actions.add_parser("result", help="изменить результат выдвижения")
    result.add_argument("id", type=int, metavar="КОД", help="код выдвижения (nominations list)")
    result.add_argument("result", metavar="РЕЗУЛЬТАТ", help=f"результат: {results}")
    result.add_argument("--note", metavar="ТЕКСТ", help="новое примечание")
    result.set_defaults(func=run_nominations_result)


def _check_id(value: int | None, what: str) -> None:
    if value is not None and not 1 <= value <= MAX_ID:
        raise UserError(f"Код {what}: ожидается целое число от 1 до {MAX_ID}, а не «{value}».")


def run_nominations_list(args: argparse.Namespace) -> int:
    _check_id(args.person, "педагога")
    db = open_db(args)
    try:
        with db.sessions() as session:
            rows = nominations.list_nominations(session, args.person)
    finally:
        db.dispose()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "person_id": r.person_id,
                        "name": r.person,
                        "award": r.award,
                        "date": r.nominated_on.isoformat(),
                        "result": r.result,
                        "note": r.note,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    elif not rows:
        print("Выдвижений к наградам нет.")
    else:
        print(
            "\n".join(
                f"{r.id}. {fmt_date(r.nominated_on)}  {r.person} (код {r.person_id}) — "
                f"{r.award_name}: {r.result_label}" + (f" ({r.note})" if r.note else "")
                for r in rows
            )
        )
    return 0


def run_nominations_add(args: argparse.Namespace) -> int:
    _check_id(args.person, "педагога")
    day: date = check_date(args.date) if args.date is not None else date.today()
    new_id = _change(
        args,
        NOT_RECORDED,
        lambda s: nominations.record_nomination(
            s, args.person, args.award, day, args.result, args.note
        ),
    )
    print(
        f"Выдвижение записано (код {new_id}): педагог {args.person}, награда {args.award}, "
        f"{fmt_date(day)}."
    )
    return 0


def run_nominations_result(args: argparse.Namespace) -> int:
    _check_id(args.id, "выдвижения")
    _change(
        args,
        "Результат не изменён",
        lambda s: nominations.set_result(s, args.id, args.result, args.note),
    )
    member = NominationResult.from_label(args.result)
    print(f"Результат выдвижения {args.id}: {member.label if member else args.result}.")
    return 0
