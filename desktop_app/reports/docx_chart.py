"""The bar chart of the Word copy as a real Word chart (DrawingML), not a picture.

The chart part (word/charts/chartN.xml: c:barChart with the categories and every series with
its string and number caches, axes, legend, data labels) is related from the document and
placed inline (wp:inline / a:graphic / c:chart); an embedded workbook holds the same numbers,
so Word's «Изменить данные» opens them. Word and LibreOffice draw it as vectors at any
resolution, and the methodist can restyle or edit it. A None value (no plan set) has no point
in the cache and an empty cell in the workbook: no bar and no label there.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.reports.docmodel import Chart
from desktop_app.reports.fonts import DOCX_FONT

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
EMU_PER_MM = 36000
SHEET = "Лист1"
# The PDF's colours (pdf.CHART_COLOURS): plan light grey-blue, fact dark blue, a third red.
COLOURS = ("9AA9BD", "1F3F6E", "C0504D")
CAT_AXIS, VAL_AXIS = 111111111, 222222222


def _column(index: int) -> str:
    """The workbook column of series `index` (the categories are in A)."""
    return chr(ord("B") + index)


def _text_props(size_pt: float, bold: bool = False) -> str:
    """Times New Roman in black for a chart's text element (c:txPr)."""
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="{round(size_pt * 100)}"{b}>'
            f'<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
            f'<a:latin typeface="{DOCX_FONT}"/><a:cs typeface="{DOCX_FONT}"/></a:defRPr>'
            f'</a:pPr><a:endParaRPr lang="ru-RU"/></a:p></c:txPr>')


def _line(colour: str, width_emu: int = 9525) -> str:
    return f'<a:ln w="{width_emu}"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:ln>'


NO_LINE = "<a:noFill/><a:ln><a:noFill/></a:ln>"


def _str_cache(values: tuple[str, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>'
                     for i, v in enumerate(values))
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache>'


def _num_cache(values: tuple[float | None, ...], count: int) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>'
                     for i, v in enumerate(values[:count]) if v is not None)
    return (f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{count}"/>'
            f'{points}</c:numCache>')


def _series(block: Chart, index: int) -> str:
    name, values = block.series[index]
    count = len(block.categories)
    column = _column(index)
    last = count + 1
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
        f"<c:tx><c:strRef><c:f>'{SHEET}'!${column}$1</c:f>{_str_cache((name,))}"
        f"</c:strRef></c:tx>"
        f'<c:spPr><a:solidFill><a:srgbClr val="{COLOURS[index % len(COLOURS)]}"/></a:solidFill>'
        f"</c:spPr>"
        f'<c:invertIfNegative val="0"/>'
        f'<c:dLbls><c:numFmt formatCode="[$-419]0.0" sourceLinked="0"/><c:spPr>{NO_LINE}</c:spPr>'
        f'{_text_props(7)}<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/>'
        f'<c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
        f'<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        f"<c:cat><c:strRef><c:f>'{SHEET}'!$A$2:$A${last}</c:f>"
        f"{_str_cache(block.categories)}</c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>'{SHEET}'!${column}$2:${column}${last}</c:f>"
        f"{_num_cache(values, count)}</c:numRef></c:val>"
        f"</c:ser>"
    )


def _scaling(block: Chart) -> tuple[str, str]:
    """The value axis as in the PDF: 0–100 for percentages up to 100, else automatic."""
    if block.unit == "%" and block.top() <= 100:
        return ('<c:scaling><c:orientation val="minMax"/><c:max val="100"/><c:min val="0"/>'
                '</c:scaling>', '<c:majorUnit val="20"/>')
    return '<c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>', ""


