"""A ruled Word table of the document model: «№ п/п», the header row repeated on every page,
column widths as in the PDF, rows kept whole unless taller than a share of the page."""

from __future__ import annotations

from typing import Any, Protocol, cast

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.text.paragraph import Paragraph as DocxParagraph

from desktop_app.reports import layout
from desktop_app.reports.docmodel import (
    Align,
    Table,
)
from desktop_app.reports.docx_xml import JC, SMALL_TABLE_ROWS, size_props, text_xml
from desktop_app.reports.fonts import BOLD, FAMILY

TWIPS_PER_PT = 20
# Table text at single spacing (layout.TABLE_LINE_SPACING), no space around paragraphs.
TABLE_SPACING = (f'<w:spacing w:before="0" w:after="0" '
                 f'w:line="{round(240 * layout.TABLE_LINE_SPACING)}" w:lineRule="auto"/>')
# Cell padding as in the PDF: 3 pt left and right, 2 pt above, 3 pt below.
CELL_MARGINS_TWIPS = {"top": 40, "left": 60, "bottom": 60, "right": 60}
CELL_TEXT_MARGIN_PT = 6.0  # left and right cell margins: the room of a cell's text
# A row estimated taller than this share of the page may break across pages (else it is kept).
SPLIT_ROW_SHARE = 0.4


class TableHost(Protocol):
    """What a table needs of the writer it goes into (docx_writer.DocxWriter)."""

    docx: Any
    width_mm: float
    text_height_pt: float

    def append_element(self, element: object) -> None: ...


class DocxTableBuilder:
    """A ruled Word table: «№ п/п», the header row repeated on every page (w:tblHeader).

    Written as WordprocessingML in one piece (python-docx's cell objects are slow at region
    scale); the grid carries the widths of layout.fit_table, laid out fixed, so Word and
    LibreOffice draw the same columns as the PDF.
    """

    def __init__(self, writer: TableHost, block: Table) -> None:
        self.writer = writer
        self.block = block
        self.fit = layout.fit_table(block, writer.width_mm * 72 / 25.4, writer.text_height_pt)
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
        number: list[Align] = ["center"] if self.block.numbered else []
        return number + own

    def _cell(self, text: str, width: int, align: str, run_props: str, middle: bool,
              keep: bool, font: tuple[str, float]) -> str:
        room = width / TWIPS_PER_PT - CELL_TEXT_MARGIN_PT
        lines = layout.cell_text(text, font[0], font[1], room).split("\n")
        runs = "<w:br/>".join(text_xml(line) for line in lines)
        keep_xml = "<w:keepNext/>" if keep else ""
        valign = '<w:vAlign w:val="center"/>' if middle else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{valign}</w:tcPr>'
                f'<w:p><w:pPr>{keep_xml}<w:suppressAutoHyphens/>{TABLE_SPACING}'
                f'<w:jc w:val="{align}"/>'
                f'<w:rPr>{run_props}</w:rPr></w:pPr>'
                f'<w:r><w:rPr>{run_props}</w:rPr>{runs}</w:r></w:p></w:tc>')

    def _fits_a_page(self, rows: list[tuple[list[str], bool]], widths_pt: list[float],
                     header_rows: int) -> bool:
        """Whether the whole table (estimated) fits on one page: only then is it kept together,
        as the PDF keeps a small table whole only when a page can hold it."""
        height = sum(layout.row_height_estimate(values, widths_pt, self.size)
                     for values, _ in rows)
        return height <= self.writer.text_height_pt * 0.9

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
        aligns = [JC[a] for a in self.aligns()]
        header_rows = int(bool(self.block.headers)) + int(self.block.column_numbers)
        splits = [index >= header_rows and self._splits(values, widths_pt)
                  for index, (values, _) in enumerate(rows)]
        if any(splits):  # as in the PDF: a table of very tall rows fills each page
            splits = [index >= header_rows for index in range(len(rows))]
        self.first_row_splits = header_rows < len(rows) and splits[header_rows]
        keep_all = (len(self.block.rows) <= SMALL_TABLE_ROWS and not any(splits)
                    and self._fits_a_page(rows, widths_pt, header_rows))
        body, head = size_props(self.size), size_props(self.fit.head_size)
        parts = [self._table_head(twips)]
        for index, (values, bold) in enumerate(rows):
            is_header = index < header_rows
            no_split = "" if splits[index] else "<w:cantSplit/>"
            row_props = "<w:tblHeader/>" if is_header else no_split
            props = ("<w:b/><w:bCs/>" if bold else "") + (head if is_header else body)
            keep = index < len(rows) - 1 and not splits[index + 1] and (
                (is_header and not self.first_row_splits) or keep_all
                or index + 2 == len(rows))
            font = (BOLD if bold else FAMILY, self.fit.head_size if is_header else self.size)
            cells = "".join(
                self._cell(value, width, "center" if is_header else align, props, is_header,
                           keep, font)
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
                paragraph = DocxParagraph(cast(CT_P, before), self.writer.docx._body)
                style = paragraph.style
                assert style is not None  # python-docx gives the default style at least
                if not (paragraph.paragraph_format.keep_with_next
                        or style.paragraph_format.keep_with_next):
                    break
                # off explicitly: a heading's style keeps it with the next as well
                paragraph.paragraph_format.keep_with_next = False
                before = before.getprevious()
