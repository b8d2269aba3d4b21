"""The page layout of ГОСТ Р 7.0.97 shared by every document: sizes, requisites, appendices."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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
# Line spacing as a word processor means it: a multiple of the font's own line height, which
# for Liberation Serif and Times New Roman (ascent + descent) is 1.107 of the size. The PDF's
# leading is computed the same way, so a page of the PDF and of the DOCX hold the same lines.
LINE_SPACING = 1.15
TABLE_LINE_SPACING = 1.0
FONT_LINE_EM = 1.107
INDENT_MM = 12.5
CORNER_INDENT_MM = 95.0
DEFAULT_MARGINS_MM = (20.0, 10.0, 20.0, 20.0)
MARGIN_KEYS = ("margin_left_mm", "margin_right_mm", "margin_top_mm", "margin_bottom_mm")
BLANK_NAME = "____________________"


def leading(size: float, spacing: float = LINE_SPACING) -> float:
    """The distance between lines in points for a font size and a line-spacing multiple."""
    return size * FONT_LINE_EM * spacing


def typeset(text: str) -> str:
    """Keep «№ 1» and «1 %» together on a line (a no-break space)."""
    return text.replace("№ ", "№\u00a0").replace(" %", "\u00a0%")


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
CELL_PADDING_PT = 8.0  # 3 + 3 pt of cell padding and 2 pt to spare
MIN_TABLE_PT = 9.0
SIZE_STEP_PT = 0.5
MEASURED_PIECES = 12
# A line may break after a hyphen, a slash or «@» (e-mail), so the widest unbreakable piece is
# what a column must hold.
_BREAKS = re.compile(r"(?<=[-/@])(?=.)")


@dataclass(frozen=True)
class TableFit:
    """A table's column widths in points («№ п/п» first when numbered) and its font sizes."""

    widths: tuple[float, ...]
    size: float
    head_size: float


@lru_cache(maxsize=65536)
def _em(piece: str, font: str) -> float:
    """The width of a piece of text at 1 pt."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(piece, font, 1000.0) / 1000.0


def text_width(text: str, font: str, size: float) -> float:
    """The width of a short text in points (remembered per text and font)."""
    return _em(text, font) * size


def _pieces(texts: Iterable[str]) -> set[str]:
    pieces: set[str] = set()
    for text in texts:
        for word in text.split():
            pieces.update(_BREAKS.split(word))
    return pieces


def _widest(pieces: set[str], font: str) -> float:
    """The widest piece at 1 pt; only the longest few (by letters) are measured."""
    longest = sorted(pieces, key=len, reverse=True)[:MEASURED_PIECES]
    return max((_em(piece, font) for piece in longest), default=0.0)


def _column_ems(block: Table) -> list[tuple[float, float]]:
    """Per column: the widest unbreakable piece of its cells and of its header, at 1 pt."""
    from desktop_app.reports.fonts import BOLD, FAMILY

    result = []
    for index in range(len(block.widths)):
        cells = _widest(_pieces(row[index] for row in block.rows if index < len(row)), FAMILY)
        if block.total and index < len(block.total):
            cells = max(cells, _widest(_pieces([block.total[index]]), BOLD))
        head = _pieces([block.headers[index]] if index < len(block.headers) else [])
        result.append((cells, _widest(head, BOLD)))
    return result


def _distribute(weights: list[float], needs: list[float], room: float) -> list[float]:
    """Widths in the weights' proportions, each at least its need (needs fit in the room)."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        rest = room - sum(fixed.values())
        total = sum(weights[i] for i in free) or 1.0
        widths = {i: rest * weights[i] / total for i in free}
        short = [i for i in free if widths[i] < needs[i]]
        if not short or len(short) == len(free):
            fixed.update({i: needs[i] for i in short})
            widths.update(fixed)
            return [widths[i] for i in range(len(weights))]
        fixed.update({i: needs[i] for i in short})


def _number_width(block: Table, size: float, head_size: float) -> float:
    from desktop_app.reports.fonts import BOLD, FAMILY

    last = f"{len(block.rows) + block.empty_rows}."
    return max(NUMBER_COLUMN_PT, _em(last, FAMILY) * size + CELL_PADDING_PT,
               _em("п/п", BOLD) * head_size + CELL_PADDING_PT)


def fit_table(block: Table, available_pt: float) -> TableFit:
    """Column widths so that no word is cut: each column holds its widest unbreakable piece;
    the rest of the room follows the block's proportions. When the pieces do not fit, the
    font goes down by half a point, to 9 pt at least (2 pt under the block's size at most);
    at the smallest size the widths follow the pieces' proportions."""
    from desktop_app.reports.fonts import register_fonts

    register_fonts()
    base = block.size or TABLE_PT
    head_base = block.head_size or base
    ems = _column_ems(block)
    floor = max(MIN_TABLE_PT, base - 2.0)
    size = base
    while True:
        head = min(head_base, size)
        numbered = [_number_width(block, size, head)] if block.numbered else []
        room = available_pt - sum(numbered)
        needs = [max(body * size, top * head) + CELL_PADDING_PT for body, top in ems]
        if sum(needs) <= room:
            widths = _distribute(list(block.widths), needs, room)
            return TableFit(tuple(numbered + widths), size, head)
        if size - SIZE_STEP_PT < floor - 1e-9:
            total = sum(needs)
            return TableFit(tuple(numbered + [room * n / total for n in needs]), size, head)
        size -= SIZE_STEP_PT


def table_widths(block: Table, available_pt: float) -> list[float]:
    """Column widths in points (see fit_table)."""
    return list(fit_table(block, available_pt).widths)


# Average letter width of Times New Roman / Liberation Serif in ems (row height estimates).
AVERAGE_EM = 0.5


def row_height_estimate(values: Iterable[str], widths: Iterable[float], size: float) -> float:
    """A rough height of a table row in points (letters × average width), no measuring."""
    lines = 0
    for text, width in zip(values, widths, strict=False):
        per_line = max((width - 6) / (size * AVERAGE_EM), 1.0)
        lines = max(lines, sum(int(len(part) / per_line) + 1 for part in text.split("\n")))
    return lines * leading(size, TABLE_LINE_SPACING) + 5


def may_have_tall_rows(block: Table, fit: TableFit, limit_pt: float) -> bool:
    """Whether some row may be taller than limit_pt (estimated)."""
    widths = fit.widths[1:] if block.numbered else fit.widths
    return any(row_height_estimate(row, widths, fit.size) > limit_pt for row in block.rows)
