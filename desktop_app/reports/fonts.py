"""Liberation Serif (metric-compatible with Times New Roman) registered in reportlab, embedded."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop_app import paths

FAMILY = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
ITALIC = "LiberationSerif-Italic"
BOLD_ITALIC = "LiberationSerif-BoldItalic"
# The name a Word copy asks for: Windows has it, LibreOffice maps it to Liberation Serif.
DOCX_FONT = "Times New Roman"

_FILES = {
    FAMILY: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}


def font_file(name: str) -> Path:
    """The shipped TTF of one face."""
    return paths.resource("fonts", _FILES[name])


def register_fonts() -> str:
    """Register the four faces once; returns the family name to use in styles."""
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return FAMILY
    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)
    return FAMILY
