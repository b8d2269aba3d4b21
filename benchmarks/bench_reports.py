"""Documents at region scale: the annual report against reportlab laying out its tables alone.

Goals: the annual report of the region demo (600 ОО) built and written as PDF ≤ 10 s and
≤ 2 × the time bare reportlab takes to lay out the same tables alone (a plain paragraph per
cell, even widths; measured in the same run);
a single order ≤ 1 s (the municipality demo; the region's orders are printed for information).
Region data: benchmarks/common.py region_db_path() when it exists, else desktop_app.demo's
"region" scale written once to the temp folder.

    python benchmarks/bench_reports.py [--region FILE] [--municipality FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.reports import ReportParams, build  # noqa: E402
from desktop_app.reports.docmodel import Document, Table  # noqa: E402
from desktop_app.reports.pdf import write_pdf  # noqa: E402
from desktop_app.store.database import Database, open_database  # noqa: E402

YEAR = 2024


def demo_path(scale: str, given: str | None) -> Path:
    """The given file, the shared region database, or a demo written once to the temp folder."""
    if given:
        return Path(given)
    if scale == "region":
        try:
            from benchmarks.common import region_db_path  # type: ignore[import-not-found]

            return Path(region_db_path())
        except ImportError:
            pass
    path = Path(tempfile.gettempdir()) / f"metodaktiv-bench-reports-{scale}.sqlite"
    if not path.exists():
        from desktop_app.demo import write_demo

        print(f"writing the {scale} demo to {path} …", flush=True)
        write_demo(path, scale)
    return path


def timed(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of the action, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def full_report(db: Database, kind: str, params: ReportParams) -> Document:
    """Query, compute, build the document model and write the PDF into memory."""
    with db.sessions() as session:
        document = build(session, kind, params)
    write_pdf(document, BytesIO())
    return document


def tables_only(document: Document) -> Document:
    """The same tables, nothing else, through the program's writer (for information)."""
    blocks = tuple(b for b in document.blocks if isinstance(b, Table))
    return Document(document.title, blocks, margins_mm=document.margins_mm)


def bare_reportlab(document: Document) -> bytes:
    """The baseline: plain reportlab lays out the same tables alone — a paragraph per cell in
    one style, even column widths, the header repeated, the same embedded font and page."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    from desktop_app.reports.fonts import FAMILY, register_fonts

    register_fonts()
    style = ParagraphStyle("cell", fontName=FAMILY, fontSize=10, leading=11.5)
    left, right, top, bottom = document.margins_mm
    width = A4[0] - (left + right) * mm
    story = []
    for block in document.blocks:
        if not isinstance(block, Table):
            continue
        rows = [block.headers, *block.rows] if block.headers else list(block.rows)
        data = [[Paragraph(escape(cell).replace("\n", "<br/>"), style) for cell in row]
                for row in rows]
        table = LongTable(data, colWidths=[width / len(block.widths)] * len(block.widths),
                          repeatRows=1 if block.headers else 0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(table)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=left * mm, rightMargin=right * mm,
                      topMargin=top * mm, bottomMargin=bottom * mm).build(story)
    return buffer.getvalue()


def bench_annual(db: Database, repeat: int) -> bool:
    params = ReportParams(year=YEAR)
    document = full_report(db, "annual", params)
    rows = sum(len(b.rows) for b in document.blocks if isinstance(b, Table))
    own_tables = tables_only(document)
    t_bare = timed(lambda: bare_reportlab(document), repeat)
    t_own = timed(lambda: write_pdf(own_tables, BytesIO()), repeat)
    t_full = timed(lambda: full_report(db, "annual", params), repeat)
    ratio = t_full / t_bare
    print(f"annual report, {rows} table rows: {t_full:.2f} s (goal ≤ 10 s)")
    print(f"  bare reportlab laying out the same tables alone: {t_bare:.2f} s")
    print(f"  ratio: {ratio:.2f} × (goal ≤ 2 ×)")
    print(f"  the program's writer, the same tables alone: {t_own:.2f} s "
          f"({t_own / t_bare:.2f} × bare reportlab)")
    return t_full <= 10 and ratio <= 2


def bench_orders(db: Database, label: str, repeat: int, goal: float | None) -> bool:
    ok = True
    for kind in ("active-order", "pairs-order"):
        params = ReportParams(number="1", on=date(YEAR, 9, 1))
        document = full_report(db, kind, params)
        rows = sum(len(b.rows) for b in document.blocks if isinstance(b, Table))
        seconds = timed(lambda k=kind, p=params: full_report(db, k, p), repeat)
        goal_text = f" (goal ≤ {goal:.0f} s)" if goal else " (for information)"
        print(f"{label} {kind}, {rows} rows in the appendix: {seconds:.3f} s{goal_text}")
        ok = ok and (goal is None or seconds <= goal)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--region")
    parser.add_argument("--municipality")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    region = open_database(demo_path("region", args.region), create=False, read_only=True)
    town = open_database(demo_path("municipality", args.municipality), create=False,
                         read_only=True)
    try:
        ok = bench_annual(region, args.repeat)
        ok = bench_orders(town, "municipality", args.repeat, 1.0) and ok
        bench_orders(region, "region", 1, None)
    finally:
        region.dispose()
        town.dispose()
    print("OK" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
