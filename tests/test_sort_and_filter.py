"""The one Russian sort key, and lists that filter in their sorted order without sorting again."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from desktop_app.textutil import clean, ru_sort_key
from desktop_app.ui.common.table_model import Column, RowsTableModel, column_keys, sort_value
from desktop_app.ui.common.widgets import ListPanel
from tests.helpers import type_text

ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def reference_key(text: object) -> tuple[tuple[int, int], ...]:
    """The order the program promises: spaces, punctuation and digits (codes below Latin «a»)
    by their code, then Russian letters in alphabet order (ё right after е), then every other
    character by its code; case and repeated spaces ignored."""
    return tuple((0, ord(ch)) if ord(ch) < ord("a") else
                 (1, ALPHABET.index(ch)) if ch in ALPHABET else (2, ord(ch))
                 for ch in clean(text).lower())


def test_ru_sort_key_orders_as_the_reference() -> None:
    rng = random.Random(7)
    letters = ALPHABET + ALPHABET.upper() + "abcXYZ019 -.,«»\u00a0\tЁё"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 8))) for _ in range(3000)]
    words += ["Федоров", "Фёдоров", "Фж", "Иванов Пётр", "Иванова Анна", "  ёлка", "Ель", None]
    fast = sorted(words, key=ru_sort_key)
    assert [reference_key(w) for w in fast] == sorted(reference_key(w) for w in words)
    assert ru_sort_key("Федоров") < ru_sort_key("Фёдоров") < ru_sort_key("Фж")
    # word by word: a shorter surname first, as in a printed list
    assert ru_sort_key("Иванов Пётр") < ru_sort_key("Иванов-Петров Пётр") \
        < ru_sort_key("Иванова Анна") < ru_sort_key("Иванович Пётр")
    assert ru_sort_key("Яковлев") < ru_sort_key("Smith") and ru_sort_key("1 класс") < \
        ru_sort_key("А")
    assert ru_sort_key("  ЁЛКА\u00a0 зелёная ") == ru_sort_key("ёлка зелёная")


def test_column_keys_order_like_sort_value() -> None:
    texts = ["Юрьев", "ёж", "Ежов", "Яшин", "ежов"]
    mixed = ["Юрьев", None, 3, True, "ёж"]
    for values in (texts, mixed, [5, 1, None, 2.5], [True, False]):
        keys = column_keys(values)
        by_keys = sorted(range(len(values)), key=keys.__getitem__)
        by_value = sorted(range(len(values)), key=lambda i, v=values: sort_value(v[i]))
        assert by_keys == by_value


def _names(model: RowsTableModel) -> list[str]:
    return [model.row_values(r)[0] for r in range(model.rowCount())]


def test_filter_keeps_the_sorted_order_and_never_sorts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    model = RowsTableModel([Column("ФИО"), Column("Возраст")])
    model.sort(0, Qt.SortOrder.AscendingOrder)
    rows = [("Ёлкин", 40, 1), ("Абрамов", 30, 2), ("Елкин", 50, 3), ("Жуков", 30, 4)]
    model.set_rows(rows)
    assert _names(model) == ["Абрамов", "Елкин", "Ёлкин", "Жуков"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    # equal ages keep the order of the previous sort by name
    assert _names(model) == ["Елкин", "Ёлкин", "Абрамов", "Жуков"]
    sorts: list[int] = []
    monkeypatch.setattr(model, "_keys", lambda column: sorts.append(column) or [])
    model.set_filter(lambda row: "к" in row[0])
    assert _names(model) == ["Елкин", "Ёлкин", "Жуков"] and sorts == []
    model.narrow_filter(lambda row: "лк" in row[0])
    assert _names(model) == ["Елкин", "Ёлкин"]
    model.set_filter(None)
    assert _names(model) == ["Елкин", "Ёлкин", "Абрамов", "Жуков"] and sorts == []


def test_typing_narrows_and_deleting_widens(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = ListPanel([Column("ФИО"), Column("ОО")])
    qtbot.addWidget(panel)
    panel.set_rows([("Петров Пётр", "Школа № 1", 1), ("Петрова Анна", "Школа № 2", 2),
                    ("Семёнов Иван", "Школа № 1", 3), ("Иванов Семён", "Школа № 3", 4)])
    panel.set_extra_filter(lambda row: row[1] != "Школа № 3")
    panel.search.setFocus()
    type_text(panel.search, "петр")
    assert _names(panel.model) == ["Петров Пётр", "Петрова Анна"]  # word by word
    type_text(panel.search, "ова")
    assert _names(panel.model) == ["Петрова Анна"]
    panel.search.setText("семе")
    assert _names(panel.model) == ["Семёнов Иван"]  # «Иванов Семён» is in Школа № 3
    panel.set_extra_filter(None)
    assert _names(panel.model) == ["Иванов Семён", "Семёнов Иван"]
    panel.search.clear()
    assert panel.model.rowCount() == 4 and panel.count.text() == "Показано: 4 из 4"
