"""The XML of an xlsx part watched as it is read: a run of text or a tag longer than
MAX_RUN_BYTES, or a row of more than MAX_ROW_TAGS tags, is refused before the parser holds it.

The XML parser keeps a whole text (a cell's value, spaces between two tags) and a whole row in
memory until it ends; these checks see the bytes first, a slice at a time, with a few byte
searches per slice (no parsing), so memory stays bounded whatever the part holds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import IO, Any, NoReturn

from desktop_app.exchange.limits import CELL_TEXT_LIMIT, MAX_ROW_TAGS, MAX_RUN_BYTES

Refuse = Callable[[str], NoReturn]
SLICE = 64 * 1024  # bytes looked at a time (a whole read of a part is cut into such slices)
CONTEXT = 1024  # bytes kept before a run, to name the cell it belongs to
CARRY = 40  # bytes kept over to the next slice, so a tag is never cut in two when searched
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?(worksheet|sst|[A-Za-z_][\w.:-]*)[\s/>]")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^<>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_UNITS = {b"worksheet": b"row", b"sst": b"si"}  # the part's root → its repeated element
_SPECIAL = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))


def megabytes(size: int) -> str:
    """1048576 → «1,0 МБ»."""
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " МБ"


class PartGuard:
    """Watches one XML part: where is «Файл «…», лист «…»» for the messages."""

    def __init__(self, where: str, refuse: Refuse) -> None:
        self.where, self.refuse = where, refuse
        self.run = 0  # bytes since the last «<» or «>»
        self.before = b""  # the bytes just before the current run (for the cell's address)
        self.tail = b""  # the last bytes read
        self.carry = b""
        self.root_seen = False
        self.unit: bytes | None = None  # «<row» in a sheet, «<si» in the shared strings
        self.closing = b""  # inside a comment, CDATA or instruction: its end mark
        self.tags = 0  # tags since the last unit began (or since the part began)
        self.units = 0
        self.row = 0  # the number of the last row begun (a sheet)
        self.numbers: re.Pattern[bytes] | None = None  # a sheet's row tags with their numbers

    def feed(self, data: bytes) -> None:
        # a run or a row within one slice is shorter than the slice: only those that go on
        # from one slice to the next need to be followed
        step = min(SLICE, MAX_RUN_BYTES, MAX_ROW_TAGS)
        for start in range(0, len(data), step):
            piece = data[start:start + step]
            self._runs(piece)
            self._count(piece)

    def end(self) -> None:
        if self.carry:
            body, self.carry = self.carry, b""
            self._body(body)

    # the longest run -----------------------------------------------------------------------
    def _runs(self, piece: bytes) -> None:
        first = _first(piece.find(b"<"), piece.find(b">"))
        if first < 0:
            self.run += len(piece)
            if self.run > MAX_RUN_BYTES:
                self._too_long()
            self._keep(piece)
            return
        if self.run + first > MAX_RUN_BYTES:
            self.run += first
            self._too_long()
        last = max(piece.rfind(b"<"), piece.rfind(b">"))
        self.run = len(piece) - 1 - last
        self.before = _tail(self.tail, piece[:last + 1])
        self._keep(piece)

    def _keep(self, piece: bytes) -> None:
        self.tail = piece[-CONTEXT:] if len(piece) >= CONTEXT else _tail(self.tail, piece)

    def _too_long(self) -> NoReturn:
        limits = (f"больше {megabytes(MAX_RUN_BYTES)} текста, а в ячейку Excel помещается не "
                  f"больше {CELL_TEXT_LIMIT} знаков. Файл не прочитан.")
        if self.unit is not None and self.unit.endswith(b"si"):
            self.refuse(f"{self.where}, строка общей таблицы № {self.units}: {limits}")
        cell = _open_cell(self.before)
        if cell is not None:
            self.refuse(f"{self.where}, строка {cell[1]}, столбец {cell[0]}: в ячейке {limits}")
        after = f" (после строки {self.row})" if self.row else ""
        self.refuse(f"{self.where}{after}: больше {megabytes(MAX_RUN_BYTES)} текста или "
                    "пробелов подряд вне ячеек — так Excel файлы не пишет: файл повреждён или "
                    "искусственно раздут. Файл не прочитан.")

    # tags per row ------------------------------------------------------------------------
    def _count(self, piece: bytes) -> None:
        buf = self.carry + piece
        # cut before the last «<» near the end, else CARRY bytes from it: a tag's name (shorter
        # than CARRY) is never cut in two, nor an end mark («-->», «]]>», «?>»)
        lt = buf.rfind(b"<", max(len(buf) - 2 * CARRY, 0))
        cut = lt if lt >= 0 else max(len(buf) - CARRY, 0)
        while lt < 0 and cut > 0 and buf[cut - 1] in b"-]?" and len(buf) - cut < CARRY + 2:
            cut -= 1
        self.carry = buf[cut:]
        self._body(buf[:cut])

    def _body(self, body: bytes) -> None:
        pos = 0
        while pos < len(body):
            if self.closing:
                end = body.find(self.closing, pos)
                stop = len(body) if end < 0 else end + len(self.closing)
                self._add(body.count(b"<", pos, stop))
                if end >= 0:
                    self.closing = b""
                pos = stop
                continue
            at = _special_at(body, pos)
            stop = len(body) if at < 0 else at
            self._plain(body, pos, stop)
            if at < 0:
                return
            self.closing = next(end for mark, end in _SPECIAL if body.startswith(mark, at))
            self._add(1)
            pos = at + 2

    def _plain(self, body: bytes, start: int, stop: int) -> None:
        """Tags of a stretch of plain markup: counted, and the count begun again at each unit."""
        if not self.root_seen:
            self._root(body, start, stop)
        unit = self.unit
        if unit is None:
            if not self.root_seen:
                self._add(body.count(b"<", start, stop))
            return
        first = _unit_at(body, unit, start, stop)
        if first < 0:
            self._add(body.count(b"<", start, stop))
            return
        self._add(body.count(b"<", start, first))
        last = _last_unit(body, unit, first, stop)
        self.units += body.count(unit, first, stop)
        self.tags = 0
        if self.numbers is not None:
            self._in_order(body, first, stop)
        self._add(body.count(b"<", last, stop))

    def _in_order(self, body: bytes, start: int, stop: int) -> None:
        """Rows numbered upwards: a row numbered as an earlier one would be passed over by the
        reader without a word (or overwrite the row it repeats), so it refuses the file."""
        assert self.numbers is not None
        rows = list(map(int, self.numbers.findall(body, start, stop)))
        if not rows:
            return
        if rows[0] > self.row and all(map(operator.lt, rows, rows[1:])):  # quick: no loop here
            self.row = rows[-1]
            return
        for number in rows:
            if number <= self.row:
                self.refuse(f"{self.where}, строка {number}: записана после строки {self.row} — "
                            "строки листа не по порядку, и часть из них не была бы прочитана. "
                            "Откройте файл в Excel, сохраните заново и загрузите ещё раз.")
            self.row = number

    def _root(self, body: bytes, start: int, stop: int) -> None:
        match = _ROOT.search(body, start, stop)
        if match is None:
            return
        self.root_seen = True
        prefix, name = match.group(1), match.group(2)
        unit = _UNITS.get(name)
        if unit is not None:
            self.unit = b"<" + (prefix + b":" if prefix else b"") + unit
            if name == b"worksheet":
                self.numbers = re.compile(re.escape(self.unit) + rb"\s[^<>]*?\br=\"([0-9]{1,10})\"")

    def _add(self, tags: int) -> None:
        self.tags += tags
        if self.tags > MAX_ROW_TAGS:
            if self.unit == b"<si" or (self.unit or b"").endswith(b":si"):
                what = f"строка общей таблицы № {self.units}"
            elif self.row:
                what = f"строка {self.row}"
            else:
                what = "начало листа"
            limit = f"{MAX_ROW_TAGS:,}".replace(",", "\u00a0")
            self.refuse(f"{self.where}, {what}: больше {limit} тегов (ячеек) подряд в одной "
                        "строке — в строке листа Excel не больше 16\u00a0384 ячеек: файл "
                        "повреждён или искусственно раздут. Файл не прочитан.")


class GuardedStream:
    """A part's stream with its PartGuard: every byte read passes the checks first."""

    def __init__(self, raw: IO[bytes], guard: PartGuard) -> None:
        self.raw, self.guard = raw, guard

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.guard.feed(data)
        if not data or size is None or size < 0:
            self.guard.end()
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> GuardedStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _tail(kept: bytes, more: bytes) -> bytes:
    """The last CONTEXT bytes of kept followed by more."""
    if len(more) >= CONTEXT:
        return more[-CONTEXT:]
    return kept[len(kept) + len(more) - CONTEXT:] + more if len(kept) + len(more) > CONTEXT \
        else kept + more


