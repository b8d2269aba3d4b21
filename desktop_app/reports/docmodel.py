"""A tiny document model that both writers (PDF and DOCX) render, so each document is built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Para:
    """A paragraph of running text (first-line indent unless indent=False)."""

    text: str
    align: Align = "justify"
    bold: bool = False
    italic: bool = False
    indent: bool = True
    size: float | None = None
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False
    left_indent_mm: float = 0.0


@dataclass(frozen=True)
class Heading:
    """A bold centred heading of a section; always kept with what follows. Its level (1 — a
    document's title or its top sections, 2 — sections under a title, …) is Word's «Heading
    N» style in the DOCX and the depth of its bookmark in the PDF's outline."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Points:
    """Numbered points «1. …», «2. …» (the operative part of an order, lists of tasks)."""

    items: tuple[str, ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    """A ruled table; «№ п/п» is added as the first column when numbered; header repeats.

    No headers (an empty tuple) makes a plain two-column card (field, value) without a head.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numbered: bool = True
    align: tuple[Align, ...] = ()
    total: tuple[str, ...] | None = None
    size: float | None = None
    head_size: float | None = None
    column_numbers: bool = False
    empty_rows: int = 0

    def column_align(self, index: int) -> Align:
        return self.align[index] if index < len(self.align) else "left"


@dataclass(frozen=True)
class Signature:
    """The position on the left, «И.И. Иванов» on the right, on one line; the date under the
    position when given. Signatures stay on one page with the last lines before them."""

    position: str
    name: str
    space_before: float = 24.0
    date_text: str = ""


@dataclass(frozen=True)
class DateNumber:
    """The order's date on the left and its «№ …» on the right, on one line."""

    date_text: str
    number_text: str


@dataclass(frozen=True)
class Chart:
    """A bar chart: categories along the axis, one bar per series in each category; a value
    of None (no plan set) draws no bar and no label there."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = "%"
    # the height of the chart with its title (None: the usual 75 mm); a document of several
    # charts sets a lower one, two to a landscape page
    height_mm: float | None = None

    def top(self) -> float:
        """The largest value drawn (0 when there is none)."""
        return max((v for _, values in self.series for v in values if v is not None),
                   default=0.0)


@dataclass(frozen=True)
class Footnotes:
    """Footnotes printed small under a rule: («1», "text")."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ExecutorMark:
    """«Исп. …» small, at the bottom of the page where the order's text ends."""

    text: str


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class Spacer:
    height_pt: float


Block = (
    Para | Heading | Points | Table | Signature | DateNumber | Chart | Footnotes | ExecutorMark
    | PageBreak | Spacer
)


@dataclass(frozen=True)
class Document:
    """A whole printed document: its blocks in order, the page orientation and a title."""

    title: str
    blocks: tuple[Block, ...]
    landscape: bool = False
    # left, right, top, bottom (ГОСТ Р 7.0.97: 20, 10, 20, 20 mm)
    margins_mm: tuple[float, float, float, float] = (20.0, 10.0, 20.0, 20.0)
    meta: dict[str, str] = field(default_factory=dict)

    def plain_text(self) -> str:
        """Every word the document prints (for tests and search)."""
        return "\n".join(_block_text(block) for block in self.blocks)


def _block_text(block: Block) -> str:
    if isinstance(block, Para | Heading):
        return block.text
    if isinstance(block, Points):
        return "\n".join(block.items)
    if isinstance(block, Table):
        lines = [" ".join(block.headers)] if block.headers else []
        lines += [" ".join(row) for row in block.rows]
        if block.total:
            lines.append(" ".join(block.total))
        return "\n".join(lines)
    if isinstance(block, Signature):
        return f"{block.position} {block.name} {block.date_text}".strip()
    if isinstance(block, DateNumber):
        return f"{block.date_text} {block.number_text}"
    if isinstance(block, Chart):
        return block.title
    if isinstance(block, Footnotes):
        return "\n".join(f"{mark} {text}" for mark, text in block.items)
    if isinstance(block, ExecutorMark):
        return block.text
    return ""
