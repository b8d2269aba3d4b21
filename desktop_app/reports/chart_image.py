"""The bar chart as a PNG picture (Pillow) for the Word copy, drawn like the PDF's chart."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from desktop_app.reports.docmodel import Chart
from desktop_app.reports.fonts import FAMILY, font_file
from desktop_app.textutil import fmt_number

COLOURS = ("#9aa9bd", "#1f3f6e", "#c0504d")
WIDTH, HEIGHT = 1600, 800
LEFT, RIGHT, TOP, BOTTOM = 120, 40, 50, 170
# Placed 170 mm wide, 9.4 px make a millimetre: labels of 30–34 px print at about 9 pt.


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(name)), size)


def _scale_max(block: Chart) -> float:
    top = max([v for _, values in block.series for v in values] + [1.0])
    return 100.0 if block.unit == "%" and top <= 100 else top * 1.1


def _axes(draw: ImageDraw.ImageDraw, block: Chart, top_value: float) -> None:
    small = _font(FAMILY, 30)
    plot_h = HEIGHT - TOP - BOTTOM
    for step in range(6):
        value = top_value * step / 5
        y = HEIGHT - BOTTOM - plot_h * step / 5
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill="#dddddd", width=1)
        draw.text((LEFT - 10, y), fmt_number(value, 0), font=small, fill="black", anchor="rm")
    draw.line([(LEFT, TOP), (LEFT, HEIGHT - BOTTOM)], fill="black", width=2)
    draw.line([(LEFT, HEIGHT - BOTTOM), (WIDTH - RIGHT, HEIGHT - BOTTOM)], fill="black", width=2)


def _bars(draw: ImageDraw.ImageDraw, block: Chart, top_value: float) -> None:
    small = _font(FAMILY, 28)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(block.categories), 1)
    bar_w = slot * 0.7 / max(len(block.series), 1)
    for c, category in enumerate(block.categories):
        x0 = LEFT + slot * c + slot * 0.15
        for s, (_, values) in enumerate(block.series):
            value = values[c] if c < len(values) else 0.0
            height = plot_h * min(value, top_value) / top_value
            x = x0 + bar_w * s
            y = HEIGHT - BOTTOM - height
            draw.rectangle([(x, y), (x + bar_w - 4, HEIGHT - BOTTOM)], fill=COLOURS[s % 3])
            draw.text((x + bar_w / 2, y - 4), fmt_number(value, 1), font=small, fill="black",
                      anchor="mb")
        draw.text((LEFT + slot * (c + 0.5), HEIGHT - BOTTOM + 12), category, font=small,
                  fill="black", anchor="ma")


def _legend(draw: ImageDraw.ImageDraw, block: Chart) -> None:
    font = _font(FAMILY, 34)
    x = WIDTH / 2 - 150 * len(block.series) / 2
    for s, (name, _) in enumerate(block.series):
        draw.rectangle([(x, HEIGHT - 66), (x + 30, HEIGHT - 36)], fill=COLOURS[s % 3])
        draw.text((x + 42, HEIGHT - 51), name, font=font, fill="black", anchor="lm")
        x += 60 + draw.textlength(name, font=font)


def chart_png(block: Chart) -> bytes:
    """Draw the chart (its title is the Word caption above it); Cyrillic labels in Liberation
    Serif."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    top_value = _scale_max(block)
    _axes(draw, block, top_value)
    _bars(draw, block, top_value)
    _legend(draw, block)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
