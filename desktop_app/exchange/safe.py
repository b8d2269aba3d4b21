"""The checks before a workbook file is read (exchange/book_file.py reads it): what kind of file
it is (.xlsx, .ods, .xls — by its bytes, not its name), within the limits (exchange/limits.py);
for a zip, no part a zip bomb, the shared strings within their limit, each part read whole
within its own (and the XML of a part watched as it is read: exchange/xmlguard.py)."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NoReturn
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from desktop_app.exchange.limits import (
    MAX_FILE_BYTES,
    MAX_FORM_ROWS,
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
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_CONTENT = "content.xml"
_XML = (".xml", ".rels", ".vml")
_SHEET_TYPE = "spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "spreadsheetml.sharedStrings+xml"
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
BookKind = Literal["xlsx", "ods", "xls"]


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
    contents: set[str] = field(default_factory=set)  # an .ods: every sheet in content.xml

    def streamed(self, part: str) -> bool:
        return (part in self.sheets or part in self.strings or part in self.contents
                or posixpath.dirname(part) == "xl/worksheets")  # a sheet, by where Excel puts it

    def describe(self, part: str) -> str:
        if part in self.contents:
            return f"содержимое таблицы ({part})"
        if part in self.sheets:
            return f"лист «{self.sheets[part]}»"
        if part in self.strings:
            return f"общая таблица строк ({part})"
        return f"часть {part}"


@dataclass(frozen=True)
class Checked:
    """A workbook file that passed the checks: its kind and (a zip) its parts."""

    kind: BookKind
    parts: Parts


def _size_text(size: int) -> str:
    return megabytes(size)


def check_book_file(path: Path) -> Checked:
    """Refuse what is not a workbook (.xlsx, .ods, .xls), or one past the limits, before the
    reader sees it; returns its kind and, for an xlsx, what its parts are. An OLE file (.xls, or
    an xlsx with a password) is looked into by exchange/xls_scan.py."""
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
        return Checked("xls", Parts())
    if not head.startswith(ZIP_MAGIC) and path.suffix.lower() in (".ods", ".xls"):
        raise ExchangeError(
            f"Файл «{name}» — не книга Excel и не таблица LibreOffice: он повреждён или это "
            f"другой файл с расширением {path.suffix}. Откройте его в Excel или LibreOffice и "
            "сохраните заново."
        )
    if not head.startswith(ZIP_MAGIC):
        raise ExchangeError(
            f"Файл «{name}» — не книга Excel (.xlsx). Возможно, это CSV или текст с другим "
            "расширением: откройте его в Excel и сохраните как «Книга Excel (*.xlsx)»."
        )
    return _check_zip(path)


def password_refusal(name: str) -> ExchangeError:
    """An OLE file that is no .xls workbook: an xlsx with a password (or not a workbook)."""
    return ExchangeError(
        f"Файл «{name}» защищён паролем или сохранён в формате, который программа не читает. "
        "Снимите пароль и сохраните файл как «Книга Excel (*.xlsx)»."
    )


def _check_zip(path: Path) -> Checked:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if _is_ods(name, archive, names):
                _check_unpacked(name, members)
                parts = Parts(contents={ODS_CONTENT})
                kind: BookKind = "ods"
            else:
                _check_kind(name, names)
                _check_unpacked(name, members)
                parts = _parts(archive, names)
                kind = "xlsx"
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        what = "таблицу LibreOffice (.ods)" if path.suffix.lower() == ".ods" else ".xlsx"
        raise ExchangeError(f"Файл «{name}» повреждён: его нельзя прочитать как {what}.") \
            from exc
    for member in members:
        if parts.streamed(member.filename):
            _check_streamed(name, member, parts)
    return Checked(kind, parts)


def _is_ods(name: str, archive: zipfile.ZipFile, names: set[str]) -> bool:
    """A LibreOffice spreadsheet (.ods): its «mimetype» says so; another OpenDocument file (a
    text, a drawing) is refused."""
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 256:
        return False
    mimetype = archive.read("mimetype").strip()
    if mimetype == ODS_MIMETYPE and ODS_CONTENT in names:
        return True
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        raise ExchangeError(f"Файл «{name}» — документ OpenDocument, но не таблица (.ods).")
    return False


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
    relations (as Excel finds them); a part that does not parse leaves them unknown (the
    reader then refuses the file as damaged)."""
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
            return None  # refused before the reader opens the file (check_whole_parts)
        return fromstring(archive.read(part))
    except Exception:  # noqa: BLE001 - a damaged part is the reader's to refuse, in its words
        return None


def _children(root: Element | None, tag: str) -> list[Element]:
    if root is None:
        return []
    return [e for e in root.iter() if e.tag == tag or e.tag.endswith("}" + tag)]



def check_whole_parts(path: Path, parts: Parts) -> None:
    """The XML parts of an xlsx read whole (the workbook, styles, relations, the theme): each
    within MAX_PART_BYTES, refused before it is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExchangeError(f"Файл «{path.name}» повреждён: его нельзя прочитать как .xlsx.") \
            from exc
    for member in members:
        part = member.filename
        if parts.streamed(part) or not part.lower().endswith(_XML):
            continue
        if member.file_size > MAX_PART_BYTES:
            refuse(f"Файл «{path.name}», {parts.describe(part)}: "
                   f"{_size_text(member.file_size)} после распаковки — больше "
                   f"{_size_text(MAX_PART_BYTES)}, а в настоящих книгах Excel эта часть меньше "
                   "мегабайта. Файл повреждён или искусственно раздут и не читается.")


def guard_part(path: Path, part: str, parts: Parts) -> None:
    """Read a streamed part (the shared strings table) once through its PartGuard: a run of
    text or a string past the limits refuses the file before the reader holds it."""
    where = f"Файл «{path.name}», {parts.describe(part)}"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as raw:
            stream = GuardedStream(raw, PartGuard(where, refuse))
            while stream.read(1 << 20):
                pass
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ExchangeError(f"Файл «{path.name}» повреждён: {parts.describe(part)} не "
                            "читается.") from exc


def refuse(message: str) -> NoReturn:
    raise ExchangeError(message)


def column_index(letters: str) -> int:
    """«A» → 1, «XFD» → 16384."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def column_letter(index: int) -> str:
    """1 → «A», 16384 → «XFD»."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def to_range(ref: str) -> CellRange:
    """«B2:D4» (or «B2») → its CellRange."""
    first, _, last = ref.partition(":")
    start, end = _CELL_REF.match(first), _CELL_REF.match(last or first)
    if start is None or end is None:
        raise ExchangeError(f"Объединённые ячейки «{ref}»: такого диапазона не бывает — файл "
                            "повреждён.")
    return CellRange(ref, int(start.group(2)), column_index(start.group(1)),
                     int(end.group(2)), column_index(end.group(1)))


def cell_range(min_row: int, min_col: int, max_row: int, max_col: int) -> CellRange:
    """A range from its bounds (1-based), its reference written as Excel writes it."""
    first = f"{column_letter(min_col)}{min_row}"
    last = f"{column_letter(max_col)}{max_row}"
    return CellRange(first if first == last else f"{first}:{last}", min_row, min_col, max_row,
                     max_col)
