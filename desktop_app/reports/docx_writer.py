"""The DOCX writer (python-docx): the same document model as an editable Word file."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

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
from desktop_app.reports.docx_chart import add_chart
from desktop_app.reports.docx_table import DocxTableBuilder
from desktop_app.reports.docx_xml import (
    ALIGN,
    CHART_HEIGHT_RATIO,
    CHART_TITLE_MM,
    CHART_WIDTH_MM,
    KEEP_TAIL_ROWS,
    add_text,
    bottom_frame,
    container_row,
    fixed_grid,
    heading_style,
    no_borders,
    no_cell_margins,
    no_hyphens,
    page_field,
    set_font,
)
from desktop_app.reports.typography import typeset


class DocxWriter:
    """Renders each block with python-docx; tables are built from raw rows for speed."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.docx = new_docx()
        set_font(self.docx)
        self._setup_section()
        self.docx.core_properties.title = document.title

    def _setup_section(self) -> None:
        section = self.docx.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if self.document.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        left, right, top, bottom = self.document.margins_mm
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.header_distance = Mm(max(top / 2 - 3, 5))
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        page_field(header)
        self.width_mm = (297 if self.document.landscape else 210) - left - right
        self.text_height_pt = ((210 if self.document.landscape else 297) - top - bottom) * 72 / 25.4
        self._break_before = False
        self._last: Block | None = None
        self._signature_end: DocxParagraph | None = None
        self._signature_cell: Any = None

    def append_element(self, element: object) -> None:
        """Add a ready-made body element (a table) before the section properties."""
        if self._break_before:
            self._pending_break()
        body = self.docx.element.body
        section = body.sectPr
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)

    def _pending_break(self) -> None:
        self._break_before = False
        self.docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # blocks --------------------------------------------------------------------------
    def paragraph(self, text: str, align: Align = "justify", size: float | None = None,
                  bold: bool = False, italic: bool = False, indent: bool = False,
                  ) -> DocxParagraph:
        paragraph = self.docx.add_paragraph()
        paragraph.alignment = ALIGN[align]
        if self._break_before:
            self._break_before = False
            paragraph.paragraph_format.page_break_before = True
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(layout.INDENT_MM)
        self._runs(paragraph, text, size, bold, italic)
        return paragraph

    @staticmethod
    def _runs(paragraph: DocxParagraph, text: str, size: float | None, bold: bool = False,
              italic: bool = False) -> None:
        for index, line in enumerate(typeset(text).split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            add_text(run, line)
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = Pt(size)

    def para(self, block: Para) -> None:
        paragraph = self.paragraph(block.text, block.align, block.size, block.bold, block.italic,
                                   block.indent)
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(block.space_before), Pt(block.space_after)
        if block.left_indent_mm:
            fmt.left_indent = Mm(block.left_indent_mm)
        if block.keep_with_next:
            fmt.keep_with_next = True

    def heading(self, block: Heading) -> None:
        """Word's own «Heading N» style (N = the heading's level), restyled to the document's
        look, so Word can build a table of contents and shows the outline; the paragraph
        also keeps with the next one directly (a table that may break lifts that)."""
        style = heading_style(self.docx, block.level)
        paragraph = self.paragraph(block.text, "center")
        paragraph.style = style
        paragraph.paragraph_format.keep_with_next = True
        no_hyphens(paragraph)

    def points(self, block: Points) -> None:
        for n, text in enumerate(block.items, start=block.start):
            self.paragraph(f"{n}. {text}", "justify", indent=True)

    def signature(self, block: Signature) -> None:
        """The position, and the name at the right margin (a right tab stop), on one line; the
        date under it. It stays on one page with the last lines before it: the paragraph
        before keeps with it; after a table, the table's last rows and the signatures share
        one row that never breaks (see _tail_cell), so they go over to the next page
        together, under the repeated header — Word and LibreOffice alike."""
        if isinstance(self._last, Signature) and self._signature_end is not None:
            self._signature_end.paragraph_format.keep_with_next = True
        else:
            self._signature_cell = self._tail_cell()
        paragraph = self.paragraph(f"{block.position}\t{block.name}", "left")
        no_hyphens(paragraph)
        fmt = paragraph.paragraph_format
        fmt.space_before = Pt(block.space_before)
        fmt.tab_stops.add_tab_stop(Mm(self.width_mm), WD_TAB_ALIGNMENT.RIGHT)
        fmt.keep_together = True
        end = paragraph
        if block.date_text:
            fmt.keep_with_next = True
            end = self.paragraph(block.date_text, "left")
            end.paragraph_format.space_before = Pt(6)
        self._signature_end = end
        if self._signature_cell is not None:
            for line in {paragraph._p: None, end._p: None}:
                self._signature_cell.append(line)  # moved from the body into the cell

    def _tail_cell(self) -> Any:
        """Keep what was written last with what comes next. After a paragraph: «keep with
        next». After a table: its last rows move into one last row that may not break (a
        nested table with the same columns, then the signatures); returns that row's cell."""
        body = self.docx.element.body
        last = body.sectPr.getprevious() if body.sectPr is not None else body[-1]
        if last is None:
            return None
        if last.tag == qn("w:p"):
            DocxParagraph(last, self.docx._body).paragraph_format.keep_with_next = True
            return None
        if last.tag != qn("w:tbl"):
            return None
        rows = last.findall(qn("w:tr"))
        header = sum(1 for row in rows
                     if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None)
        tail = rows[max(header, len(rows) - KEEP_TAIL_ROWS):]
        return container_row(last, tail)

    def two_sided(self, left: str, right: str, space_before: float) -> None:
        if self._break_before:
            self._pending_break()
        table = self.docx.add_table(rows=1, cols=2)
        no_borders(table)
        right_mm = min(75.0, self.width_mm * 0.4)
        fixed_grid(table, [self.width_mm - right_mm, right_mm])
        no_cell_margins(table)
        for cell, text, align, width in (
            (table.rows[0].cells[0], left, "left", self.width_mm - right_mm),
            (table.rows[0].cells[1], right, "right", right_mm),
        ):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = ALIGN[align]
            paragraph.paragraph_format.space_before = Pt(space_before)
            self._runs(paragraph, text, None)
        table.rows[0].cells[1].vertical_alignment = 3  # bottom

    def table(self, block: Table) -> None:
        DocxTableBuilder(self, block).build()

    def chart(self, block: Chart) -> None:
        """The title as a caption, then a real Word chart (docx_chart) the same width as the
        picture it replaced."""
        caption = self.paragraph(block.title, "center", layout.TABLE_PT, bold=True)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.keep_with_next = True
        paragraph = self.docx.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width = min(self.width_mm, CHART_WIDTH_MM)
        height = width * CHART_HEIGHT_RATIO
        if block.height_mm is not None:  # the title above is a line of its own here
            height = block.height_mm - CHART_TITLE_MM
            width = min(width, height / CHART_HEIGHT_RATIO)
        add_chart(self.docx, paragraph, block, width, height)

    def footnotes(self, block: Footnotes) -> None:
        """Notes under a short rule, small; after the signatures they stay with them (in the
        signatures' unbreakable row, or kept with the last signature line)."""
        lines = [self.paragraph("______________", "left", layout.SMALL_PT)]
        lines[0].paragraph_format.space_before = Pt(6)
        for mark, text in block.items:
            paragraph = self.docx.add_paragraph()
            sup = paragraph.add_run(mark)
            sup.font.superscript = True
            sup.font.size = Pt(layout.SMALL_PT)
            run = paragraph.add_run()
            add_text(run, typeset(f" {text}"))
            run.font.size = Pt(layout.SMALL_PT)
            lines.append(paragraph)
        if not isinstance(self._last, Signature | Footnotes):
            return
        if self._signature_cell is not None:
            for line in lines:
                self._signature_cell.append(line._p)
        else:
            for kept in [self._signature_end, *lines[:-1]]:
                if kept is not None:
                    kept.paragraph_format.keep_with_next = True

    def executor(self, block: ExecutorMark) -> None:
        paragraph = self.paragraph(f"Исп. {block.text}", "left", layout.SMALL_PT)
        bottom_frame(paragraph, self.width_mm)

    def page_break(self) -> None:
        """The next paragraph starts a new page (no empty line at the top of that page); after
        the executor mark a 1-pt paragraph holds the break, so the mark's frame stays on its
        page."""
        if self._break_before:
            self._pending_break()
        if isinstance(self._last, ExecutorMark):
            paragraph = self.docx.add_paragraph()
            paragraph.paragraph_format.line_spacing = Pt(1)
            run = paragraph.add_run()
            run.font.size = Pt(1)
            run.add_break(WD_BREAK.PAGE)
        else:
            self._break_before = True

    def spacer(self, block: Spacer) -> None:
        """An empty line exactly the spacer's height."""
        paragraph = self.paragraph("", "left")
        paragraph.paragraph_format.line_spacing = Pt(max(block.height_pt, 1.0))

    def add(self, block: Block) -> None:
        if isinstance(block, Para):
            self.para(block)
        elif isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Points):
            self.points(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Signature):
            self.signature(block)
        elif isinstance(block, DateNumber):
            self.two_sided(block.date_text, block.number_text, 6)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, Footnotes):
            self.footnotes(block)
        elif isinstance(block, ExecutorMark):
            self.executor(block)
        elif isinstance(block, PageBreak):
            self.page_break()
        elif isinstance(block, Spacer):
            self.spacer(block)

    def build(self, target: Path | BytesIO) -> None:
        kept = layout.kept_with_next(self.document.blocks)
        for index, block in enumerate(self.document.blocks):
            if index in kept and isinstance(block, Para) and not block.keep_with_next:
                block = replace(block, keep_with_next=True)  # it introduces a table or chart
            self.add(block)
            self._last = block
            if not isinstance(block, Signature | Footnotes):
                self._signature_cell = None
        if self._break_before:
            self._pending_break()
        self.docx.save(target if isinstance(target, BytesIO) else str(target))


def write_docx(document: Document, target: Path | BytesIO) -> None:
    """Write the document as an editable Word file (or into a buffer)."""
    DocxWriter(document).build(target)
