"""Opening an xlsx file safely: a real xlsx zip, within limits, read through defusedxml."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

MAX_FILE_BYTES = 50 * 1024 * 1024
# A zip bomb is refused; the exchange book of a region (1,6 million answers: 42 MB, 580 MB
# unpacked) is not. The rows are streamed, so the unpacked size is not held in memory.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 200_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


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


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " МБ"


def check_xlsx_file(path: Path) -> None:
    """Refuse what is not an xlsx workbook before openpyxl sees it."""
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
    _check_zip(path)


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExchangeError(f"Файл «{name}» повреждён: его нельзя прочитать как .xlsx.") from exc
    names = {m.filename for m in members}
    if "word/document.xml" in names:
        raise ExchangeError(
            f"Файл «{name}» — документ Word (.docx) с расширением .xlsx, а не книга Excel."
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ExchangeError(f"Файл «{name}» — архив, но не книга Excel (.xlsx).")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExchangeError(
            f"Файл «{name}» после распаковки занимает {_size_text(unpacked)} — больше "
            f"{_size_text(MAX_UNPACKED_BYTES)}. Разделите его на несколько файлов."
        )


def open_workbook(path: Path) -> Workbook:
    """The workbook in read-only mode (formulas kept as formulas, so they can be refused)."""
    check_xlsx_file(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ExchangeError(
            f"Файл «{path.name}» повреждён или не является книгой Excel: не удалось его открыть."
        ) from exc


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
                tail = data[-200:]
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise ExchangeError(f"Файл «{path.name}» повреждён: лист не читается.") from exc
    return list(found.values())


def _to_range(ref: str) -> CellRange:
    from openpyxl.utils.cell import range_boundaries

    first, _, last = ref.partition(":")
    min_col, min_row, max_col, max_row = range_boundaries(f"{first}:{last or first}")
    return CellRange(ref, int(min_row), int(min_col), int(max_row), int(max_col))
