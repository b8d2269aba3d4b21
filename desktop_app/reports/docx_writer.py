"""The DOCX writer (python-docx): the same document model as an editable Word file."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from desktop_app.reports import layout
from desktop_app.reports.chart_image import chart_png
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
from desktop_app.reports.fonts import DOCX_FONT

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _set_font(docx: DocxDocument) -> None:
    style = docx.styles["Normal"]
    style.font.name = DOCX_FONT
    style.font.size = Pt(layout.TEXT_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = layout.LINE_SPACING


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field (Word and LibreOffice fill in the number)."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _repeat_header(row_element: object) -> None:
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row_element: object) -> None:
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def _bottom_frame(paragraph: DocxParagraph) -> None:
    """Anchor the paragraph to the bottom of the page's text area (executor mark)."""
    frame = OxmlElement("w:framePr")
    for attr, value in (("w:wrap", "around"), ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
                        ("w:yAlign", "bottom"), ("w:x", "0")):
        frame.set(qn(attr), value)
    paragraph._p.get_or_add_pPr().insert(0, frame)


class DocxWriter:
    """Renders each block with python-docx; tables are built from raw rows for speed."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.docx = new_docx()
        _set_font(self.docx)
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
        _page_field(header)
        self.width_mm = (297 if self.document.landscape else 210) - left - right

    # blocks --------------------------------------------------------------------------
    def paragraph(self, text: str, align: Align = "justify", size: float | None = None,
                  bold: bool = False, italic: bool = False, indent: bool = False,
                  ) -> DocxParagraph:
        paragraph = self.docx.add_paragraph()
        paragraph.alignment = _ALIGN[align]
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(layout.INDENT_MM)
        self._runs(paragraph, text, size, bold, italic)
        return paragraph

    @staticmethod
    def _runs(paragraph: DocxParagraph, text: str, size: float | None, bold: bool = False,
              italic: bool = False) -> None:
        for index, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            run.add_text(line)
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
        paragraph = self.paragraph(block.text, "center", bold=True)
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.paragraph_format.keep_with_next = True

    def points(self, block: Points) -> None:
        for n, text in enumerate(block.items, start=block.start):
            self.paragraph(f"{n}. {text}", "justify", indent=True)

    def two_sided(self, left: str, right: str, space_before: float) -> None:
        table = self.docx.add_table(rows=1, cols=2)
        _no_borders(table)
        right_mm = min(75.0, self.width_mm * 0.4)
        for cell, text, align, width in (
            (table.rows[0].cells[0], left, "left", self.width_mm - right_mm),
            (table.rows[0].cells[1], right, "right", right_mm),
        ):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = _ALIGN[align]
            paragraph.paragraph_format.space_before = Pt(space_before)
            self._runs(paragraph, text, None)
        table.rows[0].cells[1].vertical_alignment = 3  # bottom

    def table(self, block: Table) -> None:
        DocxTableBuilder(self, block).build()

    def chart(self, block: Chart) -> None:
        caption = self.paragraph(block.title, "center", layout.TABLE_PT, bold=True)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.keep_with_next = True
        paragraph = self.docx.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width = min(self.width_mm, 170.0)
        paragraph.add_run().add_picture(BytesIO(chart_png(block)), width=Mm(width))

    def footnotes(self, block: Footnotes) -> None:
        self.paragraph("______________", "left", layout.SMALL_PT)
        for mark, text in block.items:
            paragraph = self.docx.add_paragraph()
            sup = paragraph.add_run(mark)
            sup.font.superscript = True
            sup.font.size = Pt(layout.SMALL_PT)
            paragraph.add_run(f" {text}").font.size = Pt(layout.SMALL_PT)

    def executor(self, block: ExecutorMark) -> None:
        paragraph = self.paragraph(f"Исп. {block.text}", "left", layout.SMALL_PT)
        _bottom_frame(paragraph)

    def page_break(self) -> None:
        self.docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

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
            self.two_sided(block.position, block.name, block.space_before)
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
            self.paragraph("", "left").paragraph_format.space_after = Pt(block.height_pt)

    def build(self, target: Path | BytesIO) -> None:
        for block in self.document.blocks:
            self.add(block)
        self.docx.save(target if isinstance(target, BytesIO) else str(target))


class DocxTableBuilder:
    """A ruled Word table: «№ п/п», the header row repeated on every page (w:tblHeader)."""

    def __init__(self, writer: DocxWriter, block: Table) -> None:
        self.writer = writer
        self.block = block
        self.size = block.size or layout.TABLE_PT

    def rows(self) -> list[tuple[list[str], bool]]:
        block = self.block
        rows: list[tuple[list[str], bool]] = []
        if block.headers:
            rows.append(((["№\nп/п"] if block.numbered else []) + list(block.headers), True))
        if block.column_numbers:
            rows.append(([str(i) for i in range(1, len(self.aligns()) + 1)], True))
        for n, row in enumerate(block.rows, start=1):
            rows.append((([f"{n}."] if block.numbered else []) + list(row), False))
        for n in range(len(block.rows) + 1, len(block.rows) + 1 + block.empty_rows):
            rows.append((([f"{n}."] if block.numbered else []) + [""] * len(block.widths), False))
        if block.total:
            rows.append((([""] if block.numbered else []) + list(block.total), True))
        return rows

    def widths(self) -> list[float]:
        """Column widths in mm, the same as the PDF's."""
        points = layout.table_widths(self.block, self.writer.width_mm * 72 / 25.4)
        return [w * 25.4 / 72 for w in points]

    def aligns(self) -> list[Align]:
        own = [self.block.column_align(i) for i in range(len(self.block.widths))]
        return (["center"] if self.block.numbered else []) + own

    def build(self) -> None:
        rows = self.rows()
        table = self.writer.docx.add_table(rows=len(rows), cols=len(rows[0][0]))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        widths, aligns = self.widths(), self.aligns()
        header_rows = int(bool(self.block.headers)) + int(self.block.column_numbers)
        for index, (row, (values, bold)) in enumerate(zip(table.rows, rows, strict=True)):
            is_header = index < header_rows
            if is_header:
                _repeat_header(row._tr)
            else:
                _cant_split(row._tr)
            for cell, value, width, align in zip(row.cells, values, widths, aligns, strict=True):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.alignment = _ALIGN["center" if is_header else align]
                size = (self.block.head_size or self.size) if is_header else self.size
                DocxWriter._runs(paragraph, value, size, bold=bold)


def write_docx(document: Document, target: Path | BytesIO) -> None:
    """Write the document as an editable Word file (or into a buffer)."""
    DocxWriter(document).build(target)
