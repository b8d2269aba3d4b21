"""The very hidden sheet that marks a collection round's workbook: which round, which ОО, the
fingerprint of what was sent, signed with the round's secret.

Apart from the rest of the round (exchange/rounds/) because the blank forms' import reads it
too, to refuse a round file given to it, and the round's apply builds on that import.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

ROUND_SHEET = "Сбор сведений"
MARK = "Методактив: сбор сведений"
FORMAT = 1


def signature(secret: str, round_id: int, org_id: int, on: date, fingerprint: str) -> str:
    """The HMAC-SHA256 of the round file's header with the round's secret."""
    message = f"{FORMAT}|{round_id}|{org_id}|{on.isoformat()}|{fingerprint}".encode()
    return hmac.new(secret.encode("ascii"), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Header:
    """The hidden sheet of a round file."""

    round_id: int
    on: date
    org_id: int
    org_name: str
    fingerprint: str
    signature: str

    def rows(self) -> list[tuple[str, Any]]:
        """(label, value) rows under the MARK in A1."""
        return [("Формат", FORMAT), ("Сбор", self.round_id), ("Дата", self.on.isoformat()),
                ("Код ОО", self.org_id), ("ОО", self.org_name),
                ("Отпечаток", self.fingerprint), ("Подпись", self.signature)]

    def verified(self, secret: str) -> bool:
        expected = signature(secret, self.round_id, self.org_id, self.on, self.fingerprint)
        return hmac.compare_digest(expected, self.signature)


class HeaderProblem(ValueError):
    """The hidden sheet is not a round's header (edited, cut, of another program)."""


def read_header(values: Iterable[Iterable[Any]]) -> Header:
    """The header from the hidden sheet's rows (values only). Raises HeaderProblem."""
    rows = [list(r) for r in values]
    if not rows or not rows[0] or rows[0][0] != MARK:
        raise HeaderProblem("нет отметки сбора сведений")
    found: dict[str, Any] = {}
    for row in rows[1:]:
        if len(row) >= 2 and isinstance(row[0], str):
            found[row[0]] = row[1]
    try:
        if int(found["Формат"]) != FORMAT:
            raise HeaderProblem(f"формат {found['Формат']}, а программа читает {FORMAT}")
        return Header(int(found["Сбор"]), date.fromisoformat(str(found["Дата"])),
                      int(found["Код ОО"]), str(found["ОО"]), str(found["Отпечаток"]),
                      str(found["Подпись"]))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, HeaderProblem):
            raise
        raise HeaderProblem(f"сведения о сборе неполны или изменены ({exc})") from exc
