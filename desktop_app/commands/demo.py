"""demo: write a demonstration database (a municipality or a region) from a seed."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import UserError
from desktop_app.commands.exchange import busy_message
from desktop_app.demo import SCALES, write_demo
from desktop_app.store.lock import DatabaseBusy, DatabaseLock

SHOWN = {
    "organisations": "организаций",
    "people": "педагогов",
    "courses": "курсов повышения квалификации",
    "employments": "записей о местах работы",
    "participations": "участий в мероприятиях",
    "active_members": "записей методического актива",
    "meetings": "заседаний актива",
    "pairs": "наставнических пар и групп",
    "pair_mentees": "наставляемых в парах",
    "plan_items": "пунктов планов программ",
    "monitorings": "записей мониторинга",
    "satisfactions": "анкет удовлетворённости",
    "diagnostic_sessions": "диагностик",
    "answers": "ответов самодиагностики",
    "deficits": "профессиональных дефицитов",
    "routes": "индивидуальных образовательных маршрутов (ИОМ)",
    "indicator_plans": "плановых значений показателей",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="создать демонстрационную базу (муниципалитет или регион)")
    p.add_argument("--out", required=True, metavar="ФАЙЛ", help="файл создаваемой базы")
    p.add_argument("--scale", choices=list(SCALES), default="municipality",
                   help="масштаб: municipality (≈ 30 ОО, 900 педагогов) или region "
                        "(≈ 600 ОО, 30 000 педагогов)")
    p.add_argument("--seed", type=int, default=1, metavar="ЧИСЛО",
                   help="число, от которого зависят данные")
    p.add_argument("--force", action="store_true", help="перезаписать существующий файл")
    p.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.is_dir():
        raise UserError(f"«{out}» — это папка; укажите имя файла базы.")
    if out.exists() and not args.force:
        raise UserError(
            f"Файл «{out}» уже существует. Выберите другое имя или добавьте --force, "
            "чтобы перезаписать его."
        )
    if not out.parent.exists():
        raise UserError(f"Папка «{out.parent}» не существует.")
    lock = DatabaseLock(out.resolve())
    if out.exists():  # --force replaces a database: never one open in the window
        try:
            lock.acquire()
        except DatabaseBusy as exc:
            raise UserError(busy_message(exc, "Демонстрационная база не записана")) from exc
    try:
        result = write_demo(out, scale=args.scale, seed=args.seed)
    finally:
        lock.release()
    print(f"Демонстрационная база записана: {out}")
    print(f"Масштаб: {args.scale}, начальное число: {args.seed}")
    for table, label in SHOWN.items():
        print(f"  {label}: {result.counts.get(table, 0)}")
    return 0
