"""Reading a form sheet: find the header row, map columns to fields, parse every cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from desktop_app.exchange.book_file import Formula
from desktop_app.exchange.cells import (
    CellProblem,
    as_text,
    header_key,
    is_blank,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    shown,
    too_long,
)
from desktop_app.exchange.kinds import FIO_ALIASES, Field
from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.exchange.safe import MAX_ROWS, CellRange, ExchangeError
from desktop_app.textutil import clean, fmt_date, fold

HEADER_SCAN_ROWS = 10
IGNORED_HEADERS = {header_key(t) for t in ("№", "№ п/п", "п/п", "номер п/п", "n")}
EARLIEST = date(1900, 1, 1)
# A column a school added to a blank form («Примечание директора»): its cells are not read.
UNKNOWN_COLUMN = "столбец не из бланка — пропущен"


@dataclass(frozen=True)
class RowError:
    """A refused value: where it is and why, in Russian."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class SheetRows:
    """Parsed rows of one sheet: row number and values by field key; the refusals found; the
    notes (what was taken in with a remark, not refused: a column not of the form skipped)."""

    sheet: str
    header_row: int
    fields: dict[int, Field]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    fatal: list[RowError] = field(default_factory=list)
    fio_column: int | None = None
    notes: list[RowError] = field(default_factory=list)

    def column_name(self, key: str) -> str:
        """«C (Дата рождения)» for a field key, or its header alone when absent."""
        for index, f in self.fields.items():
            if f.key == key:
                return f"{get_column_letter(index + 1)} ({f.title})"
        if self.fio_column is not None and key in ("last_name", "first_name", "middle_name"):
            return f"{get_column_letter(self.fio_column + 1)} (ФИО)"
        return key

    @property
    def present(self) -> set[str]:
        keys = {f.key for f in self.fields.values()}
        if self.fio_column is not None:
            keys |= {"last_name", "first_name", "middle_name"}
        return keys


def header_index(fields: Sequence[Field]) -> dict[str, Field]:
    """Folded header text (title, aliases) → field."""
    index: dict[str, Field] = {}
    for f in fields:
        for text in (f.title, *f.aliases):
            index.setdefault(header_key(text), f)
    return index


def score_header(values: Sequence[Any], index: dict[str, Field]) -> int:
    return sum(1 for v in values if not is_blank(v) and header_key(v) in index)


def enum_lookup(f: Field) -> dict[str, str]:
    assert f.enum is not None
    table = {fold(m.label): m.value for m in f.enum}
    table.update({fold(m.value): m.value for m in f.enum})
    return table


def _parser(f: Field, today: date) -> Callable[[Any], Any]:
    if f.type == "date":
        return lambda v: _date_value(v, f, today)
    if f.type == "bool":
        return _unknown_or_bool if f.unknown else parse_bool
    if f.type == "int":
        return parse_int
    if f.type == "float":
        return parse_float
    if f.type == "enum":
        table = enum_lookup(f)
        return lambda v: _enum_value(v, table)
    if f.type == "enums":
        table = enum_lookup(f)
        return lambda v: tuple(
            _enum_value(p, table) for p in as_text(v).replace(",", ";").split(";") if clean(p)
        )
    return as_text


NOT_GIVEN = "не указано"


def _unknown_or_bool(value: Any) -> bool | None:
    """да/нет, or «не указано» said in so many words (stored as unknown)."""
    if fold(as_text(value)) == NOT_GIVEN:
        return None
    return parse_bool(value)


def _date_value(value: Any, f: Field, today: date) -> date:
    day = parse_date(value)
    if day < EARLIEST:
        raise CellProblem(f"{fmt_date(day)} — слишком ранняя дата")
    if f.past and day > today:
        raise CellProblem(f"дата {fmt_date(day)} ещё не наступила")
    return day


def _enum_value(value: Any, table: dict[str, str]) -> str:
    text = as_text(value)
    code = table.get(fold(text))
    if code is None:
        raise CellProblem(f"«{text}» — нет в списке допустимых значений")
    return code


def split_fio(text: str) -> tuple[str, str, str]:
    """«Иванов Иван Иванович» → its three parts; at least the surname and the name."""
    parts = clean(text).split(" ", 2)
    if len(parts) < 2:
        raise CellProblem(f"«{clean(text)}» — нужны фамилия, имя и отчество через пробел")
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


