"""The PDF writer (reportlab): renders the document model on the ГОСТ page, fonts embedded.

It stays whole (≈ 630 lines): its flowables, table fitting and page templates share the state of
one reportlab build, and only together put a block where the DOCX writer puts it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageBreak as RLPageBreak,
    PageTemplate,
    Paragraph,
    Spacer as RLSpacer,
    Table as RLTable,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.paraparser import ParaParser

from desktop_app.reports import layout
from desktop_app.reports.docmodel import (
    Align,
    Block,
    Chart,
    DateNumber,
    Document,
    ExecutorMark,
    Footnotes,
    Heading,
    PageBreak,
    Para,
    Points,
    Signature,
    Spacer,
    Table,
)
from desktop_app.reports.fonts import BOLD, FAMILY, register_fonts
from desktop_app.reports.typography import for_pdf, pdf_chars, typeset
from desktop_app.textutil import fmt_number

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_TABLE_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT", "justify": "LEFT"}
KEEP_BEFORE_TABLE_MM = 45
# A row taller than what is left of a page is cut inside only if each part is this tall.
ROW_SPLIT_MIN_PT = 36.0
# A table of this many rows or fewer is kept on one page with its heading when it fits.
SMALL_TABLE_ROWS = layout.SMALL_TABLE_ROWS
# A table with a row that may take this share of a page lets rows break across pages.
TALL_ROW_SHARE = 0.6
CHART_COLOURS = (colors.HexColor("#9aa9bd"), colors.HexColor("#1f3f6e"), colors.HexColor("#c0504d"))


def _one_hyphen_at_a_compound() -> None:
    """reportlab breaks a word at a soft hyphen and prints a hyphen at the end of the line;
    at the soft hyphen after the hard one of a compound («Детско-|юношеская») it would print
    two («Детско--»). Keep the word's own hyphen only."""
    from reportlab.platypus import paragraph

    original = paragraph._SHYStr.__shysplit__
    if getattr(original, "_one_hyphen", False):
        return

    def shysplit(self: Any, *args: Any, **kwargs: Any) -> Any:
        parts = original(self, *args, **kwargs)
        if parts and parts[0].endswith("--"):
            head = paragraph._SHYStr(parts[0][:-1])
            head.__sp__ = parts[0].__sp__
            parts[0] = head
        return parts

    shysplit._one_hyphen = True  # type: ignore[attr-defined]
    paragraph._SHYStr.__shysplit__ = shysplit


_one_hyphen_at_a_compound()


def markup(text: str, hyphens: bool = True) -> str:
    """Plain text to reportlab paragraph markup: typeset, hyphenated (not a heading, a name
    under a signature), escaped, line breaks kept."""
    prepared = for_pdf(text) if hyphens else pdf_chars(typeset(text))
    return escape(prepared).replace("\n", "<br/>")


def _style(size: float, align: Align = "left", bold: bool = False, italic: bool = False,
           indent: float = 0.0, left: float = 0.0,
           spacing: float = layout.LINE_SPACING) -> ParagraphStyle:
    font = {(False, False): FAMILY, (True, False): BOLD, (False, True): "LiberationSerif-Italic",
            (True, True): "LiberationSerif-BoldItalic"}[(bold, italic)]
    return ParagraphStyle(
        f"s{size}{align}{bold}{italic}{indent}{left}{spacing}", fontName=font, fontSize=size,
        leading=layout.leading(size, spacing), alignment=_ALIGN[align], firstLineIndent=indent,
        leftIndent=left, embeddedHyphenation=0,
    )


class _Styles:
    """Paragraph styles cached per (size, align, bold, italic, indent, left, spacing)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], ParagraphStyle] = {}

    def get(self, size: float, align: Align = "left", bold: bool = False, italic: bool = False,
            indent: float = 0.0, left: float = 0.0,
            spacing: float = layout.LINE_SPACING) -> ParagraphStyle:
        key = (size, align, bold, italic, indent, left, spacing)
        if key not in self._cache:
            self._cache[key] = _style(size, align, bold, italic, indent, left, spacing)
        return self._cache[key]


class CellParagraph(Paragraph):  # type: ignore[misc]
    """Plain text in a table cell (see cell_paragraph); its lines are broken once per width,
    though reportlab wraps a cell again to measure, split and draw it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wrapped_at: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._wrapped_at != avail_width:
            super().wrap(avail_width, avail_height)
            self._wrapped_at = avail_width
        return self.width, self.height


