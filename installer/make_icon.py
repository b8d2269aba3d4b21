"""Draws the program icon (resources/icons/metodaktiv.png and .ico) with Qt; run once by hand."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1f5f9e"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    painter.setBrush(QColor("#f2b630"))
    painter.drawEllipse(QRectF(size * 0.62, size * 0.10, size * 0.26, size * 0.26))
    painter.setPen(QColor("white"))
    font = QFont("DejaVu Sans", 1)
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(0, size * 0.06, size, size), Qt.AlignmentFlag.AlignCenter, "М")
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(ICONS / "metodaktiv.png"))
    draw(256).save(str(ICONS / "metodaktiv.ico"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