def _special_at(body: bytes, pos: int) -> int:
    """Where the next «<!» or «<?» begins (-1: none); «!» and «?» are looked for first, one
    byte at a time being the quickest search there is."""
    bang, question = body.find(b"!", pos), body.find(b"?", pos)
    return _first(-1 if bang < 0 else body.find(b"<!", max(bang - 1, pos)),
                  -1 if question < 0 else body.find(b"<?", max(question - 1, pos)))


def _first(*found: int) -> int:
    """The smallest of positions found (-1: none of them)."""
    hits = [f for f in found if f >= 0]
    return min(hits) if hits else -1


def _open_cell(before: bytes) -> tuple[str, int] | None:
    """The address (column, row) of the cell a run is the text of: the last cell tag before it,
    not closed and not empty («<c …/>»), with the run right after a tag («<t>», «<v>»)."""
    if not before.endswith(b">"):
        return None  # the run is inside a tag
    found = None
    for match in _CELL.finditer(before):
        found = match
    if found is None:
        return None
    end = before.find(b">", found.end())
    if before[end - 1:end] == b"/" or _CELL_END.search(before, end):
        return None
    return found.group(1).decode(), int(found.group(2))


def _unit_at(body: bytes, unit: bytes, start: int, stop: int) -> int:
    """Where the first unit tag («<row …») of a stretch begins (-1: none); «<rowBreaks» is not."""
    at = body.find(unit, start, stop)
    while at >= 0 and not _ends_name(body, at + len(unit)):
        at = body.find(unit, at + 1, stop)
    return at


def _last_unit(body: bytes, unit: bytes, first: int, stop: int) -> int:
    at = body.rfind(unit, first, stop)
    while at > first and not _ends_name(body, at + len(unit)):
        at = body.rfind(unit, first, at)
    return max(at, first)


def _ends_name(body: bytes, at: int) -> bool:
    return at >= len(body) or body[at] in b" \t\r\n/>"
