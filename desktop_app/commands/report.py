"""report: print a document (orders, programme, ИОМ, candidate form, public list, annual report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.common import UserError, open_db, parse_ru_date
from desktop_app.commands.exchange import open_for_writing
from desktop_app.reports import FORMATS, KINDS, NotFound, ReportParams, produce
from desktop_app.reports.params import last_number, next_number
from desktop_app.services.indicators import IndicatorInputError


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
    p.add_argument("--person", type=int, metavar="КОД", help="код педагога (iom)")
    p.add_argument("--number", metavar="N", help="номер приказа (по умолчанию — следующий)")
    p.add_argument("--date", type=parse_ru_date, metavar="ДД.ММ.ГГГГ",
                   help="дата документа (по умолчанию сегодня)")
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
    if kind.needs == "person" and args.person is None:
        parser.error(f"для документа {args.kind} укажите педагога: --person КОД")


def run_report(args: argparse.Namespace) -> int:
    _check_usage(args)
    if not args.out.parent.is_dir():
        raise UserError(f"Папка «{args.out.parent}» не существует.")
    read_only = bool(getattr(args, "read_only", False))
    if KINDS[args.kind].is_order and not read_only:
        # an order's number is recorded in the database: one writer, as in the window
        db = open_for_writing(
            args, "Приказ не сформирован (его номер записывается в базу; сформируйте его в "
                  "окне программы)")
    else:
        db = open_db(args, read_only=read_only)
    try:
        with db.sessions() as session:
            number = args.number
            if number is None and KINDS[args.kind].is_order:
                number = next_number(last_number(session, args.kind))
            params = ReportParams(number=number or "", on=args.date, year=args.year,
                                  pair_id=args.pair, person_id=args.person)
            produce(session, args.kind, params, args.out)
            if not db.read_only:
                session.commit()
    except (NotFound, IndicatorInputError) as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"Не удалось записать файл «{args.out}»: {exc.strerror or exc}") from exc
    finally:
        db.dispose()
    print(f"Документ записан ({FORMATS[args.out.suffix.lower()]}): {args.out}")
    return 0
