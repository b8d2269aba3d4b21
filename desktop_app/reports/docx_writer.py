"""The DOCX writer (python-docx): the same document model as an editable Word file."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
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
from desktop_app.reports.layout import typeset

SMALL_TABLE_ROWS = 15
_JC = {"left": "left", "center": "center", "right": "right", "justify": "left"}
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


def _fixed_grid(table: DocxTable, widths_mm: list[float]) -> None:
    """Column widths that Word and LibreOffice both keep: the grid, fixed layout, cell widths."""
    twips = [round(w * 72 / 25.4 * 20) for w in widths_mm]
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(width))
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(twips)))
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


_TBL_PR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _tbl_pr_add(table: DocxTable, element: object, after: tuple[str, ...]) -> None:
    """Put an element into w:tblPr in its schema place (before the first of `after`)."""
    tbl_pr = table._tbl.tblPr
    for name in after:
        found = tbl_pr.find(qn(name))
        if found is not None:
            found.addprevious(element)
            return
    tbl_pr.append(element)


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _tbl_pr_add(table, borders, _TBL_PR_AFTER_BORDERS)


def _no_cell_margins(table: DocxTable) -> None:
    """Text of a borderless layout table flush with the margins (as in the PDF)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _tbl_pr_add(table, margins, ("w:tblLook",))


