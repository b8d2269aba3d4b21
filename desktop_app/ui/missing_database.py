"""The window's start when its database file does not exist yet: the user chooses to create a
new one, to open an existing one, or to quit — nothing is created silently.

Imported only when the file is missing, so the usual start does not pay for it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME

TITLE = "Базы данных ещё нет"
OPEN_FILTER = "База Методактива (*.sqlite *.db);;Все файлы (*)"


class MissingDatabaseDialog(QDialog):
    """«Базы данных ещё нет»: «Создать новую базу», «Открыть…», «Выход». After it is accepted,
    chosen holds (path, create): the file to open and whether it is to be made new."""

    def __init__(self, path: Path, given: bool = False, can_create: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.chosen: tuple[str, bool] | None = None
        self.setWindowTitle(f"{TITLE} — {APP_NAME}")
        heading = QLabel(f"<b>{TITLE}</b>", self)
        self.text = QLabel(_explanation(path, given, can_create), self)
        self.text.setWordWrap(True)
        self.create_button = QPushButton("Создать новую базу", self)
        self.open_button = QPushButton("Открыть…", self)
        self.quit_button = QPushButton("Выход", self)
        self.create_button.setVisible(can_create)
        self.create_button.clicked.connect(self._create)
        self.open_button.clicked.connect(self._open)
        self.quit_button.clicked.connect(self.reject)
        # a path given with --db may be mistyped: Enter does not make a database there
        default = self.create_button if can_create and not given else self.open_button
        default.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.create_button, self.open_button, self.quit_button):
            button.setAutoDefault(button is default)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def _create(self) -> None:
        self.chosen = (str(self.path), True)
        self.accept()

    def _open(self) -> None:
        folder = self.path.parent if self.path.parent.is_dir() else Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Открыть базу", str(folder), OPEN_FILTER)
        if name:  # a cancelled file dialog leaves the choice open
            self.chosen = (name, False)
            self.accept()


def _explanation(path: Path, given: bool, can_create: bool) -> str:
    if given:
        first = (f"Файла базы данных «{path}», указанного в --db, нет. Проверьте имя файла "
                 "или выберите существующую базу.")
    else:
        first = (f"Файла базы данных «{path}» ещё нет: программа запускается впервые на этом "
                 "компьютере (или база хранится в другом месте).")
    create = ("«Создать новую базу» — новая пустая база в этом файле; затем заполните "
              "реквизиты центра (Сервис → Настройки) и загрузите бланки ОО.\n"
              if can_create else "")
    return (f"{first}\n\n{create}«Открыть…» — выбрать существующий файл базы (.sqlite).\n"
            "«Выход» — закрыть программу, ничего не создавая.")


def ask_missing_database(path: Path, given: bool = False,
                         can_create: bool = True) -> tuple[str, bool] | None:
    """Ask what to do about a database file that does not exist: (path, create) to open, or
    None to quit."""
    dialog = MissingDatabaseDialog(path, given=given, can_create=can_create)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.chosen if accepted else None