def cell_paragraph(text: str, style: ParagraphStyle, template: Any,
                   room: float | None = None) -> CellParagraph:
    """A paragraph of plain text built from copies of one fragment (no markup parsing); in a
    table cell (room given) only the words wider than the room are hyphenated."""
    if room is None:
        prepared = for_pdf(text)
    else:
        prepared = pdf_chars(layout.cell_text(text, style.fontName, style.fontSize, room))
    frags = []
    for index, line in enumerate(prepared.split("\n")):
        if index:
            frags.append(template.clone(text="", lineBreak=True))
        frags.append(template.clone(text=line))
    return CellParagraph(text, style, frags=frags)


def fragment_template(style: ParagraphStyle) -> Any:
    """The text fragment a one-style paragraph is made of (copied for each cell)."""
    _, frags, _ = ParaParser().parse("x", style)
    return frags[0]


class OutlineHeading(Paragraph):  # type: ignore[misc]
    """A heading that adds itself to the PDF's outline where it is drawn: outline is (title,
    bookmark key, level) or None; a heading split over two pages is marked once, at its
    start."""

    outline: tuple[str, str, int] | None = None

    def split(self, avail_width: float, avail_height: float) -> list[Paragraph]:
        parts: list[Paragraph] = super().split(avail_width, avail_height)
        for index, part in enumerate(parts):
            part.outline = self.outline if index == 0 else None
        return parts

    def draw(self) -> None:
        if self.outline is not None:
            title, key, level = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
        super().draw()


class BottomNote(Flowable):  # type: ignore[misc]
    """Takes the rest of the page and prints its small text at the bottom (executor mark)."""

    def __init__(self, paragraph: Paragraph) -> None:
        super().__init__()
        self.paragraph = paragraph
        self._height = 0.0
        self._avail = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        _, self._height = self.paragraph.wrap(avail_width, avail_height)
        self._avail = max(avail_height, self._height)
        return avail_width, self._avail

    def draw(self) -> None:
        self.paragraph.drawOn(self.canv, 0, 0)


class KeepTail(Flowable):  # type: ignore[misc]
    """A table and what must stay with its last rows (signatures): when they do not all fit,
    the table is cut so that its last rows go over with them, under its repeated header."""

    TAIL_ROWS = 2

    def __init__(self, table: RLTable, after: list[Flowable]) -> None:
        super().__init__()
        self.table = table
        self.after = after
        self._table_height = 0.0

    def _after_height(self, avail_width: float, avail_height: float) -> float:
        return sum(f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore()
                   + f.getSpaceAfter() for f in self.after)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._table_height = self.table.wrap(avail_width, avail_height)[1]
        self.width = avail_width
        self.height = self._table_height + self._after_height(avail_width, avail_height)
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        table_height = self.table.wrap(avail_width, avail_height)[1]
        after = self._after_height(avail_width, avail_height)
        if table_height + after <= avail_height:
            return [self.table, *self.after]
        limit = avail_height
        if table_height <= avail_height:
            heights = self.table._rowHeights
            tail = min(self.TAIL_ROWS, len(heights) - self.table.repeatRows - 1)
            limit = table_height - (sum(heights[-tail:]) if tail > 0 else 0) - 1
        parts = self.table.split(avail_width, limit)
        if len(parts) < 2:
            return []
        return [parts[0], KeepTail(parts[1], self.after)]

    def draw(self) -> None:
        y = self.height - self._table_height
        self.table.drawOn(self.canv, 0, y)
        for flowable in self.after:
            _, height = flowable.wrap(self.width, self.height)
            y -= flowable.getSpaceBefore() + height
            flowable.drawOn(self.canv, 0, y)
            y -= flowable.getSpaceAfter()


