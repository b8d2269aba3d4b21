"""`metodaktiv --selftest`: proves an installed copy finds its data and can write and read files.

Used by the Windows build after bundling and by support on a user's machine. It works in a
temporary folder and touches nothing of the user's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from desktop_app import __version__, paths

CYRILLIC_PROBE = "Приказ № 1 «О составе методического актива» — Фёдоров Пётр"


def _check_resources(_tmp: Path) -> str:
    presets = sorted(p.name for p in paths.resource("presets").glob("*.json"))
    instruments = sorted(p.name for p in paths.resource("instruments").glob("*.json"))
    fonts = sorted(p.name for p in paths.resource("fonts").glob("*.ttf"))
    if not instruments:
        raise RuntimeError("не найден ни один диагностический инструмент")
    if not fonts:
        raise RuntimeError("не найдены шрифты для печати")
    return f"пресеты: {len(presets)}, инструменты: {', '.join(instruments)}, шрифты: {len(fonts)}"


def _check_database(tmp: Path) -> str:
    from sqlalchemy import func, select

    from desktop_app.model import GroundPreset, InstrumentItem, MentorshipForm
    from desktop_app.store.database import current_revision, head_revision, open_database

    db = open_database(tmp / "selftest.sqlite")
    try:
        revision = current_revision(db.engine)
        if revision != head_revision():
            raise RuntimeError(f"ревизия {revision} вместо {head_revision()}")
        with db.sessions() as session:
            presets = session.scalar(select(func.count()).select_from(GroundPreset))
            forms = session.scalar(select(func.count()).select_from(MentorshipForm))
            items = session.scalar(select(func.count()).select_from(InstrumentItem))
        _add_two_people(db)
    finally:
        db.dispose()
    if not (presets and forms and items):
        raise RuntimeError("справочники не загружены в новую базу")
    return (
        f"ревизия {revision}; основания: {presets} набора, форм: {forms}, пунктов анкеты: "
        f"{items}; {_people_list(tmp / 'selftest.sqlite')}"
    )


def _add_two_people(db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services import registry
    from desktop_app.services.validation import PersonInput

    with db.sessions.begin() as session:
        for year, last in ((1980, "Ёлкина"), (1981, "Елкина")):
            registry.add_person(session, PersonInput(last_name=last, first_name="Анна",
                                                     birth_date=date(year, 1, 1)))


def _people_list(path: Path) -> str:
    """The window's way: the file opened without SQLAlchemy, the list read in order by SQL."""
    from desktop_app.services.people_list import people_rows
    from desktop_app.store.database import open_database

    db = open_database(path, check_in_background=True)
    try:
        names = [row.fio for row in people_rows(db.fetch, date.today())]
        if not db.check or not db.check.wait():
            raise RuntimeError("проверка целостности новой базы не пройдена")
    finally:
        db.dispose()
    if names != ["Елкина Анна", "Ёлкина Анна"]:
        raise RuntimeError(f"список педагогов не в русском порядке: {names}")
    return "список педагогов в русском порядке"


def _check_pdf(tmp: Path) -> str:
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_file = paths.resource("fonts", "LiberationSerif-Regular.ttf")
    pdfmetrics.registerFont(TTFont("SelftestSerif", str(font_file)))
    target = tmp / "selftest.pdf"
    pdf = canvas.Canvas(str(target), pagesize=A4)
    pdf.setFont("SelftestSerif", 14)
    pdf.drawString(72, 760, CYRILLIC_PROBE)
    pdf.save()
    text = PdfReader(str(target)).pages[0].extract_text()
    if CYRILLIC_PROBE not in " ".join(text.split()):
        raise RuntimeError(f"текст PDF прочитан неверно: {text!r}")
    return f"PDF с кириллицей записан и прочитан ({target.stat().st_size} байт)"


def _check_hyphenation(_tmp: Path) -> str:
    from desktop_app.reports.typography import SHY, hyphenate

    word = hyphenate("наставничества")
    if word.split(SHY) != ["на", "став", "ни", "че", "ства"]:
        raise RuntimeError(f"русские переносы не найдены: {word!r}")
    return "словарь русских переносов: на-став-ни-че-ства"


def _check_xlsx(tmp: Path) -> str:
    from openpyxl import Workbook

    from desktop_app.exchange.book_file import open_book  # python-calamine, as the import reads

    target = tmp / "selftest.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ФИО", "Дата рождения"])
    sheet.append(["Семёнова Алёна Петровна", date(1990, 5, 17)])
    book.save(target)
    with open_book(target) as back:
        rows = list(back.worksheets[0].iter_rows())
    born = rows[1][1]
    if (rows[1][0] != "Семёнова Алёна Петровна" or not isinstance(born, datetime)
            or born.date() != date(1990, 5, 17)):
        raise RuntimeError(f"xlsx прочитан неверно: {rows!r}")
    import olefile  # type: ignore[import-untyped]  # the reader of an .xls (no stubs)
    import tqdm  # type: ignore[import-untyped]  # the progress of a long command on a terminal
    import xlsxwriter  # type: ignore[import-untyped]  # the writer of the exchange workbook

    streamed = tmp / "selftest-streamed.xlsx"
    with xlsxwriter.Workbook(str(streamed), {"constant_memory": True}) as written:
        written.add_worksheet("Лист").write_string(0, 0, "=не формула")
    with open_book(streamed) as back:
        first = list(back.worksheets[0].iter_rows())[0][0]
    if first != "=не формула" or not (olefile.__name__ and tqdm.__name__):
        raise RuntimeError(f"xlsx (xlsxwriter) прочитан неверно: {first!r}")
    return f"xlsx записан (openpyxl, xlsxwriter) и прочитан; {_scanned_aside(target)}"


def _scanned_aside(path: Path) -> str:
    """The sheets of a large book are read through their guards in a process of their own
    (exchange/scan_child.py): a frozen copy must start itself as that process."""
    from desktop_app.exchange.safe import check_book_file
    from desktop_app.exchange.scan_child import ScanChild

    sheets = [(title, part, f"Файл «{path.name}», лист «{title}»")
              for part, title in check_book_file(path).parts.sheets.items()]
    child = ScanChild(path, sheets)
    try:
        settled = child.settle(120)
        scans = [child.take(title) for title, _part, _where in sheets]
    finally:
        child.stop()
    if not settled or any(scan is None for scan in scans):
        raise RuntimeError("отдельный процесс проверки листов больших книг не запустился")
    return "листы больших книг проверяются в отдельном процессе"


CHECKS: list[tuple[str, Callable[[Path], str]]] = [
    ("Файлы программы", _check_resources),
    ("База данных и миграции", _check_database),
    ("PDF", _check_pdf),
    ("Переносы", _check_hyphenation),
    ("Excel", _check_xlsx),
]


def run() -> int:
    """Run every check, print what was checked and «OK» (exit 0) or the first failure (exit 1)."""
    print(f"Методактив {__version__}: самопроверка")
    print(f"Папка данных программы: {paths.resources_dir().parent}")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="metodaktiv-selftest-") as name:
        tmp = Path(name)
        for title, check in CHECKS:
            try:
                print(f"  {title}: {check(tmp)}")
            except Exception as exc:  # each failure is reported, the rest still run
                failed += 1
                print(f"  {title}: ОШИБКА — {exc}")
    print("OK" if not failed else f"Самопроверка не пройдена: ошибок {failed}")
    return 0 if not failed else 1
