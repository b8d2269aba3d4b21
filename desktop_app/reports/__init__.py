"""Printed documents: each kind built once as a document model, written as PDF, DOCX (or xlsx)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.reports import annual, lists, orders, personal, practices, recognition, region
from desktop_app.reports.docmodel import Document
from desktop_app.reports.params import ReportParams, order_number, register_order
from desktop_app.reports.queries import NotFound
from desktop_app.services.order_journal import NumberNeeded, OrderRefused
from desktop_app.store.leftovers import written_whole

__all__ = ["KINDS", "Kind", "NotFound", "NumberNeeded", "OrderRefused", "ReportParams", "build",
           "write", "produce", "FORMATS"]

FORMATS = {".pdf": "PDF", ".docx": "DOCX", ".xlsx": "Excel"}


@dataclass(frozen=True)
class Kind:
    """One kind of document: its code (CLI), its name (window), what it needs (None, "year",
    "pair", "person", or "mentor": a person and an award), its builder."""

    code: str
    title: str
    needs: str | None
    is_order: bool
    formats: tuple[str, ...]
    builder: Callable[[Session, ReportParams], Document]
    heading: str = ""  # an order's «О …» title, as the journal of orders keeps it


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("active-order", "Приказ об утверждении состава методического актива", None, True,
             (".pdf", ".docx"), orders.active_order, orders.ACTIVE_TITLE),
        Kind("pairs-order", "Приказ о закреплении наставнических пар (групп)", None, True,
             (".pdf", ".docx"), orders.pairs_order, orders.PAIRS_TITLE),
        Kind("programme", "Персонализированная программа наставничества", "pair", False,
             (".pdf", ".docx"), personal.programme),
        Kind("iom", "Индивидуальный образовательный маршрут (ИОМ)", "person", False,
             (".pdf", ".docx"), personal.iom),
        Kind("candidates", "Форма представления кандидатов в ММА", None, False,
             (".pdf", ".docx", ".xlsx"), lists.candidates),
        Kind("public-list", "Списочный состав ММА для сайта", None, False, (".pdf", ".docx"),
             lists.public_list),
        Kind("annual", "Информационно-аналитический отчёт за год", "year", False,
             (".pdf", ".docx"), annual.annual),
        Kind("region", "Информационно-аналитический отчёт по муниципальным образованиям",
             "year", False, (".pdf", ".docx", ".xlsx"), region.region),
        Kind("recognition", "Представление наставника к награде", "mentor", False,
             (".pdf", ".docx"), recognition.representation),
        Kind("practices", "Электронный сборник лучших практик наставничества", "year", False,
             (".pdf", ".docx"), practices.collection),
    )
}


def build(session: Session, kind: str, params: ReportParams) -> Document:
    """The document model of one kind; raises NotFound for a missing pair, person or route."""
    return KINDS[kind].builder(session, params)


def write(document: Document, target: Path | BytesIO, suffix: str) -> None:
    """Write the document in the format of the suffix (.pdf, .docx; .xlsx for the form)."""
    if suffix == ".pdf":
        from desktop_app.reports.pdf import write_pdf

        write_pdf(document, target)
    elif suffix == ".docx":
        from desktop_app.reports.docx_writer import write_docx

        write_docx(document, target)
    elif suffix == ".xlsx" and document.meta.get("xlsx") == "tables":
        from desktop_app.reports.xlsx_tables import write_tables_xlsx

        write_tables_xlsx(document, target)
    elif suffix == ".xlsx":
        from desktop_app.reports.xlsx import write_candidates_xlsx

        write_candidates_xlsx(document, target)
    else:
        raise ValueError(f"Формат «{suffix}» не поддерживается.")


def produce(session: Session, kind: str, params: ReportParams, target: Path,
            register: bool = True) -> Document:
    """Build, write to the file (whole or not at all) and, for an order, register it in the
    journal of orders (caller commits).

    An order is printed with the number the journal gives (params.order_number): its own when
    its kind and date are registered, else the one asked, else the next; OrderRefused (or
    NumberNeeded) before anything is written. With register=False (a read-only database) only
    an order already in the journal is printed."""
    order = KINDS[kind].is_order
    if order:
        number = order_number(session, kind, params.day, params.number, may_register=register)
        params = replace(params, number=number)
    document = build(session, kind, params)
    if order and register:
        register_order(session, kind, params.number, params.day, KINDS[kind].heading)
    buffer = BytesIO()
    write(document, buffer, target.suffix.lower())
    # a partial file of this process, renamed into place; removed on any error (a full disk)
    with written_whole(target) as partial:
        partial.write_bytes(buffer.getvalue())
    return document
