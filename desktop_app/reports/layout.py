"""The page layout of ГОСТ Р 7.0.97 shared by every document: sizes, requisites, appendices.

It stays whole (≈ 630 lines): it is the one source of the page's measures and of the table
fitting that the PDF and the DOCX writers both read, so that the two cannot drift apart."""

from __future__ import annotations

import heapq
import math
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
from desktop_app.reports.typography import hyphenate_to_fit, pieces, plain, typeset
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
    return [Signature(head.head_position, head.head_name), *executor_blocks(head)]


def executor_blocks(head: Letterhead) -> list[Block]:
    """«Исп. …» at the bottom of the page, when the settings name an executor."""
    return [ExecutorMark(head.executor.strip())] if head.executor.strip() else []


# A table of this many rows or fewer is kept on one page with what introduces it, when a page
# can hold it (a longer one goes over a page under its repeated header).
SMALL_TABLE_ROWS = 10


def lead_start(blocks: tuple[Block, ...], index: int) -> int:
    """The first block of what introduces the table or chart at index, which must not be left
    at the foot of a page without it: the headings before it, the caption or paragraph right
    before it, a paragraph that keeps with the next, an empty line, and a section's opening
    paragraph when its heading comes right before it (both writers keep these together)."""
    first = index
    while first > 0:
        before = blocks[first - 1]
        opens_section = first >= 2 and isinstance(blocks[first - 2], Heading)
        introduces = isinstance(before, Heading) or (
            isinstance(before, Para) and (before.keep_with_next or first == index
                                          or not before.text.strip() or opens_section))
        if not introduces:
            break
        first -= 1
    return first


def kept_with_next(blocks: tuple[Block, ...]) -> set[int]:
    """The blocks that introduce a table or a chart (lead_start), each kept with the next."""
    from desktop_app.reports.docmodel import Chart

    kept: set[int] = set()
    for index, block in enumerate(blocks):
        if isinstance(block, Table | Chart):
            kept.update(range(lead_start(blocks, index), index))
    return kept


SIGN_LINE = "__________"


def signed_name(name: str) -> str:
    """«__________ О.Н. Берёзкина»: a line to sign on, then the name (kept on one line)."""
    return f"{SIGN_LINE}\u00a0{name}" if name and name != BLANK_NAME else BLANK_NAME


def approval_blocks(head: Letterhead, on: date, space_before: float = 24.0) -> list[Block]:
    """The date and the signature of the head of the centre who approves the document
    («Директор МКУ «ИМЦ» __________ О.Н. Берёзкина», the date under it)."""
    position = " ".join(p for p in (head.head_position, head.centre_short) if p.strip())
    return [Signature(position or "Руководитель", signed_name(head.head_name), space_before,
                      date_text=fmt_date(on))]


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


@dataclass(frozen=True)
class ColumnText:
    """What a column's texts need, at 1 pt: the widest piece a line can never be broken inside
    (a syllable run with its hyphen, an e-mail, a date, «18 лет»), the widest whole word, the
    widest line as written, and how much text the column holds (letters)."""

    hard: float
    word: float
    line: float
    mass: int


def _longest(found: Iterable[str], font: str) -> float:
    """The widest of the texts at 1 pt; only the longest few (by letters) are measured."""
    longest = sorted(set(found), key=len, reverse=True)[:MEASURED_PIECES]
    return max((_em(piece, font) for piece in longest), default=0.0)


def _halves(parts: tuple[str, ...]) -> tuple[str, str]:
    """A word broken once, at the syllable nearest its middle: the head with its hyphen and the
    tail."""
    if len(parts) < 2:
        return "".join(parts), ""
    total = sum(map(len, parts))
    cut = min(range(1, len(parts)),
              key=lambda i: abs(2 * sum(map(len, parts[:i])) - total))
    head = "".join(parts[:cut])
    return head if head.endswith("-") else f"{head}-", "".join(parts[cut:])


def column_text(texts: Iterable[str], font: str) -> ColumnText:
    """The needs of one column's cells (or of its header) in one font (typography.pieces). The
    least a column may be is what lets every word go on at most two lines (broken once, near
    its middle) — never «Про-|фес-|сио-|наль-|ные» — and hold every unbreakable word whole."""
    words: set[tuple[str, ...]] = set()
    lines: set[str] = set()
    mass = 0
    for text in texts:
        if not text:
            continue
        mass += len(text)
        lines.update(plain(line) for line in typeset(text).split("\n"))
        words.update(tuple(parts) for parts in pieces(text))
    longest = sorted(words, key=lambda parts: sum(map(len, parts)), reverse=True)
    halves = {half for parts in longest[:MEASURED_PIECES] for half in _halves(parts) if half}
    whole = {"".join(parts) for parts in words}
    return ColumnText(_longest(halves, font), _longest(whole, font), _longest(lines, font),
                      mass)