class SheetReader:
    """Reads one worksheet of a known kind into SheetRows."""

    def __init__(self, sheet: str, fields: Sequence[Field], today: date) -> None:
        self.sheet = sheet
        self.all_fields = list(fields)
        self.index = header_index(fields)
        self.today = today
        self.has_fio = any(f.key == "last_name" for f in fields)
        self._places: dict[str, int] = {}

    def read(self, rows: Iterable[Sequence[Any]], merged: Sequence[CellRange] = ()) -> SheetRows:
        """The sheet's rows (values, as BookSheet.iter_rows gives them) parsed."""
        iterator = iter(rows)
        head: list[Sequence[Any]] = []
        for row in iterator:
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        header_at = self._find_header(head)
        result = self._map_header(head[header_at], header_at + 1)
        self._check_merged(result, merged)
        if result.fatal:
            return result
        # the columns read, in order: (index, field or None for «ФИО», parser)
        columns: list[tuple[int, Field | None, Callable[[Any], Any]]] = sorted(
            [(i, f, _parser(f, self.today)) for i, f in result.fields.items()]
            + ([(result.fio_column, None, as_text)] if result.fio_column is not None else []),
            key=lambda c: c[0])
        present = result.present
        required = [(f.key, result.column_name(f.key)) for f in self.all_fields
                    if f.required and f.key in present]
        # a row's refusals are listed in the order of its columns («A (Фамилия)» before «C»)
        self._places = {self._column(result, i): i for i, _f, _p in columns}
        number = header_at + 1
        pending = head[header_at + 1:]
        for row in _chain(pending, iterator):
            number += 1
            if number > MAX_ROWS:
                raise ExchangeError(
                    f"Лист «{self.sheet}»: больше {MAX_ROWS} строк. Разделите файл на части."
                )
            self._read_row(result, columns, required, number, row)
        if not result.rows and not result.errors:
            result.fatal.append(RowError(self.sheet, header_at + 2, "—", "",
                                          "под заголовками нет ни одной заполненной строки"))
        return result

    def _find_header(self, head: list[Sequence[Any]]) -> int:
        scores = [score_header(row, self.index) for row in head]
        if not scores or max(scores) == 0:
            raise ExchangeError(f"Лист «{self.sheet}»: не найдена строка заголовков столбцов.")
        return scores.index(max(scores))

    def _map_header(self, header: Sequence[Any], number: int) -> SheetRows:
        result = SheetRows(self.sheet, number, {})
        seen: dict[str, int] = {}
        for i, text in enumerate(header):
            if is_blank(text):
                continue
            key = header_key(text)
            letter = get_column_letter(i + 1)
            if key in IGNORED_HEADERS:
                continue
            if self.has_fio and key in {header_key(a) for a in FIO_ALIASES}:
                result.fio_column = i
                continue
            f = self.index.get(key)
            if f is None:
                result.notes.append(RowError(self.sheet, number, letter, shown(text),
                                             UNKNOWN_COLUMN))
            elif f.key in seen:
                result.fatal.append(RowError(self.sheet, number, letter, shown(text),
                                              "столбец повторяется"))
            else:
                seen[f.key] = i
                result.fields[i] = f
        self._check_required(result, number)
        return result

    def _check_required(self, result: SheetRows, number: int) -> None:
        present = result.present
        for f in self.all_fields:
            if f.required and f.key not in present:
                result.fatal.append(RowError(self.sheet, number, "—", "",
                                              f"нет обязательного столбца «{f.title}»"))

    def _check_merged(self, result: SheetRows, merged: Sequence[CellRange]) -> None:
        read = {i + 1 for i in result.fields}  # 1-based columns whose cells are read
        if result.fio_column is not None:
            read.add(result.fio_column + 1)
        for r in merged:
            if not any(r.min_col <= c <= r.max_col for c in read):
                continue  # within skipped columns (a school's own, «№»): nothing read there
            if r.max_row >= result.header_row:
                where = "в строке заголовков" if r.min_row <= result.header_row else "в данных"
                result.fatal.append(RowError(
                    self.sheet, r.min_row, r.ref, "",
                    f"объединённые ячейки {where}: разъедините их (у каждого столбца — свой "
                    "заголовок, у каждого значения — своя ячейка)",
                ))

    def _read_row(self, result: SheetRows,
                  columns: list[tuple[int, Field | None, Callable[[Any], Any]]],
                  required: list[tuple[str, str]], number: int, row: Sequence[Any]) -> None:
        """One row parsed into result.rows, or its refusals into result.errors; columns: the
        columns read (index, field or None for «ФИО», parser), in order; required: (key, column
        name) of the required fields the sheet has. Only the columns read are looked at (30 000
        rows of a form: the commonest case, a text, is cleaned here without a call)."""
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        blank = True
        width = len(row)
        for i, f, parse in columns:
            if i >= width:
                break
            value = row[i]
            if value is None:
                continue
            if value.__class__ is str:
                parts = value.split()
                if not parts:
                    continue  # blank: spaces only
                blank = False
                if len(value) > CELL_TEXT_LIMIT:  # the next export would cut it: refused
                    errors.append(self._error(result, number, i, shown(value),
                                              too_long(value) or ""))
                    continue
                if parse is as_text and f is not None:
                    values[f.key] = " ".join(parts)
                    continue
            elif value.__class__ is Formula:
                if not value.strip():
                    continue
                blank = False
                errors.append(self._error(result, number, i, value,
                                          "формула: впишите значение, а не формулу"))
                continue
            else:  # a number, a date, a yes/no: never blank
                blank = False
            try:
                if f is None:
                    values["last_name"], values["first_name"], values["middle_name"] = split_fio(
                        as_text(value))
                else:
                    values[f.key] = parse(value)
            except CellProblem as exc:
                errors.append(self._error(result, number, i, value, str(exc)))
        if blank:
            return
        for key, column in required:
            if is_blank(values.get(key)) and not any(e.column == column for e in errors):
                errors.append(RowError(self.sheet, number, column, "",
                                       "обязательное значение не заполнено"))
        if errors:
            if len(errors) > 1:
                places = self._places
                errors.sort(key=lambda e: places.get(e.column, len(places)))
            result.errors.extend(errors)
        else:
            result.rows.append((number, values))

    @staticmethod
    def _column(result: SheetRows, i: int) -> str:
        """«C (Дата рождения)»: the column as a refusal names it."""
        f = result.fields.get(i)
        return f"{get_column_letter(i + 1)} ({f.title if f is not None else 'ФИО'})"

    def _error(self, result: SheetRows, number: int, i: int, value: Any, reason: str) -> RowError:
        return RowError(self.sheet, number, self._column(result, i), as_text(value), reason)


def _chain(first: list[Sequence[Any]], rest: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    yield from first
    yield from rest
