"""Opening an xlsx file safely: a real xlsx zip, within limits (exchange/limits.py), read
through defusedxml, every part watched as it is read (exchange/xmlguard.py), every sheet read
to its last row present whatever size its header states."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, NoReturn, cast
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook

from desktop_app.exchange.limits import (
    MAX_FILE_BYTES,
    MAX_FORM_ROWS,
    MAX_MERGED_RANGES,
    MAX_PART_BYTES,
    MAX_RATIO,
    MAX_SHARED_STRINGS_BYTES,
    MAX_UNPACKED_BYTES,
    RATIO_FROM_BYTES,
)
from desktop_app.exchange.xmlguard import GuardedStream, PartGuard, megabytes

MAX_ROWS = MAX_FORM_ROWS  # the name the reader and older code know
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_STATED_ROWS = "metodaktiv_stated_rows"  # a read-only sheet's rows as its header states them
_XML = (".xml", ".rels", ".vml")
_SHEET_TYPE = "spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "spreadsheetml.sharedStrings+xml"


class ExchangeError(Exception):
    """A file that cannot be taken in at all; the message says why, in Russian."""


@dataclass(frozen=True)
class CellRange:
    """A merged range in 1-based rows and columns."""

    ref: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class Parts:
    """What the parts of a workbook are: its sheets (part → title) and shared strings tables,
    read as streams; every other part read is read whole."""

    sheets: dict[str, str] = field(default_factory=dict)
    strings: set[str] = field(default_factory=set)

    def streamed(self, part: str) -> bool:
        return (part in self.sheets or part in self.strings
                or posixpath.dirname(part) == "xl/worksheets")  # a sheet, by where Excel puts it

    def describe(self, part: str) -> str:
        if part in self.sheets:
            return f"лист «{self.sheets[part]}»"
        if part in self.strings:
            return f"общая таблица строк ({part})"
        return f"часть {part}"


def _size_text(size: int) -> str:
    return megabytes(size)


def check_xlsx_file(path: Path) -> Parts:
    """Refuse what is not an xlsx workbook, or one past the limits, before openpyxl sees it;
    returns what its parts are."""
    name = path.name
    if not path.exists():
        raise ExchangeError(f"Файл «{name}» не найден.")
    if path.is_dir():
        raise ExchangeError(f"«{name}» — это папка, а не файл Excel.")
    size = path.stat().st_size
    if size == 0:
        raise ExchangeError(f"Файл «{name}» пуст.")
    if size > MAX_FILE_BYTES:
        raise ExchangeError(
            f"Файл «{name}» слишком большой: {_size_text(size)} (допустимо до "
            f"{_size_text(MAX_FILE_BYTES)}). Разделите его на несколько файлов."
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise ExchangeError(
            f"Файл «{name}» защищён паролем или сохранён в старом формате Excel 97–2003 (.xls). "
            "Снимите пароль и сохраните файл как «Книга Excel (*.xlsx)»."
        )
    if not head.startswith(ZIP_MAGIC):
        raise ExchangeError(
            f"Файл «{name}» — не книга Excel (.xlsx). Возможно, это CSV или текст с другим "
            "расширением: откройте его в Excel и сохраните как «Книга Excel (*.xlsx)»."
        )
    return _check_zip(path)


def _check_zip(path: Path) -> Parts:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            _check_kind(name, names)
            _check_unpacked(name, members)
            parts = _parts(archive, names)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise ExchangeError(f"Файл «{name}» повреждён: его нельзя прочитать как .xlsx.") from exc
    for member in members:
        if parts.streamed(member.filename):
            _check_streamed(name, member, parts)
    return parts


def _check_kind(name: str, names: set[str]) -> None:
    if "word/document.xml" in names:
        raise ExchangeError(
            f"Файл «{name}» — документ Word (.docx) с расширением .xlsx, а не книга Excel."
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ExchangeError(f"Файл «{name}» — архив, но не книга Excel (.xlsx).")


def _check_unpacked(name: str, members: list[zipfile.ZipInfo]) -> None:
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExchangeError(
            f"Файл «{name}» после распаковки занимает {_size_text(unpacked)} — больше "
            f"{_size_text(MAX_UNPACKED_BYTES)}. Разделите его на несколько файлов."
        )


def _check_streamed(name: str, member: zipfile.ZipInfo, parts: Parts) -> None:
    """A sheet or shared strings table: not a zip bomb; the strings table within its limit
    (it is held whole in memory while the sheets are read)."""
    part, size = member.filename, member.file_size
    what = parts.describe(part)
    ratio = size / max(member.compress_size, 1)
    if size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise ExchangeError(
            f"Файл «{name}», {what}: после распаковки {_size_text(size)} при "
            f"{_size_text(member.compress_size)} в файле — в {ratio:.0f} раз больше, а "
            f"настоящие листы Excel сжимаются не больше чем в {MAX_RATIO} раз. Файл искусственно "
            "раздут (или повреждён) и не читается: сохраните данные в новую книгу Excel."
        )
    if part in parts.strings and size > MAX_SHARED_STRINGS_BYTES:
        raise ExchangeError(
            f"Файл «{name}», {what}: {_size_text(size)} текста в общей таблице строк — больше "
            f"{_size_text(MAX_SHARED_STRINGS_BYTES)}, которые программа может держать в памяти. "
            "Разделите файл на несколько файлов."
        )


def _parts(archive: zipfile.ZipFile, names: set[str]) -> Parts:
    """The sheets and shared strings tables, by the content types and the workbook's
    relations (as openpyxl finds them); a part that does not parse leaves them unknown
    (openpyxl then refuses the file as damaged)."""
    parts = Parts()
    types = _xml(archive, "[Content_Types].xml")
    workbook = "xl/workbook.xml"
    for item in _children(types, "Override"):
        part, kind = item.get("PartName", "").lstrip("/"), item.get("ContentType", "")
        if kind.endswith(_STRINGS_TYPE):
            parts.strings.add(part)
        elif kind.endswith(_SHEET_TYPE):
            parts.sheets[part] = part
        elif kind.endswith("sheet.main+xml") or kind.endswith("template.main+xml"):
            workbook = part
    folder = posixpath.dirname(workbook)
    rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[str, str] = {}
    for rel in _children(_xml(archive, rels, names), "Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        kind = rel.get("Type", "")
        if kind.endswith("/worksheet"):
            targets[rel.get("Id", "")] = target
            parts.sheets.setdefault(target, target)
        elif kind.endswith("/sharedStrings"):
            parts.strings.add(target)
    for sheet in _children(_xml(archive, workbook, names), "sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        if rid in targets:
            parts.sheets[targets[rid]] = sheet.get("name", targets[rid])
    return parts


def _xml(archive: zipfile.ZipFile, part: str, names: set[str] | None = None) -> Element | None:
    if names is not None and part not in names:
        return None
    try:
        if archive.getinfo(part).file_size > MAX_PART_BYTES:
            return None  # refused when openpyxl reads it (GuardedZip.open)
        return fromstring(archive.read(part))
    except Exception:  # noqa: BLE001 - a damaged part is openpyxl's to refuse, in its words
        return None


def _children(root: Element | None, tag: str) -> list[Element]:
    if root is None:
        return []
    return [e for e in root.iter() if e.tag == tag or e.tag.endswith("}" + tag)]


class GuardedZip(zipfile.ZipFile):
    """The workbook's zip as openpyxl reads it: a part read whole is refused past
    MAX_PART_BYTES before it is read; every XML part passes its PartGuard as it is read."""

    def __init__(self, path: Path, parts: Parts) -> None:
        super().__init__(path)
        self.file_name, self.parts = path.name, parts

    def open(self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *,
             force_zip64: bool = False) -> IO[bytes]:
        raw = super().open(name, mode, pwd, force_zip64=force_zip64)
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        if mode != "r" or not part.lower().endswith(_XML):
            return raw
        where = f"Файл «{self.file_name}», {self.parts.describe(part)}"
        if not self.parts.streamed(part):
            size = self.getinfo(part).file_size
            if size > MAX_PART_BYTES:
                raw.close()
                _refuse(f"{where}: {_size_text(size)} после распаковки — больше "
                        f"{_size_text(MAX_PART_BYTES)}, а в настоящих книгах Excel эта часть "
                        "меньше мегабайта. Файл повреждён или искусственно раздут и не читается.")
        return GuardedStream(raw, PartGuard(where, _refuse))  # type: ignore[return-value]


def _refuse(message: str) -> NoReturn:
    raise ExchangeError(message)


def open_workbook(path: Path) -> Workbook:
    """The workbook in read-only mode (formulas kept as formulas, so they can be refused), its
    parts watched as they are read, each sheet read to its last row present."""
    parts = check_xlsx_file(path)
    try:
        reader = ExcelReader(path, read_only=True, data_only=False)
        reader.archive.close()
        reader.archive = GuardedZip(path, parts)
        reader.read()
    except ExchangeError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ExchangeError(
            f"Файл «{path.name}» повреждён или не является книгой Excel: не удалось его открыть."
        ) from exc
    wb = reader.wb
    for ws in wb.worksheets:
        if hasattr(ws, "reset_dimensions"):  # a read-only sheet (not a chart sheet)
            _trust_no_dimension(ws)
            _refuse_damaged_rows(ws, path.name)
    return wb


def _trust_no_dimension(ws: Any) -> None:
    """Read a sheet to its last row and column present. A read-only sheet stops at the size its
    header states (<dimension ref="A1:W3"/>), and programs other than Excel write a wrong one:
    rows past it would be lost without a word. The stated rows are kept as a progress hint."""
    setattr(ws, _STATED_ROWS, ws.max_row or 0)
    ws.reset_dimensions()


# What openpyxl raises on a cell or a row it cannot read («<v>nan</v>» in a number, a shared
# string that is not in the table, a date that is no date, XML cut short).
_DAMAGE = (ValueError, IndexError, KeyError, TypeError, OverflowError, SyntaxError, EOFError,
           zlib.error, zipfile.BadZipFile)


def _refuse_damaged_rows(ws: Any, file_name: str) -> None:
    """The sheet's rows, read as before, but a row openpyxl cannot read refuses the file naming
    the sheet and the row (not an unexpected error)."""
    rows = ws._cells_by_row

    def read(min_col: int, min_row: int, max_col: int | None, max_row: int | None,
             values_only: bool = False) -> Iterator[Any]:
        number = min_row - 1
        found = rows(min_col, min_row, max_col, max_row, values_only)
        while True:
            try:
                row = next(found)
            except StopIteration:
                return
            except ExchangeError:
                raise
            except _DAMAGE as exc:
                raise ExchangeError(
                    f"Файл «{file_name}», лист «{ws.title}», строка {number + 1}: не читается — "
                    "файл повреждён или записан с ошибкой. Откройте его в Excel, сохраните "
                    "заново и загрузите ещё раз.") from exc
            number += 1
            yield row

    ws._cells_by_row = read


def stated_rows(ws: Any) -> int:
    """The rows a sheet's header states (0: none stated) — a hint for progress, never a limit."""
    return int(getattr(ws, _STATED_ROWS, None) or getattr(ws, "max_row", 0) or 0)