class PdfWriter:
    """Turns a Document into reportlab flowables and builds the file."""

    def __init__(self, document: Document) -> None:
        register_fonts()
        self.document = document
        self.styles = _Styles()
        left, right, top, bottom = document.margins_mm
        self.pagesize = landscape(A4) if document.landscape else A4
        self.margins = (left * mm, right * mm, top * mm, bottom * mm)
        self.width = self.pagesize[0] - self.margins[0] - self.margins[1]
        self.frame_height = self.pagesize[1] - self.margins[2] - self.margins[3]
        self.split_all_rows = False
        self._outline_level = -1
        self._bookmarks = 0

    # flowables ----------------------------------------------------------------------
    def para(self, block: Para) -> Paragraph:
        size = block.size or layout.TEXT_PT
        indent = layout.INDENT_MM * mm if block.indent else 0.0
        style = self.styles.get(size, block.align, block.bold, block.italic, indent,
                                block.left_indent_mm * mm)
        if block.space_before or block.space_after or block.keep_with_next:
            style = ParagraphStyle(f"{style.name}x", parent=style, spaceBefore=block.space_before,
                                   spaceAfter=block.space_after,
                                   keepWithNext=int(block.keep_with_next))
        return Paragraph(markup(block.text), style)

    def heading(self, block: Heading) -> Paragraph:
        """A bold centred heading, also an entry of the PDF's outline (bookmarks) at its level
        (a level never deeper than one below the heading before it)."""
        base = self.styles.get(layout.TEXT_PT, "center", bold=True)
        style = ParagraphStyle(f"h{block.level}", parent=base, spaceBefore=10, spaceAfter=6,
                               keepWithNext=1)
        level = max(0, min(block.level - 1, self._outline_level + 1))
        self._outline_level = level
        self._bookmarks += 1
        paragraph = OutlineHeading(markup(block.text, hyphens=False), style)
        paragraph.outline = (" ".join(block.text.split()), f"h{self._bookmarks}", level)
        return paragraph

    def points(self, block: Points) -> list[Flowable]:
        style = self.styles.get(layout.TEXT_PT, "justify", indent=layout.INDENT_MM * mm)
        return [Paragraph(markup(f"{n}. {text}"), style)
                for n, text in enumerate(block.items, start=block.start)]

    def two_sided(self, left: str, right: str, space_before: float = 0.0,
                  below: str = "") -> RLTable:
        """Left text and right text on one line (date and №; position and name), and a line
        under the left text when given (the date of a signature)."""
        size = layout.TEXT_PT
        cells = [[Paragraph(markup(left, False), self.styles.get(size, "left")),
                  Paragraph(markup(right, False), self.styles.get(size, "right"))]]
        if below:
            cells.append([Paragraph(markup(below, False), self.styles.get(size, "left")), ""])
        right_width = min(75 * mm, self.width * 0.4)
        table = RLTable(cells, colWidths=[self.width - right_width, right_width])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), FAMILY),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), space_before),
            ("TOPPADDING", (0, 1), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def table(self, block: Table) -> LongTable:
        return TableBuilder(self, block).build()

    def footnotes(self, block: Footnotes) -> list[Flowable]:
        style = self.styles.get(layout.SMALL_PT, "left")
        rule = RLTable([[""]], colWidths=[50 * mm], hAlign="LEFT")
        rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, -1), 0.5, colors.black),
                                  ("FONTNAME", (0, 0), (-1, -1), FAMILY)]))
        notes = [Paragraph(f"<super>{escape(mark)}</super> {markup(text)}", style)
                 for mark, text in block.items]
        return [RLSpacer(1, 6), KeepTogether([rule, *notes])]

    def chart(self, block: Chart) -> list[Flowable]:
        return [RLSpacer(1, 12), chart_drawing(block, self.width)]

    def flowables(self, block: Block) -> list[Flowable]:
        if isinstance(block, Para):
            return [self.para(block)]
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Points):
            return self.points(block)
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Signature):
            return [self.two_sided(block.position, block.name, block.space_before,
                                   block.date_text)]
        if isinstance(block, DateNumber):
            return [self.two_sided(block.date_text, block.number_text, 6)]
        if isinstance(block, Chart):
            return self.chart(block)
        if isinstance(block, Footnotes):
            return self.footnotes(block)
        if isinstance(block, ExecutorMark):
            return [BottomNote(Paragraph(markup(f"Исп. {block.text}"),
                                         self.styles.get(layout.SMALL_PT, "left")))]
        if isinstance(block, PageBreak):
            return [RLPageBreak()]
        if isinstance(block, Spacer):
            return [RLSpacer(1, block.height_pt)]
        raise TypeError(f"unknown block {block!r}")

    def story(self) -> list[Flowable]:
        """The flowables. What introduces a table or a chart (its heading, a lead-in paragraph)
        goes to the next page unless it fits there with the first rows — or, for a small
        table, with the whole table; so no heading is left alone at the foot of a page."""
        blocks = self.document.blocks
        parts = [self.flowables(block) for block in blocks]
        starts: dict[int, float] = {}
        for index, block in enumerate(blocks):
            if isinstance(block, Table | Chart):
                first = self._lead_start(index)
                if first < index:
                    starts[first] = self._keep_height(parts, first, index)
        self._keep_signatures(parts)
        story: list[Flowable] = []
        for index, flowables in enumerate(parts):
            if index in starts:
                story.append(CondPageBreak(starts[index]))
            story.extend(flowables)
        return story

    def _keep_signatures(self, parts: list[list[Flowable]]) -> None:
        """Each run of signatures stays on one page with the last lines before it: with the
        last paragraph, or with the last rows of a table (its header repeated above them when
        they go over), never alone at the top of a page."""
        blocks = self.document.blocks
        for index, block in enumerate(blocks):
            if not isinstance(block, Signature) or index == 0 or isinstance(
                    blocks[index - 1], Signature):
                continue
            end = index
            while end < len(blocks) and isinstance(blocks[end], Signature):
                end += 1
            while end < len(blocks) and isinstance(blocks[end], Footnotes):
                end += 1  # notes under the signatures (the candidates form) go with them
            after = [g for flowables in parts[index:end] for f in flowables
                     for g in (f._content if isinstance(f, KeepTogether) else [f])]
            for k in range(index, end):
                parts[k] = []
            before = parts[index - 1]
            if not before:
                parts[index] = after
            elif isinstance(before[-1], RLTable):
                parts[index - 1] = [*before[:-1], KeepTail(before[-1], after)]
            else:
                parts[index - 1] = [*before[:-1], KeepTogether([before[-1], *after])]

    def _lead_start(self, index: int) -> int:
        """The first block of what introduces the table or chart at index (layout.lead_start)."""
        return layout.lead_start(self.document.blocks, index)

    def _keep_height(self, parts: list[list[Flowable]], first: int, index: int) -> float:
        """Room the lead-in needs with the start of what it introduces; lead-ins stop keeping
        with the next flowable (the conditional break does it)."""
        frame_height = self.frame_height
        height = 0.0
        for flowables in parts[first:index]:
            for flowable in flowables:
                flowable.keepWithNext = 0
                height += flowable.wrap(self.width, frame_height)[1]
                height += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        block = self.document.blocks[index]
        start = KEEP_BEFORE_TABLE_MM * mm
        if isinstance(block, Chart) or (isinstance(block, Table)
                                        and len(block.rows) <= SMALL_TABLE_ROWS):
            whole = sum(f.wrap(self.width, frame_height)[1] for f in parts[index])
            start = whole if height + whole <= frame_height else start
        return height + start

    # pages --------------------------------------------------------------------------
    def _page_number(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Page numbers from page 2, top centre (ГОСТ Р 7.0.97)."""
        if doc.page < 2:
            return
        canvas.saveState()
        canvas.setFont(FAMILY, 12)
        y = self.pagesize[1] - self.margins[2] / 2
        x = self.margins[0] + self.width / 2
        canvas.drawCentredString(x, y, str(doc.page))
        canvas.restoreState()

    def build(self, target: Path | BytesIO, story: list[Flowable] | None = None) -> None:
        left, right, top, bottom = self.margins
        doc = BaseDocTemplate(
            target if isinstance(target, BytesIO) else str(target), pagesize=self.pagesize,
            leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
            title=self.document.title, author=self.document.meta.get("author", ""),
            creator="Методактив", initialFontName=FAMILY, initialFontSize=layout.TEXT_PT,
        )
        frame = Frame(left, bottom, self.width, self.pagesize[1] - top - bottom, leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0, id="text")
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=self._page_number)])
        doc.build(story if story is not None else self.story())


class TableBuilder:
    """A ruled reportlab table: «№ п/п», header repeated on every page, «Итого» in bold.

    The widths and the font size come from layout.fit_table (the DOCX uses the same); a row
    taller than a page is split inside the row rather than failing the whole document.
    """

    def __init__(self, writer: PdfWriter, block: Table) -> None:
        self.writer = writer
        self.block = block
        self.fit = layout.fit_table(block, writer.width, writer.frame_height)
        self.size = self.fit.size
        self.head_style = writer.styles.get(self.fit.head_size, "center", bold=True,
                                            spacing=layout.TABLE_LINE_SPACING)
        self._templates: dict[tuple[Align, bool], tuple[ParagraphStyle, Any]] = {}

    def headers(self) -> list[str]:
        if not self.block.headers:
            return []
        return (["№\nп/п"] if self.block.numbered else []) + list(self.block.headers)

    def aligns(self) -> list[Align]:
        own = [self.block.column_align(i) for i in range(len(self.block.widths))]
        return (["center"] if self.block.numbered else []) + own

    def _template(self, align: Align, bold: bool) -> tuple[ParagraphStyle, Any]:
        key = (align, bold)
        if key not in self._templates:
            style = self.writer.styles.get(self.size, align, bold,
                                           spacing=layout.TABLE_LINE_SPACING)
            self._templates[key] = (style, fragment_template(style))
        return self._templates[key]

    def cell(self, text: str, align: Align, room: float, bold: bool = False) -> Paragraph | str:
        """A short right or centred value that fits its column stays a plain string (fast);
        anything else is a paragraph that wraps."""
        short = align in ("right", "center") and not bold and len(text) < 12 and "\n" not in text
        if not text or (short and layout.text_width(text, FAMILY, self.size) <= room):
            return text
        style, template = self._template(align, bold)
        return cell_paragraph(text, style, template, room)

    def body(self) -> list[list[Paragraph | str]]:
        aligns = self.aligns()
        rooms = [w - 6 for w in self.fit.widths]
        numbered = self.block.numbered
        rows: list[list[Paragraph | str]] = []
        cell = self.cell
        for n, row in enumerate(self.block.rows, start=1):
            values = ([f"{n}."] if numbered else []) + list(row)
            rows.append([cell(v, a, r) for v, a, r in zip(values, aligns, rooms, strict=True)])
        for n in range(len(self.block.rows) + 1, len(self.block.rows) + 1 + self.block.empty_rows):
            values = ([f"{n}."] if numbered else []) + [""] * len(self.block.widths)
            rows.append([cell(v, a, r) for v, a, r in zip(values, aligns, rooms, strict=True)])
        if self.block.total:
            values = ([""] if numbered else []) + list(self.block.total)
            rows.append([cell(v, a, r, bold=True)
                         for v, a, r in zip(values, aligns, rooms, strict=True)])
        return rows

    def split_rows(self) -> bool:
        """Rows are cut inside only in a table that may hold a row near a page's height (or
        after a first attempt failed): elsewhere each row stays whole on its page."""
        limit = self.writer.frame_height * TALL_ROW_SHARE
        return self.writer.split_all_rows or layout.may_have_tall_rows(self.block, self.fit, limit)

    def header_rows(self) -> int:
        return int(bool(self.block.headers)) + int(self.block.column_numbers)

    def widths(self) -> list[float]:
        return list(self.fit.widths)

    def build(self) -> LongTable:
        """A LongTable: row heights are computed only as far as the page needs (fast splits)."""
        data: list[list[Any]] = []
        if self.block.headers:
            template = fragment_template(self.head_style)
            data.append([cell_paragraph(h, self.head_style, template, w - 6)
                         for h, w in zip(self.headers(), self.fit.widths, strict=True)])
        if self.block.column_numbers:
            data.append([str(i) for i in range(1, len(self.aligns()) + 1)])
        data.extend(self.body())
        repeat = self.header_rows()
        tall = self.split_rows()
        # a table of rows near a page's height (the candidates form) fills each page, cutting
        # the row at the foot of the page; elsewhere a row goes over whole
        table = LongTable(data, colWidths=self.widths(), repeatRows=repeat, hAlign="LEFT",
                          splitInRow=ROW_SPLIT_MIN_PT if tall else 0,
                          splitByRow=0 if tall else 1)
        table.setStyle(TableStyle(self.commands(len(data), repeat)))
        return table

    def commands(self, n_rows: int, repeat: int) -> list[tuple[Any, ...]]:
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *([("VALIGN", (0, 0), (-1, repeat - 1), "MIDDLE")] if repeat else []),
            ("FONTNAME", (0, 0), (-1, -1), FAMILY),
            ("FONTSIZE", (0, 0), (-1, -1), self.size),
            ("LEADING", (0, 0), (-1, -1), layout.leading(self.size, layout.TABLE_LINE_SPACING)),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for column, align in enumerate(self.aligns()):
            commands.append(("ALIGN", (column, repeat), (column, -1), _TABLE_ALIGN[align]))
        if self.block.column_numbers:
            commands.append(("ALIGN", (0, repeat - 1), (-1, repeat - 1), "CENTER"))
        if self.block.total:
            commands.append(("FONTNAME", (0, n_rows - 1), (-1, n_rows - 1), BOLD))
        return commands


def chart_drawing(block: Chart, width: float) -> Drawing:
    """A vertical bar chart with Cyrillic labels in Liberation Serif; a None value (no plan
    set) draws no bar and no label."""
    register_fonts()
    height = (block.height_mm or 75) * mm
    drawing = Drawing(width, height, initialFontName=FAMILY, initialFontSize=9)
    drawing.add(String(width / 2, height - 12, block.title, fontName=BOLD, fontSize=11,
                       textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 18 * mm
    chart.width, chart.height = width - 30 * mm, height - 30 * mm
    chart.data = [list(values) for _, values in block.series] or [[0]]
    chart.categoryAxis.categoryNames = list(block.categories)
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FAMILY
        axis.labels.fontSize = 9
    top = max(block.top(), 1.0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100 if block.unit == "%" and top <= 100 else top * 1.1
    chart.valueAxis.labelTextFormat = lambda v: f"{fmt_number(v, 0)}"
    chart.barLabelFormat = lambda v: "" if v is None else fmt_number(v, 1)
    chart.barLabels.fontName = FAMILY
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    for index in range(len(block.series)):
        chart.bars[index].fillColor = CHART_COLOURS[index % len(CHART_COLOURS)]
    drawing.add(chart)
    drawing.add(_legend(block, width))
    return drawing


def _legend(block: Chart, width: float) -> Legend:
    legend = Legend()
    legend.fontName = FAMILY
    legend.fontSize = 9
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.x, legend.y = width / 2 - 40 * mm, 6 * mm
    legend.colorNamePairs = [
        (CHART_COLOURS[i % len(CHART_COLOURS)], name) for i, (name, _) in enumerate(block.series)
    ]
    return legend


def write_pdf(document: Document, target: Path | BytesIO) -> None:
    """Write the document as a PDF file (or into a buffer). Should a row still be taller than
    a page, the document is laid out again with rows allowed to break inside."""
    buffer = BytesIO()
    try:
        PdfWriter(document).build(buffer)
    except LayoutError:
        writer = PdfWriter(document)
        writer.split_all_rows = True
        buffer = BytesIO()
        writer.build(buffer)
    if isinstance(target, BytesIO):
        target.write(buffer.getvalue())
    else:
        Path(target).write_bytes(buffer.getvalue())


def pdf_bytes(document: Document) -> bytes:
    buffer = BytesIO()
    write_pdf(document, buffer)
    return buffer.getvalue()
