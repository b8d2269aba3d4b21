"""The municipality filter of a tab: a combo box with its label, shown only when the ОО belong
to more than one municipality (a region's database); it tells the ОО of the one chosen."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

Choice = tuple[int, str, frozenset[int]]  # a municipality's id, name and the ids of its ОО


class MunicipalityFilter:
    """The box and its label (a tab lays out widgets() and listens to box.currentIndexChanged);
    a tab whose filter bar is full goes without the label: «все муниципалитеты» says it."""

    EVERY = "все муниципалитеты"

    def __init__(self, parent: QWidget | None = None, label: bool = True) -> None:
        self.label = QLabel("Муниципалитет:", parent) if label else None
        self.box = QComboBox(parent)
        self.box.setToolTip("Муниципалитет")
        # as wide as the tab's other filters, not as its longest name: a 1366-px screen holds
        # the bar
        self.box.setMinimumContentsLength(18)
        self.box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._orgs: dict[int, frozenset[int]] = {}
        self._show(False)

    def fill(self, choices: list[Choice]) -> None:
        """New choices (the one chosen kept when still there), no signal; shown when several."""
        self._orgs = {mid: ids for mid, _name, ids in choices}
        current = self.box.currentData()
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItem(self.EVERY, None)
        for mid, name, _ids in choices:
            self.box.addItem(name, mid)
        self.box.setCurrentIndex(max(self.box.findData(current), 0))
        self.box.blockSignals(False)
        self._show(len(choices) > 1)

    def organisations(self) -> frozenset[int] | None:
        """The ОО of the municipality chosen (None: every municipality)."""
        chosen = self.box.currentData()
        return None if chosen is None else self._orgs.get(chosen, frozenset())

    def reset(self) -> None:
        """Every municipality again, no signal."""
        self.box.blockSignals(True)
        self.box.setCurrentIndex(0)
        self.box.blockSignals(False)

    def _show(self, shown: bool) -> None:
        for widget in self.widgets():
            widget.setVisible(shown)

    def widgets(self) -> list[QWidget]:
        """What a layout takes: the label (if any), then the box."""
        return [self.label, self.box] if self.label is not None else [self.box]
