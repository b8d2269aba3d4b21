"""Word XML by hand where python-docx has no API: fonts and Russian language marks, automatic
hyphenation, page fields, fixed table grids, borders and margins, headings' styles."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from desktop_app.reports import layout
from desktop_app.reports.fonts import DOCX_FONT
from desktop_app.reports.typography import NBHY, SHY

SMALL_TABLE_ROWS = layout.SMALL_TABLE_ROWS
# The last rows of a table that go over to the next page with the signature after it.
KEEP_TAIL_ROWS = 2
JC = {"left": "left", "center": "center", "right": "right", "justify": "left"}
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_font(docx: DocxDocument) -> None:
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
    russian(style.element.get_or_add_rPr())
    hyphenation_on(docx)


def russian(r_pr: object) -> None:
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


def hyphenation_on(docx: DocxDocument) -> None:
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


def container_row(table: Any, tail: list[Any]) -> Any:
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


def add_text(run: object, text: str) -> None:
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


def text_xml(text: str) -> str:
    """The w:t, w:noBreakHyphen and w:softHyphen elements of one line of typeset text."""
    out = []
    for index, part in enumerate(_SPECIAL.split(text)):
        if index % 2:
            out.append("<w:noBreakHyphen/>" if part == NBHY else "<w:softHyphen/>")
        elif part:
            out.append(f'<w:t xml:space="preserve">{escape_attr(part)}</w:t>')
    return "".join(out)


def page_field(paragraph: DocxParagraph) -> None:
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


def fixed_grid(table: DocxTable, widths_mm: list[float]) -> None:
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


def tbl_pr_add(table: DocxTable, element: etree._Element, after: tuple[str, ...]) -> None:
    """Put an element into w:tblPr in its schema place (before the first of `after`)."""
    tbl_pr = table._tbl.tblPr
    for name in after:
        found = tbl_pr.find(qn(name))
        if found is not None:
            found.addprevious(element)
            return
    tbl_pr.append(element)


def no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr_add(table, borders, _TBL_PR_AFTER_BORDERS)


def no_cell_margins(table: DocxTable) -> None:
    """Text of a borderless layout table flush with the margins (as in the PDF)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr_add(table, margins, ("w:tblLook",))


def bottom_frame(paragraph: DocxParagraph, width_mm: float) -> None:
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
CHART_TITLE_MM = 12.0  # the title line above a chart and its space
HEADING_SPACE_PT = (10.0, 6.0)
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def heading_style(docx: DocxDocument, level: int) -> ParagraphStyle:
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
    plain_black_font(style)
    linked = style.element.find(qn("w:link"))
    if linked is not None:
        char_style = next((s for s in docx.styles
                           if s.style_id == linked.get(qn("w:val"))), None)
        if isinstance(char_style, CharacterStyle):
            plain_black_font(char_style)
    return style


def plain_black_font(style: CharacterStyle) -> None:
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


def escape_attr(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def size_props(size: float) -> str:
    half_points = round(size * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
