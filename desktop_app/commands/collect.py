"""collect: the collection round — each ОО gets its own data back in a workbook (start), the
round's state (status), the returned files previewed and taken in (apply)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import (
    UserError,
    check_date,
    disk_full_guard,
    parse_ru_date,
    shown_target,
)
from desktop_app.commands.exchange import open_for_writing
from desktop_app.commands.progress import terminal_progress
from desktop_app.textutil import fmt_date

NOT_STARTED = "Сбор сведений не начат"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `collect start`, `collect status` and `collect apply`."""
    p = sub.add_parser(
        "collect", help="сбор сведений: каждой ОО — файл с её данными, возврат и проверка",
        description="Сбор сведений от ОО. start — каждой действующей ОО файл Excel с её "
                    "данными на дату (карточка, педагоги, идущие пары, участие в мероприятиях "
                    "за год) и листом «Как заполнить»; status — кто вернул, кто применён, кто "
                    "молчит; apply — показать, что изменит каждый возвращённый файл, и "
                    "загрузить его.",
    )
    actions = p.add_subparsers(dest="collect_action", metavar="ДЕЙСТВИЕ", required=True,
                               parser_class=type(p))
    start = actions.add_parser(
        "start", help="начать сбор: записать файл для каждой действующей ОО",
        description="Записать в папку по файлу Excel для каждой ОО, действующей на дату, с "
                    "тем, что о ней есть в базе на эту дату. Имя файла — краткое "
                    "наименование ОО. Если в папке уже есть файл с таким именем, ничего не "
                    "записывается. В базе запоминается, что отправлено каждой ОО.",
    )
    start.add_argument("--date", required=True, type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                       help="на какую дату собираются сведения (сегодня или раньше)")
    start.add_argument("--deadline", type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                       help="срок, до которого ОО возвращают файлы (пишется в каждом файле)")
    start.add_argument("--out", required=True, metavar="ПАПКА",
                       help="папка для файлов (создаётся, если её нет)")
    start.set_defaults(func=run_start)
    status = actions.add_parser(
        "status", help="состояние последнего сбора: отправлен, возвращён, применён (только "
                       "чтение)",
        description="Каждая ОО последнего сбора: когда отправлен файл, вернулся ли он, "
                    "применён ли, сколько изменений и ошибок; просроченные отмечены; список "
                    "ОО, которые ещё не ответили. База не изменяется.",
    )
    status.add_argument("--json", action="store_true", help="вывести состояние в JSON")
    status.set_defaults(func=run_status)
    apply = actions.add_parser(
        "apply", help="загрузить возвращённые файлы сбора (или только показать изменения)",
        description="Для каждого файла: что изменится в базе — добавленные и выбывшие "
                    "педагоги, изменённые значения (было → стало), начатые и завершённые "
                    "пары, новое участие; строки, удалённые вместо отметки, и расхождения с "
                    "тем, что центр изменил после отправки. Каждый файл загружается целиком "
                    "или не загружается.",
    )
    apply.add_argument("files", nargs="+", metavar="ФАЙЛ",
                       help="возвращённый файл (.xlsx, .ods или .xls)")
    apply.add_argument("--preview", action="store_true",
                       help="только показать изменения, ничего не записывая")
    apply.add_argument("--accept-conflicts", action="store_true",
                       help="при расхождении брать значение из файла ОО (по умолчанию "
                            "остаётся значение центра)")
    apply.set_defaults(func=run_apply)


def run_start(args: argparse.Namespace) -> int:
    """Write the round's files and record the round; one line per file, then the summary."""
    from desktop_app.exchange.rounds.spec import RoundError
    from desktop_app.exchange.rounds.write import start_round

    check_date(args.date)
    if args.deadline is not None:
        check_date(args.deadline, "--deadline")
    if not str(args.out).strip():
        raise UserError("Не указана папка для файлов сбора (--out).")
    if getattr(args, "read_only", False):
        raise UserError(f"База открыта только для чтения (--read-only): "
                        f"{NOT_STARTED.lower()}.")
    db = open_for_writing(args, NOT_STARTED)
    try:
        # a round's own refusals (its files' disk full among them) are told as they are
        with disk_full_guard(shown_target(args)), terminal_progress("ОО") as progress:
            try:
                result = start_round(db, args.date, Path(args.out), args.deadline,
                                     progress=progress)
            except RoundError as exc:
                raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    for sent in result.files:
        print(f"{sent.path.name}: {sent.org_name} — педагогов {sent.people}, пар "
              f"{sent.pairs}, участий {sent.participations}")
    deadline = f", срок возврата — {fmt_date(result.deadline)}" if result.deadline else ""
    print(f"Сбор сведений № {result.round_id} на {fmt_date(result.on)} начат: файлов "
          f"{len(result.files)} в папке «{result.folder}»{deadline}.")
    print("Разошлите файлы в ОО; вернувшиеся проверьте и загрузите: metodaktiv collect apply "
          "ФАЙЛ… (--preview — только показать изменения); кто ответил — metodaktiv collect "
          "status.")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from desktop_app.commands.collect_review import run_status as status

    return status(args)


def run_apply(args: argparse.Namespace) -> int:
    from desktop_app.commands.collect_review import run_apply as apply

    return apply(args)
