"""report: print a document (orders, programme, ИОМ, candidate form, public list, annual report)."""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.commands.common import (
    UserError,
    check_date,
    check_year,
    disk_full_guard,
    given_db,
    open_db,
    os_reason,
    parse_ru_date,
    shown_target,
)
from desktop_app.commands.exchange import open_for_writing
from desktop_app.reports import (
    FORMATS,
    KINDS,
    NotFound,
    NumberNeeded,
    OrderRefused,
    ReportParams,
    produce,
)
from desktop_app.reports.params import ANNUAL_SECTIONS, order_number
from desktop_app.services import order_journal, requisites, settings
from desktop_app.services.indicators import IndicatorInputError
from desktop_app.textutil import fmt_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# the options that give a section of the annual report its text for one printing
TEXT_OPTIONS = {"conclusions": "--conclusions", "recommendations": "--recommendations"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kinds = "; ".join(f"{code} — {kind.title}" for code, kind in KINDS.items())
    p = sub.add_parser(
        "report", help="документ в PDF, DOCX (форма кандидатов — и в XLSX)",
        description=f"Печатные документы по ГОСТ Р 7.0.97. Виды: {kinds}.",
    )
    p.add_argument("kind", choices=list(KINDS), metavar="ВИД", help="вид документа: " + kinds)
    p.add_argument("--out", required=True, type=Path, metavar="ФАЙЛ",
                   help="файл .pdf или .docx (для candidates также .xlsx)")
    p.add_argument("--year", type=int, metavar="ГГГГ", help="год отчёта (annual)")
    p.add_argument("--pair", type=int, metavar="КОД", help="код пары (programme)")
    p.add_argument("--person", type=int, metavar="КОД", help="код педагога (iom, recognition)")
    p.add_argument("--award", metavar="КОД",
                   help="код награды (recognition; коды — metodaktiv awards show)")
    p.add_argument("--number", metavar="N",
                   help="номер приказа: у первого приказа базы обязателен; по умолчанию — "
                        "следующий после последнего в журнале приказов, а у приказа того же "
                        "вида и даты — его номер из журнала")
    p.add_argument("--date", type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                   help="дата документа (по умолчанию сегодня)")
    p.add_argument("--page-per-candidate", action="store_true",
                   help="форма кандидатов (candidates): каждый кандидат с новой страницы "
                        "(по умолчанию кандидаты идут друг за другом)")
    for section, option in TEXT_OPTIONS.items():
        p.add_argument(option, type=Path, metavar="ФАЙЛ",
                       help=f"текст раздела «{ANNUAL_SECTIONS[section]}» отчёта annual для этой "
                            "печати (файл UTF-8; в базе не сохраняется)")
    p.set_defaults(func=run_report, report_parser=p)


def _check_usage(args: argparse.Namespace) -> None:
    parser: argparse.ArgumentParser = args.report_parser
    kind = KINDS[args.kind]
    suffix = args.out.suffix.lower()
    if suffix not in kind.formats:
        allowed = ", ".join(kind.formats)
        parser.error(f"документ {args.kind} пишется в файлы {allowed}, а не «{suffix or '—'}»")
    if kind.needs == "pair" and args.pair is None:
        parser.error(f"для документа {args.kind} укажите пару: --pair КОД")
    if kind.needs in ("person", "mentor") and args.person is None:
        parser.error(f"для документа {args.kind} укажите педагога: --person КОД")
    if kind.needs == "mentor" and not (args.award or "").strip():
        parser.error(f"для документа {args.kind} укажите награду: --award КОД")
    if args.award is not None and kind.needs != "mentor":
        parser.error("--award — только для документа recognition")
    if args.page_per_candidate and args.kind != "candidates":
        parser.error("--page-per-candidate — только для документа candidates")
    given = [option for section, option in TEXT_OPTIONS.items() if getattr(args, section)]
    if given and args.kind != "annual":
        parser.error(f"{', '.join(given)} — только для документа annual")


def _check_values(args: argparse.Namespace) -> None:
    """The year and the order number refused before the database is opened (as indicators
    refuses a year), the output file's folder checked."""
    if args.year is not None:
        check_year(args.year)
    if args.date is not None:
        check_date(args.date)
    for value, option, what in ((args.pair, "--pair", "пары"), (args.person, "--person",
                                                                    "педагога")):
        if value is not None and not 1 <= value <= MAX_ID:
            raise UserError(f"Код {what} ({option}): ожидается целое число от 1 до {MAX_ID}, "
                            f"а не «{value}».")
    if args.number is not None:
        check_order_number(args.number)
    if args.out.is_dir():
        raise UserError(f"«{args.out.resolve()}» — это папка, а нужен файл "
                        f"{' или '.join(KINDS[args.kind].formats)}.")
    if not args.out.parent.is_dir():
        raise UserError(f"Папка «{args.out.parent}» не существует.")


MAX_ID = 2**63 - 1  # a record's code is a 64-bit integer
MAX_NUMBER = order_journal.MAX_NUMBER  # the journal of orders keeps numbers up to this length
NUMBER_EXAMPLES = "например, 12, 03/1, 12-од или ОД-5"


def check_order_number(number: str) -> str:
    """A number an order can be registered under: not empty, at most MAX_NUMBER characters,
    no control characters, beginning with a letter or a digit, not zero (UserError)."""
    text = number.strip()
    if not text:
        raise UserError(f"Номер приказа пуст: укажите номер, {NUMBER_EXAMPLES}.")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise UserError("Номер приказа содержит управляющие символы (перевод строки, табуляцию "
                        f"и т. п.): укажите номер одной строкой, {NUMBER_EXAMPLES}.")
    if len(text) > MAX_NUMBER:
        raise UserError(f"Номер приказа длиннее {MAX_NUMBER} знаков: «{text[:20]}…».")
    if not text[0].isalnum():
        sign = " (знак № программа ставит сама)" if text[0] == "№" else ""
        raise UserError(f"Номер приказа «{text}» не подходит: номер начинается с цифры или "
                        f"буквы{sign}, {NUMBER_EXAMPLES}.")
    if text.isdigit() and int(text) == 0:
        raise UserError(f"Номер приказа «{text}» не подходит: номер — от 1, {NUMBER_EXAMPLES}.")
    return text


def read_text_file(path: Path) -> str:
    """A text file in UTF-8 (with or without a BOM); UserError naming the file otherwise."""
    try:
        return path.read_text(encoding="utf-8-sig").strip()
    except FileNotFoundError as exc:
        raise UserError(f"Файл «{path}» не найден.") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"Файл «{path}» не в кодировке UTF-8: сохраните его как «Текст в "
                        "UTF-8» и повторите.") from exc
    except OSError as exc:
        raise UserError(f"Не удалось прочитать файл «{path}»: {os_reason(exc)}.") from exc


