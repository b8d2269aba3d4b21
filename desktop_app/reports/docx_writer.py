"""The DOCX writer (python-docx): the same document model as an editable Word file."""

from __future__ import annotations

import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

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
from desktop_app.reports.fonts import BOLD, DOCX_FONT, FAMILY
from desktop_app.reports.typography import NBHY, SHY, typeset

SMALL_TABLE_ROWS = layout.SMALL_TABLE_ROWS
# The last rows of a table that go over to the next page with the signature after it.
KEEP_TAIL_ROWS = 2
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
    _russian(style.element.get_or_add_rPr())
    _hyphenation_on(docx)


def _russian(r_pr: object) -> None:
    """Russian as the language of the text: Word and LibreOffice hyphenate and spell-check it
    as Russian."""
    lang = OxmlElement("w:lang")
    for attr in ("w:val", "w:eastAsia"):
        lang.set(qn(attr), "ru-RU")
    for old in r_pr.findall(qn("w:lang")):  # type: ignore[attr-defined]
        r_pr.remove(old)  # type: ignore[attr-defined]
    r_pr.append(lang)  # type: ignore[attr-defined]


# w:autoHyphenation and w:doNotHyphenateCaps follow w:defaultTabStop in w:settings
_SETTINGS_AFTER_HYPHENATION = ("w:characterSpacingControl", "w:compat", "w:rsids", "m:mathPr",
                               "w:themeFontLang", "w:clrSchemeMapping", "w:shapeDefaults",
                               "w:decimalSymbol", "w:listSeparator")


def _hyphenation_on(docx: DocxDocument) -> None:
    """Automatic hyphenation of running text, as in the PDF (abbreviations in capitals are
    never hyphenated); table cells carry their own soft hyphens."""
    settings = docx.settings.element
    elements = [OxmlElement("w:autoHyphenation"), OxmlElement("w:doNotHyphenateCaps")]
    for name in _SETTINGS_AFTER_HYPHENATION:
        found = settings.find(qn(name))
        if found is not None:
            for element in elements:
                found.addprevious(element)
            return
    for element in elements:
        settings.append(element)