def chart_xml(block: Chart, workbook_rid: str | None) -> str:
    """The chart part: a clustered column chart with its data in caches (and, with a
    relationship id, the embedded workbook's cell references)."""
    scaling, major = _scaling(block)
    series = "".join(_series(block, i) for i in range(len(block.series)))
    external = (f'<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/>'
                f"</c:externalData>") if workbook_rid else ""
    axis_line = f"<c:spPr>{_line('000000')}</c:spPr>"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
        f'<c:date1904 val="0"/><c:lang val="ru-RU"/><c:roundedCorners val="0"/>'
        f"<c:chart>"
        f'<c:autoTitleDeleted val="1"/>'
        f"<c:plotArea><c:layout/>"
        f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{series}<c:gapWidth val="60"/><c:overlap val="0"/>'
        f'<c:axId val="{CAT_AXIS}"/><c:axId val="{VAL_AXIS}"/></c:barChart>'
        f'<c:catAx><c:axId val="{CAT_AXIS}"/>'
        f'<c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        f'<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{axis_line}{_text_props(9)}'
        f'<c:crossAx val="{VAL_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        f'<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{VAL_AXIS}"/>{scaling}<c:delete val="0"/>'
        f'<c:axPos val="l"/>'
        f"<c:majorGridlines><c:spPr>{_line('DDDDDD', 3175)}</c:spPr></c:majorGridlines>"
        f'<c:numFmt formatCode="0" sourceLinked="0"/>'
        f'<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{axis_line}{_text_props(9)}'
        f'<c:crossAx val="{CAT_AXIS}"/><c:crosses val="autoZero"/>'
        f'<c:crossBetween val="between"/>{major}</c:valAx>'
        f"<c:spPr>{NO_LINE}</c:spPr>"
        f"</c:plotArea>"
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_text_props(9)}</c:legend>'
        f'<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
        f"</c:chart>"
        f"<c:spPr>{NO_LINE}</c:spPr>{_text_props(9)}{external}"
        f"</c:chartSpace>"
    )


def workbook_bytes(block: Chart) -> bytes:
    """The chart's data as an .xlsx: categories in A, one column per series, a title row;
    an empty cell where a value is None."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = SHEET
    sheet.append([None, *(name for name, _ in block.series)])
    for index, category in enumerate(block.categories):
        row: list[str | float | None] = [category]
        row += [values[index] if index < len(values) else None for _, values in block.series]
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _inline_xml(rid: str, shape_id: int, width_mm: float, height_mm: float, title: str) -> str:
    cx, cy = round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM)
    w_ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (
        f'<w:drawing xmlns:w="{w_ns}" xmlns:wp="{WP_NS}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Диаграмма {shape_id}" '
        f'descr="{escape(title, {chr(34): "&quot;"})}"/>'
        f"<wp:cNvGraphicFramePr/>"
        f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{C_NS}">'
        f'<c:chart xmlns:c="{C_NS}" xmlns:r="{R_NS}" r:id="{rid}"/>'
        f"</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )


def add_chart(docx: DocxDocument, paragraph: DocxParagraph, block: Chart, width_mm: float,
              height_mm: float) -> None:
    """Add the chart part (with its workbook) to the package and the chart inline, as one
    run of the paragraph."""
    document_part = docx.part
    package = document_part.package
    shape_id = document_part.next_id
    chart_name = package.next_partname("/word/charts/chart%d.xml")
    book_name = package.next_partname("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx")
    book = Part(PackURI(book_name), CT.SML_SHEET, workbook_bytes(block), package)
    element = parse_xml(chart_xml(block, "rIdBook").encode("utf-8"))
    chart = XmlPart(PackURI(chart_name), CT.DML_CHART, element, package)
    book_rid = chart.relate_to(book, RT.PACKAGE)
    external = element.find(qn("c:externalData"))
    if external is not None:
        external.set(qn("r:id"), book_rid)
    chart_rid = document_part.relate_to(chart, RT.CHART)
    run = paragraph.add_run()
    run._r.append(parse_xml(_inline_xml(chart_rid, shape_id, width_mm, height_mm,
                                        block.title)))
