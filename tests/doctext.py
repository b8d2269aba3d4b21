"""Documents read back as a reader sees them, and the checks of their typesetting.

`pdf_lines` is pdftotext's raw output (text in the order it was drawn: a table cell's lines
follow each other); `pdf_text` joins it into one line, a word broken at a line's end with a
hyphen joined again. `same` compares texts the way a reader does: no-break spaces are spaces,
„inner“ quotes are quotes, a dash is a dash whatever its width, a hyphen at a break is no letter.
`broken_words` finds every word of a PDF that is not a word of the document's own text: a word
cut without a hyphen shows up as two pieces that are not words.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_READABLE = str.maketrans({"\u00a0": " ", "\u00ad": None, "\u2060": None, "„": "«", "“": "»",
                           "\u2011": "-", "—": "-", "–": "-", "\u2212": "-", "\f": " "})
_PUNCTUATION = "«»„“”\"()[]{},.;:!?…"


def pdf_lines(path: Path, page: int | None = None) -> list[str]:
    """The lines pdftotext -raw reads from the PDF (or from one page), empty ones dropped."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *pages, str(path), "-"],
                         check=True, capture_output=True, text=True, encoding="utf-8")
    return [line.strip() for line in out.stdout.replace("\f", "\n").split("\n") if line.strip()]


def pdf_pages(path: Path) -> list[list[str]]:
    """The raw lines of each page (pdftotext ends every page with a form feed)."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True, encoding="utf-8")
    pages = out.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [[line.strip() for line in page.split("\n") if line.strip()] for page in pages]


def join_hyphenated(lines: list[str]) -> str:
    """One text: a line ending in a hyphen is joined to the next without a space (the word
    goes on), other lines with a space."""
    text = ""
    for line in lines:
        if text and not text.endswith("-"):
            text += " "
        text += line
    return text


def pdf_text(path: Path, page: int | None = None) -> str:
    return readable(join_hyphenated(pdf_lines(path, page)))


def readable(text: str) -> str:
    """What a reader compares: one space for any run of spaces, quotes and dashes as such."""
    return " ".join(text.translate(_READABLE).split())


def same(needle: str, haystack: str) -> bool:
    """Whether the haystack holds the needle as a reader reads it (a hyphen where a word was
    broken at a line's end does not count, nor whether a word had its own hyphen there)."""
    return readable(needle).replace("-", "") in readable(haystack).replace("-", "")


def _word(token: str) -> str:
    return token.strip(_PUNCTUATION).replace("-", "").lower()


def vocabulary(*texts: str) -> set[str]:
    """The words of the document's own text, as broken_words compares them."""
    words: set[str] = set()
    for text in texts:
        for token in readable(text).split():
            words.add(_word(token))
            words.update(_word(part) for part in re.split(r"[-/]", token))
    return words


def broken_words(lines: list[str], words: set[str]) -> list[str]:
    """Tokens of the PDF (a line ending in a hyphen joined to the next) that are not words of
    the document: pieces of a word cut without a hyphen, or joined wrongly. Numbers pass."""
    return [token for token in readable(join_hyphenated(lines)).split()
            if not _known(token, words)]


def _known(token: str, words: set[str]) -> bool:
    word = _word(token)
    return not word or bool(re.fullmatch(r"[\d.,%/№+]+", word)) or word in words


def broken_words_by_page(pages: list[list[str]], words: set[str]) -> list[str]:
    """broken_words over a whole PDF, page by page. A line ending in a hyphen goes on in the
    next line; where that does not make a word of the document, the cell went over to the
    next page (a table row cut at the foot of a page), and the word goes on in the first piece
    of the next page that completes it."""
    found: list[str] = []
    carried: list[str] = []
    for page in pages:
        tokens: list[str] = []
        hanging: list[str] = []
        for line in page:
            parts = readable(line).split()
            if tokens and tokens[-1].endswith("-") and parts:
                joined = tokens[-1] + parts[0]
                if joined.endswith("-") and len(parts) == 1 or _known(joined, words):
                    tokens[-1] = joined  # the word goes on (or is whole)
                    parts.pop(0)
                else:
                    hanging.append(tokens.pop())
            tokens.extend(parts)
        if tokens and tokens[-1].endswith("-"):
            hanging.append(tokens.pop())
        for head in carried:
            index = next((i for i, t in enumerate(tokens) if _known(head + t, words)), None)
            if index is None:
                found.append(head + "|")
            else:
                tokens.pop(index)
        carried = hanging
        found.extend(token for token in tokens if not _known(token, words))
    return found + [head + "|" for head in carried]


def docx_paragraphs(path: Path) -> list[str]:
    """Every paragraph of a DOCX in document order, table cells and nested tables included; a
    no-break hyphen reads as a hyphen, a soft hyphen as nothing, a line break as a space."""
    from docx import Document as read_docx
    from docx.oxml.ns import qn

    body = read_docx(str(path)).element.body
    texts = []
    for paragraph in body.iter(qn("w:p")):
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:noBreakHyphen"), qn("w:br"), qn("w:tab")):
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag == qn("w:noBreakHyphen"):
                parts.append("-")
            else:
                parts.append(" ")
        texts.append("".join(parts))
    return texts
