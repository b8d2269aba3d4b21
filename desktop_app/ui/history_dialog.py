"""«История изменений» of a person or a pair, and the whole change journal with filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import changelog
from desktop_app.services.changelog import HistoryEntry
from desktop_app.store.database import Database
from desktop_app.ui.common.widgets import gc_paused

COLUMNS = ["Когда", "Раздел", "Запись", "Действие", "Поле", "Было", "Стало", "Источник"]
JOURNAL_LIMIT = 2000
# table rows made at once (more than a screen holds); the others as they are scrolled to: the
# journal's 2 000 changes of a region's exchange copy are some 15 000 rows of fields, and their
# table items took a second to make
FIRST_ROWS = 200


def _rows(entries: list[HistoryEntry]) -> list[list[str]]:
    """One table row per changed field (a row with no field for an empty change), newest first;
    the source (the file of an import or a merge) last, empty for a change made in the window."""
    rows = []
    moments: dict[datetime, str] = {}  # a bulk write's entries share their moment: made once
    for entry in sorted(entries, key=lambda e: (e.changed_at, e.id), reverse=True):
        when = moments.get(entry.changed_at)
        if when is None:
            when = moments[entry.changed_at] = f"{entry.changed_at:%d.%m.%Y %H:%M:%S}"
        head = [when, entry.table_label, f"№ {entry.record_id}", entry.action_label]
        for change in entry.changes or ():
            rows.append([*head, change.label, change.old, change.new, entry.source])
        if not entry.changes:
            rows.append([*head, "", "", "", entry.source])
    return rows


class HistoryDialog(QDialog):
    """A table of changes; the journal variant has a section filter and a search field."""

    def __init__(self, title: str, load: Callable[[str | None, str], list[HistoryEntry]],
                 parent: QWidget | None = None, filters: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._load = load
        layout = QVBoxLayout(self)
        self.section = QComboBox()
        self.search = QLineEdit()
        if filters:
            layout.addLayout(self._filter_bar())
        else:  # a person's or a pair's history has no filters: keep them out of sight
            self.section.setParent(self)
            self.search.setParent(self)
            self.section.hide()
            self.search.hide()
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalScrollBar().valueChanged.connect(lambda _value: self._make_shown())
        self._rows: list[list[str]] = []
        self._made = 0  # rows with their items, from the top
        layout.addWidget(self.table)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 520)
        self.reload()

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.section.addItem("Все разделы", None)
        for table, label in sorted(changelog.entity_tables().items(), key=lambda kv: kv[1]):
            self.section.addItem(label, table)
        self.search.setPlaceholderText("Поиск по значениям и источнику (имени файла)…")
        self.section.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        bar.addWidget(QLabel("Раздел:"))
        bar.addWidget(self.section)
        bar.addWidget(self.search, 1)
        return bar

    def reload(self) -> None:
        with gc_paused():  # 2 000 changes make some 50 000 objects, none of them cyclic
            entries = self._load(self.section.currentData(), self.search.text())
            self._rows, self._made = _rows(entries), 0
        self.table.clearContents()
        self.table.setRowCount(len(self._rows))
        self._make(FIRST_ROWS)
        self.table.resizeColumnsToContents()
        self.count.setText(f"Изменений: {len(entries)}")

    def _make(self, count: int) -> None:
        """The table items of the rows up to count (those not made yet)."""
        count = min(count, len(self._rows))
        for r in range(self._made, count):
            for c, text in enumerate(self._rows[r]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._made = max(self._made, count)

    def _make_shown(self) -> None:
        """Scrolled: the rows down to the last one in view, and a screen more, get their items."""
        last = self.table.rowAt(self.table.viewport().height() - 1)
        self._make((last if last >= 0 else len(self._rows)) + FIRST_ROWS)


def history_dialog(parent: QWidget | None, db: Database, kind: str,
                   record_id: int) -> HistoryDialog:
    """The dialog for kind "person", "pair" or a table name, without showing it."""
    def load(_section: str | None, _text: str) -> list[HistoryEntry]:
        with db.sessions() as session:
            if kind == "person":
                return changelog.person_history(session, record_id)
            if kind == "pair":
                return changelog.pair_history(session, record_id)
            return changelog.history(session, kind, record_id)

    titles = {"person": "педагога", "pair": "наставнической пары"}
    title = f"История изменений {titles.get(kind, 'записи')} № {record_id}"
    return HistoryDialog(title, load, parent)


def show_history(parent: QWidget | None, db: Database, kind: str, record_id: int) -> None:
    """«История изменений» of a person ("person"), a pair ("pair") or a row of a table."""
    history_dialog(parent, db, kind, record_id).exec()


def journal_dialog(parent: QWidget | None, db: Database) -> HistoryDialog:
    """The latest changes of the whole database, filterable by section and text."""
    def load(section: str | None, text: str) -> list[HistoryEntry]:
        with db.sessions() as session:
            return changelog.latest(session, JOURNAL_LIMIT, section, text)

    return HistoryDialog("Журнал изменений", load, parent, filters=True)


def show_journal(parent: QWidget | None, db: Database) -> None:
    journal_dialog(parent, db).exec()