def merged_ranges(path: Path, worksheet_path: str) -> list[CellRange]:
    """Merged ranges of one sheet, scanned in the zip (read-only sheets do not report them)."""
    found: dict[str, CellRange] = {}
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(worksheet_path.lstrip("/")) as raw:
            while chunk := raw.read(1 << 20):
                data = tail + chunk
                for match in _MERGE.finditer(data):
                    ref = match.group(1).decode()
                    found[ref] = _to_range(ref)
                if len(found) > MAX_MERGED_RANGES:
                    raise ExchangeError(
                        f"Файл «{path.name}»: на листе больше {MAX_MERGED_RANGES} объединённых "
                        "ячеек. Разъедините ячейки (у каждого значения — своя ячейка).")
                tail = data[-200:]
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ExchangeError(f"Файл «{path.name}» повреждён: лист не читается.") from exc
    return list(found.values())


def _to_range(ref: str) -> CellRange:
    from openpyxl.utils.cell import range_boundaries

    first, _, last = ref.partition(":")
    # a merged range names cells, never whole rows or columns (int() would refuse a None)
    bounds = cast("tuple[int, int, int, int]", range_boundaries(f"{first}:{last or first}"))
    min_col, min_row, max_col, max_row = bounds
    return CellRange(ref, int(min_row), int(min_col), int(max_row), int(max_col))
