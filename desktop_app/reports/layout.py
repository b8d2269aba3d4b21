"""The page layout of ГОСТ Р 7.0.97 shared by every document: sizes, requisites, appendices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.reports.docmodel import (
    Block,
    DateNumber,
    ExecutorMark,
    Heading,
    PageBreak,
    Para,
    Points,
    Signature,
    Spacer,
    Table,
)
from desktop_app.services import settings
from desktop_app.textutil import fmt_date, signature_fio

TEXT_PT = 14.0
TABLE_PT = 12.0
SMALL_PT = 10.0
LINE_SPACING = 1.15
INDENT_MM = 12.5
CORNER_INDENT_MM = 95.0
DEFAULT_MARGINS_MM = (20.0, 10.0, 20.0, 20.0)
MARGIN_KEYS = ("margin_left_mm", "margin_right_mm", "margin_top_mm", "margin_bottom_mm")
BLANK_NAME = "____________________"


@dataclass(frozen=True)
class Letterhead:
    """What the settings say about who issues and signs documents."""

    authority: str
    centre_name: str
    centre_short: str
    municipality: str
    place: str
    head_position: str
    head_name: str
    executor: str


@dataclass(frozen=True)
class OrderInfo:
    """An order's number and date; points and preamble replace the default wording if given."""

    number: str
    on: date
    points: tuple[str, ...] | None = None
    preamble: str | None = None

    @property
    def number_text(self) -> str:
        return f"№ {self.number}" if self.number.strip() else "№ ______"

    @property
    def reference(self) -> str:
        """«от 10.01.2023 № 3» as in an appendix mark."""
        return f"от {fmt_date(self.on)} {self.number_text}"


def letterhead(session: Session) -> Letterhead:
    """Issuer and signatory from the settings (services/settings.py)."""
    values = settings.get_all(session)
    name = signature_fio(
        values.get("head_last", ""), values.get("head_first", ""), values.get("head_middle", "")
    )
    return Letterhead(
        authority=values.get("authority", ""),
        centre_name=values.get("centre_name", ""),
        centre_short=values.get("centre_short", ""),
        municipality=values.get("municipality", ""),
        place=values.get("place", ""),
        head_position=values.get("head_position", ""),
        head_name=name or BLANK_NAME,
        executor=values.get("executor", ""),
    )


def page_margins(session: Session) -> tuple[float, float, float, float]:
    """Left, right, top, bottom in mm: the centre's settings, else ГОСТ's 20/10/20/20."""
    result = []
    for key, default in zip(MARGIN_KEYS, DEFAULT_MARGINS_MM, strict=True):
        value = settings.get_float(session, key, default)
        result.append(value if 5.0 <= value <= 50.0 else default)
    return (result[0], result[1], result[2], result[3])


def issuer_blocks(head: Letterhead) -> list[Block]:
    """The organisation requisites: the authority above, the issuing centre in bold."""
    blocks: list[Block] = []
    if head.authority:
        blocks.append(Para(head.authority, align="center", indent=False))
    if head.centre_name:
        blocks.append(Para(head.centre_name, align="center", indent=False, bold=True))
    return blocks


def order_head(head: Letterhead, info: OrderInfo, title: str) -> list[Block]:
    """ПРИКАЗ, the date and № on one line, the place, the «О …» title."""
    blocks = issuer_blocks(head)
    blocks.append(Para("ПРИКАЗ", align="center", indent=False, bold=True, size=16,
                       space_before=12, space_after=6))
    blocks.append(DateNumber(fmt_date(info.on), info.number_text))
    if head.place:
        blocks.append(Para(head.place, align="center", indent=False, size=SMALL_PT + 2))
    blocks.append(Para(title, align="left", indent=False, bold=True, space_before=12,
                       space_after=12))
    return blocks


def order_body(preamble: str, points: tuple[str, ...]) -> list[Block]:
    """The preamble, «ПРИКАЗЫВАЮ:» and the numbered points."""
    blocks: list[Block] = []
    if preamble.strip():
        blocks.append(Para(preamble.strip()))
    blocks.append(Para("ПРИКАЗЫВАЮ:", indent=False, align="left", space_before=6,
                       space_after=6, keep_with_next=True))
    blocks.append(Points(tuple(p.strip() for p in points if p.strip())))
    return blocks


def signature_blocks(head: Letterhead) -> list[Block]:
    """The head's signature and, at the bottom of the page, the executor mark."""
    blocks: list[Block] = [Signature(head.head_position, head.head_name)]
    if head.executor.strip():
        blocks.append(ExecutorMark(head.executor.strip()))
    return blocks


def appendix_head(number: int, info: OrderInfo, title: str) -> list[Block]:
    """A new page, «Приложение N к приказу от ДД.ММ.ГГГГ № …» in the corner, the title."""
    return [
        PageBreak(),
        Para(f"Приложение {number}", align="left", indent=False, left_indent_mm=CORNER_INDENT_MM),
        Para(f"к приказу {info.reference}", align="left", indent=False,
             left_indent_mm=CORNER_INDENT_MM),
        Spacer(12),
        Heading(title),
    ]


def order_blocks(
    head: Letterhead, info: OrderInfo, title: str, default_preamble: str,
    default_points: tuple[str, ...],
) -> list[Block]:
    """The whole order up to the appendices; the info's points and preamble win if given."""
    preamble = info.preamble if info.preamble is not None else default_preamble
    points = info.points if info.points else default_points
    return [*order_head(head, info, title), *order_body(preamble, points),
            *signature_blocks(head)]


NUMBER_COLUMN_PT = 13 * 72 / 25.4
CELL_PADDING_PT = 10.0


def _longest_word(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = text.replace("/", "/ ").split()
    return max((stringWidth(w, font, size) for w in words), default=0.0)


def table_widths(block: Table, available_pt: float) -> list[float]:
    """Column widths in points: the block's proportions, widened so no header word is cut.

    A column narrower than its longest header word (bold) or its longest short cell takes the
    difference from the columns with the most room to spare.
    """
    from desktop_app.reports.fonts import BOLD, FAMILY, register_fonts

    register_fonts()
    size = block.size or TABLE_PT
    numbered = [NUMBER_COLUMN_PT] if block.numbered else []
    rest = available_pt - sum(numbered)
    total = sum(block.widths)
    widths = [rest * w / total for w in block.widths]
    head_size = block.head_size or size
    needs = [_longest_word(h, BOLD, head_size) + CELL_PADDING_PT for h in block.headers]
    for row in block.rows[:200]:
        for index, cell in enumerate(row):
            if len(cell) <= 14 and index < len(needs):
                needs[index] = max(needs[index], _longest_word(cell, FAMILY, size)
                                   + CELL_PADDING_PT)
    for index, need in enumerate(needs):
        while widths[index] < need - 0.01:
            donor = max(range(len(widths)), key=lambda i: widths[i] - needs[i])
            give = min(need - widths[index], widths[donor] - needs[donor])
            if donor == index or give <= 0:
                break
            widths[index] += give
            widths[donor] -= give
    return numbered + widths