def _bottom_frame(paragraph: DocxParagraph, width_mm: float) -> None:
    """Put the paragraph in a frame as wide as the text, at the bottom of the page's text area
    (executor mark). LibreOffice anchors such a frame to the paragraph after it, so that one
    must stay on the same page (see DocxWriter.page_break)."""
    frame = OxmlElement("w:framePr")
    for attr, value in (("w:w", str(round(width_mm * 72 / 25.4 * 20))), ("w:wrap", "around"),
                        ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
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
        self.text_height_pt = ((210 if self.document.landscape else 297) - top - bottom) * 72 / 25.4
        self._break_before = False
        self._last: Block | None = None

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
        paragraph.alignment = _ALIGN[align]
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
        if self._break_before:
            self._pending_break()
        table = self.docx.add_table(rows=1, cols=2)
        _no_borders(table)
        right_mm = min(75.0, self.width_mm * 0.4)
        _fixed_grid(table, [self.width_mm - right_mm, right_mm])
        _no_cell_margins(table)
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
        _bottom_frame(paragraph, self.width_mm)

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
            self.spacer(block)

    def build(self, target: Path | BytesIO) -> None:
        for block in self.document.blocks:
            self.add(block)
            self._last = block
        if self._break_before:
            self._pending_break()
        self.docx.save(target if isinstance(target, BytesIO) else str(target))


TWIPS_PER_PT = 20
# Table text at single spacing (layout.TABLE_LINE_SPACING), no space around paragraphs.
TABLE_SPACING = (f'<w:spacing w:before="0" w:after="0" '
                 f'w:line="{round(240 * layout.TABLE_LINE_SPACING)}" w:lineRule="auto"/>')
# Cell padding as in the PDF: 3 pt left and right, 2 pt above, 3 pt below.
CELL_MARGINS_TWIPS = {"top": 40, "left": 60, "bottom": 60, "right": 60}
# A row estimated taller than this share of the page may break across pages (else it is kept).
SPLIT_ROW_SHARE = 0.4


def _escape(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


class DocxTableBuilder:
    """A ruled Word table: «№ п/п», the header row repeated on every page (w:tblHeader).

    Written as WordprocessingML in one piece (python-docx's cell objects are slow at region
    scale); the grid carries the widths of layout.fit_table, laid out fixed, so Word and
    LibreOffice draw the same columns as the PDF.
    """

    def __init__(self, writer: DocxWriter, block: Table) -> None:
        self.writer = writer
        self.block = block
        self.fit = layout.fit_table(block, writer.width_mm * 72 / 25.4)
        self.size = self.fit.size
        self.first_row_splits = False

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
        return [w * 25.4 / 72 for w in self.fit.widths]

    def aligns(self) -> list[Align]:
        own = [self.block.column_align(i) for i in range(len(self.block.widths))]
        return (["center"] if self.block.numbered else []) + own

    def _cell(self, text: str, width: int, align: str, run_props: str, middle: bool,
              keep: bool) -> str:
        lines = typeset(text).split("\n")
        runs = "<w:br/>".join(
            f'<w:t xml:space="preserve">{_escape(line)}</w:t>' for line in lines)
        keep_xml = "<w:keepNext/>" if keep else ""
        valign = '<w:vAlign w:val="center"/>' if middle else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{valign}</w:tcPr>'
                f'<w:p><w:pPr>{keep_xml}{TABLE_SPACING}<w:jc w:val="{align}"/>'
                f'<w:rPr>{run_props}</w:rPr></w:pPr>'
                f'<w:r><w:rPr>{run_props}</w:rPr>{runs}</w:r></w:p></w:tc>')

    def _splits(self, values: list[str], widths_pt: list[float]) -> bool:
        """Whether a row may be taller than SPLIT_ROW_SHARE of the page (then it may break)."""
        limit = self.writer.text_height_pt * SPLIT_ROW_SHARE
        return layout.row_height_estimate(values, widths_pt, self.size) > limit

    def xml(self) -> str:
        """The table. Rows stay whole (cantSplit) unless one may take a large part of a page;
        the header keeps with the first row, a small table keeps together and «Итого» keeps
        with the row above — except where a row may break (LibreOffice would otherwise leave
        the page before empty)."""
        rows = self.rows()
        widths_pt = list(self.fit.widths)
        twips = [round(w * TWIPS_PER_PT) for w in widths_pt]
        aligns = [_JC[a] for a in self.aligns()]
        header_rows = int(bool(self.block.headers)) + int(self.block.column_numbers)
        splits = [index >= header_rows and self._splits(values, widths_pt)
                  for index, (values, _) in enumerate(rows)]
        self.first_row_splits = header_rows < len(rows) and splits[header_rows]
        keep_all = len(self.block.rows) <= SMALL_TABLE_ROWS and not any(splits)
        body, head = _size_props(self.size), _size_props(self.fit.head_size)
        parts = [self._table_head(twips)]
        for index, (values, bold) in enumerate(rows):
            is_header = index < header_rows
            if is_header:
                row_props = "<w:tblHeader/>"
            else:
                row_props = "" if splits[index] else "<w:cantSplit/>"
            props = ("<w:b/><w:bCs/>" if bold else "") + (head if is_header else body)
            keep = index < len(rows) - 1 and not splits[index + 1] and (
                (is_header and not self.first_row_splits) or keep_all
                or index + 2 == len(rows))
            cells = "".join(
                self._cell(value, width, "center" if is_header else align, props, is_header,
                           keep)
                for value, width, align in zip(values, twips, aligns, strict=True))
            parts.append(f"<w:tr><w:trPr>{row_props}</w:trPr>{cells}</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    @staticmethod
    def _table_head(twips: list[int]) -> str:
        margins = "".join(f'<w:{edge} w:w="{value}" w:type="dxa"/>'
                          for edge, value in CELL_MARGINS_TWIPS.items())
        borders = "".join(f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                          for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
                f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="left"/>'
                f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
                f'<w:tblCellMar>{margins}</w:tblCellMar>'
                f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
                f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
                f'<w:tblGrid>{grid}</w:tblGrid>')

    def build(self) -> None:
        table = parse_xml(self.xml())
        self.writer.append_element(table)
        if self.first_row_splits:
            before = table.getprevious()
            while before is not None and before.tag == qn("w:p"):
                keeps = before.findall(f"{qn('w:pPr')}/{qn('w:keepNext')}")
                if not keeps:
                    break
                for keep in keeps:
                    keep.getparent().remove(keep)
                before = before.getprevious()


def _size_props(size: float) -> str:
    half_points = round(size * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def write_docx(document: Document, target: Path | BytesIO) -> None:
    """Write the document as an editable Word file (or into a buffer)."""
    DocxWriter(document).build(target)