def _texts(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """The annual report's sections given as files for this printing."""
    return tuple((section, read_text_file(getattr(args, section)))
                 for section in TEXT_OPTIONS if getattr(args, section) is not None)


def run_report(args: argparse.Namespace) -> int:
    """Print one document to --out; an order is numbered and registered in the journal."""
    _check_usage(args)
    _check_values(args)
    texts = _texts(args)
    kind = KINDS[args.kind]
    read_only = bool(getattr(args, "read_only", False))
    if kind.is_order and not read_only:
        # an order is registered in the journal of orders: one writer, as in the window
        db = open_for_writing(
            args, "Приказ не сформирован (он регистрируется в журнале приказов базы; "
                  "сформируйте его в окне программы)")
    else:
        db = open_db(args, read_only=read_only)
    try:
        with db.sessions() as session:
            values = settings.get_all(session)
            missing = requisites.placeholders(values, for_order=kind.is_order)
            if missing:
                raise UserError(requisites.cli_refusal(missing, values, given_db(args)))
            params = ReportParams(number=args.number or "", on=args.date, year=args.year,
                                  pair_id=args.pair, person_id=args.person, texts=texts,
                                  page_per_candidate=args.page_per_candidate,
                                  award=(args.award or "").strip() or None)
            number, reprint = "", False
            if kind.is_order:
                reprint = order_journal.registered(session, args.kind, params.day) is not None
                number = order_number(session, args.kind, params.day, args.number,
                                      may_register=not db.read_only)
            with disk_full_guard(args.out):
                produce(session, args.kind, params, args.out, register=not db.read_only)
            if not db.read_only:
                _commit(session, args)
    except NumberNeeded as exc:
        raise UserError(_number_needed(exc)) from exc
    except (NotFound, IndicatorInputError, OrderRefused) as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"Не удалось записать файл «{args.out}»: {os_reason(exc)}.") from exc
    finally:
        db.dispose()
    print(f"Документ записан ({FORMATS[args.out.suffix.lower()]}): {args.out}")
    if kind.is_order:
        done = "уже был в журнале приказов" if reprint else "зарегистрирован в журнале приказов"
        print(f"Приказ № {number} от {fmt_date(params.day)} {done} (metodaktiv orders).")
    return 0


def _commit(session: Session, args: argparse.Namespace) -> None:
    """Register the order printed; when its database cannot be written (a full disk), the
    document is removed: no order goes out with a number the journal has not got."""
    try:
        with disk_full_guard(shown_target(args)):
            session.commit()
    except BaseException:
        args.out.unlink(missing_ok=True)
        raise


def _number_needed(exc: NumberNeeded) -> str:
    if exc.last:
        return (f"Укажите номер приказа: --number N — после номера «{exc.last}» в журнале "
                "приказов следующий подсказать нельзя.")
    return "Укажите номер приказа: --number N — в журнале приказов ещё нет ни одного."