def _container_row(table: Any, tail: list[Any]) -> Any:
    """Move the table's last rows into a new last row of the table that may not break across
    pages: one cell over every column, no borders and no margins, holding a nested table of
    the same columns with those rows (it prints as the same table). Returns the cell, where
    the signatures go after the nested table."""
    grid = table.find(qn("w:tblGrid"))
    widths = [int(col.get(qn("w:w"))) for col in grid.findall(qn("w:gridCol"))]
    nested = parse_xml(
        f'<w:tbl {nsdecls("w")}>{etree.tostring(table.find(qn("w:tblPr"))).decode()}'
        f'{etree.tostring(grid).decode()}</w:tbl>')
    # the rule above the nested rows is the outer table's (the row above, or the header
    # repeated on a new page): no second rule beside it
    top = nested.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}/{qn('w:top')}")
    if top is not None:
        top.set(qn("w:val"), "nil")
    for row in tail:
        for p_pr in row.iter(qn("w:pPr")):
            for keep in p_pr.findall(qn("w:keepNext")):
                p_pr.remove(keep)
        nested.append(row)  # moved out of the outer table
    nil = "".join(f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right"))
    zero = "".join(f'<w:{edge} w:w="0" w:type="dxa"/>'
                   for edge in ("top", "left", "bottom", "right"))
    row = parse_xml(
        f'<w:tr {nsdecls("w")}><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr>'
        f'<w:tcW w:w="{sum(widths)}" w:type="dxa"/><w:gridSpan w:val="{len(widths)}"/>'
        f'<w:tcBorders>{nil}</w:tcBorders><w:tcMar>{zero}</w:tcMar></w:tcPr></w:tc></w:tr>')
    cell = row.find(qn("w:tc"))
    assert cell is not None  # the row was made with its cell just above
    cell.append(nested)
    table.append(row)
    return cell


def no_hyphens(paragraph: DocxParagraph) -> None:
    """This paragraph is never hyphenated automatically (a heading, a signature)."""
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:suppressAutoHyphens")) is None:
        element = OxmlElement("w:suppressAutoHyphens")
        # w:suppressAutoHyphens goes after w:keepNext/keepLines/pageBreakBefore/framePr/
        # widowControl/numPr/suppressLineNumbers/pBdr/shd/tabs in w:pPr
        anchor = None
        for name in ("w:tabs", "w:shd", "w:pBdr", "w:suppressLineNumbers", "w:numPr",
                     "w:widowControl", "w:framePr", "w:pageBreakBefore", "w:keepLines",
                     "w:keepNext", "w:pStyle"):
            anchor = p_pr.find(qn(name))
            if anchor is not None:
                break
        if anchor is None:
            p_pr.insert(0, element)
        else:
            anchor.addnext(element)


def _add_text(run: object, text: str) -> None:
    """Typeset text into a python-docx run: a no-break hyphen and a soft hyphen become Word's
    own elements (w:noBreakHyphen, w:softHyphen), the rest w:t."""
    r = run._r  # type: ignore[attr-defined]
    for index, part in enumerate(_SPECIAL.split(text)):
        if index % 2:
            r.append(OxmlElement("w:noBreakHyphen" if part == NBHY else "w:softHyphen"))
        elif part:
            element = OxmlElement("w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = part
            r.append(element)


_SPECIAL = re.compile(f"([{NBHY}{SHY}])")


def _text_xml(text: str) -> str:
    """The w:t, w:noBreakHyphen and w:softHyphen elements of one line of typeset text."""
    out = []
    for index, part in enumerate(_SPECIAL.split(text)):
        if index % 2:
            out.append("<w:noBreakHyphen/>" if part == NBHY else "<w:softHyphen/>")
        elif part:
            out.append(f'<w:t xml:space="preserve">{_escape(part)}</w:t>')
    return "".join(out)


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
        for cell, width_mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width_mm)


_TBL_PR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _tbl_pr_add(table: DocxTable, element: etree._Element, after: tuple[str, ...]) -> None:
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


CHART_WIDTH_MM = 170.0
CHART_HEIGHT_RATIO = 0.5
HEADING_SPACE_PT = (10.0, 6.0)
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _heading_style(docx: DocxDocument, level: int) -> ParagraphStyle:
    """Word's built-in «Heading N» (1–9) restyled to the documents' look (again at each use):
    Times New Roman 14 pt bold black (no theme font or colour), centred, no indent, spacing
    as the other headings, kept with the next paragraph and whole, outline level N − 1."""
    level = min(max(level, 1), 9)
    style = docx.styles[f"Heading {level}"]
    assert isinstance(style, ParagraphStyle)
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Mm(0)
    fmt.space_before, fmt.space_after = Pt(HEADING_SPACE_PT[0]), Pt(HEADING_SPACE_PT[1])
    fmt.line_spacing = layout.LINE_SPACING
    fmt.keep_with_next = True
    fmt.keep_together = True
    p_pr = style.element.get_or_add_pPr()
    for old in p_pr.findall(qn("w:outlineLvl")):
        p_pr.remove(old)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    p_pr.insert_element_before(outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                               "w:pPrChange")
    _plain_black_font(style)
    linked = style.element.find(qn("w:link"))
    if linked is not None:
        char_style = next((s for s in docx.styles
                           if s.style_id == linked.get(qn("w:val"))), None)
        if isinstance(char_style, CharacterStyle):
            _plain_black_font(char_style)
    return style


def _plain_black_font(style: CharacterStyle) -> None:
    """The document font at the text size, bold, black: theme fonts and colours removed."""
    font = style.font
    font.size = Pt(layout.TEXT_PT)
    font.bold = True
    font.italic = False
    r_pr = style.element.get_or_add_rPr()
    for cs_size in r_pr.findall(qn("w:szCs")):
        cs_size.set(qn("w:val"), str(round(layout.TEXT_PT * 2)))
    fonts = r_pr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)
    for old in r_pr.findall(qn("w:color")):
        r_pr.remove(old)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "000000")
    r_pr.insert_element_before(colour, "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
                               "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
                               "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                               "w:eastAsianLayout", "w:specVanish", "w:oMath")


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
        for index, line in enumerate(typeset(text).split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            _add_text(run, line)
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
        style = _heading_style(self.docx, block.level)
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
        return _container_row(last, tail)

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
        """The title as a caption, then a real Word chart (docx_chart) the same width as the
        picture it replaced."""
        caption = self.paragraph(block.title, "center", layout.TABLE_PT, bold=True)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.keep_with_next = True
        paragraph = self.docx.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width = min(self.width_mm, CHART_WIDTH_MM)
        add_chart(self.docx, paragraph, block, width, width * CHART_HEIGHT_RATIO)

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
            _add_text(run, typeset(f" {text}"))
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


TWIPS_PER_PT = 20
# Table text at single spacing (layout.TABLE_LINE_SPACING), no space around paragraphs.
TABLE_SPACING = (f'<w:spacing w:before="0" w:after="0" '
                 f'w:line="{round(240 * layout.TABLE_LINE_SPACING)}" w:lineRule="auto"/>')
# Cell padding as in the PDF: 3 pt left and right, 2 pt above, 3 pt below.
CELL_MARGINS_TWIPS = {"top": 40, "left": 60, "bottom": 60, "right": 60}
CELL_TEXT_MARGIN_PT = 6.0  # left and right cell margins: the room of a cell's text
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
        runs = "<w:br/>".join(_text_xml(line) for line in lines)
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
        aligns = [_JC[a] for a in self.aligns()]
        header_rows = int(bool(self.block.headers)) + int(self.block.column_numbers)
        splits = [index >= header_rows and self._splits(values, widths_pt)
                  for index, (values, _) in enumerate(rows)]
        if any(splits):  # as in the PDF: a table of very tall rows fills each page
            splits = [index >= header_rows for index in range(len(rows))]
        self.first_row_splits = header_rows < len(rows) and splits[header_rows]
        keep_all = (len(self.block.rows) <= SMALL_TABLE_ROWS and not any(splits)
                    and self._fits_a_page(rows, widths_pt, header_rows))
        body, head = _size_props(self.size), _size_props(self.fit.head_size)
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


def _size_props(size: float) -> str:
    half_points = round(size * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def write_docx(document: Document, target: Path | BytesIO) -> None:
    """Write the document as an editable Word file (or into a buffer)."""
    DocxWriter(document).build(target)