def _columns(block: Table) -> list[tuple[ColumnText, ColumnText]]:
    """Per column: what its body cells (with «Итого») and its header need."""
    from desktop_app.reports.fonts import BOLD, FAMILY

    result = []
    for index in range(len(block.widths)):
        body = column_text((row[index] for row in block.rows if index < len(row)), FAMILY)
        if block.total and index < len(block.total):
            total = column_text([block.total[index]], BOLD)
            body = ColumnText(max(body.hard, total.hard), max(body.word, total.word),
                              max(body.line, total.line), body.mass)
        head = column_text([block.headers[index]] if index < len(block.headers) else [], BOLD)
        result.append((body, head))
    return result


def _grow(mins: list[float], caps: list[float], weights: list[float],
          room: float) -> list[float]:
    """Widths that fill the room in the weights' proportions, none under its minimum and, while
    others can take the room, none over its cap (the minimums fit in the room)."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(mins)) if i not in fixed]
        rest = room - sum(fixed.values())
        total = sum(weights[i] for i in free) or 1.0
        widths = {i: rest * weights[i] / total for i in free}
        low = [i for i in free if widths[i] < mins[i]]
        high = [i for i in free if widths[i] > caps[i]]
        if low:
            fixed.update({i: mins[i] for i in low})
        elif high and len(high) < len(free):
            fixed.update({i: caps[i] for i in high})
        else:
            widths.update(fixed)
            return [widths[i] for i in range(len(mins))]


def _number_width(block: Table, size: float, head_size: float) -> float:
    from desktop_app.reports.fonts import BOLD, FAMILY

    last = f"{len(block.rows) + block.empty_rows}."
    return max(NUMBER_COLUMN_PT, _em(last, FAMILY) * size + CELL_PADDING_PT,
               _em("п/п", BOLD) * head_size + CELL_PADDING_PT)


def _weights(block: Table, columns: list[tuple[ColumnText, ColumnText]]) -> list[float]:
    """The share of room left over once rows are as short as they get: the amount of each
    column's text (a blank form takes the document's proportions)."""
    if not block.rows:
        return [float(w) for w in block.widths]
    return [max(body.mass, 1) + head.mass / 4 for body, head in columns]


def _header_floors(block: Table, hard: list[float], head: float, room: float) -> list[
        list[float]]:
    """Starting minimums that keep the header low: every header cell in at most k lines, for
    a few k whose widths still fit (a long header squeezed into one narrow column would make
    the repeated header a third of each page); the plain minimums first."""
    floors = [hard]
    if not block.headers:
        return floors
    texts = [_line_ems(h, _bold()) for h in block.headers]
    for lines in (3, 4, 6, 8, 10, 12):
        mins = [max(need, sum(ems) * head / lines / WRAP_FILL + CELL_PADDING_PT)
                for need, ems in zip(hard, texts, strict=True)]
        if sum(mins) <= room:
            floors.append(mins)
            if len(floors) > 3:
                break
    return floors


def _bold() -> str:
    from desktop_app.reports.fonts import BOLD

    return BOLD


def _needs(columns: list[tuple[ColumnText, ColumnText]], field: str, size: float,
           head: float) -> list[float]:
    """One kind of need of every column in points, with the cell padding."""
    return [max(getattr(body, field) * size, getattr(top, field) * head) + CELL_PADDING_PT
            for body, top in columns]


# The height of the text of an A4 page (portrait, ГОСТ margins), when a caller gives none.
A4_TEXT_HEIGHT_PT = 257 * 72 / 25.4
# Row heights are estimated on a sample of the rows: spread evenly and the fullest ones.
SAMPLE_ROWS = 120
# A wrapped line fills about this share of its column (words do not fill lines exactly).
WRAP_FILL = 0.88
# Each step of the search gives one column this share of the spare room (or 2, 4, 8 times).
STEP_SHARE = 1 / 48
# The header row counts as often as it is printed: once per page (at least twice).
MIN_HEADER_WEIGHT = 2.0
# A cell that breaks a word with a hyphen costs as much as this many lines of height; a short
# cell (a name, a label, a short header) much more.
HYPHEN_LINES = 1.0
SHORT_HYPHEN_LINES = 6.0
SHORT_CELL_WORDS = 4


def _sample(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    if len(rows) <= SAMPLE_ROWS:
        return list(rows)
    half = SAMPLE_ROWS // 2
    even = [rows[i * len(rows) // half] for i in range(half)]
    return even + heapq.nlargest(half, rows, key=lambda row: sum(map(len, row)))


def _word_cost(text: str, font: str, size: float) -> tuple[float, float]:
    """The widest whole word of a cell in points and what breaking it costs in lines: a hyphen
    in running text is usual, in a name or a short label it reads as a fault."""
    if not text:
        return 0.0, 0.0
    words = ["".join(parts) for parts in pieces(text)]
    cost = HYPHEN_LINES if len(words) > SHORT_CELL_WORDS else SHORT_HYPHEN_LINES
    return _longest(words, font) * size, cost


def _line_ems(text: str, font: str) -> tuple[float, ...]:
    """The width at 1 pt of each line of a cell as written (unbroken)."""
    if not text:
        return ()
    return tuple(_em(plain(line), font) for line in typeset(text).split("\n"))


class _Rows:
    """The lines each sampled row and the header take in each column at a given width."""

    def __init__(self, block: Table, size: float, head: float, page_pt: float) -> None:
        from desktop_app.reports.fonts import BOLD, FAMILY

        n = len(block.widths)
        self.size, self.head, self.page_pt = size, head, page_pt
        sample = _sample(block.rows)
        self.scale = len(block.rows) / max(len(sample), 1)  # rows per sampled row
        self._seen: dict[tuple[int, float], list[int]] = {}
        self.header_weight = MIN_HEADER_WEIGHT
        self.cells = [[_line_ems(row[i] if i < len(row) else "", FAMILY) for row in sample]
                      for i in range(n)]
        self.heads = [_line_ems(block.headers[i] if i < len(block.headers) else "", BOLD)
                      for i in range(n)]
        # per column, the widest whole word of each sampled cell and of the header in points,
        # with what breaking it costs
        self.words = [[_word_cost(row[i] if i < len(row) else "", FAMILY, size)
                       for row in sample]
                      + [_word_cost(block.headers[i] if i < len(block.headers) else "", BOLD,
                                    head)] for i in range(n)]

    @staticmethod
    def _count(ems: tuple[float, ...], room: float) -> int:
        if len(ems) == 1:
            return max(1, math.ceil(ems[0] / room))
        return sum(max(1, math.ceil(e / room)) for e in ems) if ems else 1

    def column(self, index: int, width: float) -> list[int]:
        """Lines per sampled row, the header's last, of one column at a width (remembered:
        the search asks for the same widths again and again)."""
        key = (index, round(width, 3))
        found = self._seen.get(key)
        if found is None:
            room = max(width - CELL_PADDING_PT, 1.0) * WRAP_FILL
            body = [self._count(ems, room / self.size) for ems in self.cells[index]]
            found = self._seen[key] = [*body, self._count(self.heads[index], room / self.head)]
        return found

    def weigh_header(self, widths: list[float]) -> None:
        """How many pages the table takes at these widths: its header is printed that often."""
        current = [self.column(i, w) for i, w in enumerate(widths)]
        lines = sum(max(values) for values in zip(*current, strict=True))
        pages = lines * self.scale * leading(self.size, TABLE_LINE_SPACING) / self.page_pt
        self.header_weight = max(MIN_HEADER_WEIGHT, pages)

    def cost(self, sums: list[float]) -> float:
        """Total height of the table in lines (each row as tall as its tallest cell, by a
        smooth maximum), the header counted once per page."""
        rows = sum(math.pow(value, 1 / NORM) for value in sums[:-1]) * self.scale
        return rows + self.header_weight * math.pow(sums[-1], 1 / NORM)

    def total(self, widths: list[float]) -> float:
        """The cost of a layout: its height in lines and what its hyphenated words cost."""
        current = [self.column(i, w) for i, w in enumerate(widths)]
        hyphens = sum(self.hyphenated(i, w) for i, w in enumerate(widths))
        return self.cost(_row_sums(current)) + hyphens

    def hyphenated(self, index: int, width: float) -> float:
        """What the words a column would break with a hyphen cost, in lines."""
        room = width - CELL_PADDING_PT
        return sum(cost for word, cost in self.words[index] if word > room)


# Rows are compared by a smooth maximum of their cells' lines (a 4-norm): as tall as the
# tallest cell, yet a column that ties with another still counts when it gets shorter.
NORM = 4


def _row_sums(current: list[list[int]]) -> list[float]:
    return [float(sum(v**NORM for v in values)) for values in zip(*current, strict=True)]


def _trial(sums: list[float], old: list[int], new: list[int]) -> list[float]:
    return [s - a**NORM + b**NORM for s, a, b in zip(sums, old, new, strict=True)]


def _shortest_rows(mins: list[float], caps: list[float], rows: _Rows, room: float,
                   weights: list[float]) -> list[float]:
    """From the minimums, give the spare room step by step to the column that shortens the
    rows most per point (a word broken with a hyphen counts as part of a line); what cannot
    shorten them is shared by the weights."""
    widths = list(mins)
    rows.weigh_header(_grow(mins, caps, weights, room))
    step = max((room - sum(widths)) * STEP_SHARE, 0.5)
    current = [rows.column(i, w) for i, w in enumerate(widths)]
    broken = [rows.hyphenated(i, w) for i, w in enumerate(widths)]
    sums = _row_sums(current)
    while room - sum(widths) > 1e-6:
        spare = room - sum(widths)
        base = rows.cost(sums)
        best: tuple[float, int, float, list[int], float] | None = None
        for index in range(len(widths)):
            for grow in (step, 2 * step, 4 * step, 8 * step):
                grow = min(grow, spare, caps[index] - widths[index])
                if grow <= 1e-6:
                    break
                lines = rows.column(index, widths[index] + grow)
                hyphens = rows.hyphenated(index, widths[index] + grow)
                saved = base - rows.cost(_trial(sums, current[index], lines))
                saved += broken[index] - hyphens
                if saved / grow > 1e-9 and (best is None or saved / grow > best[0]):
                    best = (saved / grow, index, grow, lines, hyphens)
        if best is None:
            break
        _, index, grow, lines, hyphens = best
        sums = _trial(sums, current[index], lines)
        widths[index] += grow
        current[index], broken[index] = lines, hyphens
    return _grow(widths, caps, weights, room)


def fit_table(block: Table, available_pt: float,
              page_pt: float = A4_TEXT_HEIGHT_PT) -> TableFit:
    """Column widths computed from the content, the one rule for every table of every document.

    Each column holds its widest unbreakable piece (a syllable run with its hyphen, an e-mail,
    a date, «18 лет»), so no word is ever cut without a hyphen and a column with an e-mail is
    widened at the expense of free text. When every line fits unbroken, columns are as wide as
    their lines. Otherwise the room goes, step by step, where it makes the rows (and the header)
    shortest, a word broken with a hyphen counting as half a line, so words are kept whole
    where room allows. When even the pieces do
    not fit, the font goes down by half a point, to 9 pt at least (2 pt under the block's size
    at most); at the smallest size the widths follow the pieces' proportions."""
    from desktop_app.reports.fonts import register_fonts

    register_fonts()
    base = block.size or TABLE_PT
    head_base = block.head_size or base
    columns = _columns(block)
    weights = _weights(block, columns)
    floor = max(MIN_TABLE_PT, base - 2.0)
    size = base
    while True:
        head = min(head_base, size)
        numbered = [_number_width(block, size, head)] if block.numbered else []
        room = available_pt - sum(numbered)
        hard, lines = (_needs(columns, field, size, head) for field in ("hard", "line"))
        if sum(lines) <= room:
            return TableFit(tuple(numbered + _grow(lines, lines, lines, room)), size, head)
        if sum(hard) <= room:
            rows = _Rows(block, size, head, page_pt)
            tries = []
            for mins in _header_floors(block, hard, head, room):
                caps = [max(c, m) for c, m in zip(lines, mins, strict=True)]
                tries.append(_shortest_rows(mins, caps, rows, room, weights))
            widths = min(tries, key=rows.total)
            return TableFit(tuple(numbered + widths), size, head)
        if size - SIZE_STEP_PT < floor - 1e-9:
            total = sum(hard)
            return TableFit(tuple(numbered + [room * n / total for n in hard]), size, head)
        size -= SIZE_STEP_PT


# No letter of Liberation Serif is wider than this (em): a shorter text surely fits.
WIDEST_LETTER_EM = 1.0


def cell_text(text: str, font: str, size: float, room: float) -> str:
    """A table cell's typeset text, with soft hyphens only in the words wider than the room
    of its column (both writers print cells with it, so PDF and DOCX break the same words)."""

    def fits(token: str) -> bool:
        if len(token) * WIDEST_LETTER_EM * size <= room:
            return True
        return _em(plain(token), font) * size <= room

    return hyphenate_to_fit(typeset(text), fits)


def table_widths(block: Table, available_pt: float,
                 page_pt: float = A4_TEXT_HEIGHT_PT) -> list[float]:
    """Column widths in points (see fit_table)."""
    return list(fit_table(block, available_pt, page_pt).widths)


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
