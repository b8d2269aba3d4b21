"""Settings dialog: the municipality and centre (for documents), the preset of grounds in force
and its grounds, the limit of mentees per mentor. While the centre's requisites are still the
shipped placeholders it says which to fill (documents are not printed until then)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import active, municipalities, requisites, settings
from desktop_app.services.validation import Refused
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import (
    dialog_buttons,
    error_label,
    fit_to_screen,
    set_texts,
    text_edit,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.ui.main_window import MainWindow

# the requisites in their order, the municipality's genitive name and ОКТМО code after the
# municipality
TEXT_SETTINGS = [
    (key, requisites.SPECS[key].title)
    for key in (*requisites.REQUISITES[:4], "municipality_genitive", "oktmo",
                *requisites.REQUISITES[4:])
]


class SettingsDialog(QDialog):
    """Edits the settings; grounds are saved at once, the rest with «Сохранить»."""

    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Настройки")
        fit_to_screen(self, 800, 580)
        self.error = error_label(self)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("QLabel { color: #8a4b00; font-weight: bold; }")
        self.notice.hide()
        self.fields: dict[str, QLineEdit] = {}
        self.mentee_limit = QSpinBox()
        self.mentee_limit.setRange(1, 20)
        self.preset = QComboBox()
        self.requirement = QComboBox()
        for code, text in active.REQUIREMENTS.items():
            self.requirement.addItem(text, code)
        self.min_years = QSpinBox()
        self.min_years.setRange(0, 40)
        self.min_years.setSuffix(" лет")
        self.grounds = QListWidget()
        self.grounds.setWordWrap(True)
        self.ground_text = text_edit(60)
        self.ground_mandatory = QCheckBox("включается в обязательном порядке")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._general_page(), "Муниципалитет и центр")
        self.tabs.addTab(self._grounds_page(), "Основания включения в актив")
        buttons = dialog_buttons(self, self.save, "Save")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load()

    def _general_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, title in TEXT_SETTINGS:
            label, hint = requisites.label(key), title.partition(" (")[2]
            self.fields[key] = QLineEdit()
            if hint:  # «(«г. Заречный»)» — shown in the empty field, the label stays short
                self.fields[key].setPlaceholderText(hint.removesuffix(")").strip("«»"))
            self.fields[key].setToolTip(title)
            form.addRow(label + ":", self.fields[key])
        form.addRow("Наставляемых на одного наставника, не более:", self.mentee_limit)
        return page

    def _grounds_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.addRow("Действующий перечень:", self.preset)
        form.addRow("Требование к квалификации:", self.requirement)
        form.addRow("Стаж по специальности не менее:", self.min_years)
        layout.addLayout(form)
        self.preset.currentIndexChanged.connect(self._show_preset)
        layout.addWidget(self.grounds, 1)
        self.grounds.currentRowChanged.connect(self._show_ground)
        layout.addWidget(QLabel("Текст основания:"))
        layout.addWidget(self.ground_text)
        layout.addWidget(self.ground_mandatory)
        row = QHBoxLayout()
        for text, slot in (("Добавить основание", self.add_ground),
                           ("Изменить основание", self.edit_ground),
                           ("Удалить основание", self.remove_ground),
                           ("Новый перечень (копия)…", self.copy_preset)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # loading ---------------------------------------------------------------------------------
    def _load(self) -> None:
        with self.db.sessions() as session:
            values = settings.get_all(session)
        set_texts(self.fields, values)
        self._show_missing(values)
        try:
            self.mentee_limit.setValue(int(values.get("mentee_limit", "3")))
        except ValueError:
            self.mentee_limit.setValue(3)
        self._load_presets()

    def _show_missing(self, values: dict[str, str]) -> None:
        """Name the requisites still empty or the shipped placeholders, above the fields."""
        missing = requisites.placeholders(values, for_order=True)
        self.missing = missing
        if not missing:
            self.notice.hide()
            return
        names = ", ".join(f"«{requisites.label(key)}»" for key in missing)
        self.notice.setText(
            "Заполните реквизиты центра: они печатаются в каждом документе, и пока здесь пусто "
            f"или стоят образцы из поставки, документы не печатаются. Не заполнены: {names}.")
        self.notice.show()
        self.tabs.setCurrentIndex(0)

    def _load_presets(self, select_id: int | None = None) -> None:
        with self.db.sessions() as session:
            self._presets = {p.id: p for p in active.list_presets(session)}
        current = select_id or next((p.id for p in self._presets.values() if p.in_force), None)
        self.preset.blockSignals(True)
        self.preset.clear()
        for p in self._presets.values():
            self.preset.addItem(p.name, p.id)
        self.preset.setCurrentIndex(max(self.preset.findData(current), 0))
        self.preset.blockSignals(False)
        self._show_preset()

    def _show_preset(self) -> None:
        preset = self._presets.get(self.preset.currentData())
        self.grounds.clear()
        if preset is None:
            return
        self.requirement.setCurrentIndex(max(self.requirement.findData(preset.requirement), 0))
        self.min_years.setValue(preset.min_experience_years)
        for g in preset.grounds:
            mark = " (обязательно)" if g.mandatory else ""
            item = QListWidgetItem(f"{g.number}) {g.text}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, g.id)
            self.grounds.addItem(item)

    def _show_ground(self, row: int) -> None:
        preset = self._presets.get(self.preset.currentData())
        if preset is None or not 0 <= row < len(preset.grounds):
            return
        self.ground_text.setPlainText(preset.grounds[row].text)
        self.ground_mandatory.setChecked(preset.grounds[row].mandatory)

    # grounds (saved at once) -----------------------------------------------------------------
    def _ground_action(self, action: Callable[[Session], object]) -> bool:
        try:
            with self.db.sessions.begin() as session:
                action(session)
        except Refused as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.error.hide()
        self._load_presets(self.preset.currentData())
        return True

    def selected_ground(self) -> int | None:
        item = self.grounds.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def add_ground(self) -> bool:
        preset_id, text = self.preset.currentData(), self.ground_text.toPlainText()
        mandatory = self.ground_mandatory.isChecked()
        return self._ground_action(lambda s: active.add_ground(s, preset_id, text, mandatory))

    def _no_ground(self) -> bool:
        self.error.setText("Выберите основание в списке, затем нажмите кнопку ещё раз.")
        self.error.show()
        return False

    def edit_ground(self) -> bool:
        ground_id = self.selected_ground()
        if ground_id is None:
            return self._no_ground()
        text, mandatory = self.ground_text.toPlainText(), self.ground_mandatory.isChecked()
        return self._ground_action(lambda s: active.edit_ground(s, ground_id, text, mandatory))

    def remove_ground(self) -> bool:
        ground_id = self.selected_ground()
        if ground_id is None:
            return self._no_ground()
        return self._ground_action(lambda s: active.remove_ground(s, ground_id))

    def copy_preset(self) -> None:
        ask = QInputDialog(self)
        ask.setWindowTitle("Новый перечень")
        ask.setLabelText("Название перечня (копия текущего с его основаниями):")
        ask.setOkButtonText("ОК")
        ask.setCancelButtonText("Отмена")
        if ask.exec() == QDialog.DialogCode.Accepted:
            self.add_preset_copy(ask.textValue())

    def add_preset_copy(self, name: str) -> bool:
        source, requirement = self.preset.currentData(), self.requirement.currentData()
        created: list[int] = []
        ok = self._ground_action(
            lambda s: created.append(active.add_preset(s, name, requirement, source)))
        if ok:
            self._load_presets(created[0])
        return ok

    # saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        values = {key: edit.text().strip() for key, edit in self.fields.items()}
        values["mentee_limit"] = str(self.mentee_limit.value())
        preset_id = self.preset.currentData()
        preset = self._presets.get(preset_id)
        try:
            with self.db.sessions.begin() as session:
                if preset is not None:
                    active.update_preset(session, preset_id, preset.name,
                                         self.requirement.currentData(), self.min_years.value())
                    active.set_preset_in_force(session, preset_id)
                values["oktmo"] = requisites.normalise("oktmo", values.get("oktmo", ""))
                settings.put(session, values)
                municipalities.follow_settings(session)
        except Refused as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        except requisites.SettingRefused as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.saved.emit()
        self.accept()
        return True


def open_settings(window: MainWindow) -> SettingsDialog:
    """Open the dialog over the main window (not blocking); the registry reloads after a save."""
    dialog = SettingsDialog(window.db, window)
    tab = getattr(window, "registry_tab", None)
    if tab is not None:
        dialog.saved.connect(tab.reload)
    window._settings_dialog = dialog  # kept alive while shown
    dialog.open()
    return dialog
